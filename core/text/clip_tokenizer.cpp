#include "text/clip_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <queue>
#include <sstream>
#include <unordered_map>

#include "text/unicode.h"

namespace sds::text {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int kDefaultMaxLength = 77;
// transformers writes a huge model_max_length (about 1e30) when a tokenizer sets none.
constexpr double kUnsetMaxLength = 1e6;
// Distinct pieces remembered by the BPE cache before it starts over (bounds memory on endless inputs).
constexpr std::size_t kCacheLimit = 100000;
constexpr std::string_view kEndOfWord = "</w>";

std::string inQuotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw TokenizerError(path.string() + (fs::exists(path) ? ": cannot be read" : ": file not found"));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Json parseJson(std::string_view text, const std::string& source) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw TokenizerError(source + ": invalid JSON (" + e.what() + ")");
  }
}

Json readJson(const fs::path& path) { return parseJson(readFile(path), path.string()); }

// GPT-2's reversible byte-to-character table: printable Latin-1 bytes stand for themselves, the others
// (controls, space, soft hyphen) for code points from U+0100 on, so that no piece contains whitespace.
std::array<std::string, 256> byteSymbols() {
  std::array<std::string, 256> symbols;
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    unicode::appendUtf8(symbols[b], printable ? static_cast<char32_t>(b) : next++);
  }
  return symbols;
}

// A special token as the configuration names it, and the file that named it (for error messages).
struct TokenSetting {
  std::string content;
  std::string source;
};

struct Settings {
  TokenSetting bos{"<|startoftext|>", "default"};
  TokenSetting eos{"<|endoftext|>", "default"};
  TokenSetting unk{"<|endoftext|>", "default"};
  TokenSetting pad{"<|endoftext|>", "default"};
  int maxLength = kDefaultMaxLength;
  std::vector<std::pair<std::string, std::int64_t>> addedTokens;  // tokenizer_config's added_tokens_decoder
};

// A special token entry: a string or an object with "content" (null keeps the previous value).
void readTokenSetting(const Json& config, const char* key, const fs::path& path, TokenSetting& setting) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return;
  const Json& value = it->is_object() && it->contains("content") ? it->at("content") : *it;
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    throw TokenizerError(path.string() + ": " + key + " must be a non-empty string or an object with \"content\"");
  }
  setting = {value.get<std::string>(), path.string()};
}

int readMaxLength(const Json& config, const fs::path& path) {
  const auto it = config.find("model_max_length");
  if (it == config.end() || it->is_null()) return kDefaultMaxLength;
  if (it->is_number()) {
    const double value = it->get<double>();
    if (value >= kUnsetMaxLength) return kDefaultMaxLength;
    if (value >= 2 && value == std::floor(value)) return static_cast<int>(value);
  }
  throw TokenizerError(path.string() + ": model_max_length must be an integer of at least 2, got " + it->dump());
}

void readAddedTokens(const Json& config, const fs::path& path, Settings& settings) {
  const auto it = config.find("added_tokens_decoder");
  if (it == config.end() || it->is_null()) return;
  if (!it->is_object()) throw TokenizerError(path.string() + ": added_tokens_decoder must be an object");
  for (const auto& [key, entry] : it->items()) {
    std::int64_t id = -1;
    std::istringstream(key) >> id;
    const auto content = entry.is_object() ? entry.find("content") : entry.end();
    if (id < 0 || content == entry.end() || !content->is_string() || content->get_ref<const std::string&>().empty()) {
      throw TokenizerError(path.string() + ": added_tokens_decoder entry " + inQuotes(key) +
                           " needs a non-negative id and a non-empty \"content\"");
    }
    settings.addedTokens.emplace_back(content->get<std::string>(), id);
  }
}

