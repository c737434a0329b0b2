// The dataset scan on folders and tar shards as people really make them: every image format and
// extension case, concepts from folder names and concept.toml, captions with a BOM, line breaks or the
// wrong encoding, and every kind of bad file. Each bad file must come back as an issue of the right
// kind naming it: never a crash, never a silent drop (examined == samples + skipped issues).

#include <QtTest>

#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "data/dataset.h"
#include "data/sources.h"
#include "embedded.h"
#include "dataset_files.h"
#include "image_encoders.h"
#include "qt_strings.h"
#include "text/clip_tokenizer.h"

using namespace sds::data;
using namespace sds::testimg;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The issues that name `item` exactly.
std::vector<Issue> issuesOf(const Dataset& d, const std::string& item) {
  std::vector<Issue> out;
  for (const Issue& i : d.issues)
    if (i.item == item) out.push_back(i);
  return out;
}

const Sample* sampleOf(const Dataset& d, const std::string& path, const std::string& member = {}) {
  for (const Sample& s : d.samples)
    if (s.image.path == path && s.image.member == member) return &s;
  return nullptr;
}

const Concept* conceptOf(const Dataset& d, const std::string& folder) {
  for (const Concept& c : d.concepts)
    if (c.folder == folder) return &c;
  return nullptr;
}

// Everything a scan found, as text: two scans are the same when these are equal.
QString describe(const Dataset& d) {
  QString out;
  for (const Concept& c : d.concepts)
    out += QString("concept %1 x%2 prefix=%3 default=%4\n")
               .arg(qs(c.folder))
               .arg(c.repeats)
               .arg(qs(c.captionPrefix), qs(c.defaultCaption));
  for (const Sample& s : d.samples)
    out += QString("sample %1 %2x%3 %4 %5 concept=%6 hash=%7 caption=%8\n")
               .arg(qs(s.image.displayName()))
               .arg(s.width)
               .arg(s.height)
               .arg(sds::image::formatName(s.format))
               .arg(s.concept)
               .arg(s.contentHash)
               .arg(qs(s.caption));
  for (const Issue& i : d.issues)
    out += QString("issue %1 %2 %3 %4\n")
               .arg(QString(issueName(i.kind)), qs(i.item), qs(i.message), i.skipped ? "skipped" : "kept");
  out += QString("examined %1\n").arg(d.examined);
  return out;
}

// examined == samples + skipped: nothing left out without an issue that says so.
void checkAccounting(const Dataset& d) {
  QVERIFY2(d.examined == d.samples.size() + d.skipped(), qPrintable(describe(d)));
  std::size_t formats = 0;
  for (const auto& [name, count] : d.formats) formats += count;
  QCOMPARE(formats, d.samples.size());
  for (const Issue& i : d.issues) {
    QVERIFY2(!i.item.empty(), qPrintable(describe(d)));
    QVERIFY2(!i.message.empty(), qPrintable(describe(d)));
  }
}

}  // namespace

