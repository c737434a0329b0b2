#pragma once
// Conversions between the engine's std::string texts and Qt's, for comparing in Qt Test.

#include <QString>
#include <QStringList>
#include <string>
#include <string_view>
#include <vector>

inline QString qs(const std::string& s) { return QString::fromStdString(s); }
inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

inline QStringList qsl(const std::vector<std::string>& list) {
  QStringList out;
  for (const std::string& s : list) out << qs(s);
  return out;
}