Settings readSettings(const fs::path& folder) {
  Settings settings;
  // special_tokens_map.json is read last: its tokens override tokenizer_config.json's, as in transformers.
  for (const char* name : {"tokenizer_config.json", "special_tokens_map.json"}) {
    const fs::path path = folder / name;
    if (!fs::exists(path)) continue;
    const Json config = readJson(path);
    if (!config.is_object()) throw TokenizerError(path.string() + ": expected a JSON object");
    readTokenSetting(config, "bos_token", path, settings.bos);
    readTokenSetting(config, "eos_token", path, settings.eos);
    readTokenSetting(config, "unk_token", path, settings.unk);
    readTokenSetting(config, "pad_token", path, settings.pad);
    if (std::string_view(name) == "tokenizer_config.json") {
      settings.maxLength = readMaxLength(config, path);
      readAddedTokens(config, path, settings);
    }
  }
  return settings;
}

// The BPE vocabulary and merges of a tokenizers-library file (tokenizer.json, which transformers 5 saves
// instead of vocab.json and merges.txt), as the texts of those two files. Its merges come as "a b"
// strings or, from tokenizers 0.20 on, as ["a", "b"] pairs. Special tokens listed in its added_tokens
// join the settings' added tokens.
struct TokenizerJson {
  std::string vocabText, mergesText;
};

TokenizerJson readTokenizerJson(const fs::path& path, Settings& settings) {
  const Json json = readJson(path);
  const auto model = json.is_object() ? json.find("model") : json.end();
  if (model == json.end() || !model->is_object())
    throw TokenizerError(path.string() + ": expected a JSON object with a \"model\" section");
  if (model->value("type", std::string("BPE")) != "BPE")
    throw TokenizerError(path.string() + ": model.type is " + model->at("type").dump() + ", expected \"BPE\"");
  if (const auto suffix = model->find("end_of_word_suffix");
      suffix != model->end() && !suffix->is_null() && *suffix != std::string(kEndOfWord))
    throw TokenizerError(path.string() + ": model.end_of_word_suffix is " + suffix->dump() + ", expected \"</w>\" (CLIP's)");
  const auto vocab = model->find("vocab");
  const auto merges = model->find("merges");
  if (vocab == model->end() || !vocab->is_object()) throw TokenizerError(path.string() + ": model.vocab must be an object");
  if (merges == model->end() || !merges->is_array()) throw TokenizerError(path.string() + ": model.merges must be a list");
  TokenizerJson out;
  out.vocabText = vocab->dump();
  for (std::size_t i = 0; i < merges->size(); ++i) {
    const Json& merge = merges->at(i);
    if (merge.is_string()) {
      out.mergesText += merge.get<std::string>();
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      out.mergesText += merge[0].get<std::string>() + " " + merge[1].get<std::string>();
    } else {
      throw TokenizerError(path.string() + ": model.merges[" + std::to_string(i) +
                           "] must be \"a b\" or [\"a\", \"b\"], got " + merge.dump());
    }
    out.mergesText += '\n';
  }
  if (const auto added = json.find("added_tokens"); added != json.end() && added->is_array()) {
    for (const Json& token : *added) {
      if (!token.is_object() || !token.value("special", false)) continue;
      const auto content = token.find("content");
      const auto id = token.find("id");
      if (content == token.end() || !content->is_string() || id == token.end() || !id->is_number_integer() ||
          id->get<std::int64_t>() < 0)
        throw TokenizerError(path.string() + ": an added_tokens entry needs a non-negative \"id\" and a \"content\" string");
      settings.addedTokens.emplace_back(content->get<std::string>(), id->get<std::int64_t>());
    }
  }
  return out;
}

// A candidate merge of the symbol at `pos` with its right neighbour; the lowest rank goes first, then the
// leftmost position.
struct Candidate {
  std::int32_t rank;
  std::int32_t pos;
  bool operator>(const Candidate& other) const {
    return rank != other.rank ? rank > other.rank : pos > other.pos;
  }
};

struct Symbol {
  std::int32_t id;  // -1: a byte missing from the vocabulary (becomes the unknown token)
  std::int32_t prev, next;
  bool merged;  // absorbed into its left neighbour
};

}  // namespace

