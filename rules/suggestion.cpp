#include "rules/suggestion.h"

#include <cmath>

#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

double default_option(std::string_view code, std::string_view option) {
  const Rule* rule = find_rule(code);
  const RuleOption* declared = rule ? rule->option(option) : nullptr;
  return declared ? declared->default_value : 0.0;
}

std::string scale_text(int k) {
  return "2^" + std::to_string(k);
}

// "simulated: 0 of 3000 overflow, 2 flush to zero, 0 subnormal; max error 0.5": what a cast still does.
std::string outcome_text(const ArrayResult& array, const CastStats& c) {
  std::string text = "simulated: " + std::to_string(c[CastCounter::Overflow].count) + " of " +
                     std::to_string(array.elements) + " overflow, " +
                     std::to_string(c[CastCounter::UnderflowToZero].count) + " flush to zero, " +
                     std::to_string(c[CastCounter::ToSubnormal].count) + " subnormal";
  if (is_float(c.target) && c.max_abs_error > 0) text += "; max error " + format_number(c.max_abs_error);
  return text;
}

const CastStats* cast_for(const ArrayResult& array, DType target) {
  for (const CastStats& c : array.analysis.casts)
    if (c.target == target && c.scale_exponent == 0) return &c;
  return nullptr;
}

}  // namespace

bool cast_fits(const ArrayResult& array, const CastStats& c) {
  for (CastCounter counter :
       {CastCounter::Overflow, CastCounter::OutOfRange, CastCounter::NonfiniteToInt, CastCounter::SignLost,
        CastCounter::ImagDropped, CastCounter::UnderflowToZero, CastCounter::Truncated}) {
    if (c[counter].count != 0) return false;
  }
  if (integer_data(array) && c[CastCounter::IntegerNotExact].count != 0) return false;
  static const double subnormal_share = default_option("DT105", kWarningShare);
  static const double spread = default_option("DT114", "warning_spread");
  if (array.elements > 0 && static_cast<double>(c[CastCounter::ToSubnormal].count) >=
                                subnormal_share * static_cast<double>(array.elements))
    return false;
  const Moments& m = array.analysis.source.moments;
  if (const auto sigma = m.stddev();
      sigma && *sigma > 0 && std::fabs(m.mean) > *sigma && c.max_abs_error >= spread * *sigma)
    return false;
  return true;
}

const CastStats* fitting_rescale(const ArrayResult& array, const CastStats& cast) {
  for (const CastStats& s : array.analysis.scaled) {
    if (s.target == cast.target && s.scale_exponent != 0 && s.semantics == cast.semantics &&
        s.rtol == cast.rtol && s.atol == cast.atol && cast_fits(array, s))
      return &s;
  }
  return nullptr;
}

bool needs_only_its_fp8_scale(const ArrayResult& array, const CastStats& cast) {
  const bool float8 = cast.target == DType::Float8E4M3FN || cast.target == DType::Float8E5M2;
  return float8 && !cast.amax_scale && cast.scale_exponent == 0 && !cast_fits(array, cast) &&
         fitting_rescale(array, cast) != nullptr;
}

std::string suggest_fix(const ArrayResult& array, const Finding& finding) {
  if (!finding.target) return "";
  const DType failing = *finding.target;
  const SourceStats& source = array.analysis.source;
  if (finding.rule && finding.rule->code() == "DT101" && is_float(array.dtype) &&
      array.dtype != DType::LongDouble && source.abs_max &&
      *source.abs_max == float_format(array.dtype).max_finite && is_float(failing)) {
    // float32's own extreme is no measurement: a mask or padding fill (torch.finfo(dtype).min).
    return "±" + format_number(*source.abs_max) + " is " + std::string(name(array.dtype)) +
           "'s extreme, a fill or mask value: fill with " + std::string(name(failing)) + "'s own (±" +
           format_number(float_format(failing).max_finite) + ", finfo(" + std::string(name(failing)) +
           ").min) instead";
  }
  // The narrowest other simulated cast that fits, the source's kind first.
  const CastStats* best = nullptr;
  for (const CastStats& c : array.analysis.casts) {
    if (c.target == failing || c.scale_exponent != 0 || info(c.target).size > info(array.dtype).size)
      continue;
    if (cast_fits(array, c) && preferred_narrowing(array.dtype, c.target, best ? &best->target : nullptr))
      best = &c;
  }
  std::string text;
  if (best) {
    text = (best->target == array.dtype ? "keep " : "") + std::string(name(best->target)) + " fits (" +
           outcome_text(array, *best) + ")";
  }
  // A power-of-two scale before the cast (and its inverse after): loss scaling, FP8 amax scaling.
  const CastStats* own = cast_for(array, failing);
  if (const CastStats* s = own ? fitting_rescale(array, *own) : nullptr) {
    if (!text.empty()) text += "; or ";
    text += "×" + scale_text(s->scale_exponent) + " before the cast (×" + scale_text(-s->scale_exponent) +
            " after) fits " + std::string(name(failing)) + " (" + outcome_text(array, *s) + ")";
  }
  if (!text.empty()) return text;
  if (own && info(array.dtype).size <= info(failing).size) return "";
  return "keep " + std::string(name(array.dtype)) + ": no narrower cast simulated in this run fits";
}

}  // namespace dtlint
