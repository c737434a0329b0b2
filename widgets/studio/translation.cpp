#include "translation.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "util/i18n.h"

namespace sds::widgets {
namespace {

std::string translateCoreText(const char* context, const char* sourceText) {
  return QCoreApplication::translate(context, sourceText).toStdString();
}

}  // namespace

QString installTranslations(const QString& language) {
  // Core validation messages go through Qt's translators from now on.
  i18n::setTranslator(&translateCoreText);

  const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
  auto* own = new QTranslator(qApp);
  if (!own->load(locale, "sdstudio", "_", ":/i18n")) {
    delete own;
    return {};
  }
  QCoreApplication::installTranslator(own);
  auto* qt = new QTranslator(qApp);
  if (qt->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    QCoreApplication::installTranslator(qt);
  else
    delete qt;
  QLocale::setDefault(locale);
  return locale.name();
}

}  // namespace sds::widgets
