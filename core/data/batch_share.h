#pragma once
// The part of a global batch one data-parallel rank trains. Every rank plans the same global batches
// (batch size × ranks) and takes its rows; a batch with fewer rows than ranks (the end of a bucket)
// leaves some ranks a stand-in row with weight 0, so every rank still runs the step and its
// collectives. Torch-free.

#include <cstdint>

namespace sds::data {

struct BatchShare {
  std::int64_t begin = 0;  // first row of the global batch
  std::int64_t rows = 0;   // rows this rank trains
  std::int64_t total = 0;  // rows of the global batch
  // What this rank's mean loss counts for, so that the plain mean over ranks is the global batch's
  // mean: rows × ranks / total, and 0 for a stand-in row.
  double weight = 1.0;
};

// Rank `rank` of `ranks` takes rows [total·rank/ranks, total·(rank+1)/ranks).
inline BatchShare shareOf(std::int64_t total, int rank, int ranks) {
  BatchShare s;
  s.total = total;
  s.begin = total * rank / ranks;
  s.rows = total * (rank + 1) / ranks - s.begin;
  s.weight = static_cast<double>(s.rows) * ranks / static_cast<double>(total);
  if (s.rows == 0) {  // nothing of its own: the first row, counted for nothing
    s.begin = 0;
    s.rows = 1;
    s.weight = 0.0;
  }
  return s;
}

// A batch trained by one process alone.
inline BatchShare wholeBatch(std::int64_t rows) { return {0, rows, rows, 1.0}; }

}  // namespace sds::data
