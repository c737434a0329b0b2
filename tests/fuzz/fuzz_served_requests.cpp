// Untrusted bytes at the dataset server (`sdtrain swarm serve-data`, reachable from the internet):
// the auth header and request bodies of its four routes, and at a peer, the answers it parses. The
// server must refuse everything unsigned with 401, answer every refusal with {"error": …}, never fail
// with 500 (that is for its own disk), and what it grants must parse at the peer.
//
// Input: byte 0 picks the route; byte 1's bit 0 signs the request with the run key (otherwise the
// input's first line is the auth header), bit 1 takes a lease first and puts its token where the
// body says LEASE, bit 2 sends GET instead of POST. The rest is the body. Each input gets a fresh
// server over three small images (two chunks); its answers are parsed as a peer would, and a status
// request after it must still be answered.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "image/png_writer.h"
#include "served_data/data_client.h"
#include "served_data/data_service.h"
#include "served_data/request_auth.h"
#include "swarm/run_key.h"

using namespace sds;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

const data::Dataset& smallDataset() {
  static const data::Dataset dataset = [] {
    const char* tmp = std::getenv("TMPDIR");
    const std::filesystem::path dir =
        std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("sds-fuzz-served-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    for (int i = 0; i < 3; ++i) {
      image::Rgb8Image picture(8, 8);
      for (std::size_t p = 0; p < picture.pixels.size(); ++p) picture.pixels[p] = static_cast<std::uint8_t>(p * (i + 3));
      image::writePng((dir / ("image" + std::to_string(i) + ".png")).string(), picture);
      std::ofstream(dir / ("image" + std::to_string(i) + ".txt")) << "picture " << i;
    }
    data::DatasetOptions options;
    options.path = dir.string();
    options.workers = 1;
    data::Dataset scanned = data::scanDataset(options);
    check(scanned.samples.size() == 3);
    return scanned;
  }();
  return dataset;
}

void checkAnswer(const std::string& path, const served::ServiceAnswer& answer, bool signedRequest) {
  check(answer.status != 500);
  if (!signedRequest && answer.status != 405) check(answer.status == 401 && !answer.signedAnswer);
  if (answer.status != 200) {
    const nlohmann::json body = nlohmann::json::parse(answer.body);
    check(body.at("error").is_string());
    return;
  }
  check(signedRequest);
  if (path == "/v1/lease") check(served::parseLeaseAnswer(answer.body).chunks == 2);
  if (path == "/v1/return") served::parseReturnAnswer(answer.body);
  if (path == "/v1/chunk") check(!answer.body.empty() && answer.body.size() % 512 == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const swarm::RunKey run = swarm::RunKey::fromSecret("fuzzing run key, never shared");
  const std::int64_t now = 1'800'000'000;
  const served::DataService service(smallDataset(), run.dataKey(), served::DataServiceOptions{2, 60, "", nullptr});
  const auto& paths = served::DataService::paths();

  served::ServiceRequest request;
  request.path = data[0] < paths.size() ? paths[data[0]] : "/v1/" + std::to_string(data[0]);
  const bool signRequest = data[1] & 1, takeLease = data[1] & 2;
  if (data[1] & 4) request.method = "GET";
  request.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  if (!signRequest) {
    const std::size_t end = request.body.find('\n');
    request.auth = request.body.substr(0, end);
    request.body = end == std::string::npos ? std::string() : request.body.substr(end + 1);
  }
  if (takeLease) {
    const std::string peer = R"({"peer":"fuzz"})";
    const served::ServiceAnswer granted = service.handle(
        served::ServiceRequest{"POST", "/v1/lease", served::requestTag(run.dataKey(), "POST", "/v1/lease", peer, now), peer, "fuzz"},
        now);
    check(granted.status == 200);
    const std::size_t at = request.body.find("LEASE");
    if (at != std::string::npos) request.body.replace(at, 5, served::parseLeaseAnswer(granted.body).token);
  }
  if (signRequest) request.auth = served::requestTag(run.dataKey(), request.method, request.path, request.body, now);
  checkAnswer(request.path, service.handle(request, now), signRequest);
  // Whatever the request left in the lease book (a peer's name, say), the status still answers.
  const served::ServiceAnswer status = service.handle(
      served::ServiceRequest{"POST", "/v1/status", served::requestTag(run.dataKey(), "POST", "/v1/status", "{}", now), "{}",
                             "fuzz"},
      now);
  check(status.status == 200);

  // The same bytes as the server's answer at a peer (past the digest, which only the server can make).
  try {
    const served::ChunkLease lease = served::parseLeaseAnswer(request.body);
    check(lease.chunk < lease.chunks && lease.samples > 0 && !lease.token.empty());
  } catch (const std::invalid_argument&) {
  }
  try {
    served::parseReturnAnswer(request.body);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
