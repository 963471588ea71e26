#include "reports/json_report.h"

#include <cmath>

namespace dtlint {

using Json = nlohmann::ordered_json;

Json value_json(long double value, bool integer) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (integer) {
    if (value < 0) return static_cast<std::int64_t>(value);
    return static_cast<std::uint64_t>(value);
  }
  const double d = static_cast<double>(value);
  if (!std::isfinite(d)) return nullptr;  // a long double beyond double's range
  return d;
}

namespace {

Json optional_number(const std::optional<long double>& value, bool integer) {
  return value ? value_json(*value, integer) : Json(nullptr);
}

Json source_stats_json(const SourceStats& s, bool integer) {
  Json j;
  j["nan"] = s.nan.count;
  j["pos_inf"] = s.pos_inf.count;
  j["neg_inf"] = s.neg_inf.count;
  j["zero"] = s.zero;
  j["non_integral"] = s.non_integral.count;
  j["finite_min"] = optional_number(s.finite_min, integer);
  j["finite_max"] = optional_number(s.finite_max, integer);
  j["abs_min_nonzero"] = optional_number(s.abs_min_nonzero, integer);
  j["abs_max"] = optional_number(s.abs_max, integer);
  return j;
}

Json cast_json(const CastStats& c, Semantics semantics) {
  Json j;
  j["target"] = std::string(name(c.target));
  j["lossless"] = c.lossless;
  for (std::size_t i = 0; i < kCastCounterCount; ++i) {
    j[std::string(field_name(static_cast<CastCounter>(i)))] = c.counters[i].count;
  }
  j["max_abs_error"] = static_cast<double>(c.max_abs_error);
  j["max_rel_error"] = static_cast<double>(c.max_rel_error);
  Json diverging = Json::object();
  for (Semantics other : kAllSemantics) {
    if (other != semantics)
      diverging[std::string(to_string(other))] = c.diverging[static_cast<std::size_t>(other)].count;
  }
  j["diverging"] = std::move(diverging);
  j["rtol"] = c.rtol;
  j["atol"] = c.atol;
  return j;
}

Json array_json(const ArrayResult& a, Semantics semantics) {
  const bool integer = is_integer(a.dtype) || a.dtype == DType::Bool;
  Json j;
  j["path"] = a.path;
  j["member"] = a.member ? Json(*a.member) : Json(nullptr);
  j["dtype"] = std::string(name(a.dtype));
  j["stored_dtype"] = a.stored_dtype;
  j["shape"] = a.shape;
  j["elements"] = a.elements;
  j["order"] = a.fortran_order ? "F" : "C";
  j["source_stats"] = source_stats_json(a.analysis.source, integer);
  j["casts"] = Json::array();
  for (const CastStats& c : a.analysis.casts) j["casts"].push_back(cast_json(c, semantics));
  return j;
}

Json finding_json(const Finding& f) {
  Json j;
  j["rule"] = std::string(f.rule->code);
  j["name"] = std::string(f.rule->name);
  j["severity"] = std::string(to_string(f.severity));
  j["message"] = f.message;
  j["path"] = f.path;
  j["member"] = f.member ? Json(*f.member) : Json(nullptr);
  j["target"] = f.target ? Json(std::string(name(*f.target))) : Json(nullptr);
  j["count"] = f.count;
  j["first_index"] = f.first_index ? Json(*f.first_index) : Json(nullptr);
  j["first_value"] = f.first_value ? value_json(*f.first_value, f.first_value_is_integer) : Json(nullptr);
  j["line"] = f.line ? Json(*f.line) : Json(nullptr);
  j["column"] = f.column ? Json(*f.column) : Json(nullptr);
  return j;
}

// {"path", "member", <key>: text} for an unreadable or skipped input.
Json input_json(const std::string& path, const std::optional<std::string>& member, const char* key,
                const std::string& text) {
  Json j;
  j["path"] = path;
  j["member"] = member ? Json(*member) : Json(nullptr);
  j[key] = text;
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const Report& report) {
  Json j;
  j["schema_version"] = kSchemaVersion;
  j["tool"] = {{"name", "dtlint"}, {"version", DTLINT_VERSION}};
  j["semantics"] = std::string(to_string(report.semantics));
  j["config"] = report.config_file.empty() ? Json(nullptr) : Json(report.config_file);
  j["targets"] = Json::array();
  for (DType t : report.targets) j["targets"].push_back(std::string(name(t)));
  const auto counts = report.counts_by_severity();
  j["summary"] = {{"inputs", report.scan.inputs},
                  {"arrays", report.scan.arrays.size()},
                  {"unreadable", report.scan.problems.size()},
                  {"skipped", report.scan.skipped.size()},
                  {"suppressed", report.suppressed},
                  {"baseline", report.baseline ? Json{{"matched", report.baseline->matched},
                                                      {"fixed", report.baseline->fixed}}
                                               : Json(nullptr)},
                  {"findings",
                   {{"error", counts[static_cast<std::size_t>(Severity::Error)]},
                    {"warning", counts[static_cast<std::size_t>(Severity::Warning)]},
                    {"note", counts[static_cast<std::size_t>(Severity::Note)]}}}};
  j["arrays"] = Json::array();
  for (const ArrayResult& a : report.scan.arrays) j["arrays"].push_back(array_json(a, report.semantics));
  j["findings"] = Json::array();
  for (const Finding& f : report.findings) j["findings"].push_back(finding_json(f));
  j["problems"] = Json::array();
  for (const Problem& p : report.scan.problems) {
    j["problems"].push_back(input_json(p.path, p.member, "message", p.message));
  }
  j["skipped"] = Json::array();
  for (const Skipped& s : report.scan.skipped) {
    j["skipped"].push_back(input_json(s.path, s.member, "reason", s.reason));
  }
  return j;
}

std::string render_json(const Report& report) {
  // File names need not be UTF-8: invalid bytes become U+FFFD instead of an exception.
  return to_json(report).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace dtlint
