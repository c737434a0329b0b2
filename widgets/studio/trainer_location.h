#pragma once
// Where the sdtrain program is: $SDS_SDTRAIN when set, else beside sdstudio, else on PATH.

#include <QString>

namespace sds::widgets {

// Empty when no sdtrain can be found.
QString sdtrainPath();

}  // namespace sds::widgets
