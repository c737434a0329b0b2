#include "served_data/data_client.h"

#include <httplib.h>


#include <nlohmann/json.hpp>

#include "served_data/request_auth.h"
#include "swarm/host_port.h"
#include "util/json_integer.h"

namespace sds::served {

struct DataClient::Http {
  httplib::Client client;
  Http(const std::string& host, int port) : client(host, port) {}
};

namespace {

nlohmann::json objectOf(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw std::invalid_argument("not a JSON object");
  return j;
}

template <typename T>
T fieldOf(const nlohmann::json& j, const char* key) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return integerAt<T>(j, key);
  } else {
    try {
      return j.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw std::invalid_argument(std::string("no \"") + key + "\" of the expected type");
    }
  }
}

}  // namespace

ChunkLease parseLeaseAnswer(const std::string& body) {
  const nlohmann::json j = objectOf(body);
  ChunkLease l;
  l.chunk = fieldOf<std::size_t>(j, "chunk");
  l.token = fieldOf<std::string>(j, "lease");
  l.expiresInSeconds = fieldOf<std::int64_t>(j, "expires_in_s");
  l.samples = fieldOf<std::size_t>(j, "samples");
  l.chunks = fieldOf<std::size_t>(j, "chunks");
  l.dataEpoch = fieldOf<std::int64_t>(j, "data_epoch");
  if (l.chunk >= l.chunks) throw std::invalid_argument("chunk " + std::to_string(l.chunk) + " of " + std::to_string(l.chunks));
  if (l.samples == 0) throw std::invalid_argument("a chunk of no samples");
  if (l.token.empty() || l.token.size() > 128) throw std::invalid_argument("a lease token of " + std::to_string(l.token.size()) + " characters");
  return l;
}

bool parseReturnAnswer(const std::string& body) { return fieldOf<bool>(objectOf(body), "counted"); }

DataClient::DataClient(const std::string& url, const swarm::Key32& dataKey) : url_(url), key_(dataKey) {
  const std::string prefix = "http://";
  std::string rest = url.rfind(prefix, 0) == 0 ? url.substr(prefix.size()) : std::string();
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::pair<std::string, std::string> hostPort;
  try {
    if (rest.find('/') != std::string::npos) throw std::invalid_argument("a path");
    hostPort = swarm::splitHostPort(rest);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("\"" + url + "\" is not a dataset server's address; expected http://HOST:PORT");
  }
  http_ = std::make_unique<Http>(hostPort.first, std::stoi(hostPort.second));
  http_->client.set_connection_timeout(10);
  http_->client.set_read_timeout(120);  // a chunk of large images takes a while on a slow link
}

DataClient::~DataClient() = default;

std::string DataClient::post(const std::string& path, const std::string& body) {
  const httplib::Headers headers{{kAuthHeader, requestTag(key_, "POST", path, body, unixSeconds())}};
  const httplib::Result result = http_->client.Post(path.c_str(), headers, body, "application/json");
  if (!result) {
    const httplib::Error error = result.error();
    throw DataServerError("the dataset server " + url_ + " did not answer " + path + ": " +
                              (error == httplib::Error::Connection
                                   ? std::string("cannot connect (is it running, and are address and port right?)")
                                   : httplib::to_string(error)),
                          0);
  }
  const httplib::Response& res = *result;
  std::string detail = res.body;
  try {
    detail = nlohmann::json::parse(res.body).value("error", res.body);
  } catch (const std::exception&) {
  }
  if (res.status == 401)
    throw DataServerError("the dataset server " + url_ + " refused the run key: " + detail, res.status);
  if (!answerTagMatches(key_, res.get_header_value(kDigestHeader), path, res.body))
    throw DataServerError("the answer of " + url_ + path + " (" + std::to_string(res.body.size()) +
                              " bytes) does not match its digest: truncated or altered on the way, or not from "
                              "this run's server",
                          res.status);
  if (res.status != 200)
    throw DataServerError("the dataset server " + url_ + " answered " + path + " with " + std::to_string(res.status) +
                              ": " + detail,
                          res.status);
  return res.body;
}

ChunkLease DataClient::lease(const std::string& peerName) {
  const std::string body = post("/v1/lease", nlohmann::json{{"peer", peerName}}.dump());
  try {
    return parseLeaseAnswer(body);
  } catch (const std::invalid_argument& e) {
    throw DataServerError("the dataset server " + url_ + " sent a malformed lease: " + e.what(), 200);
  }
}

std::string DataClient::download(const ChunkLease& lease) {
  return post("/v1/chunk", nlohmann::json{{"chunk", lease.chunk}, {"lease", lease.token}}.dump());
}

bool DataClient::giveBack(const ChunkLease& lease, bool trained, const std::string& reason) {
  nlohmann::json request{{"chunk", lease.chunk}, {"lease", lease.token}, {"trained", trained}};
  if (!reason.empty()) request["reason"] = reason;
  const std::string body = post("/v1/return", request.dump());
  try {
    return parseReturnAnswer(body);
  } catch (const std::invalid_argument& e) {
    throw DataServerError("the dataset server " + url_ + " sent a malformed answer: " + e.what(), 200);
  }
}

std::string DataClient::status() { return post("/v1/status", "{}"); }

}  // namespace sds::served
