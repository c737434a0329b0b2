#include "served_data/data_service.h"

#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "data/image_reader.h"
#include "served_data/chunk_archive.h"
#include "served_data/chunk_plan.h"
#include "served_data/request_auth.h"
#include "util/text.h"

namespace sds::served {

namespace {

ServiceAnswer json(int status, const nlohmann::json& body) { return ServiceAnswer{status, body.dump()}; }
ServiceAnswer refusal(int status, const std::string& why) { return json(status, nlohmann::json{{"error", why}}); }

// A string of the body, `fallback` when absent or not text.
std::string textOf(const nlohmann::json& body, const char* key, const std::string& fallback) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

struct DataService::Impl {
  data::Dataset dataset;
  ChunkPlan plan;
  swarm::Key32 key;
  DataServiceOptions options;
  std::unique_ptr<LeaseBook> book;
  data::ImageReader reader;

  void say(const std::string& line) const {
    if (options.log) options.log(line);
  }

  // The request's JSON object when it is signed with the run key; otherwise the refusal.
  std::optional<nlohmann::json> signedBody(const ServiceRequest& request, std::int64_t now, ServiceAnswer& refused) const {
    const std::string why = checkRequestTag(key, request.auth, request.method, request.path, request.body, now);
    if (!why.empty()) {
      say("refused a request from " + request.remote + ": " + why);
      // Unsigned: whoever asked cannot check a digest, and must learn nothing about the run.
      refused = refusal(401, why);
      refused.signedAnswer = false;
      return std::nullopt;
    }
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) {
      refused = refusal(400, "the request body is not a JSON object");
      return std::nullopt;
    }
    return body;
  }

  // The chunk and lease a request names, when it names a chunk of the plan; otherwise the refusal.
  std::optional<std::pair<std::size_t, std::string>> leaseOf(const nlohmann::json& body, ServiceAnswer& refused) const {
    const auto chunk = body.find("chunk");
    const auto lease = body.find("lease");
    if (chunk == body.end() || !chunk->is_number_unsigned() || lease == body.end() || !lease->is_string()) {
      refused = refusal(400, "expected {\"chunk\": number, \"lease\": text}");
      return std::nullopt;
    }
    const std::uint64_t index = chunk->get<std::uint64_t>();
    if (index >= plan.chunks.size()) {
      refused = refusal(404, "there is no chunk " + std::to_string(index) + " (the dataset has " +
                                 std::to_string(plan.chunks.size()) + ")");
      return std::nullopt;
    }
    return std::make_pair(static_cast<std::size_t>(index), lease->get<std::string>());
  }

  ServiceAnswer lease(const nlohmann::json& body, const ServiceRequest& request, std::int64_t now) {
    // Shortened whole characters only: the name goes into JSON (the state file, /v1/status), which
    // refuses text that is no UTF-8.
    const std::string peer = text::shorten(textOf(body, "peer", "unnamed peer"), 120);
    const Lease lease = book->lease(peer, now);
    say("chunk " + std::to_string(lease.chunk) + " leased to " + peer + " (" + request.remote + ")");
    return json(200, {{"chunk", lease.chunk},
                      {"lease", lease.token},
                      {"expires_in_s", options.leaseSeconds},
                      {"samples", plan.chunks[lease.chunk].size()},
                      {"chunks", plan.chunks.size()},
                      {"data_epoch", book->dataEpoch()}});
  }

  ServiceAnswer chunk(const nlohmann::json& body) {
    ServiceAnswer refused;
    const auto named = leaseOf(body, refused);
    if (!named) return refused;
    const auto& [chunk, token] = *named;
    if (!book->holds(chunk, token)) return refusal(403, "no open lease " + token + " of chunk " + std::to_string(chunk));
    return ServiceAnswer{200, chunkArchive(dataset, plan.chunks[chunk], chunk, reader), "application/x-tar"};
  }

  ServiceAnswer giveBack(const nlohmann::json& body) {
    ServiceAnswer refused;
    const auto named = leaseOf(body, refused);
    if (!named) return refused;
    const auto& [chunk, token] = *named;
    const auto trainedField = body.find("trained");
    const bool trained = trainedField != body.end() && trainedField->is_boolean() && trainedField->get<bool>();
    const bool counted = book->giveBack(chunk, token, trained) == LeaseBook::Outcome::Counted;
    const std::int64_t epoch = book->dataEpoch();
    if (counted)
      say("chunk " + std::to_string(chunk) +
          (trained ? " trained" : " given back untrained: " + text::shorten(textOf(body, "reason", "no reason"), 200)) +
          "; passes over the dataset: " + std::to_string(epoch));
    return json(200, {{"counted", counted}, {"data_epoch", epoch}});
  }

  ServiceAnswer status(std::int64_t now) const {
    const LeaseStatus s = book->status();
    nlohmann::json out{{"chunks", plan.chunks.size()}, {"samples", dataset.samples.size()}, {"data_epoch", s.dataEpoch}};
    out["completions"] = nlohmann::json::array();
    out["failures"] = nlohmann::json::array();
    for (const ChunkState& c : s.chunks) {
      out["completions"].push_back(c.completions);
      out["failures"].push_back(c.failures);
    }
    out["leases"] = nlohmann::json::array();
    for (const Lease& l : s.leases)
      out["leases"].push_back({{"chunk", l.chunk}, {"peer", l.peer}, {"expires_in_s", l.expiresAt - now}});
    return json(200, out);
  }
};

DataService::DataService(data::Dataset dataset, const swarm::Key32& dataKey, DataServiceOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->dataset = std::move(dataset);
  impl_->plan = planChunks(impl_->dataset, options.chunkSize);
  impl_->key = dataKey;
  impl_->options = std::move(options);
  impl_->book = std::make_unique<LeaseBook>(impl_->options.stateFile, impl_->plan.fingerprint,
                                            impl_->plan.chunks.size(), impl_->options.leaseSeconds);
}

DataService::~DataService() = default;

const std::vector<std::string>& DataService::paths() {
  static const std::vector<std::string> all{"/v1/lease", "/v1/chunk", "/v1/return", "/v1/status"};
  return all;
}

ServiceAnswer DataService::handle(const ServiceRequest& request, std::int64_t now) const {
  if (request.method != "POST") return refusal(405, "the dataset server answers POST requests only");
  ServiceAnswer refused;
  const std::optional<nlohmann::json> body = impl_->signedBody(request, now, refused);
  if (!body) return refused;
  // What fails below is the server's own doing (its state file, an image gone from its disk): 500.
  try {
    if (request.path == "/v1/lease") return impl_->lease(*body, request, now);
    if (request.path == "/v1/chunk") return impl_->chunk(*body);
    if (request.path == "/v1/return") return impl_->giveBack(*body);
    if (request.path == "/v1/status") return impl_->status(now);
    return refusal(404, "the dataset server has no " + request.path.substr(0, 100));
  } catch (const std::exception& e) {
    impl_->say(request.path + ": " + e.what());
    return refusal(500, e.what());
  }
}

std::size_t DataService::chunkCount() const { return impl_->plan.chunks.size(); }
std::size_t DataService::sampleCount() const { return impl_->dataset.samples.size(); }
LeaseStatus DataService::status() const { return impl_->book->status(); }

}  // namespace sds::served