struct ClipTokenizer::Impl {
  struct Merge {
    std::int32_t rank;
    std::int32_t id;
  };

  std::unordered_map<std::string, std::int32_t> vocab;
  std::array<std::int32_t, 256> byteIds{}, byteEndIds{};  // a byte inside a piece, and closing it ("</w>")
  std::unordered_map<std::uint64_t, Merge> merges;        // key: left id << 32 | right id
  std::vector<std::pair<std::string, std::int64_t>> specials;  // cut out of raw text, longest first
  std::int64_t bos = 0, eos = 0, pad = 0, unk = 0;
  int maxLength = kDefaultMaxLength;
  // What it was made from, kept to write the tokenizer back out (save).
  std::string vocabText, mergesText;
  Settings settings;

  mutable std::mutex cacheMutex;
  mutable std::unordered_map<std::string, std::vector<std::int32_t>> cache;

  static std::uint64_t pairKey(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }

  // `source` names the file (or built-in data) in messages.
  void loadVocab(std::string_view json, const std::string& source);
  void loadMerges(std::string_view text, const std::string& source);
  void applySettings(const Settings& settings, const std::string& vocabSource);
  std::int64_t tokenId(const TokenSetting& setting, const char* key, const std::string& vocabSource) const;

  void encodeText(std::string_view text, std::vector<std::int64_t>& out) const;
  void encodeNormalized(const std::u32string& text, std::vector<std::int64_t>& out) const;
  void encodePiece(const std::u32string& text, std::size_t begin, std::size_t end,
                   std::vector<std::int64_t>& out) const;
  std::vector<std::int32_t> bpe(std::string_view piece) const;
};

void ClipTokenizer::Impl::loadVocab(std::string_view text, const std::string& source) {
  const Json json = parseJson(text, source);
  if (!json.is_object() || json.empty()) {
    throw TokenizerError(source + ": expected a JSON object mapping tokens to ids");
  }
  vocab.reserve(json.size());
  for (const auto& [token, id] : json.items()) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > INT32_MAX) {
      throw TokenizerError(source + ": the id of " + inQuotes(token) + " must be a non-negative integer, got " +
                           id.dump());
    }
    vocab.emplace(token, id.get<std::int32_t>());
  }
  const std::array<std::string, 256> symbols = byteSymbols();
  for (int b = 0; b < 256; ++b) {
    const auto inner = vocab.find(symbols[b]);
    const auto closing = vocab.find(symbols[b] + std::string(kEndOfWord));
    byteIds[b] = inner == vocab.end() ? -1 : inner->second;
    byteEndIds[b] = closing == vocab.end() ? -1 : closing->second;
  }
}

void ClipTokenizer::Impl::loadMerges(std::string_view text, const std::string& source) {
  merges.reserve(vocab.size());
  std::int32_t rank = 0;
  std::size_t lineNumber = 0;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    ++lineNumber;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (lineNumber == 1 && line.substr(0, 8) == "#version")) continue;

    const std::string where = source + " line " + std::to_string(lineNumber) + ": ";
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      throw TokenizerError(where + "expected two tokens separated by one space, got " + inQuotes(line));
    }
    const auto idOf = [&](const std::string& token) {
      const auto it = vocab.find(token);
      if (it == vocab.end()) throw TokenizerError(where + inQuotes(token) + " is not in the vocabulary");
      return it->second;
    };
    const std::string left(line.substr(0, space)), right(line.substr(space + 1));
    const std::int32_t leftId = idOf(left), rightId = idOf(right), mergedId = idOf(left + right);
    merges.insert_or_assign(pairKey(leftId, rightId), Merge{rank++, mergedId});
  }
}

std::int64_t ClipTokenizer::Impl::tokenId(const TokenSetting& setting, const char* key,
                                          const std::string& vocabSource) const {
  const auto it = vocab.find(setting.content);
  if (it == vocab.end()) {
    throw TokenizerError(setting.source + ": " + key + " " + inQuotes(setting.content) + " is not in " +
                         vocabSource);
  }
  return it->second;
}

