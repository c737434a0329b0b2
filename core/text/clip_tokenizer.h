#pragma once
// The CLIP byte-level BPE tokenizer of Stable Diffusion's text encoders, reading a Hugging Face tokenizer
// folder (vocab.json and merges.txt or tokenizer.json, special_tokens_map.json / tokenizer_config.json). Its ids equal those of
// transformers' CLIPTokenizer (tokenizers backend):
//
//  * special tokens (bos, eos, unk, pad and tokenizer_config's added_tokens_decoder) are cut out of the raw
//    text first, matched exactly, and become their own ids. With SDXL's tokenizer_2 this includes its pad
//    token "!": every "!" in a prompt becomes id 0, as in diffusers (open_clip would give "!</w>" etc.);
//  * the rest is NFC-normalized and lowercased one code point at a time (full mappings, so "İ" becomes
//    "i" + U+0307; "Σ" always becomes "σ", never the final "ς" that Python's str.lower() picks);
//  * split into letter runs, single digits, runs of other non-space characters and the contractions
//    's 't 're 've 'm 'll 'd, whitespace dropped;
//  * each piece's UTF-8 bytes go through GPT-2's byte-to-unicode table and BPE, "</w>" closing the piece.
//
// Invalid UTF-8 is read as Python's errors="replace" decoding reads it (U+FFFD per maximal bad subpart).
// Thread-safe: a tokenizer may be shared and used from several threads (copies share their data).

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sds::text {

// A tokenizer folder that cannot be used: the message names the file and what is wrong with it.
class TokenizerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ClipTokenizer {
 public:
  // Loads a tokenizer folder: vocab.json and merges.txt, or where neither exists tokenizer.json (as
  // transformers 5 saves it; its model section holds the same vocabulary and merges); the special tokens and
  // model_max_length come from tokenizer_config.json, overridden by special_tokens_map.json, and default
  // to CLIP's (<|startoftext|>, <|endoftext|> for eos, unk and pad; 77) when neither file sets them.
  // Throws TokenizerError.
  static ClipTokenizer fromFolder(const std::string& folder);
  // The same from vocab.json and merges.txt contents, with CLIP's special tokens, `padToken` for padding
  // and a length of `maxLength` (CLIP's 77 unless a model was made for shorter prompts). `source` names
  // the data in messages. Throws TokenizerError.
  static ClipTokenizer fromData(std::string_view vocabJson, std::string_view merges, const std::string& padToken,
                                const std::string& source, int maxLength = 77);

  // Writes vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json into `folder` (which
  // must exist), so that fromFolder — and transformers' CLIPTokenizer — load the same tokenizer.
  // Throws std::runtime_error naming the file.
  void save(const std::string& folder) const;

  // bos + tokens + eos, neither padded nor truncated.
  std::vector<std::int64_t> encode(std::string_view text) const;

  // Exactly maxLength() ids: encode(text) cut to maxLength() keeping eos as the last id, or padded with
  // padId().
  std::vector<std::int64_t> encodePadded(std::string_view text) const;

  // The number of tokens without bos and eos; more than maxLength() - 2 means the text is truncated.
  std::size_t tokenCount(std::string_view text) const;

  std::int64_t bosId() const;
  std::int64_t eosId() const;
  std::int64_t padId() const;
  // Sequence length of encodePadded(): tokenizer_config.json's model_max_length, 77 when unset.
  int maxLength() const;
  // Number of entries in vocab.json.
  std::size_t vocabSize() const;

 private:
  struct Impl;
  explicit ClipTokenizer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace sds::text
