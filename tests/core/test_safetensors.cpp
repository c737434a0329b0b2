// safetensors files: the reference fixtures, write/read round trips, atomic writing, and hostile
// files (truncated, corrupted, malformed headers, pickles) that must fail with a clear message.

#include <QtTest>

#include "fixtures.h"
#include "qt_strings.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io/safetensors.h"

using namespace sds::io;

Q_DECLARE_METATYPE(std::string)

namespace {

std::string le64(std::uint64_t value) {
  std::string out(8, '\0');
  for (char& c : out) {
    c = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return out;
}

// A file's bytes: header length, header, data.
std::string rawFile(const std::string& header, const std::string& data = {}) {
  return le64(header.size()) + header + data;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void writeAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

// The message of the SafetensorsError that opening `path` throws, or nullopt when it opens. Any
// other exception escapes and fails the test.
std::optional<std::string> openError(const std::string& path) {
  try {
    SafetensorsFile::open(path);
    return std::nullopt;
  } catch (const SafetensorsError& e) {
    return std::string(e.what());
  }
}

// Every file (hidden ones too) in a folder.
QStringList entries(const QString& folder) {
  return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

std::vector<std::string> fixtureFiles() {
  std::vector<std::string> files;
  QDirIterator it(fixturesDir(), {"*.safetensors"}, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) files.push_back(it.next().toStdString());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> randomBytes(std::size_t count, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::vector<std::uint8_t> bytes(count);
  for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(generator());
  return bytes;
}

std::vector<std::int64_t> shapeOf(const SafetensorsFile& file, const std::string& name) {
  const TensorInfo* t = file.find(name);
  return t ? t->shape : std::vector<std::int64_t>{-1};
}

template <typename T>
T valueAt(const SafetensorsFile& file, const TensorInfo& tensor, std::size_t index) {
  T value;
  std::memcpy(&value, file.data(tensor) + index * sizeof(T), sizeof(T));
  return value;
}

// A small valid file: three dtypes, metadata, every data byte indexed.
std::string smallFile(const QTemporaryDir& dir) {
  const std::string path = dir.filePath("small.safetensors").toStdString();
  const std::vector<std::uint8_t> f32 = randomBytes(24, 1), i64 = randomBytes(16, 2), u8 = randomBytes(5, 3);
  writeSafetensors(path,
                   {{"weight", DType::F32, {2, 3}, f32.data(), f32.size()},
                    {"steps", DType::I64, {2}, i64.data(), i64.size()},
                    {"mask", DType::U8, {5}, u8.data(), u8.size()}},
                   {{"note", "small"}});
  return readAll(path);
}

const std::string kF32x2 = R"("dtype":"F32","shape":[2])";

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT

 private slots:
  // --- dtypes ---

  void dtypes() {
    QCOMPARE(allDTypes().size(), std::size_t(15));
    for (DType d : allDTypes()) {
      QCOMPARE(parseDType(dtypeName(d)), std::optional<DType>(d));
      QVERIFY(dtypeSize(d) == 1 || dtypeSize(d) == 2 || dtypeSize(d) == 4 || dtypeSize(d) == 8);
    }
    QCOMPARE(dtypeSize(DType::BF16), std::size_t(2));
    QCOMPARE(dtypeSize(DType::U64), std::size_t(8));
    QCOMPARE(dtypeSize(DType::F8_E5M2), std::size_t(1));
    QCOMPARE(qs(dtypeName(DType::F8_E4M3)), QString("F8_E4M3"));
    QVERIFY(!parseDType("f32"));
    QVERIFY(!parseDType(""));
    QVERIFY(!parseDType("F32 "));
  }

  void elementCounts() {
    QCOMPARE(elementCount({}), std::optional<std::int64_t>(1));
    QCOMPARE(elementCount({2, 3, 4}), std::optional<std::int64_t>(24));
    QCOMPARE(elementCount({0, 5}), std::optional<std::int64_t>(0));
    // A zero dimension makes the product 0 even when the others alone would overflow.
    QCOMPARE(elementCount({INT64_MAX, INT64_MAX, 0}), std::optional<std::int64_t>(0));
    QVERIFY(!elementCount({-1, 2}));
    QVERIFY(!elementCount({std::int64_t(1) << 32, std::int64_t(1) << 32}));
    QCOMPARE(byteSize(DType::F16, {3, 5}), std::optional<std::uint64_t>(30));
    QVERIFY(!byteSize(DType::F64, {std::int64_t(1) << 62}));
    QCOMPARE(byteSize(DType::U8, {std::int64_t(1) << 62}), std::optional<std::uint64_t>(std::uint64_t(1) << 62));
  }

  // --- the reference fixtures ---

  void readsEveryFixture() {
    SDS_REQUIRE_FIXTURES();
    const std::vector<std::string> files = fixtureFiles();
    QVERIFY(files.size() >= 17);
    for (const std::string& path : files) {
      const SafetensorsFile file = SafetensorsFile::open(path);
      const std::vector<TensorInfo>& tensors = file.tensors();
      QVERIFY2(!tensors.empty(), path.c_str());
      QVERIFY(!looksLikePickle(path));
      // The reference writer indexes every data byte, in order, each tensor aligned to its element size.
      std::vector<const TensorInfo*> byOffset;
      for (const TensorInfo& t : tensors) byOffset.push_back(&t);
      std::sort(byOffset.begin(), byOffset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
      std::uint64_t expectedBegin = 0;
      for (const TensorInfo* t : byOffset) {
        QCOMPARE(t->begin, expectedBegin);
        QCOMPARE(t->bytes(), std::uint64_t(t->numel()) * dtypeSize(t->dtype));
        QCOMPARE(reinterpret_cast<std::uintptr_t>(file.data(*t)) % dtypeSize(t->dtype), std::uintptr_t(0));
        QCOMPARE(file.find(t->name), t);
        expectedBegin = t->end;
      }
      const std::string start = readAll(path).substr(0, 8);
      std::uint64_t headerLength = 0;
      for (int i = 7; i >= 0; --i) headerLength = (headerLength << 8) | std::uint8_t(start[std::size_t(i)]);
      QCOMPARE(8 + headerLength + expectedBegin, std::uint64_t(QFileInfo(QString::fromStdString(path)).size()));
      for (std::size_t i = 1; i < tensors.size(); ++i) QVERIFY(tensors[i - 1].name < tensors[i].name);
      QVERIFY(!file.find("no such tensor"));
    }
  }

  void goldenTextEncoder() {
    SDS_REQUIRE_FIXTURES();
    const SafetensorsFile file = SafetensorsFile::open(fixture("golden/sd15_text_encoder.safetensors").toStdString());
    QCOMPARE(file.tensors().size(), std::size_t(4));
    const TensorInfo* ids = file.find("input_ids");
    QVERIFY(ids);
    QCOMPARE(ids->dtype, DType::I64);
    QCOMPARE(ids->shape, (std::vector<std::int64_t>{4, 77}));
    for (std::size_t row = 0; row < 4; ++row)
      QCOMPARE(valueAt<std::int64_t>(file, *ids, row * 77), std::int64_t(49406));  // <|startoftext|>
    const TensorInfo* hidden = file.find("last_hidden_state");
    QVERIFY(hidden);
    QCOMPARE(hidden->dtype, DType::F32);
    QCOMPARE(hidden->shape, (std::vector<std::int64_t>{4, 77, 32}));
    QCOMPARE(shapeOf(file, "penultimate_hidden_state"), (std::vector<std::int64_t>{4, 77, 32}));
    QCOMPARE(shapeOf(file, "pooled_output"), (std::vector<std::int64_t>{4, 32}));
  }

  void goldenUnet() {
    SDS_REQUIRE_FIXTURES();
    const SafetensorsFile file = SafetensorsFile::open(fixture("golden/sd15_unet.safetensors").toStdString());
    const TensorInfo* t = file.find("timestep");
    QVERIFY(t);
    QCOMPARE(t->dtype, DType::I64);
    QCOMPARE(valueAt<std::int64_t>(file, *t, 0), std::int64_t(999));
    QCOMPARE(valueAt<std::int64_t>(file, *t, 1), std::int64_t(17));
    QCOMPARE(shapeOf(file, "sample"), (std::vector<std::int64_t>{2, 4, 8, 8}));
    QCOMPARE(shapeOf(file, "out"), (std::vector<std::int64_t>{2, 4, 8, 8}));
  }

  void goldenPipelineMetadata() {
    SDS_REQUIRE_FIXTURES();
    const SafetensorsFile file = SafetensorsFile::open(fixture("golden/sd15_pipeline_ddim.safetensors").toStdString());
    const auto& metadata = file.metadata();
    QCOMPARE(qs(metadata.at("prompt")), QString("a red circle"));
    QCOMPARE(qs(metadata.at("negative_prompt")), QString("blurry"));
    QCOMPARE(qs(metadata.at("steps")), QString("4"));
    QCOMPARE(qs(metadata.at("scheduler")), QString("DDIMScheduler"));
    QCOMPARE(shapeOf(file, "image"), (std::vector<std::int64_t>{1, 64, 64, 3}));
    QCOMPARE(file.find("image")->dtype, DType::F32);
    const std::string other = fixture("golden/sdxl_text_encoders.safetensors").toStdString();
    QVERIFY(SafetensorsFile::open(other).metadata().empty());
  }

  void tinyTextEncoderIsHalf() {
    SDS_REQUIRE_FIXTURES();
    const std::string path = fixture("tiny-sd15/text_encoder/model.safetensors").toStdString();
    const SafetensorsFile file = SafetensorsFile::open(path);
    QVERIFY(file.tensors().size() > 10);
    for (const TensorInfo& t : file.tensors()) QVERIFY2(t.dtype == DType::F16, t.name.c_str());
    QCOMPARE(qs(file.metadata().at("format")), QString("pt"));
  }

  void singleFileCheckpoint() {
    SDS_REQUIRE_FIXTURES();
    const SafetensorsFile file = SafetensorsFile::open(fixture("tiny-sd15-single.safetensors").toStdString());
    const std::vector<std::string> prefixes = {"model.diffusion_model.", "first_stage_model.",
                                               "cond_stage_model.transformer."};
    std::vector<int> counts(prefixes.size());
    for (const TensorInfo& t : file.tensors()) {
      QVERIFY2(t.dtype == DType::F16, t.name.c_str());
      int matched = 0;
      for (std::size_t i = 0; i < prefixes.size(); ++i)
        if (t.name.rfind(prefixes[i], 0) == 0) ++counts[i], ++matched;
      QVERIFY2(matched == 1, t.name.c_str());
    }
    for (int count : counts) QVERIFY(count > 0);
    QVERIFY(file.find("cond_stage_model.transformer.embeddings.token_embedding.weight"));
  }

  // --- writing ---

  void roundTripEveryDType() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("all.safetensors").toStdString();
    std::vector<std::vector<std::uint8_t>> buffers;
    std::vector<TensorToWrite> tensors;
    for (DType d : allDTypes()) {
      const std::vector<std::int64_t> shape = {3, 5};
      buffers.push_back(randomBytes(15 * dtypeSize(d), std::uint32_t(buffers.size())));
      tensors.push_back({"t_" + std::string(dtypeName(d)), d, shape, buffers.back().data(), buffers.back().size()});
    }
    const std::int64_t scalar = -7;
    tensors.push_back({"scalar", DType::I64, {}, &scalar, sizeof scalar});
    tensors.push_back({"empty", DType::F32, {0, 4}, nullptr, 0});
    tensors.push_back({"ünïcødé 漢字", DType::U8, {2}, "ab", 2});
    const std::map<std::string, std::string> metadata = {
        {"prompt", "a \"quoted\" prompt\nwith ünïcødé 🎉"}, {"empty", ""}, {"format", "pt"}};
    writeSafetensors(path, tensors, metadata);

    const SafetensorsFile file = SafetensorsFile::open(path);
    QCOMPARE(file.path(), path);
    QCOMPARE(file.metadata(), metadata);
    QCOMPARE(file.tensors().size(), tensors.size());
    for (const TensorToWrite& expected : tensors) {
      const TensorInfo* t = file.find(expected.name);
      QVERIFY2(t, expected.name.c_str());
      QCOMPARE(t->dtype, expected.dtype);
      QCOMPARE(t->shape, expected.shape);
      QCOMPARE(t->bytes(), std::uint64_t(expected.bytes));
      QVERIFY(expected.bytes == 0 || std::memcmp(file.data(*t), expected.data, expected.bytes) == 0);  // memcmp: no null
      QCOMPARE(reinterpret_cast<std::uintptr_t>(file.data(*t)) % dtypeSize(t->dtype), std::uintptr_t(0));
    }
    QCOMPARE(file.find("empty")->numel(), std::int64_t(0));
    QCOMPARE(file.find("scalar")->numel(), std::int64_t(1));

    const std::string bytes = readAll(path);
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i) headerLength = (headerLength << 8) | std::uint8_t(bytes[std::size_t(i)]);
    QCOMPARE(headerLength % 8, std::uint64_t(0));
    QCOMPARE(bytes[8], '{');
    QVERIFY(bytes.compare(8, 16, R"({"__metadata__":)") == 0);
  }

  void roundTripWithoutTensors() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("none.safetensors").toStdString();
    writeSafetensors(path, {});
    const SafetensorsFile file = SafetensorsFile::open(path);
    QVERIFY(file.tensors().empty());
    QVERIFY(file.metadata().empty());
  }

  void writingIsAtomic() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("model.safetensors").toStdString();
    const float values[4] = {1, 2, 3, 4};
    writeSafetensors(path, {{"w", DType::F32, {4}, values, sizeof values}});
    QCOMPARE(entries(dir.path()), QStringList{"model.safetensors"});
    QVERIFY(QFileInfo(QString::fromStdString(path)).permissions().testFlag(QFile::ReadOwner));
    const std::string before = readAll(path);

    const std::vector<std::vector<TensorToWrite>> invalid = {
        {{"w", DType::F32, {3}, values, sizeof values}},
        {{"w", DType::F32, {-4}, values, sizeof values}},
        {{"w", DType::F32, {4}, values, sizeof values}, {"w", DType::F32, {4}, values, sizeof values}},
    };
    for (const auto& tensors : invalid) {
      QVERIFY_THROWS_EXCEPTION(SafetensorsError, writeSafetensors(path, tensors));
      QCOMPARE(readAll(path), before);
      QCOMPARE(entries(dir.path()), QStringList{"model.safetensors"});
    }
    writeSafetensors(path, {{"w", DType::F32, {2, 2}, values, sizeof values}});
    QCOMPARE(SafetensorsFile::open(path).tensors().front().shape, (std::vector<std::int64_t>{2, 2}));
    QCOMPARE(entries(dir.path()), QStringList{"model.safetensors"});
  }

  void writeFailsWithReason() {
    QTemporaryDir dir;
    const std::string missingFolder = dir.filePath("missing/model.safetensors").toStdString();
    try {
      writeSafetensors(missingFolder, {});
      QFAIL("writing into a missing folder must throw");
    } catch (const SafetensorsError& e) {
      QVERIFY2(std::string(e.what()).find("'" + missingFolder + "'") != std::string::npos, e.what());
      QVERIFY2(std::string(e.what()).find("No such file or directory") != std::string::npos, e.what());
    }
    QVERIFY(QDir(dir.path()).mkdir("folder"));
    const std::string folder = dir.filePath("folder").toStdString();
    try {
      writeSafetensors(folder, {});
      QFAIL("writing over a folder must throw");
    } catch (const SafetensorsError& e) {
      QVERIFY2(std::string(e.what()).find("Is a directory") != std::string::npos, e.what());
    }
    QCOMPARE(entries(dir.path()), QStringList{"folder"});
  }

  void writerRejects_data() {
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("size mismatch") << 0 << "tensor 'w': F32 [3] needs 12 bytes, but 16 were given";
    QTest::newRow("negative dimension") << 1 << "tensor 'w': F32 [-4] has a negative dimension";
    QTest::newRow("overflow") << 2 << "more elements than fit in 64 bits";
    QTest::newRow("duplicate") << 3 << "tensor 'w' is given twice";
    QTest::newRow("reserved name") << 4 << "cannot be named '__metadata__'";
    QTest::newRow("no data") << 5 << "tensor 'w' has no data";
    QTest::newRow("name not UTF-8") << 6 << "tensor name 'bad?' is not valid UTF-8 (byte 3)";
    QTest::newRow("metadata not UTF-8") << 7 << "the value of metadata key 'k' is not valid UTF-8 (byte 0)";
  }
  void writerRejects() {
    QFETCH(int, row);
    QFETCH(QString, fragment);
    const float v[4] = {};
    const std::int64_t big = std::int64_t(1) << 62;
    const std::vector<std::vector<TensorToWrite>> tables = {
        {{"w", DType::F32, {3}, v, sizeof v}},
        {{"w", DType::F32, {-4}, v, sizeof v}},
        {{"w", DType::F32, {big, big}, v, sizeof v}},
        {{"w", DType::F32, {4}, v, sizeof v}, {"w", DType::F32, {4}, v, sizeof v}},
        {{"__metadata__", DType::F32, {4}, v, sizeof v}},
        {{"w", DType::F32, {4}, nullptr, sizeof v}},
        {{"bad\xff", DType::F32, {4}, v, sizeof v}},
        {},
    };
    const std::map<std::string, std::string> metadata =
        row == 7 ? std::map<std::string, std::string>{{"k", "\xc0\x80"}} : std::map<std::string, std::string>{};
    QTemporaryDir dir;
    const std::string path = dir.filePath("out.safetensors").toStdString();
    try {
      writeSafetensors(path, tables[std::size_t(row)], metadata);
      QFAIL("writeSafetensors must throw");
    } catch (const SafetensorsError& e) {
      QVERIFY2(qs(std::string(e.what())).contains(fragment), e.what());
      QVERIFY2(std::string(e.what()).find("'" + path + "'") != std::string::npos, e.what());
    }
    QVERIFY(entries(dir.path()).isEmpty());
  }

  // --- hostile files ---

  void hostileFiles_data() {
    QTest::addColumn<std::string>("bytes");
    QTest::addColumn<QString>("fragment");
    const std::string d8(8, '\x11');
    const auto entry = [](const std::string& body) { return rawFile("{\"a\":{" + body + "}}", std::string(8, 'x')); };

    QTest::newRow("empty file") << std::string() << "the file is 0 bytes long";
    QTest::newRow("7 bytes") << std::string(7, '\0') << "the file is 7 bytes long";
    QTest::newRow("header length 0") << le64(0) + "{}" << "the header length is 0";
    QTest::newRow("header length huge") << le64(std::uint64_t(1) << 62) + "{}" << "is absurd";
    QTest::newRow("header length max") << le64(UINT64_MAX) + "{}" << "is absurd";
    QTest::newRow("header length past 100 MB") << le64(100'000'001) + "{}" << "is absurd";
    QTest::newRow("header length past end") << le64(100) + "{}" << "is larger than the rest of the file (2 bytes)";
    QTest::newRow("header length far past end") << le64(50'000'000) + "{}"
                                                 << "is larger than the rest of the file (2 bytes)";
    QTest::newRow("bad JSON") << rawFile(R"({"a":)") << "the header is not valid JSON";
    QTest::newRow("JSON then garbage") << rawFile("{} x") << "the header is not valid JSON";
    QTest::newRow("JSON number overflow") << rawFile(R"({"a":{"shape":[1e999]}})") << "not valid JSON";
    QTest::newRow("non-object header") << rawFile("[1, 2]") << "the header is not a JSON object";
    QTest::newRow("leading space") << rawFile(" {}") << "it must start with '{'";
    QTest::newRow("not UTF-8") << rawFile("{\"\xff\":1}") << "not valid UTF-8 (byte 2 of the header)";
    QTest::newRow("overlong UTF-8") << rawFile("{\"\xc0\xaf\":1}") << "not valid UTF-8";
    QTest::newRow("NUL in header") << rawFile(std::string("{}\0 ", 4)) << "NUL byte (byte 2 of the header)";
    QTest::newRow("entry not an object") << rawFile(R"({"a":5})") << "tensor 'a' must be an object";
    QTest::newRow("entry is an array") << rawFile(R"({"a":[1]})") << "tensor 'a' must be an object";
    QTest::newRow("unknown dtype") << entry(R"("dtype":"F33","shape":[2],"data_offsets":[0,8])")
                                   << "tensor 'a': unknown dtype 'F33' (known: F64, F32,";
    QTest::newRow("lowercase dtype") << entry(R"("dtype":"f32","shape":[2],"data_offsets":[0,8])")
                                     << "unknown dtype 'f32'";
    QTest::newRow("dtype not a string") << entry(R"("dtype":4,"shape":[2],"data_offsets":[0,8])")
                                        << "\"dtype\" must be a dtype name such as \"F32\", not 4";
    QTest::newRow("dtype is an array") << entry(R"("dtype":["F32"],"shape":[2],"data_offsets":[0,8])")
                                       << "\"dtype\" must be a dtype name";
    QTest::newRow("negative shape") << entry(R"("dtype":"F32","shape":[-1,2],"data_offsets":[0,8])")
                                    << "\"shape\" must be an array of non-negative integers, not [-1,2]";
    QTest::newRow("fractional shape") << entry(R"("dtype":"F32","shape":[2.0],"data_offsets":[0,8])")
                                      << "\"shape\" must be an array of non-negative integers";
    QTest::newRow("shape not an array") << entry(R"("dtype":"F32","shape":2,"data_offsets":[0,8])")
                                        << "\"shape\" must be an array of non-negative integers, not 2";
    QTest::newRow("shape is an object") << entry(R"("dtype":"F32","shape":{"a":2},"data_offsets":[0,8])")
                                        << "\"shape\" must be an array of non-negative integers";
    QTest::newRow("nested shape") << entry(R"("dtype":"F32","shape":[[2]],"data_offsets":[0,8])")
                                  << "\"shape\" must be an array of non-negative integers";
    QTest::newRow("deeply nested shape")
        << entry(R"("dtype":"F32","shape":)" + std::string(100000, '[') + std::string(100000, ']'))
        << "\"shape\" must be an array of non-negative integers";
    std::string rank65 = "[1";
    for (int i = 0; i < 64; ++i) rank65 += ",1";
    QTest::newRow("rank 65") << entry(R"("dtype":"F32","shape":)" + rank65 + R"(],"data_offsets":[0,4])")
                             << "shape has more than 64 dimensions";
    QTest::newRow("dimension past int64")
        << entry(R"("dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,8])")
        << "\"shape\" must be an array of non-negative integers";
    QTest::newRow("shape product overflow")
        << entry(R"("dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,8])")
        << "tensor 'a': U8 [4294967296, 4294967296] has more elements than fit in 64 bits";
    QTest::newRow("byte count overflow")
        << entry(R"("dtype":"F64","shape":[1152921504606846976,4],"data_offsets":[0,8])")
        << "more elements than fit in 64 bits";
    QTest::newRow("missing dtype") << entry(R"("shape":[2],"data_offsets":[0,8])") << "missing field \"dtype\"";
    QTest::newRow("missing shape") << entry(R"("dtype":"F32","data_offsets":[0,8])") << "missing field \"shape\"";
    QTest::newRow("missing offsets") << entry(R"("dtype":"F32","shape":[2])") << "missing field \"data_offsets\"";
    QTest::newRow("offsets out of range") << entry(kF32x2 + R"(,"data_offsets":[8,16])")
                                          << "data_offsets [8, 16]: the end is past the data section (8 bytes)";
    QTest::newRow("offsets far out of range") << entry(kF32x2 + R"(,"data_offsets":[18446744073709551608,0])")
                                              << "the begin is after the end";
    QTest::newRow("begin after end") << entry(kF32x2 + R"(,"data_offsets":[8,0])")
                                     << "tensor 'a': data_offsets [8, 0]: the begin is after the end";
    QTest::newRow("three offsets") << entry(kF32x2 + R"(,"data_offsets":[0,8,8])")
                                   << "\"data_offsets\" must be an array [begin, end] of byte offsets";
    QTest::newRow("one offset") << entry(kF32x2 + R"(,"data_offsets":[8])")
                                << "\"data_offsets\" must be an array [begin, end] of byte offsets, not [8]";
    QTest::newRow("negative offset") << entry(kF32x2 + R"(,"data_offsets":[-8,0])")
                                     << "\"data_offsets\" must be an array [begin, end]";
    QTest::newRow("size mismatch") << entry(R"("dtype":"F32","shape":[3],"data_offsets":[0,8])")
                                   << "tensor 'a': data_offsets [0, 8] span 8 bytes, but F32 [3] needs 12";
    QTest::newRow("overlapping tensors")
        << rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                   std::string(12, 'x'))
        << "tensors 'a' (bytes [0, 8]) and 'b' (bytes [4, 12]) overlap";
    QTest::newRow("same range twice")
        << rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                   R"("b":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})",
                   d8)
        << "overlap";
    QTest::newRow("metadata value not a string") << rawFile(R"({"__metadata__":{"k":5}})")
                                                 << "__metadata__ value of 'k' must be a string, not 5";
    QTest::newRow("metadata value an object") << rawFile(R"({"__metadata__":{"k":{"x":"y"}}})")
                                              << "__metadata__ value of 'k' must be a string";
    QTest::newRow("metadata not an object") << rawFile(R"({"__metadata__":"text"})")
                                            << "__metadata__ must be an object of string values";
    QTest::newRow("metadata an array") << rawFile(R"({"__metadata__":["a"]})")
                                       << "__metadata__ must be an object of string values";
    QTest::newRow("unknown field") << entry(kF32x2 + R"(,"data_offsets":[0,8],"foo":1)")
                                   << "tensor 'a': unknown field 'foo' (expected dtype, shape and data_offsets)";
    QTest::newRow("duplicate tensor")
        << rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                   R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                   d8)
        << "the header lists 'a' twice";
    QTest::newRow("duplicate field") << entry(R"("dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8])")
                                     << "tensor 'a': key 'dtype' appears twice";
    QTest::newRow("duplicate metadata key") << rawFile(R"({"__metadata__":{"k":"1","k":"2"}})")
                                            << "__metadata__: key 'k' appears twice";
    QTest::newRow("zip checkpoint") << std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00" "archive/data.pkl", 26)
                                    << "is a PyTorch pickle checkpoint";
    QTest::newRow("pickle protocol 2") << std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15)
                                       << "SD Studio never unpickles files";
    QTest::newRow("tiny pickle") << std::string("\x80\x04.", 3) << "is a PyTorch pickle checkpoint";
  }

  void hostileFiles() {
    QFETCH(std::string, bytes);
    QFETCH(QString, fragment);
    QTemporaryDir dir;
    const std::string path = dir.filePath("hostile.safetensors").toStdString();
    writeAll(path, bytes);
    const std::optional<std::string> error = openError(path);
    QVERIFY2(error, "the file must be refused");
    QVERIFY2(qs(*error).contains(fragment), error->c_str());
    QVERIFY2(error->find("'" + path + "'") != std::string::npos, error->c_str());
  }

  void unusualButValid() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("ok.safetensors").toStdString();
    const auto opens = [&](const std::string& bytes) {
      writeAll(path, bytes);
      const std::optional<std::string> error = openError(path);
      if (error) qWarning("%s", error->c_str());
      return !error;
    };
    QVERIFY(opens(rawFile("{}")));
    QVERIFY(opens(rawFile("{}    ")));  // the writer's space padding
    QVERIFY(opens(rawFile(R"({"__metadata__":{}})")));
    QVERIFY(opens(rawFile(R"({"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})", "abcd")));
    // Bytes after the last tensor and gaps between tensors are never read, so they are accepted.
    QVERIFY(opens(rawFile(R"({"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})", "abcdtrailing")));
    QVERIFY(opens(rawFile(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                          R"("b":{"dtype":"U8","shape":[1],"data_offsets":[3,4]}})",
                          "abcd")));
    // Empty tensors occupy no bytes, wherever their offsets point.
    QVERIFY(opens(rawFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                          R"("e":{"dtype":"F32","shape":[0,3],"data_offsets":[2,2]}})",
                          "abcd")));
    QVERIFY(opens(rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})" + std::string(" \t\r\n"),
                          std::string(8, 'x'))));
  }

  // A header length whose low bytes are a pickle's start must not be taken for a pickle.
  void safetensorsStartingLikePickle() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("model.safetensors").toStdString();
    const std::string header = R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})";
    writeAll(path, rawFile(header + std::string(0x0280 - header.size(), ' '), "abcd"));
    QCOMPARE(readAll(path).substr(0, 3), std::string("\x80\x02\x00", 3));
    QVERIFY(!looksLikePickle(path));
    QCOMPARE(SafetensorsFile::open(path).tensors().size(), std::size_t(1));
  }

  void pickleDetection() {
    QTemporaryDir dir;
    const std::string zip = dir.filePath("model.ckpt").toStdString();
    const std::string pickle = dir.filePath("model.bin").toStdString();
    const std::string safetensors = dir.filePath("model.safetensors").toStdString();
    writeAll(zip, std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10) + std::string(100, 'z'));
    writeAll(pickle, std::string("\x80\x02}q\x00.", 6));
    writeSafetensors(safetensors, {});
    QVERIFY(looksLikePickle(zip));
    QVERIFY(looksLikePickle(pickle));
    QVERIFY(!looksLikePickle(safetensors));
    QVERIFY(!looksLikePickle(dir.filePath("missing.pt").toStdString()));
    QVERIFY(!looksLikePickle(dir.path().toStdString()));
    const std::optional<std::string> error = openError(zip);
    QVERIFY(error);
    QVERIFY2(error->find("'" + zip + "' is a PyTorch pickle checkpoint") != std::string::npos, error->c_str());
    QVERIFY2(error->find("can run arbitrary code") != std::string::npos, error->c_str());
    QVERIFY2(error->find("Convert it to .safetensors") != std::string::npos, error->c_str());
  }

  void unreadablePaths() {
    QTemporaryDir dir;
    const std::string missing = dir.filePath("missing.safetensors").toStdString();
    const std::string folder = dir.path().toStdString();
    const auto check = [](const std::string& path, const std::string& reason) {
      const std::optional<std::string> error = openError(path);
      QVERIFY(error);
      QVERIFY2(error->find("cannot open safetensors file '" + path + "'") != std::string::npos, error->c_str());
      QVERIFY2(error->find(reason) != std::string::npos, error->c_str());
    };
    check(missing, "No such file or directory");
    check(folder, "it is a folder, not a file (Is a directory)");
    check("/dev/null", "not a regular file");
    if (::geteuid() != 0) {  // root reads everything
      const std::string locked = dir.filePath("locked.safetensors").toStdString();
      writeSafetensors(locked, {});
      QVERIFY(QFile::setPermissions(QString::fromStdString(locked), QFile::WriteOwner));
      check(locked, "Permission denied");
    }
  }

  // Every prefix of a valid file is refused with SafetensorsError (only the whole file opens); run
  // under valgrind this also shows that no prefix is read past its end.
  void truncatedFilesNeverCrash() {
    QTemporaryDir dir;
    const std::string full = smallFile(dir);
    const std::string path = dir.filePath("truncated.safetensors").toStdString();
    for (std::size_t length = 0; length <= full.size(); ++length) {
      writeAll(path, full.substr(0, length));
      const std::optional<std::string> error = openError(path);
      if (length == full.size())
        QVERIFY2(!error, error ? error->c_str() : "");
      else
        QVERIFY2(error, qPrintable(QString("a prefix of %1 bytes opened").arg(length)));
    }
  }

  // Any single corrupted byte either still describes a valid file or is refused with SafetensorsError.
  void corruptedFilesNeverCrash() {
    QTemporaryDir dir;
    const std::string full = smallFile(dir);
    const std::string path = dir.filePath("corrupted.safetensors").toStdString();
    int refused = 0;
    for (std::size_t i = 0; i < full.size(); ++i) {
      for (char value : {'\0', '\xff', '\x80', '{', '"', '9', '-', ' '}) {
        std::string bytes = full;
        if (bytes[i] == value) continue;
        bytes[i] = value;
        writeAll(path, bytes);
        if (openError(path)) ++refused;
      }
    }
    QVERIFY(refused > 0);
  }

  void mappingOutlivesFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.safetensors").toStdString();
    const std::int32_t values[3] = {5, 6, 7};
    writeSafetensors(path, {{"v", DType::I32, {3}, values, sizeof values}});
    std::shared_ptr<const void> keepAlive;
    const std::uint8_t* data = nullptr;
    {
      const SafetensorsFile file = SafetensorsFile::open(path);
      keepAlive = file.keepAlive();
      data = file.data(file.tensors().front());
    }
    QVERIFY(QFile::remove(QString::fromStdString(path)));  // the mapping does not need the name
    QVERIFY(std::memcmp(data, values, sizeof values) == 0);
    QVERIFY(keepAlive);
  }

  void dataRefusesForeignTensor() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("d.safetensors").toStdString();
    writeSafetensors(path, {{"b", DType::U8, {1}, "x", 1}});
    const SafetensorsFile file = SafetensorsFile::open(path);
    TensorInfo foreign = file.tensors().front();
    foreign.end = 1000;
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, file.data(foreign));
  }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
