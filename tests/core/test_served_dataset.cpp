// The swarm's shared dataset (core/served_data): the lease book's choices, expiry and state file;
// signed requests and answers; the server and its client on loopback; a peer's epochs of leased
// chunks, kept for a resumed run, and damaged chunks given back and replaced.

#include <QtTest>

#include <QTemporaryDir>

#include <fstream>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "dataset_files.h"
#include "served_data/chunk_plan.h"
#include "served_data/data_client.h"
#include "served_data/data_server.h"
#include "served_data/data_service.h"
#include "served_data/lease_book.h"
#include "served_data/request_auth.h"
#include "served_data/served_dataset.h"
#include "swarm/run_key.h"
#include "util/atomic_file.h"

using namespace sds;
using namespace sds::served;

namespace {

const swarm::RunKey& runKey() {
  static const swarm::RunKey key = swarm::RunKey::fromSecret("sdsrun-served-dataset-test");
  return key;
}

// `count` PNG images of distinct content with captions "image N", in `folder`.
void writeImages(const QString& folder, int count) {
  QDir().mkpath(folder);
  for (int i = 0; i < count; ++i) {
    const std::string stem = (folder + QString("/img%1").arg(i, 2, 10, QChar('0'))).toStdString();
    writeFileAtomically(stem + ".png", testimg::noisePng(40, 40, static_cast<std::uint32_t>(i + 1)));
    writeFileAtomically(stem + ".txt", "image " + std::to_string(i));
  }
}

data::Dataset scanned(const QString& path) {
  data::DatasetOptions options;
  options.path = path.toStdString();
  options.workers = 1;
  return data::scanDataset(options);
}

std::int64_t totalCompletions(const LeaseStatus& s) {
  std::int64_t total = 0;
  for (const ChunkState& c : s.chunks) total += c.completions;
  return total;
}

}  // namespace

class TestServedDataset : public QObject {
  Q_OBJECT

 private slots:
  void leaseBookGivesTheLeastTrainedFreeChunk() {
    QTemporaryDir dir;
    LeaseBook book(dir.filePath("state.json").toStdString(), "f", 3, 600);
    const Lease a = book.lease("a", 1000), b = book.lease("b", 1000), c = book.lease("c", 1000);
    QCOMPARE(a.chunk, std::size_t(0));
    QCOMPARE(b.chunk, std::size_t(1));
    QCOMPARE(c.chunk, std::size_t(2));
    QVERIFY(a.token != b.token && a.token.size() == 32);
    QCOMPARE(a.expiresAt, std::int64_t(1600));
    // Every chunk held: the least held again, so more peers than chunks still train.
    QCOMPARE(book.lease("d", 1001).chunk, std::size_t(0));
    QVERIFY(book.holds(1, b.token));
    QVERIFY(!book.holds(1, a.token));
    QCOMPARE(book.giveBack(1, b.token, true), LeaseBook::Outcome::Counted);
    QCOMPARE(book.giveBack(1, b.token, true), LeaseBook::Outcome::UnknownLease);  // once only
    QCOMPARE(book.giveBack(2, a.token, true), LeaseBook::Outcome::UnknownLease);  // another chunk's lease
    QCOMPARE(book.status().chunks[1].completions, std::int64_t(1));
    QCOMPARE(book.status().dataEpoch, std::int64_t(0));
    QCOMPARE(book.giveBack(2, c.token, false), LeaseBook::Outcome::Counted);  // failed: counted apart
    QCOMPARE(book.status().chunks[2].failures, std::int64_t(1));
    QCOMPARE(book.status().chunks[2].completions, std::int64_t(0));
    // Chunk 1 is trained once and 2 is free: 2 comes before 1.
    QCOMPARE(book.lease("e", 1002).chunk, std::size_t(2));
  }

