#pragma once
// What the Dataset page makes of files dropped on it: a folder is a dataset, .tar files are
// WebDataset shards (several become one brace pattern, as dataset.path takes them), and image files
// are to be copied into the dataset. Pure path logic, no widgets, so it is tested on its own.

#include <QString>
#include <QStringList>

class QUrl;

namespace sds::widgets {

struct DroppedFiles {
  QStringList folders, shards, images;
  QStringList others;  // file names of anything else (not added; the page says so)
};

// Sorts local files into the kinds above; remote URLs count as others.
DroppedFiles sortDroppedFiles(const QList<QUrl>& urls);

// Image files the dataset scan reads, by extension (the scan itself goes by content).
bool isImageFileName(const QString& path);

// One dataset.path for shards of one folder: the shard itself; "data-{000..009}.tar" for a
// contiguous run of zero-padded numbers; otherwise "dir/{a.tar,b.tar}". Empty when the shards are
// in different folders or a name holds a brace or comma (no pattern can name them).
QString shardPattern(QStringList shards);

}  // namespace sds::widgets
