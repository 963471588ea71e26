#pragma once

#include <string>

#include "reports/report.h"

namespace dtlint {

// One line per finding with its numbers, then a summary. ANSI colour only when asked.
std::string render_text(const Report& report, bool colour);

}  // namespace dtlint