  void anExpiredLeaseLetsTheChunkGoToAnotherPeer() {
    QTemporaryDir dir;
    LeaseBook book(dir.filePath("state.json").toStdString(), "f", 2, 60);
    const Lease first = book.lease("slow", 0);
    QCOMPARE(book.lease("b", 1).chunk, std::size_t(1));
    QCOMPARE(book.lease("c", 30).chunk, std::size_t(0));  // both live: the least held, chunk 0 again
    const Lease late = book.lease("d", 100);               // every lease has expired: chunk 0 first
    QCOMPARE(late.chunk, std::size_t(0));
    // The slow peer may still give its chunk back until its lease is forgotten (a lease's time after expiry).
    QCOMPARE(book.giveBack(0, first.token, true), LeaseBook::Outcome::Counted);
    const Lease forgotten = book.lease("e", 100);
    book.lease("f", 1000);  // prunes what expired before 940
    QVERIFY(!book.holds(forgotten.chunk, forgotten.token));
    QCOMPARE(book.giveBack(forgotten.chunk, forgotten.token, true), LeaseBook::Outcome::UnknownLease);
  }

  void theStateFileSurvivesARestartAndNamesAnotherDataset() {
    QTemporaryDir dir;
    const std::string file = dir.filePath("state.json").toStdString();
    std::string token;
    {
      LeaseBook book(file, "dataset-a", 2, 600);
      const Lease l = book.lease("a", 10);
      QCOMPARE(book.giveBack(l.chunk, l.token, true), LeaseBook::Outcome::Counted);
      token = book.lease("b", 11).token;
    }
    LeaseBook again(file, "dataset-a", 2, 600);
    QCOMPARE(again.status().chunks[0].completions, std::int64_t(1));
    QVERIFY(again.holds(1, token));
    QCOMPARE(again.giveBack(1, token, true), LeaseBook::Outcome::Counted);
    QCOMPARE(again.status().dataEpoch, std::int64_t(1));

    const std::string before = readFile(file);
    try {
      LeaseBook other(file, "dataset-b", 2, 600);
      QFAIL("another dataset's state was taken");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find(file) != std::string::npos, e.what());
      QVERIFY2(std::string(e.what()).find("another dataset") != std::string::npos, e.what());
    }
    QCOMPARE(readFile(file), before);  // nothing written
    writeFileAtomically(file, "{\"fingerprint\": \"dataset-a\", \"chunks\": [{}]");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, LeaseBook(file, "dataset-a", 2, 600));
    // Counts that are no integers (a float beyond any) are malformed, named as such.
    writeFileAtomically(file, R"({"fingerprint": "dataset-a", "chunks": [{"completions": 1e300, "failures": 0},)"
                              R"( {"completions": 0, "failures": 0}], "leases": []})");
    try {
      LeaseBook(file, "dataset-a", 2, 600);
      QFAIL("a float count was taken");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("malformed") != std::string::npos, e.what());
    }
  }

  void requestsAndAnswersAreSignedWithTheRunKey() {
    const swarm::Key32& key = runKey().dataKey();
    const std::string tag = requestTag(key, "POST", "/v1/lease", "{\"peer\":\"a\"}", 5000);
    QCOMPARE(checkRequestTag(key, tag, "POST", "/v1/lease", "{\"peer\":\"a\"}", 5100), std::string());
    QVERIFY(!checkRequestTag(key, tag, "POST", "/v1/lease", "{\"peer\":\"b\"}", 5100).empty());  // body changed
    QVERIFY(!checkRequestTag(key, tag, "POST", "/v1/chunk", "{\"peer\":\"a\"}", 5100).empty());  // path changed
    QVERIFY(checkRequestTag(key, tag, "POST", "/v1/lease", "{\"peer\":\"a\"}", 5400).find("300 s") != std::string::npos);
    const swarm::RunKey other = swarm::RunKey::fromSecret("sdsrun-another-run");
    QVERIFY(checkRequestTag(other.dataKey(), tag, "POST", "/v1/lease", "{\"peer\":\"a\"}", 5100).find("this run's key") !=
            std::string::npos);
    QVERIFY(checkRequestTag(key, "", "POST", "/v1/lease", "", 5000).find("not signed") != std::string::npos);
    QVERIFY(checkRequestTag(key, "x.y", "POST", "/v1/lease", "", 5000).find("malformed") != std::string::npos);
    const std::string body(1000, 'x');
    const std::string digest = answerTag(key, "/v1/chunk", body);
    QVERIFY(answerTagMatches(key, digest, "/v1/chunk", body));
    QVERIFY(!answerTagMatches(key, digest, "/v1/chunk", body.substr(0, 999)));  // truncated on the way
    QVERIFY(!answerTagMatches(other.dataKey(), digest, "/v1/chunk", body));
  }

  void theServiceRefusesWhatItCannotUseAndThePeerChecksWhatItGets() {
    QTemporaryDir dir;
    writeImages(dir.filePath("data"), 3);
    const DataService service(scanned(dir.filePath("data")), runKey().dataKey(), DataServiceOptions{2, 600, "", nullptr});
    const std::int64_t now = 7000;
    const auto signedPost = [&](const std::string& path, const std::string& body) {
      return service.handle(ServiceRequest{"POST", path, requestTag(runKey().dataKey(), "POST", path, body, now), body, "t"},
                            now);
    };
    const auto errorOf = [](const ServiceAnswer& a) { return nlohmann::json::parse(a.body).at("error").get<std::string>(); };

    const ServiceAnswer unsigned_ = service.handle(ServiceRequest{"POST", "/v1/status", "", "{}", "t"}, now);
    QCOMPARE(unsigned_.status, 401);
    QVERIFY(!unsigned_.signedAnswer);
    QCOMPARE(service.handle(ServiceRequest{"GET", "/v1/status", "", "", "t"}, now).status, 405);
    QCOMPARE(signedPost("/v1/status", "[1]").status, 400);
    QCOMPARE(signedPost("/v1/status", "{\"x\":").status, 400);
    QCOMPARE(signedPost("/v1/other", "{}").status, 404);
    const ServiceAnswer noChunk = signedPost("/v1/chunk", "{\"chunk\": 9, \"lease\": \"x\"}");
    QCOMPARE(noChunk.status, 404);
    QVERIFY(errorOf(noChunk).find("the dataset has 2") != std::string::npos);
    QCOMPARE(signedPost("/v1/chunk", "{\"chunk\": -1, \"lease\": \"x\"}").status, 400);
    QCOMPARE(signedPost("/v1/chunk", "{\"chunk\": 0, \"lease\": \"x\"}").status, 403);

    // A peer's name is shortened to whole characters: cut inside one, it could not go into JSON.
    const ServiceAnswer named120 = signedPost("/v1/lease", "{\"peer\": \"" + std::string(119, 'a') + "\u00e9\"}");
    QCOMPARE(named120.status, 200);
    QCOMPARE(signedPost("/v1/status", "{}").status, 200);
    const ChunkLease lease = parseLeaseAnswer(signedPost("/v1/lease", "{\"peer\": 5}").body);  // a peer's name not text
    QCOMPARE(lease.chunks, std::size_t(2));
    const std::string named = "{\"chunk\": " + std::to_string(lease.chunk) + ", \"lease\": \"" + lease.token + "\"";
    const ServiceAnswer tar = signedPost("/v1/chunk", named + "}");
    QCOMPARE(tar.status, 200);
    QCOMPARE(tar.type, std::string("application/x-tar"));
    // "trained" other than true counts a failure, not a completion.
    QVERIFY(parseReturnAnswer(signedPost("/v1/return", named + ", \"trained\": \"yes\"}").body));
    QCOMPARE(service.status().chunks[lease.chunk].completions, std::int64_t(0));
    QCOMPARE(service.status().chunks[lease.chunk].failures, std::int64_t(1));

    // A peer refuses a lease outside the plan it names, or without a token.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             parseLeaseAnswer(R"({"chunk":2,"lease":"a","expires_in_s":1,"samples":1,"chunks":2,"data_epoch":0})"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             parseLeaseAnswer(R"({"chunk":0,"lease":"","expires_in_s":1,"samples":1,"chunks":2,"data_epoch":0})"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseLeaseAnswer(R"({"chunk":0})"));
    // Found by the fuzz harness: a chunk number as a float beyond any integer.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             parseLeaseAnswer(R"({"chunk":1e33,"lease":"a","expires_in_s":1,"samples":1,"chunks":2,"data_epoch":0})"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseReturnAnswer("[true]"));
  }

  void chunksAreCutInNameOrderAndFingerprinted() {
    QTemporaryDir dir;
    writeImages(dir.filePath("data"), 5);
    const data::Dataset dataset = scanned(dir.filePath("data"));
    const ChunkPlan plan = planChunks(dataset, 2);
    QCOMPARE(plan.chunks.size(), std::size_t(3));
    QCOMPARE(plan.chunks[2].size(), std::size_t(1));
    QCOMPARE(dataset.samples[plan.chunks[0][0]].caption, std::string("image 0"));
    QCOMPARE(dataset.samples[plan.chunks[2][0]].caption, std::string("image 4"));
    QVERIFY(planChunks(dataset, 3).fingerprint != plan.fingerprint);
    writeFileAtomically(dir.filePath("data/img04.txt").toStdString(), "another caption");
    QVERIFY(planChunks(scanned(dir.filePath("data")), 2).fingerprint != plan.fingerprint);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, planChunks(dataset, 0));
  }

  void aPeerLeasesDownloadsAndGivesBackOverLoopback() {
    QTemporaryDir dir;
    writeImages(dir.filePath("data"), 5);
    writeFileAtomically(dir.filePath("data/broken.png").toStdString(), "not a png");  // skipped by the server's scan
    writeFileAtomically(dir.filePath("data/broken.txt").toStdString(), "broken");
    DataServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.chunkSize = 2;
    options.stateFile = dir.filePath("state.json").toStdString();
    auto server = std::make_unique<DataServer>(scanned(dir.filePath("data")), runKey(), options);
    server->start();
    QCOMPARE(server->service().chunkCount(), std::size_t(3));
    const std::string url = "http://127.0.0.1:" + std::to_string(server->port());

    DataClient client(url, runKey().dataKey());
    const ChunkLease lease = client.lease("test peer");
    QCOMPARE(lease.chunk, std::size_t(0));
    QCOMPARE(lease.samples, std::size_t(2));
    QCOMPARE(lease.chunks, std::size_t(3));
    const std::string shard = dir.filePath("chunk.tar").toStdString();
    writeFileAtomically(shard, client.download(lease));
    const data::Dataset chunk = scanned(QString::fromStdString(shard));
    QCOMPARE(chunk.samples.size(), std::size_t(2));
    QCOMPARE(chunk.skipped(), std::size_t(0));
    QCOMPARE(chunk.samples[0].caption, std::string("image 0"));
    QCOMPARE(chunk.samples[1].caption, std::string("image 1"));
    QCOMPARE(chunk.samples[0].width, 40);

    // A lease is needed to download, and only the run's key is served.
    ChunkLease forged = lease;
    forged.token = std::string(32, '0');
    try {
      client.download(forged);
      QFAIL("downloaded without a lease");
    } catch (const DataServerError& e) {
      QCOMPARE(e.status, 403);
    }
    DataClient stranger(url, swarm::RunKey::fromSecret("sdsrun-not-this-run").dataKey());
    try {
      stranger.lease("stranger");
      QFAIL("a stranger leased a chunk");
    } catch (const DataServerError& e) {
      QCOMPARE(e.status, 401);
      QVERIFY2(std::string(e.what()).find("refused the run key") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DataClient("127.0.0.1:80", runKey().dataKey()));

    QVERIFY(client.giveBack(lease, true));
    QVERIFY(!client.giveBack(lease, true));
    const nlohmann::json status = nlohmann::json::parse(client.status());
    QCOMPARE(status["completions"][0].get<int>(), 1);
    QCOMPARE(status["samples"].get<int>(), 5);

    // A restarted server remembers what was trained.
    server.reset();
    DataServer restarted(scanned(dir.filePath("data")), runKey(), options);
    restarted.start();
    QCOMPARE(restarted.service().status().chunks[0].completions, std::int64_t(1));
    DataClient again("http://127.0.0.1:" + std::to_string(restarted.port()), runKey().dataKey());
    QCOMPARE(again.lease("test peer").chunk, std::size_t(1));
  }

  void aPeerTrainsOneLeasedChunkPerEpochAndReplacesDamagedOnes() {
    QTemporaryDir dir;
    writeImages(dir.filePath("data"), 6);
    DataServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.chunkSize = 2;
    options.stateFile = dir.filePath("state.json").toStdString();
    DataServer server(scanned(dir.filePath("data")), runKey(), options);
    server.start();
    // Chunk 0's images change after the server's scan: the peer finds no usable image in it.
    writeFileAtomically(dir.filePath("data/img00.png").toStdString(), "garbage");
    writeFileAtomically(dir.filePath("data/img01.png").toStdString(), std::string(100, '\x89'));

    ServedDatasetOptions peer;
    peer.url = "http://127.0.0.1:" + std::to_string(server.port());
    peer.dataKey = runKey().dataKey();
    peer.folder = dir.filePath("run/served-data").toStdString();
    peer.peerName = "peer";
    peer.scan.workers = 1;
    std::vector<std::string> captions;
    {
      ServedDataset feed(peer);
      const data::Dataset& epoch0 = feed.datasetFor(0);
      QCOMPARE(epoch0.samples.size(), std::size_t(2));
      for (const data::Sample& s : epoch0.samples) captions.push_back(s.caption);
      QCOMPARE(captions, (std::vector<std::string>{"image 2", "image 3"}));  // chunk 1: chunk 0 was damaged
      QCOMPARE(server.service().status().chunks[0].failures, std::int64_t(1));
      QVERIFY(QFile::exists(dir.filePath("run/served-data/epoch-0.tar")));
    }
    // A resumed run trains the chunk it had, without a new lease.
    ServedDataset resumed(peer);
    const std::size_t leasesBefore = server.service().status().leases.size();
    QCOMPARE(resumed.datasetFor(0).samples.at(0).caption, std::string("image 2"));
    QCOMPARE(server.service().status().leases.size(), leasesBefore);
    resumed.epochDone(0);
    QCOMPARE(server.service().status().chunks[1].completions, std::int64_t(1));
    QVERIFY(!QFile::exists(dir.filePath("run/served-data/epoch-0.tar")));
    QCOMPARE(resumed.datasetFor(1).samples.at(0).caption, std::string("image 4"));
    QCOMPARE(totalCompletions(server.service().status()), std::int64_t(1));
  }

  void anUnreachableServerEndsTheRunAfterItsRetries() {
    QTemporaryDir dir;
    ServedDatasetOptions peer;
    peer.url = "http://127.0.0.1:1";  // nothing listens there
    peer.dataKey = runKey().dataKey();
    peer.folder = dir.filePath("served-data").toStdString();
    peer.attempts = 2;
    peer.retryWait = std::chrono::milliseconds(10);
    ServedDataset feed(peer);
    try {
      feed.datasetFor(0);
      QFAIL("no server, yet a dataset");
    } catch (const DataServerError& e) {
      QCOMPARE(e.status, 0);
      QVERIFY2(std::string(e.what()).find("127.0.0.1:1") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestServedDataset)
#include "test_served_dataset.moc"
