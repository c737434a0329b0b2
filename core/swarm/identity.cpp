#include "swarm/identity.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include "util/atomic_file.h"

namespace sds::swarm {

namespace {

constexpr std::string_view kFileMagic = "sds-swarm-identity-v1\n";

}  // namespace

std::string shortName(const PeerId& id) { return toHex(id.data(), 4); }

Identity Identity::generate() {
  ensureSodium();
  Identity identity;
  crypto_sign_keypair(identity.publicKey_.data(), identity.secretKey_.data());
  return identity;
}

Identity Identity::loadOrCreate(const std::string& path) {
  ensureSodium();
  if (!std::filesystem::exists(path)) {
    Identity identity = generate();
    std::string content(kFileMagic);
    content += asView(identity.secretKey_.data(), identity.secretKey_.size());
    writeFileAtomically(path, content);
    ::chmod(path.c_str(), 0600);
    return identity;
  }
  const std::string content = readFile(path);
  if (content.size() != kFileMagic.size() + 64 || content.compare(0, kFileMagic.size(), kFileMagic) != 0) {
    throw std::runtime_error(path + ": not a swarm identity file (expected the '" +
                             std::string(kFileMagic.substr(0, kFileMagic.size() - 1)) +
                             "' header and a 64-byte key); move it away to create a new identity");
  }
  Identity identity;
  std::copy(content.begin() + static_cast<long>(kFileMagic.size()), content.end(), identity.secretKey_.begin());
  // Ed25519's secret key carries its public key in its second half; check that they belong together.
  crypto_sign_ed25519_sk_to_pk(identity.publicKey_.data(), identity.secretKey_.data());
  const Signature probe = identity.sign("sds-swarm identity check");
  if (!verifySignature(identity.publicKey_, "sds-swarm identity check", probe)) {
    throw std::runtime_error(path + ": the identity key is damaged (its signature does not verify)");
  }
  return identity;
}

Signature Identity::sign(std::string_view message) const {
  Signature signature;
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secretKey_.data());
  return signature;
}

bool verifySignature(const PeerId& signer, std::string_view message, const Signature& signature) {
  ensureSodium();
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), signer.data()) == 0;
}

}  // namespace sds::swarm
