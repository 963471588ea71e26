#include "rules/array_judgement.h"

#include <cmath>
#include <cstdio>

#include "rules/suggestion.h"

namespace dtlint {

double ArrayJudgement::option(std::string_view name) const {
  const RuleOption* declared = rule_.option(name);
  if (setting_) {
    if (const auto it = setting_->options.find(std::string(name)); it != setting_->options.end()) {
      return it->second;
    }
  }
  return declared ? declared->default_value : 0.0;
}

Finding& ArrayJudgement::add(std::optional<DType> target, std::uint64_t count, const FirstHit& first) {
  Finding f;
  f.rule = &rule_;
  f.severity = severity_for(count);
  f.location = array_.location;
  f.target = target;
  f.source_dtype = array_.dtype;
  f.count = count;
  f.elements = array_.elements;
  if (first.found()) {
    f.first_index = unravel_index(first.index, array_.shape, array_.fortran_order);
    f.first_value = first.value;
    f.first_value_is_integer = is_integer(array_.dtype) || array_.dtype == DType::Bool;
  }
  out_.push_back(std::move(f));
  return out_.back();
}

Severity ArrayJudgement::severity_for(std::uint64_t count) const {
  if (setting_ && setting_->severity) return *setting_->severity;  // configured: fixed
  if (!rule_.option(kWarningShare) || array_.elements == 0) return rule_.default_severity();
  // A rule that grades by share: a note for a few values, an error for most of them.
  const double share = static_cast<double>(count) / static_cast<double>(array_.elements);
  if (share >= option(kErrorShare)) return Severity::Error;
  return share >= option(kWarningShare) ? Severity::Warning : Severity::Note;
}

bool ArrayJudgement::defers_to_fp8_scale(const CastStats& cast) const {
  return needs_only_its_fp8_scale(array_, cast);
}

std::string ArrayJudgement::count_of(std::uint64_t count) const {
  const std::uint64_t total = array_.elements;
  return std::to_string(count) + " of " + std::to_string(total) + (total == 1 ? " value" : " values");
}

std::string ArrayJudgement::cast_name(DType target) const {
  return std::string(name(array_.dtype)) + "→" + std::string(name(target));
}

bool integer_data(const ArrayResult& array) {
  return holds_integer_data(array.dtype, array.analysis.source);
}

bool preferred_narrowing(DType source, DType candidate, const DType* best) {
  if (!best) return true;
  const bool same_kind = is_float(candidate) == is_float(source);
  const bool best_same_kind = is_float(*best) == is_float(source);
  if (same_kind != best_same_kind) return same_kind;
  return info(candidate).size < info(*best).size;
}

std::string format_number(long double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  if (value == std::trunc(value) && std::fabs(value) < 1e20L) {
    std::snprintf(buffer, sizeof buffer, "%.0Lf", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.6Lg", value);
  }
  return buffer;
}

}  // namespace dtlint
