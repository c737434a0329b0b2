// The trainer's event protocol: every event and command survives encode → decode with every field,
// malformed lines fail with messages that name the problem, and EventWriter keeps lines whole when
// several threads write at once.

#include <QtTest>

#include "qt_strings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <chrono>
#include <thread>
#include <vector>

#include "protocol/command_reader.h"
#include "protocol/event_writer.h"
#include "util/log.h"
#include "protocol/events.h"
#include "protocol/swarm_invitation.h"

using namespace sds::protocol;

namespace {


QString num(double v) { return QString::number(v, 'g', 17); }
QString num(std::int64_t v) { return QString::number(v); }
QString numbers(const std::vector<double>& values) {
  QStringList out;
  for (double v : values) out << num(v);
  return "[" + out.join(',') + "]";
}


// Every field of an event as "name=value", written independently of the encoder so that a field the
// encoder or decoder drops shows up as a difference.
QStringList fields(const HelloEvent& e) {
  return {"protocol=" + QString::number(e.protocol), "program=" + qs(e.program), "version=" + qs(e.version)};
}
QStringList fields(const HeartbeatEvent&) { return {}; }
QStringList fields(const LogEvent& e) { return {"level=" + qs(e.level), "message=" + qs(e.message)}; }
QStringList fields(const StateEvent& e) { return {"state=" + qs(e.state), "detail=" + qs(e.detail)}; }
QStringList fields(const ProgressEvent& e) {
  return {"phase=" + qs(e.phase), "current=" + num(e.current), "total=" + num(e.total)};
}
QStringList fields(const StepEvent& e) {
  return {"step=" + num(e.step),
          "total_steps=" + num(e.total_steps),
          "epoch=" + num(e.epoch),
          "images_seen=" + num(e.images_seen),
          "loss=" + num(e.loss),
          "loss_smoothed=" + num(e.loss_smoothed),
          "lr=" + num(e.lr),
          "grad_norm=" + num(e.grad_norm),
          "images_per_s=" + num(e.images_per_s),
          "eta_s=" + num(e.eta_s),
          "memory_gib=" + (e.memory_gib ? num(*e.memory_gib) : QString("none")),
          "rank_images_per_s=" + numbers(e.rank_images_per_s),
          "rank_memory_gib=" + numbers(e.rank_memory_gib)};
}
QStringList fields(const ValidationEvent& e) { return {"step=" + num(e.step), "loss=" + num(e.loss)}; }
QStringList fields(const SampleEvent& e) {
  return {"step=" + num(e.step), "path=" + qs(e.path), "prompt=" + qs(e.prompt), "seed=" + num(e.seed)};
}
QStringList fields(const CheckpointEvent& e) { return {"step=" + num(e.step), "path=" + qs(e.path)}; }
QStringList fields(const ErrorEvent& e) {
  return {"message=" + qs(e.message), "hint=" + qs(e.hint), QString("resumable=") + (e.resumable ? "true" : "false"),
          "checkpoint=" + qs(e.checkpoint)};
}
QStringList fields(const DatasetReportEvent& e) { return {"report=" + qs(e.report)}; }
QStringList fields(const SwarmEvent& e) {
  return {"state=" + qs(e.state), "detail=" + qs(e.detail), "peer=" + qs(e.peer), "address=" + qs(e.address),
          "dht_port=" + QString::number(e.dht_port), QString("client_mode=") + (e.client_mode ? "true" : "false"),
          "reachability=" + qs(e.reachability)};
}
QStringList fields(const SwarmStatusEvent& e) {
  QStringList out = {"epoch=" + num(e.epoch), "local_epoch=" + num(e.local_epoch), "samples=" + num(e.samples),
                     "target_batch_size=" + num(e.target_batch_size), "samples_per_s=" + num(e.samples_per_s),
                     "local_samples=" + num(e.local_samples)};
  for (const SwarmPeerInfo& p : e.peers)
    out << "peer=" + qs(p.peer) + "," + qs(p.address) + "," + num(p.epoch) + "," + num(p.samples_per_s) + "," +
               (p.client_mode ? "client" : "full") + "," + num(p.last_seen_s);
  return out;
}
QStringList fields(const SwarmRoundEvent& e) {
  return {"epoch=" + num(e.epoch), "kind=" + qs(e.kind), "group_size=" + num(e.group_size), "outcome=" + qs(e.outcome),
          "bytes_sent=" + num(e.bytes_sent), "bytes_received=" + num(e.bytes_received),
          "matchmaking_s=" + num(e.matchmaking_s), "averaging_s=" + num(e.averaging_s),
          "waited_s=" + num(e.waited_s),
          "excluded=" + qs(std::accumulate(e.excluded.begin(), e.excluded.end(), std::string(),
                                           [](const std::string& a, const std::string& b) { return a + "|" + b; })),
          "digest=" + qs(e.digest)};
}
QStringList describe(const Event& event) {
  QStringList out = {qs(eventName(event))};
  std::visit([&out](const auto& e) { out += fields(e); }, event);
  return out;
}

StepEvent fullStep() {
  StepEvent e;
  e.step = 1234;
  e.total_steps = std::int64_t(1) << 40;
  e.epoch = 7;
  e.images_seen = 987654;
  e.loss = 0.123456789012345;
  e.loss_smoothed = 1.0 / 3.0;
  e.lr = 1e-5;
  e.grad_norm = 2.5;
  e.images_per_s = 13.75;
  e.eta_s = 3600.5;
  e.memory_gib = 11.25;
  return e;
}

// Every event type, each with every field set (and the variants where optional fields are empty).
std::vector<std::pair<const char*, Event>> sampleEvents() {
  StepEvent noMemory = fullStep();
  noMemory.memory_gib.reset();
  StepEvent zeroMemory = fullStep();
  zeroMemory.memory_gib = 0.0;
  StepEvent ranks = fullStep();
  ranks.rank_images_per_s = {52.5, 51.25, 0.0};
  ranks.rank_memory_gib = {11.25, 11.5, 12.0};
  return {
      {"hello", HelloEvent{1, "sdtrain", "0.1.0"}},
      {"log", LogEvent{"warn", "quotes \" backslash \\ newline\n tab\t ünïcødé 漢字 🎉 \x01"}},
      {"state", StateEvent{"training", "step 5 of 10"}},
      {"state without detail", StateEvent{"idle", ""}},
      {"progress", ProgressEvent{"caching", 17, 256}},
      {"progress of unknown total", ProgressEvent{"scanning", 3, 0}},
      {"step", fullStep()},
      {"step of three ranks", ranks},
      {"step without memory", noMemory},
      {"step with zero memory", zeroMemory},
      {"validation", ValidationEvent{500, 0.0625}},
      {"sample", SampleEvent{750, "/runs/a b/samples/000750-0.png", "a red circle, \"bright\"", 1234567890123}},
      {"checkpoint", CheckpointEvent{1000, "/runs/x/checkpoints/step-001000"}},
      {"error", ErrorEvent{"cannot read 'x.png': truncated", "remove the file", true, "/runs/x/checkpoints/step-500"}},
      {"error without hint", ErrorEvent{"out of memory", "", false, ""}},
      {"dataset report",
       DatasetReportEvent{R"({"examined":3,"issues":{"corrupt":{"count":1,"items":[{"item":"b.png","message":"bad",)"
                          R"("skipped":true}],"skipped":1}},"path":"/data/ä","usable":2})"}},
      {"swarm", SwarmEvent{"downloading_state", "from 1a2b3c4d", "5e6f7a8b", "203.0.113.7:4300", 4300, false,
                                  "reachable at 203.0.113.7:4300: port 4300 (TCP and UDP) mapped by the UPnP gateway"}},
      {"swarm in client mode", SwarmEvent{"accumulating", "", "5e6f7a8b", "", 38211, true, ""}},
      {"swarm status", SwarmStatusEvent{12, 11, 187.5, 256, 31.25, 40,
                                        {{"5e6f7a8b", "203.0.113.7:4300", 12, 15.5, false, 0.25},
                                         {"1a2b3c4d", "", 11, 16.0, true, 3.5}}}},
      {"swarm status without peers", SwarmStatusEvent{0, 0, 0.0, 1, 0.0, 0, {}}},
      {"swarm round", SwarmRoundEvent{12, "state", 3, "partial", 6775833, 13551666, 0.25, 1.5, 0.75,
                                      {"part of 1a2b3c4d: no answer within 5 s", "9c8d7e6f: NaN in its values"},
                                      "3f9a0c17d2e45b68"}},
      {"swarm round alone", SwarmRoundEvent{3, "gradients", 1, "alone", 0, 0, 2.0, 0.0, 2.0, {}, ""}},
      {"heartbeat", HeartbeatEvent{}},
  };
}

QString decodeError(const std::string& line, bool command = false) {
  try {
    if (command)
      decodeCommand(line);
    else
      decodeEvent(line);
  } catch (const ProtocolError& e) {
    return QString::fromUtf8(e.what());
  } catch (const std::exception& e) {
    return "unexpected exception: " + QString::fromUtf8(e.what());
  }
  return "no error";
}

// Invalid sequences do not survive the trip through QString unchanged.
bool isUtf8(const std::string& s) {
  const QByteArray bytes = QByteArray::fromStdString(s);
  return QString::fromUtf8(bytes).toUtf8() == bytes;
}

}  // namespace

