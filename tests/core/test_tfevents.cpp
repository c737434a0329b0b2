// TensorBoard event files: CRC-32C against its check value, and the records read back with a separate
// protocol-buffer reader, as TensorBoard reads them.

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "train/tfevents.h"

using namespace sds::train;

namespace {

// A protocol buffer message as field number → raw values (varints as numbers, others as bytes).
struct Message {
  std::multimap<int, std::uint64_t> numbers;
  std::multimap<int, std::string> bytes;
};

bool parse(const std::string& data, Message& out) {
  std::size_t i = 0;
  auto varint = [&](std::uint64_t& v) {
    v = 0;
    for (int shift = 0; i < data.size() && shift < 64; shift += 7) {
      const auto b = static_cast<std::uint8_t>(data[i++]);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (i < data.size()) {
    std::uint64_t key;
    if (!varint(key)) return false;
    const int field = static_cast<int>(key >> 3), type = static_cast<int>(key & 7);
    if (type == 0) {
      std::uint64_t v;
      if (!varint(v)) return false;
      out.numbers.emplace(field, v);
    } else if (type == 1 || type == 5) {
      const std::size_t n = type == 1 ? 8 : 4;
      if (i + n > data.size()) return false;
      out.bytes.emplace(field, data.substr(i, n));
      i += n;
    } else if (type == 2) {
      std::uint64_t n;
      if (!varint(n) || i + n > data.size()) return false;
      out.bytes.emplace(field, data.substr(i, n));
      i += n;
    } else {
      return false;
    }
  }
  return true;
}

std::vector<std::string> records(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string file = buffer.str();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < file.size();) {
    if (i + 12 > file.size()) return {};
    std::uint64_t length;
    std::uint32_t lengthCrc, dataCrc;
    std::memcpy(&length, file.data() + i, 8);
    std::memcpy(&lengthCrc, file.data() + i + 8, 4);
    if (lengthCrc != maskedCrc32c(file.data() + i, 8) || i + 12 + length + 4 > file.size()) return {};
    const std::string data = file.substr(i + 12, length);
    std::memcpy(&dataCrc, file.data() + i + 12 + length, 4);
    if (dataCrc != maskedCrc32c(data.data(), data.size())) return {};
    out.push_back(data);
    i += 12 + length + 4;
  }
  return out;
}

}  // namespace

class TestTfEvents : public QObject {
  Q_OBJECT

 private slots:
  void crcCheckValue() {
    QCOMPARE(crc32c("123456789", 9), 0xE3069283u);
    QCOMPARE(crc32c("", 0), 0u);
  }

  void recordsReadBack() {
    QTemporaryDir dir;
    std::string path;
    {
      TfEventsWriter writer(dir.filePath("run/tb").toStdString());
      path = writer.path();
      QVERIFY(QString::fromStdString(path).contains("events.out.tfevents."));
      writer.scalar("loss", 0.125, 7);
      writer.scalar("lr", 1e-4, 8);
      writer.image("sample/0", {0x89, 'P', 'N', 'G'}, 64, 32, 9);
      writer.flush();
    }
    const std::vector<std::string> all = records(path);
    QCOMPARE(all.size(), std::size_t(4));

    Message version;
    QVERIFY(parse(all[0], version));
    QCOMPARE(version.bytes.find(3)->second, std::string("brain.Event:2"));

    Message event;
    QVERIFY(parse(all[1], event));
    QCOMPARE(event.numbers.find(2)->second, std::uint64_t(7));
    double wallTime;
    std::memcpy(&wallTime, event.bytes.find(1)->second.data(), 8);
    QVERIFY(wallTime > 1.7e9);
    Message summary, value;
    QVERIFY(parse(event.bytes.find(5)->second, summary));
    QVERIFY(parse(summary.bytes.find(1)->second, value));
    QCOMPARE(value.bytes.find(1)->second, std::string("loss"));
    float simple;
    std::memcpy(&simple, value.bytes.find(2)->second.data(), 4);
    QCOMPARE(simple, 0.125f);

    Message imageEvent, imageSummary, imageValue, image;
    QVERIFY(parse(all[3], imageEvent));
    QVERIFY(parse(imageEvent.bytes.find(5)->second, imageSummary));
    QVERIFY(parse(imageSummary.bytes.find(1)->second, imageValue));
    QVERIFY(parse(imageValue.bytes.find(4)->second, image));
    QCOMPARE(image.numbers.find(1)->second, std::uint64_t(32));
    QCOMPARE(image.numbers.find(2)->second, std::uint64_t(64));
    QCOMPARE(image.bytes.find(4)->second, std::string("\x89PNG", 4));
  }
};

QTEST_GUILESS_MAIN(TestTfEvents)
#include "test_tfevents.moc"
