#include "served_data/lease_book.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>

#include "swarm/crypto.h"
#include "util/atomic_file.h"
#include "util/json_integer.h"

namespace sds::served {

LeaseBook::LeaseBook(std::string stateFile, std::string fingerprint, std::size_t chunks, std::int64_t leaseSeconds)
    : stateFile_(std::move(stateFile)), fingerprint_(std::move(fingerprint)), leaseSeconds_(leaseSeconds), chunks_(chunks) {
  if (chunks == 0) throw std::invalid_argument("a served dataset needs at least one chunk");
  std::error_code ec;
  if (stateFile_.empty() || !std::filesystem::exists(stateFile_, ec)) return;
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(readFile(stateFile_));
  } catch (const std::exception& e) {
    throw std::runtime_error(stateFile_ + ": cannot be read as the dataset server's state: " + e.what());
  }
  try {
    if (state.at("fingerprint").get<std::string>() != fingerprint_ ||
        state.at("chunks").size() != chunks)
      throw std::runtime_error(stateFile_ + ": remembers the training of another dataset (" +
                               std::to_string(state.at("chunks").size()) +
                               " chunks); serve the dataset it was made for, or move the file away to count from "
                               "nothing trained");
    for (std::size_t i = 0; i < chunks; ++i) {
      chunks_[i].completions = integerAt<std::int64_t>(state["chunks"][i], "completions");
      chunks_[i].failures = integerAt<std::int64_t>(state["chunks"][i], "failures");
    }
    for (const nlohmann::json& l : state.at("leases")) {
      Lease lease{integerAt<std::size_t>(l, "chunk"), l.at("token").get<std::string>(), l.at("peer").get<std::string>(),
                  integerAt<std::int64_t>(l, "expires_at")};
      if (lease.chunk >= chunks) throw std::runtime_error("a lease of chunk " + std::to_string(lease.chunk));
      leases_.push_back(std::move(lease));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(stateFile_ + ": malformed dataset server state: " + e.what());
  } catch (const std::invalid_argument& e) {  // integerAt
    throw std::runtime_error(stateFile_ + ": malformed dataset server state: " + e.what());
  }
}

void LeaseBook::save() const {
  if (stateFile_.empty()) return;
  nlohmann::json state{{"version", 1}, {"fingerprint", fingerprint_}};
  state["chunks"] = nlohmann::json::array();
  for (const ChunkState& c : chunks_) state["chunks"].push_back({{"completions", c.completions}, {"failures", c.failures}});
  state["leases"] = nlohmann::json::array();
  for (const Lease& l : leases_)
    state["leases"].push_back({{"chunk", l.chunk}, {"token", l.token}, {"peer", l.peer}, {"expires_at", l.expiresAt}});
  writeFileAtomically(stateFile_, state.dump(1) + "\n");
}

// Leases expired for longer than a lease lasts are forgotten: their peers are gone.
void LeaseBook::pruneStale(std::int64_t now) {
  leases_.erase(std::remove_if(leases_.begin(), leases_.end(),
                               [&](const Lease& l) { return l.expiresAt + leaseSeconds_ < now; }),
                leases_.end());
}

Lease LeaseBook::lease(const std::string& peer, std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  pruneStale(now);
  std::vector<std::int64_t> live(chunks_.size(), 0);
  for (const Lease& l : leases_)
    if (l.expiresAt > now) ++live[l.chunk];
  std::size_t best = 0;
  for (std::size_t i = 1; i < chunks_.size(); ++i)
    if (std::tie(live[i], chunks_[i].completions, chunks_[i].failures) <
        std::tie(live[best], chunks_[best].completions, chunks_[best].failures))
      best = i;
  const swarm::Bytes raw = swarm::randomBytes(16);
  Lease lease{best, swarm::toHex(raw.data(), raw.size()), peer, now + leaseSeconds_};
  leases_.push_back(lease);
  save();
  return lease;
}

bool LeaseBook::holds(std::size_t chunk, const std::string& token) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::any_of(leases_.begin(), leases_.end(),
                     [&](const Lease& l) { return l.chunk == chunk && l.token == token; });
}

LeaseBook::Outcome LeaseBook::giveBack(std::size_t chunk, const std::string& token, bool trained) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = std::find_if(leases_.begin(), leases_.end(),
                               [&](const Lease& l) { return l.chunk == chunk && l.token == token; });
  if (it == leases_.end()) return Outcome::UnknownLease;
  leases_.erase(it);
  ++(trained ? chunks_[chunk].completions : chunks_[chunk].failures);
  save();
  return Outcome::Counted;
}

namespace {

std::int64_t fewestCompletions(const std::vector<ChunkState>& chunks) {
  return std::min_element(chunks.begin(), chunks.end(), [](const ChunkState& a, const ChunkState& b) {
           return a.completions < b.completions;
         })->completions;
}

}  // namespace

LeaseStatus LeaseBook::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return LeaseStatus{chunks_, leases_, fewestCompletions(chunks_)};
}

std::int64_t LeaseBook::dataEpoch() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fewestCompletions(chunks_);
}

}  // namespace sds::served
