#pragma once
// Texts meant for people (validation messages, allowed values) pass through here so that the GUI
// can show them in the user's language while core stays free of Qt. Without a translator (the CLI)
// the English source text is used.
//
// SDS_TR(context, text) marks a string literal for Qt's lupdate (run with
// `-tr-function-alias QT_TRANSLATE_NOOP+=SDS_TR`) and translates it at run time.

#include <initializer_list>
#include <string>

namespace sds::i18n {

using Translator = std::string (*)(const char* context, const char* sourceText);

// Installed once at start-up, before any other thread runs.
void setTranslator(Translator translator);
std::string translate(const char* context, const char* sourceText);

// Replaces %1, %2, … in `pattern` with the arguments, in one pass (arguments are never re-scanned).
std::string format(const std::string& pattern, std::initializer_list<std::string> args);

}  // namespace sds::i18n

#define SDS_TR(context, text) ::sds::i18n::translate(context, text)
