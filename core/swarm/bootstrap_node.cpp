#include "swarm/bootstrap_node.h"

#include "swarm/dht_node.h"
#include "swarm/host_port.h"

namespace sds::swarm {

struct BootstrapNode::Impl {
  dht::DhtRunner node;
};

BootstrapNode::BootstrapNode(std::uint16_t port, const std::vector<std::string>& peers)
    : impl_(std::make_unique<Impl>()) {
  std::vector<std::pair<std::string, std::string>> addresses;
  for (const std::string& p : peers) addresses.push_back(splitHostPort(p));  // check all first
  dht_node::start(impl_->node, port, 0);
  for (const auto& [host, service] : addresses) impl_->node.bootstrap(host, service);
}

BootstrapNode::~BootstrapNode() {
  impl_->node.shutdown({}, true);
  impl_->node.join();
}

std::uint16_t BootstrapNode::port() const { return impl_->node.getBoundPort(); }

DhtNodeCounts BootstrapNode::counts() const {
  DhtNodeCounts counts;
  for (sa_family_t family : {AF_INET, AF_INET6}) {
    const dht::NodeStats stats = impl_->node.getNodesStats(family);
    counts.good += stats.good_nodes;
    counts.dubious += stats.dubious_nodes;
  }
  return counts;
}

}  // namespace sds::swarm
