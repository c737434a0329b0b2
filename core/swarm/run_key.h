#pragma once
// A swarm run is named by a secret, the run key: a string the peers share, or a key file holding one.
// Nothing about the run travels in a form that lets someone without the key find, read or join it:
// the DHT key is a hash of the key, records are authenticated with a key derived from it, and
// channels bind their key exchange to it. The secret goes through Argon2id first, so that a weak run
// key cannot be guessed quickly from a record or a handshake seen on the wire.

#include <string>

#include "swarm/crypto.h"

namespace sds::swarm {

class RunKey {
 public:
  // Throws std::invalid_argument when the secret is shorter than kMinimumLength characters.
  static RunKey fromSecret(const std::string& secret);
  // Reads the secret from a file (surrounding whitespace ignored); errors name the file.
  static RunKey fromFile(const std::string& path);
  // A setting's value (swarm.run_key, --run-key): the key itself when it starts with "sdsrun-" (as
  // `sdtrain swarm new-key` makes them), else the file holding it.
  static RunKey fromSetting(const std::string& keyOrFile);
  // The secret such a setting stands for: the key itself, or what its file holds (throws naming it).
  static std::string secretOfSetting(const std::string& keyOrFile);
  // The secret a key file holds, surrounding whitespace removed; throws naming the file.
  static std::string readSecretFile(const std::string& path);
  // A new random secret, printable, for `sdtrain swarm new-key` and the studio's "new run".
  static std::string generateSecret();

  static constexpr std::size_t kMinimumLength = 8;

  // Public: where the run's records live in the DHT. Reveals nothing about the secret.
  const Key32& dhtKey() const { return dhtKey_; }
  // Secret: authenticates DHT records (keyed BLAKE2b).
  const Key32& recordKey() const { return recordKey_; }
  // Secret: bound into every channel's key exchange.
  const Key32& channelKey() const { return channelKey_; }
  // Secret: authenticates requests to and answers from the run's dataset server (served_data/).
  const Key32& dataKey() const { return dataKey_; }

 private:
  Key32 dhtKey_{};
  Key32 recordKey_{};
  Key32 channelKey_{};
  Key32 dataKey_{};
};

}  // namespace sds::swarm