class TestDatasetScan : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  fs::path root_;  // the messy folder
  std::string rootString_;
  std::string sameAsA_;  // a_plain.png's bytes

  std::string at(const std::string& relative) const { return (root_ / relative).string(); }

  DatasetOptions folderOptions() const {
    DatasetOptions o;
    o.path = rootString_;
    o.minImageSize = 64;
    o.workers = 2;
    return o;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    root_ = fs::path(dir_.path().toStdString()) / "messy";
    rootString_ = root_.string();
    const fs::path& r = root_;
    // Good images, every format, extensions in every case, captions as people write them.
    sameAsA_ = noisePng(96, 64, 1);
    write(r / "a_plain.png", sameAsA_);
    write(r / "a_plain.txt", "a red square, studio light\n");
    write(r / "b_upper.PNG", noisePng(64, 128, 2));
    write(r / "b_upper.txt", "\xEF\xBB\xBFline one\r\nline two\n\n  ");
    write(r / "c_photo.Jpeg", noiseJpeg(120, 80, 3));
    write(r / "c_photo.txt", "a photo");
    write(r / "d_web.webp", noiseWebp(80, 80, 4));
    write(r / "d_web.txt", "caf\xC3\xA9 on the corner");  // UTF-8 é
    write(r / "e_nocaption.bmp", noiseBmp(72, 72, 5));       // no caption, no default
    write(r / "t_windows.png", noisePng(64, 64, 14));
    write(r / "t_windows.TXT", "saved on windows");     // the extension in capitals
    // Bad files of every kind, each with a caption so that the image itself is the problem.
    write(r / "f_zero.png", "");
    write(r / "f_zero.txt", "zero");
    write(r / "g_truncated.jpg", noiseJpeg(128, 128, 6).substr(0, 700));
    write(r / "g_truncated.txt", "truncated");
    write(r / "h_text.jpg", "this is a text file, not a photo\n");
    write(r / "h_text.txt", "text");
    write(r / "i_noperm.png", noisePng(64, 64, 7));
    write(r / "i_noperm.txt", "no permission");
    fs::create_symlink(r / "does-not-exist.png", r / "j_broken.png");
    write(r / "j_broken.txt", "broken link");
    write(r / "k_duplicate.png", sameAsA_);
    write(r / "k_duplicate.txt", "the same pixels again");
    write(r / "l_small.png", noisePng(32, 48, 8));
    write(r / "l_small.txt", "too small");
    write(r / "m_absurd.png", pngClaiming(100000, 100000));
    write(r / "m_absurd.txt", "absurd");
    write(r / "n_latin1.png", noisePng(64, 64, 9));
    write(r / "n_latin1.txt", "caf\xE9");  // Latin-1 é: not UTF-8
    write(r / "o_emptycaption.png", noisePng(64, 64, 10));
    write(r / "o_emptycaption.txt", " \n");
    write(r / "p_anim.gif", "GIF89a\x40\0\x40\0\0\0\0;");
    write(r / "p_anim.txt", "a gif");
    write(r / "q_utf16.png", noisePng(64, 64, 11));
    write(r / "q_utf16.txt", std::string("\xFF\xFEh\0i\0", 6));
    QVERIFY(mkfifo((r / "r_pipe.png").c_str(), 0644) == 0);
    write(r / "r_pipe.txt", "a pipe must not block the scan");
    fs::create_directory(r / "s_folder.png");  // a folder with an image's name: walked, holds nothing
    // Not part of the dataset: hidden files, orphan captions, other files.
    write(r / ".hidden.png", noisePng(64, 64, 12));
    write(r / "._a_plain.png", "macOS resource fork");
    write(r / ".thumbnails" / "t.png", noisePng(64, 64, 13));
    write(r / "orphan.txt", "a caption without an image");
    write(r / "notes.md", "# notes");

    // Concepts: kohya folder names, concept.toml (with a bad key and a bad value), a broken one.
    write(r / "5_sks dog" / "1.jpg", noiseJpeg(64, 96, 20));
    write(r / "5_sks dog" / "2.png", noisePng(96, 64, 21));
    write(r / "5_sks dog" / "2.txt", "sks dog on a beach");
    write(r / "styled" / "s1.webp", noiseWebp(64, 64, 22));
    write(r / "styled" / "s1.txt", "a lighthouse");
    write(r / "styled" / "concept.toml",
          "repeats = 3\ncaption_prefix = \"in the style of sks\"\ncolour = \"red\"\ndefault_caption = 5\n");
    write(r / "broken_toml" / "b1.png", noisePng(64, 64, 23));
    write(r / "broken_toml" / "concept.toml", "repeats = = 2\n");
    write(r / "nested" / "deeper" / "x.BMP", noiseBmp(64, 80, 24));
    write(r / "nested" / "deeper" / "x.txt", "deep");
    // Links: one to a folder inside the dataset (adds nothing), a loop, one to a folder outside it.
    fs::create_directory_symlink(r / "nested", r / "linked");
    fs::create_directory_symlink(r, r / "nested" / "loop");
    const fs::path outside = fs::path(dir_.path().toStdString()) / "outside";
    write(outside / "o.png", noisePng(64, 64, 25));
    write(outside / "o.txt", "from outside");
    fs::create_directory_symlink(outside, r / "external");

    if (geteuid() != 0) {
      QVERIFY(chmod((r / "i_noperm.png").c_str(), 0) == 0);
      write(r / "locked" / "z.png", noisePng(64, 64, 26));
      QVERIFY(chmod((r / "locked").c_str(), 0) == 0);
    }
  }

  void cleanupTestCase() {
    chmod((root_ / "locked").c_str(), 0755);
  }

  void folderSamplesCaptionsAndConcepts() {
    const Dataset d = scanDataset(folderOptions());
    checkAccounting(d);
    const std::map<std::string, std::string> expected{
        {"5_sks dog/1.jpg", "sks dog"},
        {"5_sks dog/2.png", "sks dog on a beach"},
        {"a_plain.png", "a red square, studio light"},
        {"b_upper.PNG", "line one line two"},
        {"broken_toml/b1.png", ""},  // skipped below: no caption
        {"c_photo.Jpeg", "a photo"},
        {"d_web.webp", "caf\xC3\xA9 on the corner"},
        {"external/o.png", "from outside"},
        {"nested/deeper/x.BMP", "deep"},
        {"styled/s1.webp", "a lighthouse"},
        {"t_windows.png", "saved on windows"},
    };
    std::map<std::string, std::string> got;
    for (const Sample& s : d.samples) {
      QVERIFY(s.image.member.empty());
      got[fs::path(s.image.path).lexically_relative(root_).generic_string()] = s.caption;
    }
    std::map<std::string, std::string> want = expected;
    want.erase("broken_toml/b1.png");
    const bool root = geteuid() == 0;  // reads files without permission
    if (root) want["i_noperm.png"] = "no permission";
    const auto show = [](const std::map<std::string, std::string>& m) {
      QStringList out;
      for (const auto& [path, caption] : m) out << qs(path + " = " + caption);
      return out;
    };
    QCOMPARE(show(got), show(want));
    // In path order.
    QVERIFY(std::is_sorted(d.samples.begin(), d.samples.end(),
                           [](const Sample& a, const Sample& b) { return fs::path(a.image.path) < fs::path(b.image.path); }));

    const Sample* a = sampleOf(d, at("a_plain.png"));
    QVERIFY(a);
    QCOMPARE(a->width, 96);
    QCOMPARE(a->height, 64);
    QCOMPARE(a->format, sds::image::ImageFormat::Png);
    QCOMPARE(a->contentHash, contentHash(reinterpret_cast<const std::uint8_t*>(sameAsA_.data()), sameAsA_.size()));
    QCOMPARE(sampleOf(d, at("c_photo.Jpeg"))->format, sds::image::ImageFormat::Jpeg);
    QCOMPARE(sampleOf(d, at("c_photo.Jpeg"))->width, 120);
    QCOMPARE(sampleOf(d, at("d_web.webp"))->format, sds::image::ImageFormat::Webp);
    QCOMPARE(sampleOf(d, at("nested/deeper/x.BMP"))->format, sds::image::ImageFormat::Bmp);
    QCOMPARE(sampleOf(d, at("nested/deeper/x.BMP"))->height, 80);
    QCOMPARE(d.formats,
             (std::map<std::string, std::size_t>{{"BMP", 1}, {"JPEG", 2}, {"PNG", root ? 6u : 5u}, {"WebP", 2}}));

    // Concepts: the root, "5_sks dog" (5 repeats, its default caption), concept.toml's settings, the
    // broken concept.toml ignored, a linked folder outside the dataset.
    const Concept* rootConcept = conceptOf(d, "");
    const Concept* dog = conceptOf(d, "5_sks dog");
    const Concept* styled = conceptOf(d, "styled");
    const Concept* broken = conceptOf(d, "broken_toml");
    const Concept* deeper = conceptOf(d, "nested/deeper");
    const Concept* external = conceptOf(d, "external");
    QVERIFY(rootConcept && dog && styled && broken && deeper && external);
    QCOMPARE(d.concepts.size(), std::size_t(6));
    QCOMPARE(dog->repeats, 5);
    QCOMPARE(dog->defaultCaption, std::string("sks dog"));
    QCOMPARE(styled->repeats, 3);
    QCOMPARE(styled->captionPrefix, std::string("in the style of sks"));
    QCOMPARE(styled->defaultCaption, std::string());
    QCOMPARE(broken->repeats, 1);
    QCOMPARE(rootConcept->repeats, 1);
    QCOMPARE(&d.concepts.at(sampleOf(d, at("5_sks dog/1.jpg"))->concept), dog);
    QCOMPARE(&d.concepts.at(sampleOf(d, at("styled/s1.webp"))->concept), styled);
    QCOMPARE(&d.concepts.at(sampleOf(d, at("a_plain.png"))->concept), rootConcept);
    // 2 × 5 (dog) + 1 × 3 (styled) + 7 (8 as root) × 1.
    QCOMPARE(d.epochSize(), std::size_t(2 * 5 + 3 + (root ? 8 : 7)));
  }

  void everyBadFileIsReported() {
    const Dataset d = scanDataset(folderOptions());
    const bool root = geteuid() == 0;
    struct Expect {
      const char* file;
      IssueKind kind;
      const char* inMessage;
    };
    std::vector<Expect> expected{
        {"e_nocaption.bmp", IssueKind::MissingCaption, "e_nocaption.txt not found"},
        {"f_zero.png", IssueKind::Empty, ""},
        {"g_truncated.jpg", IssueKind::Truncated, ""},
        {"h_text.jpg", IssueKind::NotAnImage, ""},
        {"j_broken.png", IssueKind::Unreadable, "broken symbolic link to "},
        {"k_duplicate.png", IssueKind::Duplicate, "a_plain.png"},
        {"l_small.png", IssueKind::TooSmall, "32×48"},
        {"m_absurd.png", IssueKind::TooLarge, ""},
        {"n_latin1.png", IssueKind::BadCaption, "n_latin1.txt is not UTF-8"},
        {"o_emptycaption.png", IssueKind::MissingCaption, "o_emptycaption.txt is empty"},
        {"p_anim.gif", IssueKind::Unsupported, "GIF"},
        {"q_utf16.png", IssueKind::BadCaption, "UTF-16"},
        {"r_pipe.png", IssueKind::Unreadable, "not a regular file"},
        {"broken_toml/b1.png", IssueKind::MissingCaption, "b1.txt not found"},
    };
    if (!root) expected.push_back({"i_noperm.png", IssueKind::Unreadable, "permission"});
    for (const Expect& e : expected) {
      const std::vector<Issue> issues = issuesOf(d, at(e.file));
      QVERIFY2(issues.size() == 1, qPrintable(QString("%1:\n%2").arg(e.file, describe(d))));
      const Issue& i = issues.front();
      QVERIFY2(i.kind == e.kind, qPrintable(QString("%1: %2 (%3), expected %4")
                                                .arg(e.file, issueName(i.kind), qs(i.message), issueName(e.kind))));
      QVERIFY(i.skipped);
      QVERIFY2(i.message.find(e.inMessage) != std::string::npos, qPrintable(qs(i.message)));
      QVERIFY(!sampleOf(d, at(e.file)));
    }
    if (root) {  // root reads everything
      QVERIFY(sampleOf(d, at("i_noperm.png")));
    } else {
      const std::vector<Issue> locked = issuesOf(d, at("locked"));
      QCOMPARE(locked.size(), std::size_t(1));
      QCOMPARE(locked.front().kind, IssueKind::Unreadable);
      QVERIFY(!locked.front().skipped);
    }

    // concept.toml problems are warnings with file:line; the folder's images still train.
    const std::vector<Issue> colour = issuesOf(d, at("styled/concept.toml") + ":3");
    QCOMPARE(colour.size(), std::size_t(1));
    QCOMPARE(colour.front().kind, IssueKind::BadConcept);
    QVERIFY(!colour.front().skipped);
    QVERIFY(colour.front().message.find("\"colour\"") != std::string::npos);
    const std::vector<Issue> badValue = issuesOf(d, at("styled/concept.toml") + ":4");
    QCOMPARE(badValue.size(), std::size_t(1));
    QVERIFY(badValue.front().message.find("default_caption: expected a string") != std::string::npos);
    std::vector<Issue> brokenToml;
    for (const Issue& i : d.issues)
      if (i.item.rfind(at("broken_toml/concept.toml") + ":1:", 0) == 0) brokenToml.push_back(i);
    QCOMPARE(brokenToml.size(), std::size_t(1));
    QCOMPARE(brokenToml.front().kind, IssueKind::BadConcept);
    QVERIFY(!brokenToml.front().skipped);

    // Hidden files, orphan captions and other files are not part of the dataset at all, and the
    // linked folders add nothing twice.
    for (const Issue& i : d.issues) {
      QVERIFY2(i.item.find("/.") == std::string::npos, qPrintable(qs(i.item)));
      QVERIFY2(i.item.find("linked") == std::string::npos && i.item.find("loop") == std::string::npos,
               qPrintable(qs(i.item)));
    }
    for (const Sample& s : d.samples) QVERIFY(s.image.path.find("/.") == std::string::npos);
    // 10 samples (11 with i_noperm as root) + every skipped file above.
    QCOMPARE(d.samples.size(), std::size_t(root ? 11 : 10));
    QCOMPARE(d.examined, d.samples.size() + expected.size());
    checkAccounting(d);
  }

  void defaultCaptionsAndMinimumSize() {
    DatasetOptions o = folderOptions();
    o.defaultCaption = "a picture";
    o.minImageSize = 0;
    o.repeats = 2;
    const Dataset d = scanDataset(o);
    checkAccounting(d);
    QCOMPARE(sampleOf(d, at("e_nocaption.bmp"))->caption, std::string("a picture"));
    QCOMPARE(sampleOf(d, at("o_emptycaption.png"))->caption, std::string("a picture"));
    QCOMPARE(sampleOf(d, at("broken_toml/b1.png"))->caption, std::string("a picture"));
    QVERIFY(sampleOf(d, at("l_small.png")));
    // The folder name's default wins over the dataset's; its repeats over dataset.repeats.
    QCOMPARE(sampleOf(d, at("5_sks dog/1.jpg"))->caption, std::string("sks dog"));
    QCOMPARE(conceptOf(d, "5_sks dog")->repeats, 5);
    QCOMPARE(conceptOf(d, "")->repeats, 2);
    QCOMPARE(conceptOf(d, "broken_toml")->repeats, 2);
    QCOMPARE(conceptOf(d, "styled")->repeats, 3);
    // A bad caption file is never replaced by a default: the image is skipped.
    QCOMPARE(issuesOf(d, at("n_latin1.png")).front().kind, IssueKind::BadCaption);
  }

  void longCaptionsAreWarnedAbout() {
    const sds::text::ClipTokenizer tokenizer = sds::text::ClipTokenizer::fromData(
        sds::resources::clipVocab(), sds::resources::clipMerges(), "<|endoftext|>", "the built-in CLIP tokenizer");
    QTemporaryDir dir;
    const fs::path r = dir.path().toStdString();
    std::string longCaption;
    for (int i = 0; i < 100; ++i) longCaption += "word ";
    write(r / "long.png", noisePng(64, 64, 30));
    write(r / "long.txt", longCaption);
    write(r / "short.png", noisePng(64, 64, 31));
    write(r / "short.txt", "a short caption");
    // 74 words fit alone; with the concept's prefix they do not.
    std::string edge;
    for (int i = 0; i < 74; ++i) edge += "word ";
    QCOMPARE(tokenizer.tokenCount(edge), std::size_t(74));
    const std::size_t edgeTokens = tokenizer.tokenCount("sks style, " + edge);
    QVERIFY(edgeTokens > 75);
    write(r / "prefixed" / "edge.png", noisePng(64, 64, 32));
    write(r / "prefixed" / "edge.txt", edge);
    write(r / "prefixed" / "concept.toml", "caption_prefix = \"sks style\"\n");
    DatasetOptions o;
    o.path = r.string();
    o.tokenizer = &tokenizer;
    const Dataset d = scanDataset(o);
    checkAccounting(d);
    QCOMPARE(d.samples.size(), std::size_t(3));
    const std::vector<Issue> longIssues = issuesOf(d, (r / "long.png").string());
    QCOMPARE(longIssues.size(), std::size_t(1));
    QCOMPARE(longIssues.front().kind, IssueKind::CaptionTooLong);
    QVERIFY(!longIssues.front().skipped);
    QVERIFY2(longIssues.front().message.find("100 tokens") != std::string::npos, qPrintable(qs(longIssues.front().message)));
    QVERIFY(longIssues.front().message.find("first 75") != std::string::npos);
    QVERIFY(issuesOf(d, (r / "short.png").string()).empty());
    const std::vector<Issue> edgeIssues = issuesOf(d, (r / "prefixed" / "edge.png").string());
    QCOMPARE(edgeIssues.size(), std::size_t(1));
    QVERIFY2(edgeIssues.front().message.find(std::to_string(edgeTokens) + " tokens") != std::string::npos,
             qPrintable(qs(edgeIssues.front().message)));
  }

  void scansAreDeterministic() {
    DatasetOptions one = folderOptions(), two = folderOptions();
    one.workers = 1;
    two.workers = 2;
    const QString first = describe(scanDataset(one));
    QCOMPARE(describe(scanDataset(two)), first);
    QCOMPARE(describe(scanDataset(two)), first);
    DatasetOptions many = folderOptions();
    many.workers = 7;
    QCOMPARE(describe(scanDataset(many)), first);
  }

  void progressAndCancel() {
    std::size_t calls = 0, lastDone = 0, total = 0;
    ScanCallbacks callbacks;
    callbacks.progress = [&](std::size_t done, std::size_t all) {
      ++calls;
      QVERIFY(done > lastDone);
      lastDone = done;
      total = all;
    };
    const Dataset d = scanDataset(folderOptions(), callbacks);
    QCOMPARE(calls, d.examined);
    QCOMPARE(lastDone, d.examined);
    QCOMPARE(total, d.examined);

    std::atomic<bool> cancel{true};
    ScanCallbacks cancelled;
    cancelled.cancel = &cancel;
    QVERIFY_THROWS_EXCEPTION(ScanCancelled, scanDataset(folderOptions(), cancelled));
  }

  void unusablePathsThrow() {
    DatasetOptions o;
    o.path = (root_ / "no-such-folder").string();
    try {
      scanDataset(o);
      QFAIL("a missing path must throw");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("no-such-folder") != std::string::npos, e.what());
    }
    o.path.clear();
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, scanDataset(o));
    o.path = rootString_;
    o.kind = "folder";
    QVERIFY(scanDataset(o).examined > 0);
    o.kind = "webdataset";  // a folder is no shard
    const Dataset asShard = scanDataset(o);
    QVERIFY(asShard.samples.empty());
    QCOMPARE(asShard.issues.size(), std::size_t(1));
    QCOMPARE(asShard.issues.front().kind, IssueKind::BadShard);
    o.kind = "shapes";
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, scanDataset(o));
  }

  void emptyFolder() {
    QTemporaryDir empty;
    DatasetOptions o;
    o.path = empty.path().toStdString();
    const Dataset d = scanDataset(o);
    QCOMPARE(d.examined, std::size_t(0));
    QVERIFY(d.samples.empty());
    QVERIFY(d.concepts.empty());
    QCOMPARE(d.epochSize(), std::size_t(0));
  }

  // ---- WebDataset shards ----

  void shardPatterns() {
    using detail::expandShardPattern;
    QCOMPARE(qsl(expandShardPattern("data/shard-{000..002}.tar")),
             (QStringList{"data/shard-000.tar", "data/shard-001.tar", "data/shard-002.tar"}));
    QCOMPARE(qsl(expandShardPattern("a.tar")), QStringList{"a.tar"});
    QCOMPARE(qsl(expandShardPattern("{train,val}-{0..1}.tar")),
             (QStringList{"train-0.tar", "train-1.tar", "val-0.tar", "val-1.tar"}));
    QCOMPARE(qsl(expandShardPattern("s-{8..11}.tar")), (QStringList{"s-8.tar", "s-9.tar", "s-10.tar", "s-11.tar"}));
    const std::vector<std::string> wide = expandShardPattern("s-{00..100}.tar");
    QCOMPARE(wide.size(), std::size_t(101));
    QCOMPARE(qs(wide.front()), QString("s-000.tar"));
    QCOMPARE(qs(wide.back()), QString("s-100.tar"));
    QCOMPARE(expandShardPattern("s-{0000..9999}.tar").size(), std::size_t(10000));
    for (const char* bad : {"s-{5..3}.tar", "s-{1..a}.tar", "s-{000..099.tar", "s-000..099}.tar", "s-{..5}.tar",
                            "s-{0..99999999}.tar"}) {
      try {
        expandShardPattern(bad);
        QFAIL(bad);
      } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
      }
    }
  }

  void shardsWithFiltersAndDamage() {
    QTemporaryDir dir;
    const fs::path r = dir.path().toStdString();
    const std::string good0 = noiseJpeg(96, 64, 40), good10 = noisePng(64, 64, 41), wm = noiseJpeg(64, 64, 42);
    write(r / "shard-000.tar",
          tarOf({{"000000.jpg", good0},
                 {"000000.txt", "a dog, running"},
                 {"000000.json", R"({"original_width": 800, "original_height": 600, "pwatermark": 0.1})"},
                 {"000001.png", noisePng(64, 64, 43)},
                 {"000001.txt", "too narrow originally"},
                 {"000001.json", R"({"original_width": 300, "pwatermark": 0.1})"},
                 {"000002.json", R"({"original_width": 1024, "pwatermark": 0.0})"},
                 {"000002.webp", noiseWebp(64, 64, 44)},  // json first, no caption
                 {"000003.txt", "corrupt"},
                 {"000003.jpg", "\xFF\xD8\xFF\xE0 this is no JPEG"},
                 {"000003.json", R"({"original_width": 1024, "pwatermark": 0.0})"},
                 {"000004.jpg", noiseJpeg(64, 64, 45)},
                 {"000004.txt", "no json"},
                 {"000005.cls", "7"},
                 {"000005.txt", "metadata only"}}));
    write(r / "shard-001.tar", tarOf({{"sub/000010.png", good10},
                                      {"sub/000010.txt", "a cat"},
                                      {"sub/000010.json", R"({"original_width": 512, "pwatermark": 0.5})"},
                                      {"sub/000011.jpg", wm},
                                      {"sub/000011.txt", "watermarked"},
                                      {"sub/000011.json", R"({"original_width": 2048, "pwatermark": 0.9})"},
                                      {"sub/000012.jpg", noiseJpeg(64, 64, 46)},
                                      {"sub/000012.txt", "caf\xE9"},
                                      {"sub/000012.json", R"({"original_width": 2048, "pwatermark": 0.1})"}}));
    // Cut inside the second sample's image: 700 bytes into the data of 000021.png.
    const std::vector<std::pair<std::string, std::string>> before{
        {"000020.jpg", noiseJpeg(64, 64, 47)},
        {"000020.txt", "before the damage"},
        {"000020.json", R"({"original_width": 700, "pwatermark": 0.2})"},
        {"000021.json", R"({"original_width": 700, "pwatermark": 0.2})"}};
    std::vector<std::pair<std::string, std::string>> members = before;
    members.push_back({"000021.png", noisePng(128, 128, 48)});
    members.push_back({"000021.txt", "cut off"});
    const std::size_t pngData = tarOf(before).size() - 1024 + 512;  // without the end blocks, past the header
    write(r / "shard-002.tar", tarOf(members).substr(0, pngData + 700));
    // shard-003.tar does not exist.

    DatasetOptions o;
    o.path = (r / "shard-{000..003}.tar").string();
    o.filters = {"original_width >= 512", "pwatermark<=0.5"};
    o.workers = 2;
    std::size_t progressCalls = 0;
    ScanCallbacks callbacks;
    callbacks.progress = [&](std::size_t, std::size_t total) {
      ++progressCalls;
      QCOMPARE(total, std::size_t(4));
    };
    const Dataset d = scanDataset(o, callbacks);
    QCOMPARE(progressCalls, std::size_t(4));
    checkAccounting(d);
    const std::string s0 = (r / "shard-000.tar").string(), s1 = (r / "shard-001.tar").string(),
                      s2 = (r / "shard-002.tar").string(), s3 = (r / "shard-003.tar").string();
    QCOMPARE(d.concepts.size(), std::size_t(1));
    QCOMPARE(d.samples.size(), std::size_t(3));
    const Sample* a = sampleOf(d, s0, "000000.jpg");
    QVERIFY(a);
    QCOMPARE(a->caption, std::string("a dog, running"));
    QCOMPARE(a->width, 96);
    QCOMPARE(a->format, sds::image::ImageFormat::Jpeg);
    QCOMPARE(a->contentHash, contentHash(reinterpret_cast<const std::uint8_t*>(good0.data()), good0.size()));
    QCOMPARE(sampleOf(d, s1, "sub/000010.png")->caption, std::string("a cat"));
    QCOMPARE(sampleOf(d, s2, "000020.jpg")->caption, std::string("before the damage"));
    QCOMPARE(d.samples[0].image.displayName(), s0 + ":000000.jpg");  // shard order, then member order

    struct Expect {
      std::string item;
      IssueKind kind;
      const char* inMessage;
    };
    const std::vector<Expect> expected{
        {s0 + ":000001.png", IssueKind::Filtered, "original_width >= 512 (original_width is 300)"},
        {s0 + ":000002.webp", IssueKind::MissingCaption, "000002.txt not found"},
        {s0 + ":000003.jpg", IssueKind::Truncated, ""},
        {s0 + ":000004.jpg", IssueKind::Filtered, "no json"},
        {s1 + ":sub/000011.jpg", IssueKind::Filtered, "pwatermark<=0.5 (pwatermark is 0.9)"},
        {s1 + ":sub/000012.jpg", IssueKind::BadCaption, "sub/000012.txt is not UTF-8"},
        {s2 + ":000021.png", IssueKind::Truncated, "damaged"},
    };
    for (const Expect& e : expected) {
      const std::vector<Issue> issues = issuesOf(d, e.item);
      QVERIFY2(issues.size() == 1, qPrintable(qs(e.item) + "\n" + describe(d)));
      QVERIFY2(issues.front().kind == e.kind,
               qPrintable(qs(e.item) + ": " + issueName(issues.front().kind) + " " + qs(issues.front().message)));
      QVERIFY(issues.front().skipped);
      QVERIFY2(issues.front().message.find(e.inMessage) != std::string::npos, qPrintable(qs(issues.front().message)));
    }
    // Shard-level problems: warnings that name the shard.
    QCOMPARE(issuesOf(d, s2).size(), std::size_t(1));
    QCOMPARE(issuesOf(d, s2).front().kind, IssueKind::BadShard);
    QVERIFY(!issuesOf(d, s2).front().skipped);
    QCOMPARE(issuesOf(d, s3).size(), std::size_t(1));
    QCOMPARE(issuesOf(d, s3).front().kind, IssueKind::BadShard);
    QVERIFY(issuesOf(d, s3).front().message.find("does not exist") != std::string::npos);
    QCOMPARE(d.examined, std::size_t(10));
    QCOMPARE(d.formats, (std::map<std::string, std::size_t>{{"JPEG", 2}, {"PNG", 1}}));

    // Without filters the json is not needed; the filtered samples come back.
    DatasetOptions unfiltered = o;
    unfiltered.filters.clear();
    unfiltered.defaultCaption = "a photo";
    const Dataset all = scanDataset(unfiltered);
    checkAccounting(all);
    QCOMPARE(all.samples.size(), std::size_t(7));
    QCOMPARE(sampleOf(all, s0, "000002.webp")->caption, std::string("a photo"));

    // Deterministic with any number of workers.
    DatasetOptions one = o;
    one.workers = 1;
    QCOMPARE(describe(scanDataset(one)), describe(d));
    QCOMPARE(describe(scanDataset(o)), describe(d));
  }

  void badShardsAndFilters() {
    QTemporaryDir dir;
    const fs::path r = dir.path().toStdString();
    write(r / "empty.tar", "");
    write(r / "text.tar", "this is not a tar archive at all, just some text that is long enough");
    write(r / "captions-only.tar", tarOf({{"1.txt", "a"}, {"2.txt", "b"}}));
    for (const char* name : {"empty.tar", "text.tar", "captions-only.tar"}) {
      DatasetOptions o;
      o.path = (r / name).string();
      const Dataset d = scanDataset(o);
      checkAccounting(d);
      QVERIFY(d.samples.empty());
      QCOMPARE(d.issues.size(), std::size_t(1));
      QCOMPARE(d.issues.front().kind, IssueKind::BadShard);
      QCOMPARE(d.issues.front().item, o.path);
    }
    // A filter that is not one is an error naming it, before anything is read.
    write(r / "ok.tar", tarOf({{"1.png", noisePng(64, 64, 50)}, {"1.txt", "x"}}));
    for (const char* bad : {"original_width 512", ">= 5", "width >= lots", "width >= 5 px"}) {
      DatasetOptions o;
      o.path = (r / "ok.tar").string();
      o.filters = {bad};
      try {
        scanDataset(o);
        QFAIL(bad);
      } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
      }
    }
    // Every operator.
    const std::string shard = (r / "ops.tar").string();
    write(shard, tarOf({{"a.png", noisePng(64, 64, 51)}, {"a.txt", "a"}, {"a.json", R"({"v": 5})"},
                        {"b.png", noisePng(64, 64, 52)}, {"b.txt", "b"}, {"b.json", R"({"v": 7})"},
                        {"c.png", noisePng(64, 64, 53)}, {"c.txt", "c"}, {"c.json", R"({"v": "7"})"},
                        {"d.png", noisePng(64, 64, 54)}, {"d.txt", "d"}, {"d.json", R"([7])"}}));
    const auto kept = [&](const std::string& filter) {
      DatasetOptions o;
      o.path = shard;
      o.filters = {filter};
      const Dataset d = scanDataset(o);
      QStringList keys;
      for (const Sample& s : d.samples) keys << qs(s.image.member);
      if (d.examined != d.samples.size() + d.skipped()) keys << "accounting";
      return keys.join(',');
    };
    QCOMPARE(kept("v >= 7"), QString("b.png"));
    QCOMPARE(kept("v > 5"), QString("b.png"));
    QCOMPARE(kept("v <= 5"), QString("a.png"));
    QCOMPARE(kept("v < 7"), QString("a.png"));
    QCOMPARE(kept("v == 5"), QString("a.png"));
    QCOMPARE(kept("v != 5"), QString("b.png"));
    QCOMPARE(kept("v >= -1e3"), QString("a.png,b.png"));
  }
};

QTEST_GUILESS_MAIN(TestDatasetScan)
#include "test_dataset_scan.moc"
