#include "dropped_files.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace sds::widgets {

bool isImageFileName(const QString& path) {
  static const QStringList suffixes{"png", "jpg", "jpeg", "webp", "bmp"};
  return suffixes.contains(QFileInfo(path).suffix().toLower());
}

DroppedFiles sortDroppedFiles(const QList<QUrl>& urls) {
  DroppedFiles out;
  for (const QUrl& url : urls) {
    if (!url.isLocalFile()) {
      out.others << url.toDisplayString();
      continue;
    }
    const QString path = QDir::cleanPath(url.toLocalFile());
    const QFileInfo info(path);
    if (info.isDir())
      out.folders << path;
    else if (info.suffix().toLower() == "tar")
      out.shards << path;
    else if (isImageFileName(path))
      out.images << path;
    else
      out.others << info.fileName();
  }
  return out;
}

QString shardPattern(QStringList shards) {
  shards.removeDuplicates();
  if (shards.isEmpty()) return {};
  if (shards.size() == 1) return shards.first();
  const QString folder = QFileInfo(shards.first()).path();
  QStringList names;
  for (const QString& shard : shards) {
    const QFileInfo info(shard);
    // The pattern syntax has no escapes.
    if (info.path() != folder || info.fileName().contains(QRegularExpression("[{},]"))) return {};
    names << info.fileName();
  }
  names.sort();
  const auto inFolder = [&folder](const QString& name) { return QDir(folder).filePath(name); };

  // A contiguous run of equally wide numbers between the same head and tail: {000..009}. Equal widths
  // keep the scan's expansion (zero-padded to the widest as written) the same set of names.
  static const QRegularExpression numbered("^(.*?)(\\d+)(\\.tar)$",
                                           QRegularExpression::CaseInsensitiveOption);
  const QRegularExpressionMatch first = numbered.match(names.first());
  bool run = first.hasMatch() && first.captured(2).size() <= 9;  // the scan's range limit
  for (int i = 0; run && i < names.size(); ++i) {
    const QRegularExpressionMatch m = numbered.match(names[i]);
    run = m.hasMatch() && m.captured(1) == first.captured(1) && m.captured(3) == first.captured(3) &&
          m.captured(2).size() == first.captured(2).size() &&
          m.captured(2).toLongLong() == first.captured(2).toLongLong() + i;
  }
  if (run) {
    const QString last = numbered.match(names.last()).captured(2);
    return inFolder(first.captured(1) + "{" + first.captured(2) + ".." + last + "}" + first.captured(3));
  }
  return inFolder("{" + names.join(',') + "}");
}

}  // namespace sds::widgets