void ClipTokenizer::Impl::applySettings(const Settings& applied, const std::string& vocabSource) {
  settings = applied;
  bos = tokenId(settings.bos, "bos_token", vocabSource);
  eos = tokenId(settings.eos, "eos_token", vocabSource);
  unk = tokenId(settings.unk, "unk_token", vocabSource);
  pad = tokenId(settings.pad, "pad_token", vocabSource);
  maxLength = settings.maxLength;

  specials = settings.addedTokens;
  for (const auto& [setting, id] : {std::pair{settings.bos, bos}, {settings.eos, eos}, {settings.unk, unk},
                                    {settings.pad, pad}}) {
    specials.emplace_back(setting.content, id);
  }
  // Longest first, so that at any position the longest special token wins; the first entry of a
  // content (added_tokens_decoder's id) is kept.
  std::stable_sort(specials.begin(), specials.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::vector<std::pair<std::string, std::int64_t>> unique;
  for (auto& special : specials) {
    const bool seen =
        std::any_of(unique.begin(), unique.end(), [&](const auto& u) { return u.first == special.first; });
    if (!seen) unique.push_back(std::move(special));
  }
  specials = std::move(unique);
}

// Cuts the special tokens out of the raw text (exactly as written, the leftmost and then longest match
// first); what lies between them is normalized and split into pieces.
void ClipTokenizer::Impl::encodeText(std::string_view text, std::vector<std::int64_t>& out) const {
  const auto encodePlain = [&](std::string_view plain) {
    if (!plain.empty()) encodeNormalized(unicode::lowercase(unicode::decode(unicode::nfc(plain))), out);
  };
  std::size_t plainStart = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto match = std::find_if(specials.begin(), specials.end(), [&](const auto& special) {
      return text.compare(i, special.first.size(), special.first) == 0;
    });
    if (match == specials.end()) {
      ++i;
      continue;
    }
    encodePlain(text.substr(plainStart, i - plainStart));
    out.push_back(match->second);
    i += match->first.size();
    plainStart = i;
  }
  encodePlain(text.substr(plainStart));
}

