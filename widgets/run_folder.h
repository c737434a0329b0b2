#pragma once
// Where a project's run lives on disk (output.directory, relative to the project file as the trainer
// resolves it) and what is in it: checkpoints and samples.

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
