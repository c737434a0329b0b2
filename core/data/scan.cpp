// The dataset scan: dispatch to a source, decode and check every candidate, then the checks that need
// the whole dataset (duplicates, caption length), in a deterministic order.

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "data/captions.h"
#include "data/epoch_datasets.h"
#include "data/sources.h"
#include "text/clip_tokenizer.h"
#include "text/unicode.h"

namespace sds::data {

const char* issueName(IssueKind kind) {
  switch (kind) {
    case IssueKind::Unreadable: return "unreadable";
    case IssueKind::Empty: return "empty";
    case IssueKind::NotAnImage: return "not an image";
    case IssueKind::Unsupported: return "unsupported";
    case IssueKind::Truncated: return "truncated";
    case IssueKind::Corrupt: return "corrupt";
    case IssueKind::TooLarge: return "too large";
    case IssueKind::MissingCaption: return "missing caption";
    case IssueKind::BadCaption: return "bad caption";
    case IssueKind::CaptionTooLong: return "caption too long";
    case IssueKind::TooSmall: return "too small";
    case IssueKind::Duplicate: return "duplicate";
    case IssueKind::Filtered: return "filtered";
    case IssueKind::BadConcept: return "bad concept";
    case IssueKind::BadShard: return "bad shard";
  }
  return "";
}

std::size_t Dataset::skipped() const {
  return static_cast<std::size_t>(std::count_if(issues.begin(), issues.end(), [](const Issue& i) { return i.skipped; }));
}

std::size_t Dataset::epochSize() const {
  std::size_t n = 0;
  for (const Sample& s : samples) n += static_cast<std::size_t>(concepts.at(s.concept).repeats);
  return n;
}

std::uint64_t contentHash(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001B3ull;
  return h;
}

namespace detail {
namespace {

IssueKind fromDecodeFailure(image::DecodeFailure f) {
  switch (f) {
    case image::DecodeFailure::Unreadable: return IssueKind::Unreadable;
    case image::DecodeFailure::Empty: return IssueKind::Empty;
    case image::DecodeFailure::NotAnImage: return IssueKind::NotAnImage;
    case image::DecodeFailure::Unsupported: return IssueKind::Unsupported;
    case image::DecodeFailure::Truncated: return IssueKind::Truncated;
    case image::DecodeFailure::TooLarge: return IssueKind::TooLarge;
    default: return IssueKind::Corrupt;
  }
}

}  // namespace

bool isImageExtension(const std::string& extension) {
  static const char* const kExtensions[] = {
      "png", "jpg", "jpeg", "bmp", "webp",  // decoded
      "jfif", "jpe", "gif", "tif", "tiff", "heic", "heif", "avif", "jxl", "jp2", "psd", "ico", "svg", "qoi"};
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* e) { return extension == e; });
}

std::optional<std::string> captionText(const std::string& bytes, std::string& problem) {
  std::string_view text(bytes);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
    problem = "is UTF-16 text; save it as UTF-8";
    return std::nullopt;
  }
  if (text::unicode::toValidUtf8(text) != text) {
    problem = "is not UTF-8 text; save it as UTF-8";
    return std::nullopt;
  }
  std::string out;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Checked checkCandidate(const Candidate& c, const std::uint8_t* data, std::size_t size,
                       const std::vector<Concept>& concepts, const DatasetOptions& options) {
  Checked out;
  const std::string name = c.image.displayName();
  // Decoding to a reduced size is enough to validate the file and learn its size.
  image::DecodeOptions decode;
  decode.minWidth = decode.minHeight = 64;
  const image::DecodeResult result = image::decodeImage(data, size, name, decode);
  if (!result.ok()) {
    out.issues.push_back({fromDecodeFailure(result.failure()), name, result.reason()});
    return out;
  }
  const image::DecodedImage& decoded = result.value();
  if (options.minImageSize > 0 && std::min(decoded.originalWidth, decoded.originalHeight) < options.minImageSize) {
    out.issues.push_back({IssueKind::TooSmall, name,
                          std::to_string(decoded.originalWidth) + "×" + std::to_string(decoded.originalHeight) +
                              " is smaller than the smallest side allowed (" + std::to_string(options.minImageSize) +
                              " px, dataset.min_image_size)"});
    return out;
  }
  // An empty caption file counts as none: the concept's or the dataset's default caption applies.
  std::string caption;
  if (c.caption && !c.caption->empty()) {
    caption = *c.caption;
  } else if (!concepts.at(c.concept).defaultCaption.empty()) {
    caption = concepts.at(c.concept).defaultCaption;
  } else if (!options.defaultCaption.empty()) {
    caption = options.defaultCaption;
  } else {
    out.issues.push_back({IssueKind::MissingCaption, name,
                          "has no caption (" + c.captionSource + (c.caption ? " is empty" : " not found") +
                              "); add one, or set dataset.default_caption or a concept default"});
    return out;
  }
  Sample s;
  s.image = c.image;
  s.caption = std::move(caption);
  s.concept = c.concept;
  s.width = decoded.originalWidth;
  s.height = decoded.originalHeight;
  s.format = decoded.format;
  s.contentHash = contentHash(data, size);
  out.sample = std::move(s);
  return out;
}

