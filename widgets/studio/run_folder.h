#pragma once
// Where a project's run lives on disk and its checkpoints, in Qt's types: the trainer's own rules
// (train/run_layout.h), so that the studio offers to resume the checkpoint the trainer would take.

#include <QString>

#include "config/project.h"

namespace sds::widgets {

// The run folder of `project` saved at `projectFile`.
QString runFolderOf(const config::Project& project, const QString& projectFile);

// The newest complete checkpoint (checkpoints/step-N with its progress.json) in a run folder, or empty.
QString latestCheckpoint(const QString& runFolder);

// The step of a checkpoint folder named step-N, or -1.
qint64 checkpointStep(const QString& checkpointFolder);

}  // namespace sds::widgets