class TestProtocol : public QObject {
  Q_OBJECT

 private slots:
  void eventRoundTrip_data() {
    QTest::addColumn<int>("index");
    const auto events = sampleEvents();
    for (std::size_t i = 0; i < events.size(); ++i) QTest::newRow(events[i].first) << int(i);
  }
  void eventRoundTrip() {
    QFETCH(int, index);
    const Event event = sampleEvents()[std::size_t(index)].second;
    const double time = 1763784000.123456;
    const std::string line = encode(event, time);
    QVERIFY2(line.find('\n') == std::string::npos, line.c_str());  // one line per event, always

    const std::optional<Event> decoded = decodeEvent(line);
    QVERIFY(decoded);
    QCOMPARE(decoded->index(), event.index());
    QCOMPARE(describe(*decoded), describe(event));

    // The line itself: a JSON object naming the event, with its time.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(line));
    QVERIFY(doc.isObject());
    QCOMPARE(doc.object().value("event").toString(), qs(eventName(event)));
    QCOMPARE(doc.object().value("time").toDouble(), time);
  }

  void eventNames() {
    QStringList names;
    for (const auto& [row, event] : sampleEvents()) {
      Q_UNUSED(row);
      if (!names.contains(qs(eventName(event)))) names << qs(eventName(event));
    }
    QCOMPARE(names, QStringList({"hello", "log", "state", "progress", "step", "validation", "sample", "checkpoint",
                                 "error", "dataset_report", "swarm", "swarm_status", "swarm_round", "heartbeat"}));
    QCOMPARE(std::variant_size_v<Event>, std::size_t(names.size()));  // every type is covered above
  }

