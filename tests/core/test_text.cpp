// The string helpers behind "did you mean" suggestions, help-text wrapping, number formatting in
// project files, and the i18n hook's placeholder substitution.

#include <QtTest>

#include "qt_strings.h"

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "util/i18n.h"
#include "util/text.h"

using namespace sds;

namespace {



std::vector<std::string> split(const QString& s) {
  std::vector<std::string> out;
  if (s.isEmpty()) return out;
  for (const QString& part : s.split(QLatin1Char('|'))) out.push_back(part.toStdString());
  return out;
}

}  // namespace

class TestText : public QObject {
  Q_OBJECT

 private slots:
  void editDistance_data() {
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("distance");
    QTest::newRow("both empty") << "" << "" << 0;
    QTest::newRow("one empty") << "abc" << "" << 3;
    QTest::newRow("equal") << "learning_rate" << "learning_rate" << 0;
    QTest::newRow("case is ignored") << "Optimizer" << "optimizer" << 0;
    QTest::newRow("one deletion") << "learnig_rate" << "learning_rate" << 1;
    QTest::newRow("one insertion") << "optimizers" << "optimizer" << 1;
    QTest::newRow("one substitution") << "optimiser" << "optimizer" << 1;
    QTest::newRow("adjacent transposition") << "bf61" << "bf16" << 1;
    QTest::newRow("kitten sitting") << "kitten" << "sitting" << 3;
    QTest::newRow("disjoint") << "abc" << "xyz" << 3;
  }
  void editDistance() {
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, distance);
    QCOMPARE(int(text::editDistance(a.toStdString(), b.toStdString())), distance);
    QCOMPARE(int(text::editDistance(b.toStdString(), a.toStdString())), distance);  // symmetric
  }

  void closestMatch_data() {
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("candidates");  // '|'-separated
    QTest::addColumn<QString>("expected");
    const QString sections = "project|model|training|lora|dataset|resolution|optimizer|lr_schedule|ema";
    QTest::newRow("british spelling") << "optimiser" << sections << "optimizer";
    QTest::newRow("missing letter") << "datset" << sections << "dataset";
    QTest::newRow("exact") << "lora" << sections << "lora";
    QTest::newRow("nothing close") << "foo" << sections << "";
    QTest::newRow("no candidates") << "model" << "" << "";
    QTest::newRow("transposition") << "fp61" << "fp32|fp16|bf16" << "fp16";
    QTest::newRow("first of equally close wins") << "abc" << "abd|abe" << "abd";
    QTest::newRow("short words allow two edits") << "ab" << "xy" << "xy";
    QTest::newRow("three edits of a short word are too many") << "abc" << "xyz" << "";
    QTest::newRow("a third of a long word")
        << "gradient_acumulaton" << "gradient_accumulation" << "gradient_accumulation";
  }
  void closestMatch() {
    QFETCH(QString, word);
    QFETCH(QString, candidates);
    QFETCH(QString, expected);
    QCOMPARE(qs(text::closestMatch(word.toStdString(), split(candidates))), expected);
  }

  void wrap_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("width");
    QTest::addColumn<QString>("lines");  // '|'-separated
    QTest::newRow("empty") << "" << 10 << "";
    QTest::newRow("only spaces") << "    " << 10 << "";
    QTest::newRow("fits") << "aaa bbb" << 7 << "aaa bbb";
    QTest::newRow("one over") << "aaa bbb" << 6 << "aaa|bbb";
    QTest::newRow("greedy") << "a b c d e" << 3 << "a b|c d|e";
    QTest::newRow("long word stays whole") << "a verylongword b" << 4 << "a|verylongword|b";
    QTest::newRow("runs of spaces collapse") << "  a    b  " << 10 << "a b";
  }
  void wrap() {
    QFETCH(QString, text);
    QFETCH(int, width);
    QFETCH(QString, lines);
    const QStringList expected = lines.isEmpty() ? QStringList() : lines.split('|');
    QCOMPARE(qsl(text::wrap(text.toStdString(), std::size_t(width))), expected);
  }

  void wrapKeepsEveryWordInOrder() {
    const std::string help =
        "Weights the loss of each timestep by min(SNR, γ)/SNR, which speeds up convergence. 0 turns it off; 5 is "
        "the usual value.";
    for (std::size_t width : {10, 20, 40, 98}) {
      const std::vector<std::string> lines = text::wrap(help, width);
      std::string joined;
      for (const std::string& line : lines) {
        // Only a single word longer than the width may exceed it.
        QVERIFY2(line.size() <= width || line.find(' ') == std::string::npos, line.c_str());
        QVERIFY(!line.empty() && line.front() != ' ' && line.back() != ' ');
        joined += (joined.empty() ? "" : " ") + line;
      }
      QCOMPARE(qs(joined), qs(help));
    }
  }

  void joinAlternatives_data() {
    QTest::addColumn<QString>("items");
    QTest::addColumn<bool>("quote");
    QTest::addColumn<QString>("expected");
    QTest::newRow("none") << "" << true << "";
    QTest::newRow("one") << "fp32" << true << "\"fp32\"";
    QTest::newRow("two") << "fp32|bf16" << true << "\"fp32\" or \"bf16\"";
    QTest::newRow("three") << "fp32|bf16|fp16" << true << "\"fp32\", \"bf16\" or \"fp16\"";
    QTest::newRow("unquoted") << "[training]|[sampling]" << false << "[training] or [sampling]";
    QTest::newRow("four unquoted") << "a|b|c|d" << false << "a, b, c or d";
  }
  void joinAlternatives() {
    QFETCH(QString, items);
    QFETCH(bool, quote);
    QFETCH(QString, expected);
    QCOMPARE(qs(text::joinAlternatives(split(items), quote)), expected);
  }

  void formatDouble_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("1e-5") << 1e-5 << "1e-05";
    QTest::newRow("1e-8") << 1e-8 << "1e-08";
    QTest::newRow("0.1") << 0.1 << "0.1";
    QTest::newRow("0.9999") << 0.9999 << "0.9999";
    QTest::newRow("0.0005") << 0.0005 << "0.0005";
    QTest::newRow("3") << 3.0 << "3.0";
    QTest::newRow("0") << 0.0 << "0.0";
    QTest::newRow("-2.5") << -2.5 << "-2.5";
    QTest::newRow("16") << 16.0 << "16.0";
    // Whole numbers are written out, not as "1e+02": bounds like "at most 100" appear in messages.
    QTest::newRow("50") << 50.0 << "50.0";
    QTest::newRow("100") << 100.0 << "100.0";
    QTest::newRow("1500") << 1500.0 << "1500.0";
    QTest::newRow("-1000") << -1000.0 << "-1000.0";
    QTest::newRow("1e15") << 1e15 << "1000000000000000.0";
    QTest::newRow("1e16") << 1e16 << "1e+16";
    QTest::newRow("1/3") << 1.0 / 3.0 << "0.3333333333333333";
    QTest::newRow("1e300") << 1e300 << "1e+300";
    QTest::newRow("5e-324") << 5e-324 << "5e-324";
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << "inf";
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << "-inf";
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "nan";
  }
  void formatDouble() {
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(qs(text::formatDouble(value)), expected);
  }

  void formatDoubleRoundTrips() {
    std::vector<double> values = {1e-5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 1e300, -1e300, 5e-324, DBL_MAX, -DBL_MAX,
                                  DBL_MIN, DBL_EPSILON, 9007199254740993.0, 9007199254740991.0, 123456789.125,
                                  0.1 + 0.2, 1e22, 1e23, 4.35, 2.675, 1e-7, 7.5, 0.999, 1e16, 9999999999999998.0};
    // A deterministic spread of magnitudes and mantissas.
    double x = 0.7071067811865476;
    for (int i = -300; i <= 300; i += 7) {
      values.push_back(x * std::pow(10.0, i));
      values.push_back(-x * std::pow(2.0, i % 1000));
      x = std::fmod(x * 3.7 + 0.123456789, 1.0) + 0.05;
    }
    for (double v : values) {
      const std::string s = text::formatDouble(v);
      QVERIFY2(std::strtod(s.c_str(), nullptr) == v, s.c_str());
      // Always recognisably a float in TOML: a '.' or an exponent.
      QVERIFY2(s.find_first_of(".e") != std::string::npos, s.c_str());
      QVERIFY2(s.size() <= 24, s.c_str());
    }
  }

  void formatDoubleIsShortest() {
    // No digit can be dropped: the shortest text of 0.3 is "0.3", not 0.29999999999999999.
    QCOMPARE(qs(text::formatDouble(0.3)), QString("0.3"));
    QCOMPARE(qs(text::formatDouble(0.1 + 0.2)), QString("0.30000000000000004"));
    QCOMPARE(qs(text::formatDouble(1e23)), QString("1e+23"));
  }

  void i18nFormat_data() {
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("args");  // '|'-separated
    QTest::addColumn<QString>("expected");
    QTest::newRow("in order") << "%1 is not allowed; %2" << "0|expected 1" << "0 is not allowed; expected 1";
    QTest::newRow("reordered") << "%2 before %1" << "a|b" << "b before a";
    QTest::newRow("repeated") << "%1%1" << "ab" << "abab";
    QTest::newRow("arguments are not re-scanned") << "%1 and %2" << "%2|x" << "%2 and x";
    QTest::newRow("missing argument stays") << "%1 %3" << "a|b" << "a %3";
    QTest::newRow("percent sign") << "100% of %1" << "steps" << "100% of steps";
    QTest::newRow("trailing percent") << "%1%" << "5" << "5%";
  }
  void i18nFormat() {
    QFETCH(QString, pattern);
    QFETCH(QString, args);
    QFETCH(QString, expected);
    const std::vector<std::string> a = split(args);
    std::string out;
    switch (a.size()) {
      case 1: out = i18n::format(pattern.toStdString(), {a[0]}); break;
      case 2: out = i18n::format(pattern.toStdString(), {a[0], a[1]}); break;
      default: QFAIL("test rows have one or two arguments");
    }
    QCOMPARE(qs(out), expected);
  }

  void i18nTranslator() {
    QCOMPARE(qs(i18n::translate("Diagnostics", "unknown setting")), QString("unknown setting"));
    i18n::setTranslator([](const char* context, const char* source) {
      return std::string(context) + "/" + source;
    });
    const std::string translated = i18n::translate("Diagnostics", "%1 or %2");
    const std::string joined = text::joinAlternatives({"a", "b"}, false);
    i18n::setTranslator(nullptr);
    QCOMPARE(qs(translated), QString("Diagnostics/%1 or %2"));
    QCOMPARE(qs(joined), QString("Diagnostics/a or b"));
    QCOMPARE(qs(i18n::translate("Diagnostics", "x")), QString("x"));
  }
};

QTEST_APPLESS_MAIN(TestText)
#include "test_text.moc"
