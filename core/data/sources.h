#pragma once
// Inside the dataset scanner: what the folder and WebDataset sources share (see dataset.h).

#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace sds::data::detail {

// One image with its caption, as a source found it; decoding decides whether it becomes a sample.
struct Candidate {
  ImageRef image;
  std::optional<std::string> caption;  // absent: no caption file / member
  std::string captionSource;           // the caption file or member, for messages
  std::size_t concept = 0;
};

// The outcome for one candidate: a sample, or issues saying why not (and warnings either way).
struct Checked {
  std::optional<Sample> sample;
  std::vector<Issue> issues;
};

// Whether a file or member with this extension (lower case, without the dot) is looked at as an image:
// png, jpg, jpeg, bmp, webp, and the other common image extensions (gif, tiff, heic, avif, …), so that
// files this decoder cannot read are reported instead of dropped silently.
bool isImageExtension(const std::string& extension);

// Decodes the candidate's image bytes and checks caption and size.
Checked checkCandidate(const Candidate& candidate, const std::uint8_t* data, std::size_t size,
                       const std::vector<Concept>& concepts, const DatasetOptions& options);

// A caption file's text: UTF-8 (a BOM dropped), lines joined with spaces, trimmed. Returns nullopt and
// sets `problem` for text that is not UTF-8.
std::optional<std::string> captionText(const std::string& bytes, std::string& problem);

// Worker threads for `options.workers` (0: one per core, at most 8).
int workerCount(const DatasetOptions& options);

// Runs body(i) for i in [0, n) on `workers` threads; stops early (and rethrows) when body throws.
void parallelFor(std::size_t n, int workers, const std::function<void(std::size_t)>& body);

void scanFolder(const DatasetOptions& options, const ScanCallbacks& callbacks, Dataset& out,
                std::vector<Checked>& results);
void scanShards(const DatasetOptions& options, const ScanCallbacks& callbacks, Dataset& out,
                std::vector<Checked>& results);

// "shards/shard-{000..099}.tar" → the 100 paths; a path without braces is itself. Throws
// std::runtime_error for a malformed pattern.
std::vector<std::string> expandShardPattern(const std::string& pattern);

}  // namespace sds::data::detail