  void optionalFieldsAreLeftOut() {
    StepEvent step = fullStep();
    step.memory_gib.reset();
    const QJsonObject noMemory = QJsonDocument::fromJson(QByteArray::fromStdString(encode(step, 0))).object();
    QVERIFY(!noMemory.contains("memory_gib"));
    const QJsonObject memory = QJsonDocument::fromJson(QByteArray::fromStdString(encode(fullStep(), 0))).object();
    QCOMPARE(memory.value("memory_gib").toDouble(), 11.25);
    const QJsonObject state =
        QJsonDocument::fromJson(QByteArray::fromStdString(encode(StateEvent{"idle", ""}, 0))).object();
    QCOMPARE(state.keys(), QStringList({"event", "state", "time"}));
    const QJsonObject error =
        QJsonDocument::fromJson(QByteArray::fromStdString(encode(ErrorEvent{"m", "", false, ""}, 0))).object();
    QCOMPARE(error.keys(), QStringList({"event", "message", "resumable", "time"}));
  }

  void decodeFillsDefaults() {
    const std::optional<Event> step =
        decodeEvent(R"({"event":"step","step":3,"total_steps":10,"loss":0.5,"lr":0.0001})");
    QVERIFY(step && std::holds_alternative<StepEvent>(*step));
    const StepEvent& s = std::get<StepEvent>(*step);
    QCOMPARE(s.step, std::int64_t(3));
    QCOMPARE(s.epoch, std::int64_t(0));
    QCOMPARE(s.loss_smoothed, 0.5);  // falls back to the loss
    QCOMPARE(s.grad_norm, 0.0);
    QVERIFY(!s.memory_gib);

    const std::optional<Event> progress = decodeEvent(R"({"event":"progress","phase":"caching","current":2})");
    QVERIFY(progress);
    QCOMPARE(std::get<ProgressEvent>(*progress).total, std::int64_t(0));

    // Integers are fine where numbers are expected; unknown fields are ignored; null is absent.
    const std::optional<Event> validation =
        decodeEvent(R"({"event":"validation","step":5,"loss":1,"future_field":[1,2],"time":0})");
    QVERIFY(validation);
    QCOMPARE(std::get<ValidationEvent>(*validation).loss, 1.0);
    const std::optional<Event> state = decodeEvent(R"({"event":"state","state":"paused","detail":null})");
    QVERIFY(state);
    QCOMPARE(qs(std::get<StateEvent>(*state).detail), QString());
  }

