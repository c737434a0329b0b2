#include "util/i18n.h"

#include <vector>

namespace sds::i18n {
namespace {
Translator g_translator = nullptr;
}

void setTranslator(Translator translator) { g_translator = translator; }

std::string translate(const char* context, const char* sourceText) {
  return g_translator ? g_translator(context, sourceText) : std::string(sourceText);
}

std::string format(const std::string& pattern, std::initializer_list<std::string> args) {
  const std::vector<std::string> values(args);
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
      const std::size_t index = static_cast<std::size_t>(pattern[i + 1] - '1');
      if (index < values.size()) {
        out += values[index];
        ++i;
        continue;
      }
    }
    out += pattern[i];
  }
  return out;
}

}  // namespace sds::i18n
