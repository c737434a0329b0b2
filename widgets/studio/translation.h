#pragma once
// Loading the user's language: SD Studio's own strings, Qt's, and the texts that come from core.

#include <QString>

namespace sds::widgets {

// Installs translators for `language` ("de", "de_DE", or empty for the system's language) into
// the application. Returns the language that was loaded, or an empty string for English.
QString installTranslations(const QString& language);

}  // namespace sds::widgets