  void nonFiniteNumbers() {
    // A diverged run reports NaN or infinite values; JSON cannot hold them, but the event must arrive.
    StepEvent e = fullStep();
    e.loss = std::numeric_limits<double>::quiet_NaN();
    e.loss_smoothed = std::numeric_limits<double>::quiet_NaN();
    e.grad_norm = std::numeric_limits<double>::infinity();
    const std::string line = encode(e, 1.0);
    QVERIFY(QJsonDocument::fromJson(QByteArray::fromStdString(line)).isObject());  // still valid JSON
    std::optional<Event> decoded;
    try {
      decoded = decodeEvent(line);
    } catch (const ProtocolError& error) {
      QFAIL(error.what());
    }
    QVERIFY(decoded);
    const StepEvent& s = std::get<StepEvent>(*decoded);
    QVERIFY(std::isnan(s.loss));
    QVERIFY(std::isnan(s.loss_smoothed));
    QVERIFY(!std::isfinite(s.grad_norm));  // not silently 0
    QCOMPARE(s.lr, e.lr);
    QCOMPARE(s.step, e.step);
  }

  void invalidUtf8IsReplaced() {
    const std::string bad = "cannot read caption of \xff\xfe.png: bad byte \xc3";
    std::string line;
    try {
      line = encode(LogEvent{"warn", bad}, 2.0);
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
    QVERIFY(!isUtf8(bad));
    QVERIFY2(isUtf8(line), line.c_str());
    const std::optional<Event> decoded = decodeEvent(line);
    QVERIFY(decoded);
    const std::string message = std::get<LogEvent>(*decoded).message;
    QVERIFY2(message.rfind("cannot read caption of ", 0) == 0, message.c_str());
    QVERIFY2(message.find(".png: bad byte ") != std::string::npos, message.c_str());
    QVERIFY2(message.find("\xEF\xBF\xBD") != std::string::npos, message.c_str());  // U+FFFD
    QVERIFY(isUtf8(message));

    // Valid UTF-8 passes unchanged.
    const std::string good = "ünïcødé 漢字 🎉";
    QCOMPARE(qs(std::get<LogEvent>(*decodeEvent(encode(LogEvent{"info", good}, 0))).message), qs(good));
    QVERIFY(isUtf8(good));
  }

  void decodeErrors_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << "hello there" << "not a JSON event line: hello there";
    QTest::newRow("empty") << "" << "not a JSON event line: ";
    QTest::newRow("cut off") << R"({"event":"log","level":"info")"
                             << R"(not a JSON event line: {"event":"log","level":"info")";
    QTest::newRow("long line is shortened")
        << QString("x").repeated(100) << "not a JSON event line: " + QString("x").repeated(57) + "...";
    QTest::newRow("array") << "[1, 2]" << "an event must be a JSON object, got array";
    QTest::newRow("number") << "42" << "an event must be a JSON object, got number";
    QTest::newRow("string") << R"("step")" << "an event must be a JSON object, got string";
    QTest::newRow("no event field") << R"({"time": 1})" << R"(event: missing field "event")";
    QTest::newRow("event not a string") << R"({"event": 5})" << R"(event: field "event" is 5, expected a string)";
    QTest::newRow("missing required field")
        << R"({"event":"hello","program":"sdtrain","version":"1"})" << R"(hello event: missing field "protocol")";
    QTest::newRow("string for integer") << R"({"event":"step","step":"10","total_steps":20,"loss":1,"lr":1})"
                                        << R"(step event: field "step" is "10", expected an integer)";
    QTest::newRow("float for integer") << R"({"event":"checkpoint","step":1.5,"path":"p"})"
                                       << R"(checkpoint event: field "step" is 1.5, expected an integer)";
    QTest::newRow("string for number") << R"({"event":"validation","step":1,"loss":"low"})"
                                       << R"(validation event: field "loss" is "low", expected a number)";
    QTest::newRow("number for string") << R"({"event":"log","level":"info","message":5})"
                                       << R"(log event: field "message" is 5, expected a string)";
    QTest::newRow("string for bool") << R"({"event":"error","message":"m","resumable":"yes"})"
                                     << R"(error event: field "resumable" is "yes", expected true or false)";
    QTest::newRow("optional field of wrong type") << R"({"event":"state","state":"idle","detail":[1]})"
                                                  << R"(state event: field "detail" is [1], expected a string)";
    QTest::newRow("rank list of strings")
        << R"({"event":"step","step":1,"total_steps":2,"loss":1,"lr":1,"rank_images_per_s":["fast"]})"
        << R"(step event: field "rank_images_per_s" is ["fast"], expected a list of numbers)";
    QTest::newRow("dataset report without report") << R"({"event":"dataset_report"})"
                                                   << R"(dataset_report event: missing field "report")";
    QTest::newRow("dataset report not an object") << R"({"event":"dataset_report","report":[1]})"
                                                  << R"(dataset_report event: field "report" is [1], expected an object)";
    QTest::newRow("long value is shortened")
        << R"({"event":"sample","step":1,"path":)" + QString("[%1]").arg(QString("1,").repeated(30) + "1") + "}"
        << R"(sample event: field "path" is [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,..., expected a string)";
  }
  void decodeErrors() {
    QFETCH(QString, line);
    QFETCH(QString, message);
    QCOMPARE(decodeError(line.toStdString()), message);
  }