int workerCount(const DatasetOptions& options) {
  if (options.workers > 0) return options.workers;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

void parallelFor(std::size_t n, int workers, const std::function<void(std::size_t)>& body) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex errorMutex;
  auto run = [&] {
    for (std::size_t i; !failed && (i = next++) < n;) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(errorMutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::min<int>(workers, static_cast<int>(n)); ++t) threads.emplace_back(run);
  run();
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace detail

Dataset scanDataset(const DatasetOptions& options, const ScanCallbacks& callbacks) {
  namespace fs = std::filesystem;
  Dataset out;
  out.root = options.path;
  if (options.path.empty()) throw std::runtime_error("dataset.path is empty: choose a folder of images or tar shards");
  if (isServedDatasetUrl(options.path))
    throw std::runtime_error(options.path + " is a dataset server: the server scans its images (sdtrain swarm serve-data "
                             "reports them), and each peer scans the chunks it leases while it trains");
  std::string kind = options.kind;
  if (kind == "auto") {
    std::error_code ec;
    kind = fs::is_directory(options.path, ec) ? "folder" : "webdataset";
  }
  std::vector<detail::Checked> results;
  if (kind == "folder")
    detail::scanFolder(options, callbacks, out, results);
  else if (kind == "webdataset")
    detail::scanShards(options, callbacks, out, results);
  else
    throw std::runtime_error("dataset.kind \"" + options.kind + "\" cannot be scanned; expected auto, folder or webdataset");

  // Whole-dataset checks, in the sources' deterministic order.
  std::unordered_map<std::uint64_t, std::string> firstWithContent;
  for (detail::Checked& checked : results) {
    for (Issue& issue : checked.issues) out.issues.push_back(std::move(issue));
    if (!checked.sample) continue;
    Sample& s = *checked.sample;
    const auto [it, fresh] = firstWithContent.emplace(s.contentHash, s.image.displayName());
    if (!fresh) {
      out.issues.push_back({IssueKind::Duplicate, s.image.displayName(),
                            "has the same content as " + it->second + "; it is used once"});
      continue;
    }
    if (options.tokenizer) {
      // The caption as training uses it without shuffling or dropout (the random state is not touched).
      CaptionOptions captionOptions;
      captionOptions.prefix = out.concepts.at(s.concept).captionPrefix;
      Rng unused(0);
      const std::string full = transformCaption(s.caption, captionOptions, unused);
      const std::size_t tokens = options.tokenizer->tokenCount(full);
      const auto limit = static_cast<std::size_t>(options.tokenizer->maxLength() - 2);
      if (tokens > limit)
        out.issues.push_back({IssueKind::CaptionTooLong, s.image.displayName(),
                              "its caption has " + std::to_string(tokens) + " tokens; the text encoder reads the first " +
                                  std::to_string(limit) + " and ignores the rest",
                              false});
    }
    ++out.formats[image::formatName(s.format)];
    out.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace sds::data
