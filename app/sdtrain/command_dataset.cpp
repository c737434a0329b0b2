// sdtrain dataset check: scans a dataset as training would and reports what a person needs to act on:
// totals, formats, concepts, the bucket histogram and every problem grouped by kind.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>

#include <memory>

#include "commands.h"
#include "config/project.h"
#include "data/buckets.h"
#include "data/dataset_settings.h"
#include "data/dataset.h"
#include "embedded.h"
#include "exit_codes.h"
#include "text/clip_tokenizer.h"
#include "util/log.h"

namespace sds::cli {
namespace {

using nlohmann::json;

using Settings = data::DatasetSettings;
using data::BucketCount;
using data::bucketHistogram;

// Whether a project file's problem concerns the dataset check: the [dataset] and [resolution]
// sections, or the file as a whole (syntax, unreadable). A missing base model does not.
bool concernsDataset(const config::Diagnostic& d) {
  const auto in = [&](const std::string& section) {
    return d.key == section || d.key.rfind(section + ".", 0) == 0;
  };
  return d.key.empty() || in("dataset") || in("resolution");
}

// The settings of a project file's [dataset] and [resolution] sections, with a relative dataset.path
// taken relative to the project file's folder. False (after reporting) when those have errors.
bool fromProject(Reporter& reporter, const std::string& file, Settings& s) {
  const config::LoadResult result = config::loadProject(file);
  bool errors = false;
  for (const config::Diagnostic& d : result.diagnostics) {
    if (!concernsDataset(d)) continue;
    log::write(d.isError() ? log::Level::Error : log::Level::Warn, d.format());
    errors = errors || d.isError();
  }
  if (errors) {
    reporter.fail(file + ": the dataset settings have errors", "fix the lines above; docs/configuration.md describes every setting");
    return false;
  }
  if (result.project.getString("dataset.path").empty()) {
    reporter.fail(file + ": dataset.path is empty", "set it to a folder of images or to tar shards");
    return false;
  }
  s = data::datasetSettings(result.project, std::filesystem::path(file).parent_path().string());
  return true;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string quoted(const std::string& s) { return json(s).dump(); }

// Issues of one kind, in scan order.
struct IssueGroup {
  std::vector<const data::Issue*> issues;
  std::size_t skipped = 0;
};

std::map<data::IssueKind, IssueGroup> groupIssues(const data::Dataset& d) {
  std::map<data::IssueKind, IssueGroup> groups;
  for (const data::Issue& issue : d.issues) {
    IssueGroup& g = groups[issue.kind];
    g.issues.push_back(&issue);
    if (issue.skipped) ++g.skipped;
  }
  return groups;
}

std::vector<std::size_t> imagesPerConcept(const data::Dataset& d) {
  std::vector<std::size_t> images(d.concepts.size());
  for (const data::Sample& s : d.samples) ++images.at(s.concept);
  return images;
}

std::size_t warnings(const data::Dataset& d) { return d.issues.size() - d.skipped(); }

std::string datasetKind(const data::Dataset& d) {
  std::error_code ec;
  return std::filesystem::is_directory(d.root, ec) ? "folder" : "webdataset";
}

json jsonReport(const data::Dataset& d, const Settings& s) {
  json report;
  report["path"] = d.root;
  report["kind"] = datasetKind(d);
  report["examined"] = d.examined;
  report["usable"] = d.samples.size();
  report["skipped"] = d.skipped();
  report["warnings"] = warnings(d);
  report["epoch_size"] = d.epochSize();
  report["formats"] = json::object();
  for (const auto& [format, count] : d.formats) report["formats"][format] = count;
  report["concepts"] = json::array();
  const std::vector<std::size_t> images = imagesPerConcept(d);
  for (std::size_t i = 0; i < d.concepts.size(); ++i) {
    const data::Concept& c = d.concepts[i];
    report["concepts"].push_back({{"folder", c.folder},
                                  {"repeats", c.repeats},
                                  {"images", images[i]},
                                  {"caption_prefix", c.captionPrefix},
                                  {"default_caption", c.defaultCaption}});
  }
  json buckets = {{"enabled", s.useBuckets},
                  {"resolution", s.buckets.resolution},
                  {"min_side", s.buckets.minSide},
                  {"max_side", s.buckets.maxSide},
                  {"histogram", json::array()}};
  for (const BucketCount& b : bucketHistogram(d, s))
    buckets["histogram"].push_back({{"width", b.bucket.width}, {"height", b.bucket.height}, {"count", b.count}});
  report["buckets"] = buckets;
  report["issues"] = json::object();
  for (const auto& [kind, group] : groupIssues(d)) {
    json items = json::array();
    for (const data::Issue* issue : group.issues)
      items.push_back({{"item", issue->item}, {"message", issue->message}, {"skipped", issue->skipped}});
    report["issues"][data::issueName(kind)] = {{"count", group.issues.size()}, {"skipped", group.skipped}, {"items", items}};
  }
  return report;
}

// The folder that files are named relative to in the text report: the dataset folder, or the folder
// of the shards. Ends with a separator; empty when there is none.
std::string displayBase(const data::Dataset& d) {
  namespace fs = std::filesystem;
  const fs::path root(d.root);
  const fs::path base = datasetKind(d) == "folder" ? root : root.parent_path();
  return base.empty() ? std::string() : (base / "").string();
}

std::string relativeTo(std::string text, const std::string& base) {
  if (base.empty()) return text;
  for (std::size_t at = 0; (at = text.find(base, at)) != std::string::npos;) text.erase(at, base.size());
  return text;
}

// The report's lines; blank lines only separate sections for people, so they are no log events.
void say(Reporter& reporter, const std::string& line) {
  if (!line.empty() || reporter.mode() == Reporter::Mode::Text) reporter.say(line);
}

void textReport(Reporter& reporter, const data::Dataset& d, const Settings& s, std::size_t examples) {
  const std::string base = displayBase(d);
  say(reporter, "Dataset: " + d.root + " (" + datasetKind(d) + ")");
  say(reporter, "Images: " + std::to_string(d.examined) + " examined, " + std::to_string(d.samples.size()) + " usable, " +
               std::to_string(d.skipped()) + " skipped; " + plural(warnings(d), "warning", "warnings"));
  say(reporter, "Epoch: " + plural(d.epochSize(), "sample", "samples") + " with repeats");
  std::string formats;
  for (const auto& [format, count] : d.formats) formats += (formats.empty() ? "" : ", ") + format + " " + std::to_string(count);
  say(reporter, "Formats: " + (formats.empty() ? std::string("none") : formats));

  if (!d.concepts.empty()) {
    say(reporter, "");
    say(reporter, "Concepts (folder: repeats × images):");
    const std::vector<std::size_t> images = imagesPerConcept(d);
    for (std::size_t i = 0; i < d.concepts.size(); ++i) {
      const data::Concept& c = d.concepts[i];
      std::string line = "  " + (c.folder.empty() ? std::string("(top folder)") : c.folder) + ": " +
                         std::to_string(c.repeats) + " × " + plural(images[i], "image", "images");
      if (!c.captionPrefix.empty()) line += ", caption prefix " + quoted(c.captionPrefix);
      if (!c.defaultCaption.empty()) line += ", default caption " + quoted(c.defaultCaption);
      say(reporter, line);
    }
  }

  const std::vector<BucketCount> histogram = bucketHistogram(d, s);
  if (!histogram.empty()) {
    say(reporter, "");
    say(reporter, s.useBuckets ? "Buckets (resolution " + std::to_string(s.buckets.resolution) + ", sides " +
                                    std::to_string(s.buckets.minSide) + " to " + std::to_string(s.buckets.maxSide) +
                                    "):"
                              : "Buckets: off, every image is cropped to " + std::to_string(s.buckets.resolution) + "x" +
                                    std::to_string(s.buckets.resolution) + ":");
    for (const BucketCount& b : histogram)
      say(reporter, "  " + std::to_string(b.bucket.width) + "x" + std::to_string(b.bucket.height) + ": " +
                   std::to_string(b.count));
  }

  // Problems that cost images first, then warnings.
  const auto groups = groupIssues(d);
  std::vector<std::pair<data::IssueKind, const IssueGroup*>> ordered;
  for (const bool skipping : {true, false})
    for (const auto& [kind, group] : groups)
      if ((group.skipped > 0) == skipping) ordered.emplace_back(kind, &group);
  if (!ordered.empty()) {
    say(reporter, "");
    say(reporter, base.empty() ? std::string("Issues:") : "Issues (files in " + base + "):");
    for (const auto& [kind, groupPointer] : ordered) {
      const IssueGroup& group = *groupPointer;
      const std::size_t n = group.issues.size();
      std::string head = "  " + std::string(data::issueName(kind)) + ": " + std::to_string(n);
      if (group.skipped == n)
        head += n == 1 ? " image skipped" : " images skipped";
      else if (group.skipped == 0)
        head += n == 1 ? " warning" : " warnings";
      else
        head += " (" + std::to_string(group.skipped) + " images skipped)";
      say(reporter, head);
      const std::size_t shown = examples == 0 ? n : std::min(n, examples);
      for (std::size_t i = 0; i < shown; ++i)
        say(reporter, "    " + relativeTo(group.issues[i]->item, base) + ": " + relativeTo(group.issues[i]->message, base));
      if (shown < n) say(reporter, "    … and " + std::to_string(n - shown) + " more");
    }
  }
}

}  // namespace

int runDatasetCheck(Reporter& reporter, const DatasetCheckOptions& options) {
  Settings s;
  if (!options.project.empty()) {
    if (!fromProject(reporter, options.project, s)) return kExitInvalidInput;
  }
  // Options given on the command line win over the project's settings.
  if (!options.path.empty()) s.dataset.path = options.path;
  if (options.captionExtension) s.dataset.captionExtension = *options.captionExtension;
  if (options.defaultCaption) s.dataset.defaultCaption = *options.defaultCaption;
  if (options.minSize) s.dataset.minImageSize = *options.minSize;
  if (options.resolution) s.buckets.resolution = *options.resolution;
  if (options.minBucket) s.buckets.minSide = *options.minBucket;
  if (options.maxBucket) s.buckets.maxSide = *options.maxBucket;
  if (!options.filters.empty()) s.dataset.filters = options.filters;
  if (options.project.empty()) {
    const config::Project defaults;
    if (!options.minSize) s.dataset.minImageSize = static_cast<int>(defaults.getInt("dataset.min_image_size"));
    if (!options.resolution) s.buckets.resolution = static_cast<int>(defaults.getInt("resolution.size"));
    if (!options.minBucket) s.buckets.minSide = static_cast<int>(defaults.getInt("resolution.min_bucket_side"));
    if (!options.maxBucket) s.buckets.maxSide = static_cast<int>(defaults.getInt("resolution.max_bucket_side"));
  }
  if (s.dataset.path.empty()) {
    reporter.fail("no dataset given", "name a folder or tar shards, or a project file with --project");
    return kExitUsage;
  }
  if (s.useBuckets) {
    try {
      data::makeBuckets(s.buckets);
    } catch (const std::invalid_argument&) {
      reporter.fail("no bucket fits resolution " + std::to_string(s.buckets.resolution) + " with sides from " +
                        std::to_string(s.buckets.minSide) + " to " + std::to_string(s.buckets.maxSide),
                    "the shortest bucket side must be at most the resolution and at most the longest side");
      return kExitUsage;
    }
  }

  // Captions over the text encoder's limit are warned about; every Stable Diffusion model reads
  // captions through CLIP's tokenizer and its 77 positions.
  const text::ClipTokenizer tokenizer = text::ClipTokenizer::fromData(
      resources::clipVocab(), resources::clipMerges(), "<|endoftext|>", "the built-in CLIP tokenizer");
  s.dataset.tokenizer = &tokenizer;

  // Progress: every scanned item in jsonl mode would flood the client; at most ten a second there,
  // and in text mode one a second on stderr once a scan takes that long.
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last = start;
  const auto interval = reporter.mode() == Reporter::Mode::Jsonl ? std::chrono::milliseconds(100)
                                                                  : std::chrono::milliseconds(1000);
  data::ScanCallbacks callbacks;
  callbacks.progress = [&](std::size_t done, std::size_t total) {
    const auto now = Clock::now();
    const bool lastOne = done == total && reporter.mode() == Reporter::Mode::Jsonl;
    if (!lastOne && now - last < interval) return;
    last = now;
    reporter.emit(protocol::ProgressEvent{"scanning", static_cast<std::int64_t>(done), static_cast<std::int64_t>(total)});
  };
  if (reporter.mode() == Reporter::Mode::Jsonl) reporter.emit(protocol::StateEvent{"scanning", s.dataset.path});

  data::Dataset d;
  try {
    d = data::scanDataset(s.dataset, callbacks);
  } catch (const std::exception& e) {
    reporter.fail(e.what(), "check the path (a folder, a .tar shard or a pattern like shards/shard-{000..099}.tar)"
                            " and the filters");
    return kExitInvalidInput;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  log::debug("scanned " + std::to_string(d.examined) + " images in " + std::to_string(seconds) + " s");

  // Over the protocol the report is its own event, for front ends to use; the text report's lines
  // still come as log events for people reading the log.
  if (reporter.mode() == Reporter::Mode::Jsonl) reporter.emit(protocol::DatasetReportEvent{jsonReport(d, s).dump()});
  if (!options.json)
    textReport(reporter, d, s, options.examples);
  else if (reporter.mode() == Reporter::Mode::Text)
    std::cout << jsonReport(d, s).dump(2) << std::endl;

  if (d.samples.empty()) {
    reporter.fail(d.examined == 0 ? "no image found in " + d.root : "none of the " + plural(d.examined, "image", "images") +
                                                                         " in " + d.root + " is usable",
                  d.examined == 0 ? "image files end in .png, .jpg, .jpeg, .webp or .bmp; hidden files are ignored"
                                  : "fix or replace the files listed above");
    return kExitInvalidInput;
  }
  if (!options.json) {
    say(reporter, "");
    say(reporter, d.skipped() == 0 ? std::string("Every image is usable.")
                                  : std::to_string(d.samples.size()) + " of " + std::to_string(d.examined) +
                                        " images are usable; training skips the others.");
  }
  if (reporter.mode() == Reporter::Mode::Jsonl) reporter.emit(protocol::StateEvent{"finished", "dataset checked"});
  return kExitOk;
}

void addDatasetCommands(CLI::App& app, Commands& commands) {
  CLI::App* dataset = app.add_subcommand("dataset", "Datasets: check");
  dataset->require_subcommand(1);
  // Options left unset come from the project or the defaults, so each is read only when given.
  struct Given {
    DatasetCheckOptions options;
    std::string captionExtension, defaultCaption;
    int minSize = 0, resolution = 0, minBucket = 0, maxBucket = 0;
  };
  auto g = std::make_shared<Given>();
  CLI::App* check = dataset->add_subcommand(
      "check", "Scan a dataset as training would and report its images, concepts, buckets and every problem");
  check->add_option("PATH", g->options.path,
                    "A folder of images, a .tar shard or a shard pattern like shards/shard-{000..099}.tar");
  check->add_option("--project", g->options.project,
                    "Take the dataset and resolution settings from this project file (.toml); "
                    "options given here override them");
  check->add_flag("--json", g->options.json, "Print the report as one JSON object");
  check->add_option("--examples", g->options.examples, "Files listed per kind of issue (0: all)")->capture_default_str();
  CLI::Option* captionExtension =
      check->add_option("--caption-extension", g->captionExtension, "Caption file extension (default .txt)");
  CLI::Option* defaultCaption = check->add_option(
      "--default-caption", g->defaultCaption, "Caption for images without a caption file (default: none, reported)");
  CLI::Option* minSize =
      check->add_option("--min-size", g->minSize, "Images with a shorter side below this many pixels are skipped (default 256)")
          ->check(CLI::Range(1, 65536));
  CLI::Option* resolution = check->add_option("--resolution", g->resolution, "Training resolution for the buckets (default 512)")
                                ->check(CLI::Range(64, 8192));
  CLI::Option* minBucket =
      check->add_option("--min-bucket", g->minBucket, "Shortest bucket side (default 256)")->check(CLI::Range(64, 8192));
  CLI::Option* maxBucket =
      check->add_option("--max-bucket", g->maxBucket, "Longest bucket side (default 1024)")->check(CLI::Range(64, 8192));
  check->add_option("--filter", g->options.filters,
                    "WebDataset json filter such as \"original_width >= 512\" (repeatable)");
  commands.push_back({check, [=](Reporter& r) {
                        DatasetCheckOptions& o = g->options;
                        if (o.path.empty() && o.project.empty()) {
                          r.fail("dataset check needs a PATH or --project FILE", "sdtrain dataset check --help lists the options");
                          return kExitUsage;
                        }
                        if (captionExtension->count()) o.captionExtension = g->captionExtension;
                        if (defaultCaption->count()) o.defaultCaption = g->defaultCaption;
                        if (minSize->count()) o.minSize = g->minSize;
                        if (resolution->count()) o.resolution = g->resolution;
                        if (minBucket->count()) o.minBucket = g->minBucket;
                        if (maxBucket->count()) o.maxBucket = g->maxBucket;
                        return runDatasetCheck(r, o);
                      }});
}

}  // namespace sds::cli