  void unknownEventIsSkipped() {
    std::optional<Event> decoded;
    try {
      decoded = decodeEvent(R"({"event":"telemetry","time":1,"gpu_temp":71})");
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
    QVERIFY(!decoded);
  }

  void commandRoundTrip_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("save");
    QTest::addColumn<QString>("json");
    QTest::newRow("pause") << int(Command::Kind::Pause) << true << R"({"cmd":"pause"})";
    QTest::newRow("resume") << int(Command::Kind::Resume) << true << R"({"cmd":"resume"})";
    QTest::newRow("stop and save") << int(Command::Kind::Stop) << true << R"({"cmd":"stop","save":true})";
    QTest::newRow("stop without saving") << int(Command::Kind::Stop) << false << R"({"cmd":"stop","save":false})";
    QTest::newRow("save") << int(Command::Kind::Save) << true << R"({"cmd":"save"})";
    QTest::newRow("sample") << int(Command::Kind::Sample) << true << R"({"cmd":"sample"})";
  }
  void commandRoundTrip() {
    QFETCH(int, kind);
    QFETCH(bool, save);
    QFETCH(QString, json);
    Command command;
    command.kind = Command::Kind(kind);
    command.save = save;
    const std::string line = encode(command);
    QCOMPARE(qs(line), json);
    const Command decoded = decodeCommand(line);
    QCOMPARE(int(decoded.kind), kind);
    QCOMPARE(decoded.save, save);
    QCOMPARE(qs(commandName(decoded.kind)), QJsonDocument::fromJson(json.toUtf8()).object().value("cmd").toString());
  }

