#include "swarm/run_key.h"

#include <sodium.h>

#include <stdexcept>

#include "util/atomic_file.h"

namespace sds::swarm {

namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

RunKey RunKey::fromSecret(const std::string& secret) {
  ensureSodium();
  if (secret.size() < kMinimumLength) {
    throw std::invalid_argument("the run key must be at least " + std::to_string(kMinimumLength) +
                                " characters long (it has " + std::to_string(secret.size()) + ")");
  }
  // A fixed salt: every peer must derive the same keys from the same secret.
  const Key32 saltHash = hash32({"sds-swarm/v1/run-key-salt"});
  unsigned char master[32];
  if (crypto_pwhash(master, sizeof master, secret.data(), secret.size(), saltHash.data(),
                    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("deriving the run key ran out of memory (Argon2id needs 64 MiB)");
  }
  Key32 masterKey;
  std::copy(master, master + 32, masterKey.begin());
  sodium_memzero(master, sizeof master);
  RunKey key;
  key.dhtKey_ = hash32({"sds-swarm/v1/dht"}, &masterKey);
  key.recordKey_ = hash32({"sds-swarm/v1/records"}, &masterKey);
  key.channelKey_ = hash32({"sds-swarm/v1/channel"}, &masterKey);
  key.dataKey_ = hash32({"sds-swarm/v1/data"}, &masterKey);
  sodium_memzero(masterKey.data(), masterKey.size());
  return key;
}

std::string RunKey::readSecretFile(const std::string& path) {
  try {
    return trimmed(readFile(path));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot read the run key file: ") + e.what());
  }
}

RunKey RunKey::fromFile(const std::string& path) {
  const std::string secret = readSecretFile(path);
  try {
    return fromSecret(secret);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

namespace {

bool isTheKeyItself(const std::string& keyOrFile) { return keyOrFile.rfind("sdsrun-", 0) == 0; }

}  // namespace

RunKey RunKey::fromSetting(const std::string& keyOrFile) {
  return isTheKeyItself(keyOrFile) ? fromSecret(keyOrFile) : fromFile(keyOrFile);
}

std::string RunKey::secretOfSetting(const std::string& keyOrFile) {
  return isTheKeyItself(keyOrFile) ? keyOrFile : readSecretFile(keyOrFile);
}

std::string RunKey::generateSecret() {
  const Bytes raw = randomBytes(24);
  return "sdsrun-" + toHex(raw.data(), raw.size());
}

}  // namespace sds::swarm
