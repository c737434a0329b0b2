// The studio's swarm: the join dialog reads invitations and names what is wrong; the Swarm page shows
// this peer, its peers, rounds and invitation from the trainer's events; Join without a training sets
// up the project; and with a real trainer running, joining a swarm from the dialog makes the other
// peer appear, Leave leaves, and training goes on.

#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "config/project.h"
#include "join_swarm_dialog.h"
#include "main_window.h"
#include "project_document.h"
#include "swarm_page.h"
#include "trainer_process.h"
#include "training_page.h"

using namespace sds;
using sds::widgets::JoinSwarmDialog;
using sds::widgets::MainWindow;
using sds::widgets::SwarmPage;

namespace {

constexpr int kTrainerTimeoutMs = 180000;
constexpr const char* kRunKey = "sdsrun-a-studio-swarm-test-run";

// A tiny from-scratch run; `swarm` on for the peer that starts the swarm, off for the studio's,
// which joins by command.
QByteArray project(bool swarm) {
  return QByteArray(R"([project]
name = "studio-swarm"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 100000
batch_size = 2
seed = 5
device = "cpu"
precision = "fp32"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 8
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[checkpointing]
every_n_steps = 0
[sampling]
every_n_steps = 0
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
tensorboard = false
[swarm]
enabled = )") + (swarm ? "true" : "false") + R"(
run_key = "sdsrun-a-studio-swarm-test-run"
public_address = "127.0.0.1"
target_batch_size = 8
matchmaking_time_s = 2
averaging_timeout_s = 5
average_state_every = 0
)";
}

bool write(const QString& path, const QByteArray& text) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

protocol::SwarmPeerInfo peer(const char* id, const char* address, double rate) {
  protocol::SwarmPeerInfo p;
  p.peer = id;
  p.address = address;
  p.epoch = 7;
  p.samples_per_s = rate;
  p.last_seen_s = 0.5;
  return p;
}

}  // namespace

