#include "swarm/averaging_group.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "swarm/wire.h"

namespace sds::swarm {

std::uint8_t modeByte(bool clientMode, bool auxiliary) { return clientMode ? 1 : auxiliary ? 2 : 0; }

void readMode(ByteReader& r, bool& clientMode, bool& auxiliary) {
  const std::uint8_t mode = r.u8("mode");
  if (mode > 2) throw WireError("mode must be 0 (full), 1 (client) or 2 (auxiliary)");
  clientMode = mode == 1;
  auxiliary = mode == 2;
}

const GroupMember* GroupPlan::member(const PeerId& id) const {
  for (const GroupMember& m : members) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const PartRange* GroupPlan::partOf(const PeerId& id) const {
  for (const PartRange& p : parts) {
    if (p.reducer == id) return &p;
  }
  return nullptr;
}

GroupPlan planGroup(const Group& group, std::size_t totalValues) {
  if (group.members.empty()) throw std::invalid_argument("an averaging group needs at least one member");
  GroupPlan plan;
  plan.total = totalValues;
  plan.members = group.members;
  std::sort(plan.members.begin(), plan.members.end(),
            [](const GroupMember& a, const GroupMember& b) { return a.id < b.id; });
  double bandwidth = 0;
  for (std::size_t i = 0; i < plan.members.size(); ++i) {
    const GroupMember& m = plan.members[i];
    if (i > 0 && m.id == plan.members[i - 1].id) {
      throw std::invalid_argument("peer " + shortName(m.id) + " is twice in the group");
    }
    if (!std::isfinite(m.bandwidth) || m.bandwidth <= 0) {
      throw std::invalid_argument("peer " + shortName(m.id) + " has a bandwidth that is not a positive number");
    }
    if (m.clientMode && m.auxiliary) {
      throw std::invalid_argument("peer " + shortName(m.id) + " cannot be both client-mode and auxiliary");
    }
    if (!m.clientMode) bandwidth += m.bandwidth;
  }
  if (bandwidth == 0) throw std::invalid_argument("an averaging group needs a member that accepts connections");

  // Largest remainder: parts proportional to bandwidth that add up exactly to the total.
  std::vector<std::size_t> reducers;
  std::vector<std::size_t> sizes;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t assigned = 0;
  for (std::size_t i = 0; i < plan.members.size(); ++i) {
    if (plan.members[i].clientMode) continue;
    const double exact = static_cast<double>(totalValues) * plan.members[i].bandwidth / bandwidth;
    const auto whole = static_cast<std::size_t>(std::floor(exact));
    remainders.emplace_back(exact - static_cast<double>(whole), reducers.size());
    reducers.push_back(i);
    sizes.push_back(whole);
    assigned += whole;
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < totalValues; ++k, ++assigned) ++sizes[remainders[k % remainders.size()].second];
  std::size_t offset = 0;
  for (std::size_t r = 0; r < reducers.size(); ++r) {
    plan.parts.push_back({plan.members[reducers[r]].id, offset, sizes[r]});
    offset += sizes[r];
  }

  ByteWriter w;
  w.raw(std::string_view("sds-swarm/v1/group"));
  w.raw(group.roundId);
  w.u64(totalValues);
  for (const GroupMember& m : plan.members) {
    w.raw(m.id);
    w.u8(memberMode(m));
    w.f64(m.bandwidth);
  }
  plan.hash = hash32({asView(w.data())});
  return plan;
}

}  // namespace sds::swarm
