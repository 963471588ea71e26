// In-process scans for end-to-end tests: run_scan's JSON report, parsed.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "test_support.h"

namespace dtlint::testing_support {

// `request` (format set to json) run from `dir`, as the CLI would be run there.
inline nlohmann::json scan_json(const std::filesystem::path& dir, ScanRequest request,
                                int* exit_code = nullptr) {
  WorkingDirectory here(dir);
  request.format = "json";
  std::ostringstream out;
  const ScanOutcome outcome = run_scan(request, out);
  if (exit_code) *exit_code = outcome.exit_code;
  return nlohmann::json::parse(out.str());
}

// A scan of `paths` with the defaults and the folder's configuration.
inline nlohmann::json scan_json(const std::filesystem::path& dir, const std::vector<std::string>& paths,
                                int* exit_code = nullptr) {
  ScanRequest request;
  request.paths = paths;
  return scan_json(dir, request, exit_code);
}

// A report's findings of one rule, in report order.
inline std::vector<nlohmann::json> findings_of(const nlohmann::json& report, const std::string& rule) {
  std::vector<nlohmann::json> found;
  for (const nlohmann::json& f : report.at("findings")) {
    if (f.at("rule") == rule) found.push_back(f);
  }
  return found;
}

}  // namespace dtlint::testing_support