namespace {

// Length of a contraction ('s 't 're 've 'm 'll 'd) at `i`, or 0.
std::size_t contractionLength(const std::u32string& t, std::size_t i) {
  if (t[i] != U'\'' || i + 1 >= t.size()) return 0;
  const char32_t a = t[i + 1];
  if (a == U's' || a == U't' || a == U'm' || a == U'd') return 2;
  if (i + 2 >= t.size()) return 0;
  const char32_t b = t[i + 2];
  return (a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l') ? 3 : 0;
}

// Length of "<|startoftext|>" or "<|endoftext|>" at `i` (after lowercasing, so not cut out as specials), or 0.
std::size_t markerLength(const std::u32string& t, std::size_t i) {
  for (const std::u32string_view marker : {U"<|startoftext|>", U"<|endoftext|>"}) {
    if (t.compare(i, marker.size(), marker.data(), marker.size()) == 0) return marker.size();
  }
  return 0;
}

}  // namespace

// Splits normalized text into pieces, with the regex's alternatives in its order:
// <|startoftext|> | <|endoftext|> | 's|'t|'re|'ve|'m|'ll|'d | \p{L}+ | \p{N} | [^\s\p{L}\p{N}]+
void ClipTokenizer::Impl::encodeNormalized(const std::u32string& t, std::vector<std::int64_t>& out) const {
  const auto isOther = [](char32_t c) {
    return !unicode::isWhitespace(c) && !unicode::isLetter(c) && !unicode::isNumber(c);
  };
  for (std::size_t i = 0; i < t.size();) {
    std::size_t end = i + 1;
    if (unicode::isWhitespace(t[i])) {
      i = end;
      continue;
    }
    if (const std::size_t marker = markerLength(t, i)) {
      // The byte-level step splits a marker the way GPT-2 splits text: "<|", the word, "|>".
      encodePiece(t, i, i + 2, out);
      encodePiece(t, i + 2, i + marker - 2, out);
      encodePiece(t, i + marker - 2, i + marker, out);
      i += marker;
      continue;
    }
    if (const std::size_t contraction = contractionLength(t, i)) {
      end = i + contraction;
    } else if (unicode::isLetter(t[i])) {
      while (end < t.size() && unicode::isLetter(t[end])) ++end;
    } else if (!unicode::isNumber(t[i])) {
      while (end < t.size() && isOther(t[end])) ++end;
    }
    encodePiece(t, i, end, out);
    i = end;
  }
}

void ClipTokenizer::Impl::encodePiece(const std::u32string& text, std::size_t begin, std::size_t end,
                                      std::vector<std::int64_t>& out) const {
  std::string piece;
  for (std::size_t i = begin; i < end; ++i) unicode::appendUtf8(piece, text[i]);
  std::vector<std::int32_t> ids;
  bool cached = false;
  {
    const std::lock_guard<std::mutex> lock(cacheMutex);
    const auto it = cache.find(piece);
    if (it != cache.end()) {
      ids = it->second;
      cached = true;
    }
  }
  if (!cached) {
    ids = bpe(piece);
    const std::lock_guard<std::mutex> lock(cacheMutex);
    if (cache.size() >= kCacheLimit) cache.clear();
    cache.emplace(std::move(piece), ids);
  }
  for (const std::int32_t id : ids) out.push_back(id < 0 ? unk : id);
}

// Byte-pair encoding of one piece: starts from one symbol per byte (the last one closing the word) and
// repeatedly merges the adjacent pair of lowest rank, leftmost first, until no pair has a merge.
std::vector<std::int32_t> ClipTokenizer::Impl::bpe(std::string_view piece) const {
  const auto n = static_cast<std::int32_t>(piece.size());
  std::vector<Symbol> symbols(piece.size());
  for (std::int32_t i = 0; i < n; ++i) {
    const auto byte = static_cast<unsigned char>(piece[i]);
    symbols[i] = {i + 1 == n ? byteEndIds[byte] : byteIds[byte], i - 1, i + 1 == n ? -1 : i + 1, false};
  }
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  const auto propose = [&](std::int32_t pos) {
    if (pos < 0 || symbols[pos].next < 0) return;
    const auto it = merges.find(pairKey(symbols[pos].id, symbols[symbols[pos].next].id));
    if (it != merges.end()) queue.push({it->second.rank, pos});
  };
  for (std::int32_t i = 0; i + 1 < n; ++i) propose(i);

  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.pos];
    if (left.merged || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    const auto it = merges.find(pairKey(left.id, right.id));
    if (it == merges.end() || it->second.rank != top.rank) continue;  // stale: a neighbour changed since
    left.id = it->second.id;
    right.merged = true;
    left.next = right.next;
    if (left.next >= 0) symbols[left.next].prev = top.pos;
    propose(left.prev);
    propose(top.pos);
  }

  std::vector<std::int32_t> ids;
  for (std::int32_t i = n > 0 ? 0 : -1; i >= 0; i = symbols[i].next) ids.push_back(symbols[i].id);
  return ids;
}

