// Where a process stands in a data-parallel run (torchrun's and SLURM's variables, GPU selections) and
// the local worker group: lines read per worker, a failed worker ending the others after the grace
// period, exits described.

#include <QtTest>

#include <csignal>
#include <map>

#include "runtime/distributed_env.h"
#include "runtime/worker_group.h"

using namespace sds::runtime;

namespace {

Environment fake(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

WorkerSpec shell(const std::string& script) { return {{"/bin/sh", "-c", script}, {}}; }

}  // namespace

class TestLaunch : public QObject {
  Q_OBJECT

 private slots:
  void noLauncherNoPlace() { QVERIFY(!workerPlaceFrom(fake({{"PATH", "/bin"}}))); }

  void torchrunVariables() {
    const auto p = workerPlaceFrom(fake({{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"},
                                         {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "1234"}}));
    QVERIFY(p);
    QCOMPARE(p->rank, 3);
    QCOMPARE(p->worldSize, 8);
    QCOMPARE(p->localRank, 1);
    QCOMPARE(p->localWorldSize, 2);
    QCOMPARE(p->masterAddress, std::string("node7"));
    QCOMPARE(p->masterPort, 1234);
    QCOMPARE(p->launcher, std::string("torchrun"));
    QVERIFY(!p->storeHostedByLauncher);
    // torchrun's agent hosting the store itself.
    const auto agent = workerPlaceFrom(fake({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"}}));
    QVERIFY(agent->storeHostedByLauncher);
    // Defaults: local rank = rank on one machine, 127.0.0.1, torchrun's port.
    const auto d = workerPlaceFrom(fake({{"RANK", "1"}, {"WORLD_SIZE", "2"}}));
    QCOMPARE(d->localRank, 1);
    QCOMPARE(d->masterAddress, std::string("127.0.0.1"));
    QCOMPARE(d->masterPort, 29500);
  }

  void slurmVariables() {
    const auto p = workerPlaceFrom(fake({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"},
                                         {"SLURM_JOB_NODELIST", "gpu[07-10],cpu1"}}));
    QVERIFY(p);
    QCOMPARE(p->rank, 5);
    QCOMPARE(p->worldSize, 8);
    QCOMPARE(p->localRank, 1);
    QCOMPARE(p->masterAddress, std::string("gpu07"));
    QCOMPARE(p->launcher, std::string("slurm"));
    // torchrun's variables win: torchrun inside a SLURM job starts its own group.
    const auto t = workerPlaceFrom(fake({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}, {"RANK", "1"}, {"WORLD_SIZE", "4"}}));
    QCOMPARE(t->launcher, std::string("torchrun"));
    QCOMPARE(t->worldSize, 4);
  }

  void slurmNodeLists() {
    QCOMPARE(firstSlurmHost("node1"), std::string("node1"));
    QCOMPARE(firstSlurmHost("node1,node2"), std::string("node1"));
    QCOMPARE(firstSlurmHost("a[3,5-6]"), std::string("a3"));
    QCOMPARE(firstSlurmHost("rack[001-004]-gpu"), std::string("rack001-gpu"));
    QVERIFY(!errorOf([] { firstSlurmHost(""); }).isEmpty());
    QVERIFY(errorOf([] { firstSlurmHost("node[1-"); }).contains("unclosed"));
    QVERIFY(errorOf([] { firstSlurmHost("node[x]"); }).contains("not a host number"));
  }

  void badVariablesAreNamed() {
    QVERIFY(errorOf([] { workerPlaceFrom(fake({{"RANK", "2"}, {"WORLD_SIZE", "2"}})); }).contains("RANK is \"2\""));
    QVERIFY(errorOf([] { workerPlaceFrom(fake({{"RANK", "0"}})); }).contains("WORLD_SIZE is not set"));
    QVERIFY(errorOf([] { workerPlaceFrom(fake({{"RANK", "-1"}, {"WORLD_SIZE", "2"}})); }).contains("RANK"));
    QVERIFY(errorOf([] { workerPlaceFrom(fake({{"RANK", "0"}, {"WORLD_SIZE", "two"}})); }).contains("WORLD_SIZE"));
    QVERIFY(errorOf([] {
              workerPlaceFrom(fake({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}}));
            }).contains("MASTER_PORT"));
    QVERIFY(errorOf([] {
              workerPlaceFrom(fake({{"RANK", "0"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "2"}, {"LOCAL_WORLD_SIZE", "2"}}));
            }).contains("LOCAL_RANK 2"));
    QVERIFY(errorOf([] { workerPlaceFrom(fake({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}})); })
                .contains("SLURM_JOB_NODELIST"));
  }

  void gpuSelections() {
    QCOMPARE(parseGpuSelection("all", 4), (std::vector<int>{0, 1, 2, 3}));
    QCOMPARE(parseGpuSelection("all", 0), std::vector<int>{});
    QCOMPARE(parseGpuSelection("2", 4), (std::vector<int>{0, 1}));
    QCOMPARE(parseGpuSelection("0,2", 4), (std::vector<int>{0, 2}));
    QCOMPARE(parseGpuSelection("3", 4), (std::vector<int>{0, 1, 2}));
    QCOMPARE(parseGpuSelection("0", 1), (std::vector<int>{0}));  // a list of one index
    QCOMPARE(parseGpuSelection("1", 4), (std::vector<int>{0}));  // a count of one
    QVERIFY(errorOf([] { parseGpuSelection("5", 4); }).contains("this machine has 4"));
    QVERIFY(errorOf([] { parseGpuSelection("0,4", 4); }).contains("GPUs 0 to 3"));
    QVERIFY(errorOf([] { parseGpuSelection("1,1", 4); }).contains("twice"));
    QVERIFY(errorOf([] { parseGpuSelection("fast", 4); }).contains("\"all\", a count"));
    QCOMPARE(parseGpuSelection("2,", 4), (std::vector<int>{2}));  // one index, not a count
    QVERIFY(errorOf([] { parseGpuSelection(",", 4); }).contains("\"all\", a count"));
    QVERIFY(errorOf([] { parseGpuSelection("0,,1", 4); }).contains("\"all\", a count"));
  }

  void workersReportLinesAndExits() {
    WorkerGroup group({shell("echo one; echo two; exit 0"), shell("printf 'no newline'; exit 3")},
                      std::chrono::milliseconds(5000));
    std::map<int, QStringList> lines;
    WorkerGroupCallbacks callbacks;
    callbacks.line = [&](int rank, const std::string& line) { lines[rank].append(QString::fromStdString(line)); };
    const std::vector<WorkerExit> exits = group.run(callbacks);
    QCOMPARE(lines[0], (QStringList{"one", "two"}));
    QCOMPARE(lines[1], (QStringList{"no newline"}));
    QCOMPARE(exits[0].code, 0);
    QCOMPARE(exits[1].code, 3);
    QCOMPARE(exits[1].describe(), std::string("exited with status 3"));
  }

  void environmentReachesWorkers() {
    WorkerSpec spec = shell("echo \"$RANK_FOR_TEST\"");
    spec.environment["RANK_FOR_TEST"] = "seven";
    WorkerGroup group({spec}, std::chrono::milliseconds(1000));
    QString seen;
    WorkerGroupCallbacks callbacks;
    callbacks.line = [&](int, const std::string& line) { seen = QString::fromStdString(line); };
    group.run(callbacks);
    QCOMPARE(seen, QString("seven"));
  }

  void aFailedWorkerEndsTheOthersAfterTheGrace() {
    QElapsedTimer timer;
    timer.start();
    WorkerGroup group({shell("exec sleep 60"), shell("exit 1")}, std::chrono::milliseconds(300));
    std::vector<int> order;
    WorkerGroupCallbacks callbacks;
    callbacks.exited = [&](const WorkerExit& e) { order.push_back(e.rank); };
    const std::vector<WorkerExit> exits = group.run(callbacks);
    QVERIFY2(timer.elapsed() < 10000, "the sleeping worker was not ended");
    QCOMPARE(order, (std::vector<int>{1, 0}));
    QVERIFY(exits[0].signalled);
    QCOMPARE(exits[0].code, SIGKILL);
    QVERIFY(QString::fromStdString(exits[0].describe()).startsWith("was killed by signal 9"));
  }

  void inputReachesTheFirstWorker() {
    WorkerGroup group({shell("read line; echo \"got $line\""), shell("exit 0")}, std::chrono::milliseconds(1000));
    group.sendLine("hello");
    QString seen;
    WorkerGroupCallbacks callbacks;
    callbacks.line = [&](int rank, const std::string& line) {
      if (rank == 0) seen = QString::fromStdString(line);
    };
    group.run(callbacks);
    QCOMPARE(seen, QString("got hello"));
  }

  void aMissingProgramIsAFailedWorker() {
    WorkerGroup group({{{"/nonexistent/sdtrain"}, {}}}, std::chrono::milliseconds(1000));
    const std::vector<WorkerExit> exits = group.run({});
    QCOMPARE(exits[0].code, 127);
  }
};

QTEST_GUILESS_MAIN(TestLaunch)
#include "test_launch.moc"
