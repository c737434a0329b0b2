#pragma once
// Where this process stands in a data-parallel run, from the environment that launchers set: our own
// (`sdtrain train --gpus` / `--cpu-processes`, which sets torchrun's variables for its workers),
// torchrun's (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) or SLURM's
// (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, the first host of SLURM_JOB_NODELIST). Torch-free.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sds::runtime {

struct WorkerPlace {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;       // among the ranks of this machine: picks the GPU
  int localWorldSize = 1;
  std::string masterAddress = "127.0.0.1";
  int masterPort = 29500;  // torchrun's default
  std::string launcher;    // "torchrun" or "slurm": named in messages
  // torchrun's agent already hosts the rendezvous store at the master's address and port
  // (TORCHELASTIC_USE_AGENT_STORE): every rank connects to it, rank 0 included.
  bool storeHostedByLauncher = false;
};

// The variables that name a place, in the order they are read.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment processEnvironment();

// The place the environment describes, or nullopt when no launcher set one (a single process, or a
// launcher of ours about to start its workers). A variable with a value that is not a number in range
// throws std::invalid_argument naming it and what was expected.
std::optional<WorkerPlace> workerPlaceFrom(const Environment& environment);

// The first host of a SLURM node list: "gpu[03-05,9],cpu1" gives "gpu03". Throws std::invalid_argument
// for an empty or malformed list.
std::string firstSlurmHost(const std::string& nodeList);

// The GPUs a `--gpus` value or the `distributed.gpus` setting names, of `available` GPUs: "all",
// a count ("2": the first two) or indices ("0,2"; one index with a comma, "2,", or "0"). Throws std::invalid_argument saying what is wrong
// (an index not on this machine, a repeated index, more GPUs than there are, not a number).
std::vector<int> parseGpuSelection(const std::string& text, int available);

}  // namespace sds::runtime
