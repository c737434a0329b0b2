#include "swarm/dht_node.h"

#include <cstdlib>
#include <opendht/log.h>
#include <stdexcept>

namespace sds::swarm::dht_node {

const dht::ValueType& recordType() {
  static const dht::ValueType type(
      0x5d5, "sds-swarm-peer", kRecordExpiration,
      [](dht::InfoHash, const std::shared_ptr<dht::Value>& v, const dht::InfoHash&, const dht::SockAddr&) {
        return v->data.size() <= kMaxRecordBytes;
      },
      [](dht::InfoHash, const std::shared_ptr<dht::Value>&, std::shared_ptr<dht::Value>& v, const dht::InfoHash&,
         const dht::SockAddr&) { return v->data.size() <= kMaxRecordBytes; });
  return type;
}

void start(dht::DhtRunner& node, std::uint16_t port, long perAddressRequestLimit) {
  dht::DhtRunner::Config config;
  config.threaded = true;
  config.dht_config.node_config.network = 0x5d5d0001;  // "SD Studio swarm, protocol 1"
  if (perAddressRequestLimit != 0) {
    config.dht_config.node_config.max_peer_req_per_sec = perAddressRequestLimit;
    config.dht_config.node_config.max_req_per_sec = perAddressRequestLimit;
  }
  dht::DhtRunner::Context context;
  // OpenDHT's own log of every message and search, for finding why a node sees no records.
  if (const char* path = std::getenv("SDS_DHT_LOG"); path && *path) context.logger = dht::log::getFileLogger(path);
  try {
    node.run(port, config, std::move(context));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot start the DHT node on UDP port " + std::to_string(port) + ": " + e.what());
  }
  node.registerType(recordType());
}

}  // namespace sds::swarm::dht_node
