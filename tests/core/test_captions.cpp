// Caption transforms: prefix, tag shuffling with kept leading tags, dropout.

#include <QtTest>

#include <set>

#include "data/captions.h"

using namespace sds::data;

class TestCaptions : public QObject {
  Q_OBJECT

 private slots:
  void tagsSplitAndTrim() {
    QCOMPARE(splitTags(" a red circle,blue background ,, shiny , "),
             (std::vector<std::string>{"a red circle", "blue background", "shiny"}));
    QVERIFY(splitTags("").empty());
  }

  void plainCaptionsPassThrough() {
    Rng rng(1);
    const std::uint64_t before = rng.state();
    QCOMPARE(transformCaption("  a photo of a cat  ", {}, rng), std::string("a photo of a cat"));
    QCOMPARE(rng.state(), before);  // nothing random was asked for
    CaptionOptions prefixed;
    prefixed.prefix = "sks dog";
    QCOMPARE(transformCaption("on a beach", prefixed, rng), std::string("sks dog, on a beach"));
    QCOMPARE(transformCaption("", prefixed, rng), std::string("sks dog"));
  }

  void shufflingKeepsLeadingTags() {
    CaptionOptions o;
    o.shuffleTags = true;
    o.keepTags = 2;
    o.prefix = "style";
    Rng rng(3);
    std::set<std::string> variants;
    for (int i = 0; i < 200; ++i) {
      const std::string out = transformCaption("1girl, solo, red hair, smile, hat, outdoors", o, rng);
      const auto tags = splitTags(out);
      QCOMPARE(tags.size(), std::size_t(7));
      QCOMPARE(tags[0], std::string("style"));
      QCOMPARE(tags[1], std::string("1girl"));
      QCOMPARE(tags[2], std::string("solo"));
      QCOMPARE(std::set<std::string>(tags.begin() + 3, tags.end()),
               (std::set<std::string>{"red hair", "smile", "hat", "outdoors"}));
      variants.insert(out);
    }
    QCOMPARE(variants.size(), std::size_t(24));  // every order of the four shuffled tags appears
    o.keepTags = 10;  // more than there are: nothing moves
    QCOMPARE(transformCaption("a, b, c", o, rng), std::string("style, a, b, c"));
  }

  void dropoutEmptiesAboutItsShare() {
    CaptionOptions o;
    o.dropout = 0.25;
    o.prefix = "concept";
    Rng rng(9);
    int empty = 0;
    for (int i = 0; i < 20000; ++i) empty += transformCaption("a cat", o, rng).empty();
    QVERIFY2(std::abs(empty - 5000) < 300, qPrintable(QString::number(empty)));
    o.dropout = 1.0;
    QVERIFY(transformCaption("a cat", o, rng).empty());
  }
};

QTEST_GUILESS_MAIN(TestCaptions)
#include "test_captions.moc"
