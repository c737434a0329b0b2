#include "served_data/data_server.h"

#include <httplib.h>

#include <chrono>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "data/image_reader.h"
#include "served_data/chunk_archive.h"
#include "served_data/chunk_plan.h"
#include "served_data/request_auth.h"
#include "swarm/run_key.h"

namespace sds::served {

struct DataServer::Impl {
  data::Dataset dataset;
  ChunkPlan plan;
  swarm::Key32 key;
  DataServerOptions options;
  std::unique_ptr<LeaseBook> book;
  data::ImageReader reader;
  httplib::Server http;

  void say(const std::string& line) const {
    if (options.log) options.log(line);
  }

  // Answers with `body` and its digest; `status` other than 200 carries {"error": …}.
  void answer(httplib::Response& res, const httplib::Request& req, int status, const std::string& body,
              const char* type = "application/json") const {
    res.status = status;
    res.set_header(kDigestHeader, answerTag(key, req.path, body));
    res.set_content(body, type);
  }
  void refuse(httplib::Response& res, const httplib::Request& req, int status, const std::string& why) const {
    answer(res, req, status, nlohmann::json{{"error", why}}.dump());
  }

  // The request's JSON body when it is signed with the run key; otherwise answered and nullopt.
  std::optional<nlohmann::json> signedBody(const httplib::Request& req, httplib::Response& res) const {
    const std::string why =
        checkRequestTag(key, req.get_header_value(kAuthHeader), req.method, req.path, req.body, unixSeconds());
    if (!why.empty()) {
      say("refused a request from " + req.remote_addr + ": " + why);
      // Unsigned: whoever asked cannot check a digest, and must learn nothing about the run.
      res.status = 401;
      res.set_content(nlohmann::json{{"error", why}}.dump(), "application/json");
      return std::nullopt;
    }
    try {
      nlohmann::json body = nlohmann::json::parse(req.body);
      if (!body.is_object()) throw std::invalid_argument("not an object");
      return body;
    } catch (const std::exception& e) {
      refuse(res, req, 400, std::string("the request body is not a JSON object: ") + e.what());
      return std::nullopt;
    }
  }

  // The chunk and lease a request names, when they are an open lease; otherwise answered and false.
  bool leaseOf(const nlohmann::json& body, const httplib::Request& req, httplib::Response& res, std::size_t& chunk,
               std::string& token) const {
    if (!body.contains("chunk") || !body["chunk"].is_number_unsigned() || !body.contains("lease") ||
        !body["lease"].is_string()) {
      refuse(res, req, 400, "expected {\"chunk\": number, \"lease\": text}");
      return false;
    }
    chunk = body["chunk"].get<std::size_t>();
    token = body["lease"].get<std::string>();
    if (chunk >= plan.chunks.size()) {
      refuse(res, req, 404, "there is no chunk " + std::to_string(chunk) + " (the dataset has " +
                                std::to_string(plan.chunks.size()) + ")");
      return false;
    }
    return true;
  }

  void routes() {
    http.Post("/v1/lease", [this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<nlohmann::json> body = signedBody(req, res);
      if (!body) return;
      const std::string peer = body->value("peer", std::string("unnamed peer")).substr(0, 120);
      try {
        const Lease lease = book->lease(peer, unixSeconds());
        say("chunk " + std::to_string(lease.chunk) + " leased to " + peer + " (" + req.remote_addr + ")");
        answer(res, req, 200,
               nlohmann::json{{"chunk", lease.chunk},
                              {"lease", lease.token},
                              {"expires_in_s", options.leaseSeconds},
                              {"samples", plan.chunks[lease.chunk].size()},
                              {"chunks", plan.chunks.size()},
                              {"data_epoch", book->dataEpoch()}}
                   .dump());
      } catch (const std::exception& e) {
        say(std::string("cannot lease: ") + e.what());
        refuse(res, req, 500, e.what());
      }
    });
    http.Post("/v1/chunk", [this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<nlohmann::json> body = signedBody(req, res);
      std::size_t chunk = 0;
      std::string token;
      if (!body || !leaseOf(*body, req, res, chunk, token)) return;
      if (!book->holds(chunk, token)) return refuse(res, req, 403, "no open lease " + token + " of chunk " + std::to_string(chunk));
      try {
        answer(res, req, 200, chunkArchive(dataset, plan.chunks[chunk], chunk, reader), "application/x-tar");
      } catch (const std::exception& e) {
        say(e.what());
        refuse(res, req, 500, e.what());
      }
    });
    http.Post("/v1/return", [this](const httplib::Request& req, httplib::Response& res) {
      const std::optional<nlohmann::json> body = signedBody(req, res);
      std::size_t chunk = 0;
      std::string token;
      if (!body || !leaseOf(*body, req, res, chunk, token)) return;
      const bool trained = body->value("trained", false);
      try {
        const bool counted = book->giveBack(chunk, token, trained) == LeaseBook::Outcome::Counted;
        const std::int64_t epoch = book->dataEpoch();
        if (counted)
          say("chunk " + std::to_string(chunk) + (trained ? " trained" : " given back untrained: " +
                                                                   body->value("reason", std::string("no reason"))) +
              "; passes over the dataset: " + std::to_string(epoch));
        answer(res, req, 200, nlohmann::json{{"counted", counted}, {"data_epoch", epoch}}.dump());
      } catch (const std::exception& e) {
        say(std::string("cannot record a returned chunk: ") + e.what());
        refuse(res, req, 500, e.what());
      }
    });
    http.Post("/v1/status", [this](const httplib::Request& req, httplib::Response& res) {
      if (!signedBody(req, res)) return;
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
        out["leases"].push_back({{"chunk", l.chunk}, {"peer", l.peer}, {"expires_in_s", l.expiresAt - unixSeconds()}});
      answer(res, req, 200, out.dump());
    });
  }
};

DataServer::DataServer(data::Dataset dataset, const swarm::RunKey& key, DataServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->dataset = std::move(dataset);
  impl_->plan = planChunks(impl_->dataset, options.chunkSize);
  impl_->key = key.dataKey();
  impl_->options = std::move(options);
  impl_->book = std::make_unique<LeaseBook>(impl_->options.stateFile, impl_->plan.fingerprint,
                                            impl_->plan.chunks.size(), impl_->options.leaseSeconds);
  // Requests are small JSON objects; a chunk is only ever sent.
  impl_->http.set_payload_max_length(1 << 16);
  impl_->http.set_read_timeout(30);
  impl_->routes();
  const std::string& address = impl_->options.address;
  if (impl_->options.port == 0) {
    port_ = impl_->http.bind_to_any_port(address);
  } else if (impl_->http.bind_to_port(address, impl_->options.port)) {
    port_ = impl_->options.port;
  }
  if (port_ <= 0)
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(impl_->options.port) +
                             " (another program may use the port, or the address is not this computer's)");
}

DataServer::~DataServer() { stop(); }

void DataServer::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { impl_->http.listen_after_bind(); });
  // stop() only ends a server that is listening: wait for it (microseconds) so that it always can.
  while (!impl_->http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void DataServer::stop() {
  impl_->http.stop();
  if (thread_.joinable()) thread_.join();
}

std::size_t DataServer::chunkCount() const { return impl_->plan.chunks.size(); }
std::size_t DataServer::sampleCount() const { return impl_->dataset.samples.size(); }
LeaseStatus DataServer::status() const { return impl_->book->status(); }

}  // namespace sds::served
