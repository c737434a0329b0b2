// Every user-visible string of the GUI (and the core texts it shows) has a translation: lupdate is run
// over the current sources into a copy of each .ts file, and the copy must hold no unfinished,
// empty or stale message, with the same placeholders as the English source.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Message {
  QString context;
  QString source;
  QStringList translations;  // one, or one per numerus form
  QString type;              // "", "unfinished", "vanished", "obsolete"
};

QList<Message> readTs(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  QList<Message> messages;
  QXmlStreamReader xml(&file);
  QString context;
  Message current;
  while (!xml.atEnd()) {
    xml.readNext();
    if (!xml.isStartElement()) continue;
    const auto name = xml.name();
    if (name == QLatin1String("name")) {
      context = xml.readElementText();
    } else if (name == QLatin1String("message")) {
      current = Message{context, {}, {}, {}};
    } else if (name == QLatin1String("source")) {
      current.source = xml.readElementText();
    } else if (name == QLatin1String("translation")) {
      current.type = xml.attributes().value("type").toString();
      // Either plain text or <numerusform> children.
      QString text;
      while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isCharacters()) text += xml.text();
        if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
          current.translations << xml.readElementText();
        if (xml.isEndElement() && xml.name() == QLatin1String("translation")) break;
      }
      if (current.translations.isEmpty()) current.translations << text;
      messages << current;
    }
  }
  return messages;
}

QStringList placeholders(const QString& text) {
  QStringList found;
  static const QRegularExpression pattern("%(n|\\d)");
  for (auto it = pattern.globalMatch(text); it.hasNext();) found << it.next().captured(0);
  found.sort();
  found.removeDuplicates();
  return found;
}

}  // namespace

class TestTranslations : public QObject {
  Q_OBJECT

 private slots:
  void everyStringIsTranslated_data() {
    QTest::addColumn<QString>("tsFile");
    for (const QString& ts : QString(SDS_TS_FILES).split('|', Qt::SkipEmptyParts))
      QTest::newRow(qPrintable(QFileInfo(ts).fileName())) << ts;
  }

  void everyStringIsTranslated() {
    QFETCH(QString, tsFile);
    QTemporaryDir dir;
    const QString copy = dir.filePath(QFileInfo(tsFile).fileName());
    QVERIFY(QFile::copy(tsFile, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    QStringList args = QString(SDS_LUPDATE_OPTIONS).split('|', Qt::SkipEmptyParts);
    args << QString("@") + SDS_TRANSLATION_SOURCES << "-ts" << copy;
    QProcess lupdate;
    lupdate.start(SDS_LUPDATE, args);
    QVERIFY(lupdate.waitForFinished(120000));
    QVERIFY2(lupdate.exitCode() == 0, lupdate.readAllStandardError().constData());

    const QList<Message> messages = readTs(copy);
    QVERIFY(messages.size() > 100);
    QStringList problems;
    for (const Message& m : messages) {
      const QString where = m.context + ": \"" + m.source.left(70) + "\"";
      if (!m.type.isEmpty()) {
        problems << where + " is " + m.type;
        continue;
      }
      for (const QString& t : m.translations) {
        if (t.trimmed().isEmpty()) problems << where + " has an empty translation";
        else if (placeholders(t) != placeholders(m.source))
          problems << where + " has placeholders " + placeholders(t).join(",") + ", the source " +
                          placeholders(m.source).join(",");
      }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(QString::number(problems.size()) +
                                            " problems (run the update_translations target, then translate):\n" +
                                            problems.mid(0, 40).join('\n')));
  }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "test_translations.moc"
