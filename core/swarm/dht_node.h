#pragma once
// Internal to core/swarm (includes OpenDHT): how every SD Studio DHT node is started, so that peers
// and bootstrap nodes speak the same network id and know the record type.

#include <opendht.h>

#include <chrono>
#include <cstdint>

#include "swarm/peer_record.h"

namespace sds::swarm::dht_node {

// Each record is a value of its own, which the DHT drops kRecordExpiration after it was stored;
// storing nodes refuse values larger than a record can be.
const dht::ValueType& recordType();
// How long the DHT keeps a record's value, and how often a peer republishes at the least (each
// record is a value of its own, so the DHT holds a peer's last few): within the expiration.
constexpr std::chrono::seconds kRecordExpiration{30};
constexpr std::chrono::seconds kRecordRepublish{10};

// Starts `node` on UDP `port` (0: any free one) on SD Studio's network id — which keeps other DHTs'
// traffic out but is no security boundary: runs are told apart by their key, and records are
// authenticated. `perAddressRequestLimit`: 0 for OpenDHT's default, -1 for none.
void start(dht::DhtRunner& node, std::uint16_t port, long perAddressRequestLimit);

}  // namespace sds::swarm::dht_node
