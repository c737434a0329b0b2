// The process group training builds on: ranks (threads here, processes in training) form a Gloo group
// through rank 0's store on loopback, and the collectives give every rank the same values; a port in
// use and an unreachable master are clear errors within the timeout, not hangs.

#include <torch/torch.h>

#include <QElapsedTimer>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "runtime/process_group.h"
#include "train/gradient_buckets.h"

using namespace sds::runtime;

namespace {

// Runs `body` on `world` ranks, each in its own thread with its own group; returns the first error.
QString onRanks(int world, const std::function<void(ProcessGroup&)>& body, int hostedPort = 0) {
  const int port = hostedPort ? hostedPort : pickFreePort();
  std::mutex mutex;
  QString error;
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank)
    threads.emplace_back([&, rank] {
      try {
        GroupOptions o;
        o.masterPort = port;
        o.rank = rank;
        o.worldSize = world;
        o.timeout = std::chrono::seconds(30);
        o.storeHostedElsewhere = hostedPort != 0;
        std::unique_ptr<ProcessGroup> group = ProcessGroup::join(o);
        body(*group);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (error.isEmpty()) error = e.what();
      }
    });
  for (std::thread& t : threads) t.join();
  return error;
}

}  // namespace

class TestProcessGroup : public QObject {
  Q_OBJECT

 private slots:
  void collectivesAgree_data() {
    QTest::addColumn<int>("world");
    QTest::newRow("2 ranks") << 2;
    QTest::newRow("3 ranks") << 3;
  }

  void collectivesAgree() {
    QFETCH(int, world);
    std::mutex mutex;
    std::vector<at::Tensor> means(world), broadcasts(world);
    const QString error = onRanks(world, [&](ProcessGroup& g) {
      if (g.worldSize() != world) throw std::runtime_error("wrong world size");
      // Rank r holds r + 1 and a float32 row of its own values: the mean of both is every rank's.
      std::vector<at::Tensor> t{torch::full({5}, double(g.rank() + 1), torch::kFloat64),
                                torch::arange(4, torch::kFloat32) * (g.rank() + 1)};
      g.allReduceMean(t);
      std::vector<at::Tensor> b{torch::full({3}, double(10 * g.rank()), torch::kFloat64)};
      g.broadcast(b, world - 1);
      g.barrier();
      std::lock_guard<std::mutex> lock(mutex);
      means[g.rank()] = torch::cat({t[0].to(torch::kFloat64), t[1].to(torch::kFloat64)});
      broadcasts[g.rank()] = b[0];
    });
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const double mean = (world + 1) / 2.0;
    for (int r = 0; r < world; ++r) {
      QVERIFY(torch::allclose(means[r].narrow(0, 0, 5), torch::full({5}, mean, torch::kFloat64)));
      QVERIFY(torch::allclose(means[r].narrow(0, 5, 4), torch::arange(4, torch::kFloat64) * mean));
      QVERIFY(torch::equal(means[r], means[0]));  // bit for bit the same on every rank
      QVERIFY(torch::equal(broadcasts[r], torch::full({3}, 10.0 * (world - 1), torch::kFloat64)));
    }
  }