ClipTokenizer ClipTokenizer::fromFolder(const std::string& folder) {
  const fs::path dir(folder);
  if (!fs::is_directory(dir)) throw TokenizerError(folder + ": tokenizer folder not found");
  auto impl = std::make_shared<Impl>();
  Settings settings = readSettings(dir);
  const fs::path vocab = dir / "vocab.json", merges = dir / "merges.txt", tokenizerJson = dir / "tokenizer.json";
  std::string vocabSource = vocab.string(), mergesSource = merges.string();
  if (!fs::exists(vocab) && !fs::exists(merges)) {
    if (!fs::exists(tokenizerJson))
      throw TokenizerError(folder + ": no tokenizer files (expected vocab.json and merges.txt, or tokenizer.json)");
    TokenizerJson data = readTokenizerJson(tokenizerJson, settings);
    impl->vocabText = std::move(data.vocabText);
    impl->mergesText = std::move(data.mergesText);
    vocabSource = tokenizerJson.string() + " model.vocab";
    mergesSource = tokenizerJson.string() + " model.merges";
  } else {
    impl->vocabText = readFile(vocab);
    impl->mergesText = readFile(merges);
  }
  impl->loadVocab(impl->vocabText, vocabSource);
  impl->loadMerges(impl->mergesText, mergesSource);
  impl->applySettings(settings, vocabSource);
  return ClipTokenizer(std::move(impl));
}

ClipTokenizer ClipTokenizer::fromData(std::string_view vocabJson, std::string_view merges, const std::string& padToken,
                                      const std::string& source, int maxLength) {
  if (maxLength < 2) throw TokenizerError(source + ": the sequence length must be at least 2, got " + std::to_string(maxLength));
  auto impl = std::make_shared<Impl>();
  Settings settings;
  settings.pad = {padToken, source};
  settings.maxLength = maxLength;
  impl->vocabText = std::string(vocabJson);
  impl->mergesText = std::string(merges);
  impl->loadVocab(vocabJson, source + " vocab.json");
  impl->loadMerges(merges, source + " merges.txt");
  impl->applySettings(settings, source + " vocab.json");
  return ClipTokenizer(std::move(impl));
}

void ClipTokenizer::save(const std::string& folder) const {
  const fs::path dir(folder);
  auto write = [&](const char* name, const std::string& content) {
    const fs::path path = dir / name;
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path.string());
  };
  const Settings& s = impl_->settings;
  Json special{{"bos_token", s.bos.content}, {"eos_token", s.eos.content}, {"unk_token", s.unk.content},
               {"pad_token", s.pad.content}};
  Json config = special;
  config["model_max_length"] = s.maxLength;
  config["tokenizer_class"] = "CLIPTokenizer";
  config["do_lower_case"] = true;
  if (!s.addedTokens.empty()) {
    Json added = Json::object();
    for (const auto& [content, id] : s.addedTokens)
      added[std::to_string(id)] = {{"content", content}, {"special", true}, {"lstrip", false}, {"rstrip", false},
                                   {"normalized", false}, {"single_word", false}};
    config["added_tokens_decoder"] = added;
  }
  write("vocab.json", impl_->vocabText);
  write("merges.txt", impl_->mergesText);
  write("tokenizer_config.json", config.dump(2) + "\n");
  write("special_tokens_map.json", special.dump(2) + "\n");
}

std::vector<std::int64_t> ClipTokenizer::encode(std::string_view text) const {
  std::vector<std::int64_t> ids{impl_->bos};
  impl_->encodeText(unicode::toValidUtf8(text), ids);
  ids.push_back(impl_->eos);
  return ids;
}

std::vector<std::int64_t> ClipTokenizer::encodePadded(std::string_view text) const {
  std::vector<std::int64_t> ids = encode(text);
  const auto length = static_cast<std::size_t>(impl_->maxLength);
  if (ids.size() > length) {
    ids.resize(length);
    ids.back() = impl_->eos;
  } else {
    ids.resize(length, impl_->pad);
  }
  return ids;
}

std::size_t ClipTokenizer::tokenCount(std::string_view text) const { return encode(text).size() - 2; }

std::int64_t ClipTokenizer::bosId() const { return impl_->bos; }
std::int64_t ClipTokenizer::eosId() const { return impl_->eos; }
std::int64_t ClipTokenizer::padId() const { return impl_->pad; }
int ClipTokenizer::maxLength() const { return impl_->maxLength; }
std::size_t ClipTokenizer::vocabSize() const { return impl_->vocab.size(); }

}  // namespace sds::text
