#pragma once
// A peer's long-term identity: an Ed25519 key pair. The public key is the peer's id; records and
// channel handshakes are signed with the secret key, so no one can speak for a peer without it.

#include <array>
#include <cstdint>
#include <string>

#include "swarm/crypto.h"

namespace sds::swarm {

using PeerId = Key32;  // the Ed25519 public key
using Signature = std::array<std::uint8_t, 64>;

// The first 8 hex digits: how logs and the studio name a peer.
std::string shortName(const PeerId& id);

class Identity {
 public:
  static Identity generate();
  // Loads the key pair from `path`, or creates it there (mode 0600) when the file does not exist, so
  // a machine keeps its id across runs. A damaged file is an error naming it, never overwritten.
  static Identity loadOrCreate(const std::string& path);

  const PeerId& id() const { return publicKey_; }
  Signature sign(std::string_view message) const;

 private:
  PeerId publicKey_{};
  std::array<std::uint8_t, 64> secretKey_{};
};

bool verifySignature(const PeerId& signer, std::string_view message, const Signature& signature);

}  // namespace sds::swarm