  // Gradient buckets start their all-reduce from the backward pass, as each fills, in order; finish()
  // leaves every gradient the mean over the ranks, also for a parameter the pass did not reach.
  void bucketsStartDuringBackward() {
    std::mutex mutex;
    std::vector<std::size_t> early(2), earlyWithUnused(2);
    const QString error = onRanks(2, [&](ProcessGroup& g) {
      std::vector<at::Tensor> parameters;
      for (int k = 0; k < 6; ++k) parameters.push_back(torch::ones({1000}).requires_grad_());
      sds::train::GradientBuckets buckets(g, parameters, 4000);  // one parameter per bucket
      const double scale = g.rank() + 1;  // rank 0's gradients 1·(k+1), rank 1's 2·(k+1): mean 1.5·(k+1)
      for (int step = 0; step < 2; ++step) {
        for (at::Tensor& p : parameters) p.mutable_grad() = at::Tensor();
        buckets.arm();
        // Step 1 leaves the last parameter out: its bucket (the first to be sent) waits for finish().
        const int used = step == 0 ? 6 : 5;
        at::Tensor loss = torch::zeros({});
        for (int k = 0; k < used; ++k) loss = loss + (parameters[k] * scale * (k + 1)).sum();
        loss.backward();
        const std::size_t started = buckets.startedDuringBackward();
        buckets.finish();
        for (int k = 0; k < 6; ++k) {
          const double expected = k < used ? 1.5 * (k + 1) : 0.0;
          if (!torch::allclose(parameters[k].grad(), torch::full({1000}, expected)))
            throw std::runtime_error("parameter " + std::to_string(k) + " has another mean at step " + std::to_string(step));
        }
        std::lock_guard<std::mutex> lock(mutex);
        (step == 0 ? early : earlyWithUnused)[g.rank()] = started;
      }
    });
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(early, (std::vector<std::size_t>{6, 6}));
    QCOMPARE(earlyWithUnused, (std::vector<std::size_t>{0, 0}));
  }

  // Under torchrun's agent the store is the launcher's: rank 0 connects to it like the other ranks.
  void storeHostedByTheLauncher() {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(pickFreePort());
    so.isServer = true;
    so.waitWorkers = false;
    so.timeout = std::chrono::seconds(30);
    c10d::TCPStore agentStore("127.0.0.1", so);
    std::mutex mutex;
    std::vector<double> means;
    const QString error = onRanks(
        2,
        [&](ProcessGroup& g) {
          std::vector<at::Tensor> t{torch::full({2}, double(g.rank()), torch::kFloat64)};
          g.allReduceMean(t);
          std::lock_guard<std::mutex> lock(mutex);
          means.push_back(t[0][0].item<double>());
        },
        so.port);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(means, (std::vector<double>{0.5, 0.5}));
  }

  void unreachableMasterIsAnErrorWithinTheTimeout() {
    GroupOptions o;
    o.masterPort = pickFreePort();  // nothing listens there
    o.rank = 1;
    o.worldSize = 2;
    o.timeout = std::chrono::seconds(2);
    QElapsedTimer timer;
    timer.start();
    try {
      ProcessGroup::join(o);
      QFAIL("joined a group whose master does not exist");
    } catch (const ProcessGroupError& e) {
      QVERIFY2(QString(e.what()).contains("cannot reach the group's master at 127.0.0.1:" + QString::number(o.masterPort)),
               e.what());
      qInfo("%s", e.what());
    }
    QVERIFY2(timer.elapsed() < 30000, qPrintable(QString::number(timer.elapsed())));
  }

  void portInUseIsAnError() {
    // Something else listens on the port rank 0 is told to host the store on.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    QVERIFY(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && ::listen(fd, 1) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    GroupOptions o;
    o.masterPort = ntohs(address.sin_port);
    o.worldSize = 2;
    o.timeout = std::chrono::seconds(2);
    try {
      ProcessGroup::join(o);
      ::close(fd);
      QFAIL("hosted a store on a port in use");
    } catch (const ProcessGroupError& e) {
      ::close(fd);
      QVERIFY2(QString(e.what()).contains("cannot host the group's store at 127.0.0.1:" + QString::number(o.masterPort)),
               e.what());
      qInfo("%s", e.what());
    }
  }

  void badOptionsAreRefused() {
    GroupOptions o;
    o.worldSize = 2;
    o.rank = 2;
    o.masterPort = 1234;
    QVERIFY_THROWS_EXCEPTION(ProcessGroupError, ProcessGroup::join(o));
    o.rank = 0;
    o.masterPort = 0;
    QVERIFY_THROWS_EXCEPTION(ProcessGroupError, ProcessGroup::join(o));
  }
};

QTEST_GUILESS_MAIN(TestProcessGroup)
#include "test_process_group.moc"