class TestStudioSwarm : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("SDStudioTest");
    QCoreApplication::setApplicationName("sdstudio-swarm-test");
    QSettings().clear();
    qputenv("SDS_SDTRAIN", SDS_SDTRAIN);
  }

  void theDialogTakesInvitationsAndNamesProblems() {
    JoinSwarmDialog dialog;
    auto* join = dialog.findChild<QPushButton*>("join");
    QVERIFY(!join->isEnabled());
    QVERIFY(dialog.problem().contains("run's key"));
    dialog.findChild<QLineEdit*>("invitation")->setText("sdswarm1 sdsrun-abc 203.0.113.7:4300 [2001:db8::1]:4222");
    QCOMPARE(dialog.problem(), QString());
    QVERIFY(join->isEnabled());
    protocol::Command command = dialog.command();
    QCOMPARE(QString::fromStdString(command.runKey), QString("sdsrun-abc"));
    QCOMPARE(command.peers.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(command.peers[1]), QString("[2001:db8::1]:4222"));
    QVERIFY(command.upnp.value_or(false));
    dialog.findChild<QCheckBox*>("clientMode")->setChecked(true);
    command = dialog.command();
    QVERIFY(command.clientMode.value_or(false) && !command.upnp.value_or(true));
    // A typed address without a port: named, Join disabled.
    dialog.findChild<QLineEdit*>("peers")->setText("203.0.113.7");
    QCOMPARE(dialog.problem(), QString(R"(Peer address "203.0.113.7" is not HOST:PORT)"));
    QVERIFY(!join->isEnabled());
    QVERIFY(!dialog.takeInvitation("hello"));
    QVERIFY(dialog.findChild<QLabel*>("problem")->text().contains("begins with \"sdswarm1\""));
  }

  // Check reachability runs the real `sdtrain swarm reachability`, here inside a network namespace of
  // its own (only a loopback, down): no router answers, and the dialog says what that means.
  void checkReachabilityAsksTheTrainer() {
    if (QProcess::execute("unshare", {"--net", "true"}) != 0)
      QSKIP("unshare --net is not permitted here (the check keeps UPnP discovery off the real network)");
    QTemporaryDir dir;
    const QString wrapper = dir.filePath("sdtrain-isolated");
    QFile script(wrapper);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QByteArray("#!/bin/sh\nexec unshare --net -- '") + SDS_SDTRAIN + "' \"$@\"\n");
    script.close();
    script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("SDS_SDTRAIN", wrapper.toUtf8());

    JoinSwarmDialog dialog;
    auto* check = dialog.findChild<QPushButton*>("check");
    auto* said = dialog.findChild<QLabel*>("reachability");
    dialog.findChild<QSpinBox*>("port")->setValue(4377);
    QTest::mouseClick(check, Qt::LeftButton);
    QVERIFY(said->text().contains("Asking the router about port 4377"));
    QVERIFY(!check->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(check->isEnabled(), 30000);
    qputenv("SDS_SDTRAIN", SDS_SDTRAIN);
    QVERIFY2(said->text().startsWith("Not reachable by UPnP (") && said->text().contains("relays") &&
                 said->text().contains("client mode"),
             qPrintable(said->text()));
  }

  void thePageShowsPeersRoundsAndTheInvitation() {
    SwarmPage page;
    page.setRun(kRunKey, {"198.51.100.4:4300"});
    page.setTrainingRunning(true);
    QVERIFY(!page.leaveButton()->isEnabled());  // not in a swarm yet
    protocol::SwarmEvent joined;
    joined.state = "accumulating";
    joined.peer = "5e6f7a8b";
    joined.address = "203.0.113.7:4300";
    joined.dht_port = 4300;
    joined.reachability = "reachable at 203.0.113.7:4300: port 4300 (TCP and UDP) mapped by the UPnP gateway";
    page.onSwarmState(joined);
    QVERIFY(page.leaveButton()->isEnabled());
    QVERIFY(page.reachabilityText().contains("UPnP"));
    QCOMPARE(page.invitation(), QString("sdswarm1 sdsrun-a-studio-swarm-test-run 203.0.113.7:4300 198.51.100.4:4300"));

    protocol::SwarmStatusEvent status;
    status.epoch = 7;
    status.local_epoch = 7;
    status.samples_per_s = 40;
    status.peers = {peer("5e6f7a8b", "203.0.113.7:4300", 10), peer("1a2b3c4d", "198.51.100.4:4300", 30)};
    page.onSwarmStatus(status);
    QCOMPARE(page.peerRows(), 2);
    QVERIFY2(page.epochText().contains("epoch 7") && page.epochText().contains("share 25 %"), qPrintable(page.epochText()));

    protocol::SwarmRoundEvent round;
    round.epoch = 7;
    round.group_size = 2;
    round.outcome = "averaged";
    round.bytes_sent = 2'000'000;
    page.onSwarmRound(round);
    page.onSwarmRound(round);
    QCOMPARE(page.roundRows(), 2);

    joined.state = "left";
    page.onSwarmState(joined);
    QVERIFY(!page.leaveButton()->isEnabled());
    QVERIFY(page.stateText().startsWith("Left"));
  }

  // Join with no training running: the project trains as a peer of that swarm when it starts.
  void joiningBeforeTrainingSetsUpTheProject() {
    QTemporaryDir dir;
    const QString path = dir.filePath("p.toml");
    QVERIFY(write(path, project(false)));
    MainWindow window;
    QVERIFY(window.openProject(path));
    protocol::Command join;
    join.kind = protocol::Command::Kind::SwarmJoin;
    join.runKey = "sdsrun-another-run";
    join.peers = {"203.0.113.9:4300"};
    join.port = 4301;
    join.upnp = false;
    emit window.swarmPage()->joinRequested(join);
    const config::Project& p = window.document()->project();
    QVERIFY(p.getBool("swarm.enabled"));
    QCOMPARE(QString::fromStdString(p.getString("swarm.run_key")), QString("sdsrun-another-run"));
    QCOMPARE(p.getList("swarm.peers"), config::StringList{"203.0.113.9:4300"});
    QCOMPARE(p.getInt("swarm.port"), std::int64_t(4301));
    QVERIFY(!p.getBool("swarm.upnp"));
  }

  // The real thing: a swarm of one sdtrain peer; the studio's training joins it from the dialog,
  // sees the other peer, leaves, and trains on.
  void joinAndLeaveWhileTraining() {
    QTemporaryDir dir;
    QVERIFY(write(dir.filePath("swarm.toml"), project(true)));
    QVERIFY(write(dir.filePath("studio.toml"), project(false)));
    QProcess first;
    first.setWorkingDirectory(dir.path());
    first.start(SDS_SDTRAIN, {"--events", "jsonl", "train", "swarm.toml", "--output", "out-first"});
    QString bootstrap;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          while (first.canReadLine()) {
            const QJsonObject e = QJsonDocument::fromJson(first.readLine()).object();
            if (e["event"] == "swarm" && e["dht_port"].toInt() > 0)
              bootstrap = "127.0.0.1:" + QString::number(e["dht_port"].toInt());
          }
          first.waitForReadyRead(50);
          return !bootstrap.isEmpty();
        }(),
        kTrainerTimeoutMs);

    auto* window = new MainWindow;
    window->show();
    QVERIFY(window->openProject(dir.filePath("studio.toml")));
    QVERIFY(window->startTraining());
    widgets::TrainingPage* training = window->trainingPage();
    QTRY_VERIFY_WITH_TIMEOUT(training->lastStep() >= 1, kTrainerTimeoutMs);

    // Join from the Training page's dialog: paste the invitation, press Join.
    SwarmPage* page = window->swarmPage();
    const QString invitation = QString("sdswarm1 %1 %2").arg(kRunKey, bootstrap);
    bool answered = false;
    QTimer::singleShot(100, this, [&] {
      auto* dialog = qobject_cast<JoinSwarmDialog*>(QApplication::activeModalWidget());
      if (!dialog) return;
      dialog->findChild<QLineEdit*>("invitation")->setText(invitation);
      dialog->findChild<QPushButton*>("join")->click();
      answered = true;
    });
    QVERIFY(training->joinSwarmButton()->isEnabled());
    training->joinSwarmButton()->click();
    QVERIFY(answered);
    QTRY_VERIFY_WITH_TIMEOUT(page->peerRows() >= 2, kTrainerTimeoutMs);
    QVERIFY(page->leaveButton()->isEnabled());
    QCOMPARE(page->invitation().section(' ', 0, 1), QString("sdswarm1 %1").arg(kRunKey));

    // Leave: the trainer leaves the swarm and goes on alone.
    page->leaveButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(page->stateText().startsWith("Left"), kTrainerTimeoutMs);
    const qint64 leftAt = training->lastStep();
    QTRY_VERIFY_WITH_TIMEOUT(training->lastStep() > leftAt + 1, kTrainerTimeoutMs);
    QVERIFY(training->isRunning());

    training->trainer()->stop(false);
    QTRY_VERIFY_WITH_TIMEOUT(!training->isRunning(), kTrainerTimeoutMs);
    delete window;
    first.write("{\"cmd\":\"stop\",\"save\":false}\n");
    QVERIFY(first.waitForFinished(60000));
  }
};

QTEST_MAIN(TestStudioSwarm)
#include "test_studio_swarm.moc"