  // The line people paste to join: key and addresses back as they went in, and each fault named.
  void swarmInvitations() {
    const SwarmInvitation invitation{"sdsrun-00ff", {"203.0.113.7:4300", "[2001:db8::1]:4222"}};
    const std::string line = encodeInvitation(invitation);
    QCOMPARE(QString::fromStdString(line), QString("sdswarm1 sdsrun-00ff 203.0.113.7:4300 [2001:db8::1]:4222"));
    const SwarmInvitation back = decodeInvitation("\n  " + line + "  \n");
    QCOMPARE(QString::fromStdString(back.runKey), QString("sdsrun-00ff"));
    QVERIFY(back.peers == invitation.peers);
    const auto problem = [](const std::string& text) {
      try {
        decodeInvitation(text);
      } catch (const std::invalid_argument& e) {
        return QString(e.what());
      }
      return QString();
    };
    QCOMPARE(problem("hello sdsrun-1 a:1"), QString(R"(an invitation begins with "sdswarm1", not "hello")"));
    QCOMPARE(problem("sdswarm1 key a:1"), QString(R"(the invitation's second part must be the run key ("sdsrun-…"))"));
    QCOMPARE(problem("sdswarm1 sdsrun-1"), QString("the invitation names no peer address to join through"));
    QCOMPARE(problem("sdswarm1 sdsrun-1 host:99999"), QString(R"(the invitation's address "host:99999": the port must be 1 to 65535)"));
    QCOMPARE(problem("sdswarm1 sdsrun-1 2001:db8::1:4300"),
             QString(R"(the invitation's address "2001:db8::1:4300": an IPv6 address goes in brackets, [2001:db8::1]:4300)"));
    QCOMPARE(QString::fromStdString(addressProblem("host")), QString(R"("host" is not HOST:PORT)"));
    QVERIFY(addressProblem("localhost:4300").empty());
  }

  void swarmCommands() {
    Command join;
    join.kind = Command::Kind::SwarmJoin;
    join.runKey = "sdsrun-0123";
    join.peers = {"203.0.113.7:4300", "[2001:db8::1]:4300"};
    join.port = 4301;
    join.clientMode = true;
    join.upnp = false;
    const Command decoded = decodeCommand(encode(join));
    QCOMPARE(int(decoded.kind), int(Command::Kind::SwarmJoin));
    QCOMPARE(decoded.runKey, join.runKey);
    QVERIFY(decoded.peers == join.peers);
    QCOMPARE(decoded.port.value_or(-1), 4301);
    QVERIFY(!decoded.publicAddress);
    QVERIFY(decoded.clientMode.value_or(false));
    QVERIFY(decoded.upnp && !*decoded.upnp);
    QCOMPARE(int(decodeCommand(R"({"cmd":"swarm_leave"})").kind), int(Command::Kind::SwarmLeave));
    QCOMPARE(decodeError(R"({"cmd":"swarm_join"})", true), QString(R"(command: missing field "run_key")"));
    QCOMPARE(decodeError(R"({"cmd":"swarm_join","run_key":""})", true), QString(R"(swarm_join command: "run_key" is empty)"));
    QCOMPARE(decodeError(R"({"cmd":"swarm_join","run_key":"k","port":70000})", true),
             QString(R"(swarm_join command: field "port" is 70000, expected 0 to 65535)"));
    QVERIFY(decodeError(R"({"cmd":"swarm_join","run_key":"k","peers":[1]})", true).contains("a list of strings"));
  }

