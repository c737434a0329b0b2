#pragma once
// The weight average's settings (train/ema.h), torch-free, so that the run's settings
// (train_settings.h) can hold them.

namespace sds::train {

struct EmaOptions {
  bool enabled = false;
  double decay = 0.9999;  // the cap of the ramped decay
  int updateEvery = 1;    // optimizer steps between updates
  bool onCpu = false;     // keep the average in CPU memory
};

}  // namespace sds::train
