#pragma once
// A DHT node that trains nothing: the fixed address new peers start from (`sdtrain swarm
// bootstrap`). It needs no run key: it stores and serves sealed records it cannot read, for any run.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sds::swarm {

struct DhtNodeCounts {
  unsigned good = 0;     // nodes that answered recently
  unsigned dubious = 0;  // nodes not heard from lately
};

class BootstrapNode {
 public:
  // Listens on UDP `port` (0: any free one); `peers` ("host:port") are other bootstrap nodes or peers.
  BootstrapNode(std::uint16_t port, const std::vector<std::string>& peers);
  ~BootstrapNode();
  std::uint16_t port() const;
  DhtNodeCounts counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sds::swarm