  void stopSavesByDefault() {
    const Command stop = decodeCommand(R"({"cmd":"stop"})");
    QCOMPARE(int(stop.kind), int(Command::Kind::Stop));
    QVERIFY(stop.save);
    // Extra fields are ignored, so newer clients can add options.
    QCOMPARE(int(decodeCommand(R"({"cmd":"pause","reason":"user"})").kind), int(Command::Kind::Pause));
  }

  void commandErrors_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown command") << R"({"cmd":"jump"})"
                                     << R"(unknown command "jump"; expected pause, resume, stop, save, sample, swarm_join or swarm_leave)";
    QTest::newRow("case matters") << R"({"cmd":"Stop"})"
                                  << R"(unknown command "Stop"; expected pause, resume, stop, save, sample, swarm_join or swarm_leave)";
    QTest::newRow("no cmd") << R"({"command":"stop"})" << R"(command: missing field "cmd")";
    QTest::newRow("cmd not a string") << R"({"cmd":1})" << R"(command: field "cmd" is 1, expected a string)";
    QTest::newRow("save not a bool") << R"({"cmd":"stop","save":"no"})"
                                     << R"(command: field "save" is "no", expected true or false)";
    QTest::newRow("not JSON") << "stop" << "not a JSON command line: stop";
    QTest::newRow("not an object") << R"(["stop"])" << "a command must be a JSON object, got array";
  }
  void commandErrors() {
    QFETCH(QString, line);
    QFETCH(QString, message);
    QCOMPARE(decodeError(line.toStdString(), true), message);
  }

  // Heartbeats fill silences only: none while events come more often than the quiet time, one per
  // quiet time while nothing else is written.
  void heartbeatOnlyWhenQuiet() {
    const auto countHeartbeats = [](const std::string& text) {
      int beats = 0;
      std::istringstream in(text);
      std::string line;
      while (std::getline(in, line))
        if (const std::optional<Event> event = decodeEvent(line); event && std::holds_alternative<HeartbeatEvent>(*event))
          ++beats;
      return beats;
    };
    std::ostringstream busy;
    {
      EventWriter writer(busy);
      writer.startHeartbeat(std::chrono::milliseconds(400));
      for (int i = 0; i < 20; ++i) {
        writer.write(StateEvent{"training", ""});
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
      }
    }
    QCOMPARE(countHeartbeats(busy.str()), 0);
    std::ostringstream quiet;
    {
      EventWriter writer(quiet);
      writer.startHeartbeat(std::chrono::milliseconds(100));
      writer.write(StateEvent{"training", ""});
      std::this_thread::sleep_for(std::chrono::milliseconds(1050));
    }  // and the destructor ends the thread rather than waiting for the next beat
    const int beats = countHeartbeats(quiet.str());
    QVERIFY2(beats >= 5 && beats <= 10, qPrintable(QString::number(beats)));
  }

  void eventWriterFromThreads() {
    constexpr int kThreads = 4, kEvents = 200;
    std::ostringstream out;
    const double before = unixTime();
    {
      EventWriter writer(out);
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&writer, t] {
          for (int i = 0; i < kEvents; ++i) {
            if (i % 2) {
              // Long lines make torn writes likely if the writer did not serialise them.
              writer.write(LogEvent{"info", std::to_string(t) + ":" + std::to_string(i) + ":" + std::string(500, 'x')});
            } else {
              StepEvent e = fullStep();
              e.epoch = t;
              e.step = i;
              writer.write(e);
            }
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
    }
    const double after = unixTime();

    const std::string text = out.str();
    QVERIFY(!text.empty() && text.back() == '\n');
    std::vector<int> next(kThreads, 0);  // each thread's events arrive in the order it wrote them
    int lines = 0;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      ++lines;
      QVERIFY2(!line.empty(), "empty line");
      std::optional<Event> event;
      try {
        event = decodeEvent(line);
      } catch (const ProtocolError& e) {
        QFAIL(qPrintable(QString::fromUtf8(e.what()) + " in line " + QString::number(lines)));
      }
      QVERIFY(event);
      int thread = 0, index = 0;
      if (const auto* step = std::get_if<StepEvent>(&*event)) {
        thread = int(step->epoch);
        index = int(step->step);
        QCOMPARE(step->loss, fullStep().loss);
      } else {
        const std::string& message = std::get<LogEvent>(*event).message;
        thread = std::stoi(message.substr(0, message.find(':')));
        index = std::stoi(message.substr(message.find(':') + 1));
        QVERIFY(message.compare(message.size() - 500, 500, std::string(500, 'x')) == 0);
      }
      QVERIFY(thread >= 0 && thread < kThreads);
      QCOMPARE(index, next[std::size_t(thread)]);
      ++next[std::size_t(thread)];
      const double time = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object().value("time").toDouble();
      QVERIFY(time >= before && time <= after);
    }
    QCOMPARE(lines, kThreads * kEvents);
    QCOMPARE(std::count(text.begin(), text.end(), '\n'), std::ptrdiff_t(kThreads * kEvents));
    for (int n : next) QCOMPARE(n, kEvents);
  }

  void unixTimeIsNow() {
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QVERIFY(std::abs(unixTime() - now) < 5.0);
    const double a = unixTime(), b = unixTime();
    QVERIFY(b >= a);
    QVERIFY(a != std::floor(a) || b != std::floor(b));  // sub-second precision
  }

  // The trainer's stdin: valid commands reach the handler in order, malformed lines are logged as
  // errors quoting the problem, and reading goes on to the end of input.
  void commandReaderKeepsReadingPastBadLines() {
    std::vector<std::string> logged;
    std::mutex loggedMutex;
    sds::log::setConsoleEnabled(false);
    sds::log::setListener([&](sds::log::Level level, std::string_view message) {
      std::lock_guard<std::mutex> lock(loggedMutex);
      if (level == sds::log::Level::Error) logged.emplace_back(message);
    });
    std::istringstream input(
        "{\"cmd\":\"pause\"}\n"
        "\n"
        "not json at all\n"
        "{\"cmd\":\"halt\"}\n"
        "{\"cmd\":\"stop\",\"save\":\"yes\"}\n"
        "{\"cmd\":\"resume\"}\r\n"
        "{\"cmd\":\"stop\",\"save\":false}");
    std::vector<Command> received;
    {
      CommandReader reader(input, [&](const Command& c) { received.push_back(c); });
      reader.wait();
      QVERIFY(reader.finished());
    }
    sds::log::setListener({});
    sds::log::setConsoleEnabled(true);

    QCOMPARE(received.size(), std::size_t(3));
    QVERIFY(received[0].kind == Command::Kind::Pause);
    QVERIFY(received[1].kind == Command::Kind::Resume);
    QVERIFY(received[2].kind == Command::Kind::Stop);
    QVERIFY(!received[2].save);
    QCOMPARE(logged.size(), std::size_t(3));
    QVERIFY2(qs(logged[0]).contains("not a JSON command line: not json at all"), logged[0].c_str());
    QVERIFY2(qs(logged[1]).contains("unknown command \"halt\""), logged[1].c_str());
    QVERIFY2(qs(logged[2]).contains("\"save\" is \"yes\", expected true or false"), logged[2].c_str());
  }
};

QTEST_GUILESS_MAIN(TestProtocol)
#include "test_protocol.moc"
