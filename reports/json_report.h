#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/report.h"

namespace dtlint {

// The canonical JSON model, keys in the documented order; deterministic.
nlohmann::ordered_json to_json(const Report& report);
// to_json, pretty-printed, with a final newline.
std::string render_json(const Report& report);

}  // namespace dtlint
