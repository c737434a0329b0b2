#pragma once
// The training run: `sdtrain train` and the studio (through sdtrain's event protocol) both run this.
// It prepares the model and the data, trains for the configured steps, and reports everything as
// protocol events; commands (pause, resume, stop, save, sample) arrive through TrainerControl from any
// thread, signal handlers included.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocol/events.h"
#include "train/train_settings.h"

namespace sds::data {
class EpochDatasets;
struct DatasetOptions;
}  // namespace sds::data

namespace sds::train {

// Requests to a running trainer. Every member is lock-free, so a signal handler may call requestStop.
class TrainerControl {
 public:
  void apply(const protocol::Command& command);
  void requestStop(bool save) {
    stopSaves_ = save;
    stop_ = true;
  }
  void requestPause() { pause_ = true; }
  void requestResume() { pause_ = false; }
  void requestSave() { save_ = true; }
  void requestSample() { sample_ = true; }

  bool stopRequested() const { return stop_; }
  bool stopSaves() const { return stopSaves_; }
  bool pauseRequested() const { return pause_; }
  bool takeSave() { return save_.exchange(false); }
  bool takeSample() { return sample_.exchange(false); }

 private:
  std::atomic<bool> stop_{false}, stopSaves_{true}, pause_{false}, save_{false}, sample_{false};
};

enum class TrainOutcome { Finished, Stopped, Failed };

struct TrainResult {
  TrainOutcome outcome = TrainOutcome::Failed;
  std::int64_t step = 0;
  std::string message;                 // Failed: what happened
  std::string hint;                    // Failed: what to do
  std::string lastCheckpoint;          // newest complete checkpoint, when there is one
  std::vector<std::string> outputs;    // saved models and LoRA files
  std::vector<std::string> samples;    // sample images of this run, newest last
  bool groupLost = false;              // Failed because another rank of the group ended
};

struct TrainerCallbacks {
  // Events in the order they happen, from the thread that called runTraining.
  std::function<void(const protocol::Event&)> event;
  // Opens a served dataset (dataset.path = "http://HOST:PORT") with the scan options for its chunks;
  // unset where this build has no swarm, and such a path then ends the run with an error.
  std::function<std::unique_ptr<data::EpochDatasets>(const TrainSettings&, const data::DatasetOptions&)>
      openServedDataset;
};

class GradientSync;

// Runs the whole training. Never throws for problems of the run (bad files, NaN loss, out of
// memory): they end it with outcome Failed and an error event, the newest checkpoint intact.
// `group` makes this process one rank of a data-parallel run (null: the only one). Only rank 0
// reports events other than errors and writes checkpoints, samples, logs and the trained model.
TrainResult runTraining(const TrainSettings& settings, TrainerControl& control, const TrainerCallbacks& callbacks,
                        GradientSync* group = nullptr);

}  // namespace sds::train
