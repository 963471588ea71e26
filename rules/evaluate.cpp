#include "rules/evaluate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string_view>

#include "analyzer/kernels/float_format.h"
#include "rules/baseline.h"

namespace dtlint {
namespace {

std::string cast_name(DType source, DType target) {
  return std::string(name(source)) + "→" + std::string(name(target));
}

// "5 of 3000 values" — the common opening of every count message.
std::string count_of(std::uint64_t count, std::uint64_t total) {
  return std::to_string(count) + " of " + std::to_string(total) + (total == 1 ? " value" : " values");
}

std::string range_text(DType target) {
  const IntRange range = int_range(target);
  return "[" + format_number(static_cast<long double>(range.min)) + ", " +
         format_number(static_cast<long double>(range.max)) + "]";
}

class ArrayJudge {
 public:
  ArrayJudge(const ArrayResult& array, Semantics semantics, double fraction, std::vector<Finding>& out)
      : array_(array), semantics_(semantics), fraction_(fraction), out_(out) {}

  void run() {
    if (array_.dtype == DType::Object) {
      Finding& f = add("DT203", std::nullopt, 0, FirstHit{});
      f.message = "object array (" + array_.stored_dtype +
                  ") holds pickled Python objects; it is never unpickled and cannot be analysed";
      return;
    }
    const auto& casts = array_.analysis.casts;
    for_each_cast(casts, CastCounter::Overflow, "DT101", [&](const CastStats& c, std::uint64_t n) {
      const FloatFormat& format = float_format(c.target);
      std::string text =
          count_of(n, array_.elements) + " overflow to " +
          (format.has_infinity ? "±inf" : "NaN (" + std::string(name(c.target)) + " has no infinity)") +
          " in " + cast_name(array_.dtype, c.target);
      const auto& s = array_.analysis.source;
      if (s.abs_max)
        text += " (max |x| " + format_number(*s.abs_max) + " > " + format_number(format.max_finite) + ")";
      return text;
    });
    for_each_cast(casts, CastCounter::OutOfRange, "DT102", [&](const CastStats& c, std::uint64_t n) {
      const auto& s = array_.analysis.source;
      std::string text = count_of(n, array_.elements) + " lie outside " + std::string(name(c.target)) +
                         "'s range " + range_text(c.target) + " in " + cast_name(array_.dtype, c.target);
      if (s.finite_min && s.finite_max) {
        text += " (values span " + format_number(*s.finite_min) + " … " + format_number(*s.finite_max) + ")";
      }
      return text;
    });
    for_each_cast(casts, CastCounter::NonfiniteToInt, "DT103", [&](const CastStats& c, std::uint64_t n) {
      std::string text = count_of(n, array_.elements) + " are NaN or ±inf and have no " +
                         std::string(name(c.target)) + " value in " + cast_name(array_.dtype, c.target);
      if (c.target == DType::Int32)
        text += " (NumPy on x86 gives -2147483648)";
      else if (c.target == DType::Int64)
        text += " (NumPy on x86 gives -9223372036854775808)";
      else
        text += " (the result is undefined)";
      return text;
    });
    for_each_cast(casts, CastCounter::UnderflowToZero, "DT104", [&](const CastStats& c, std::uint64_t n) {
      const FloatFormat& format = float_format(c.target);
      std::string text =
          count_of(n, array_.elements) + " flush to zero in " + cast_name(array_.dtype, c.target);
      const auto& s = array_.analysis.source;
      if (s.abs_min_nonzero) {
        text += " (min |x| " + format_number(*s.abs_min_nonzero) + "; " + std::string(name(c.target)) +
                "'s smallest subnormal is " + format_number(format.min_subnormal) + ")";
      }
      return text;
    });
    for_each_cast(casts, CastCounter::ToSubnormal, "DT105", [&](const CastStats& c, std::uint64_t n) {
      const FloatFormat& format = float_format(c.target);
      return count_of(n, array_.elements) + " land in " + std::string(name(c.target)) +
             "'s subnormal range (|result| < " + format_number(format.min_normal) + ", fewer than " +
             std::to_string(format.fraction_bits + 1) + " significant bits) in " +
             cast_name(array_.dtype, c.target);
    });
    for_each_cast(casts, CastCounter::ToleranceExceeded, "DT106", [&](const CastStats& c, std::uint64_t n) {
      return count_of(n, array_.elements) + " change by more than atol + rtol·|x| (atol " +
             format_number(c.atol) + ", rtol " + format_number(c.rtol) + ") in " +
             cast_name(array_.dtype, c.target) + " (max abs error " + format_number(c.max_abs_error) +
             ", max rel error " + format_number(c.max_rel_error) + ")";
    });
    // Truncation is news for integer data with stray fractions (labels, counts), not
    // for real-valued data, where every value of an int target is truncated by design.
    if (mostly_integral())
      for_each_cast(casts, CastCounter::Truncated, "DT107", [&](const CastStats& c, std::uint64_t n) {
        return count_of(n, array_.elements) + " have a fractional part that " +
               cast_name(array_.dtype, c.target) + " truncates toward zero (max error " +
               format_number(c.max_abs_error) + ")";
      });
    for_each_cast(casts, CastCounter::SignLost, "DT108", [&](const CastStats& c, std::uint64_t n) {
      return count_of(n, array_.elements) + " are negative and lose their sign in " +
             cast_name(array_.dtype, c.target);
    });
    // The imaginary part is dropped the same way for every target: one finding, at the first target.
    for (const CastStats& c : casts) {
      if (c.lossless || c[CastCounter::ImagDropped].count == 0) continue;
      Finding& f =
          add("DT109", c.target, c[CastCounter::ImagDropped].count, c[CastCounter::ImagDropped].first);
      f.message = count_of(f.count, array_.elements) + " have a nonzero imaginary part that " +
                  cast_name(array_.dtype, c.target) + " discards";
      break;
    }
    // Ids, labels and counts: integer dtypes, or float arrays whose every value is an integer.
    // A float measurement that happens to be integral is ordinary rounding's business.
    if (array_.analysis.source.non_integral.count == 0)
      for_each_cast(casts, CastCounter::IntegerNotExact, "DT110", [&](const CastStats& c, std::uint64_t n) {
        const FloatFormat& format = float_format(c.target);
        return count_of(n, array_.elements) + " are integers that " + cast_name(array_.dtype, c.target) +
               " does not keep exactly (" + std::string(name(c.target)) +
               " holds every integer only up to 2^" + std::to_string(format.fraction_bits + 1) + " = " +
               format_number(std::ldexp(1.0L, format.fraction_bits + 1)) + ")";
      });
    judge_divergence(casts);
    judge_source();
    judge_lossless_narrowing(casts);
  }

 private:
  bool mostly_integral() const {
    const SourceStats& s = array_.analysis.source;
    const std::uint64_t finite = array_.elements - s.nan.count - s.pos_inf.count - s.neg_inf.count;
    return static_cast<long double>(s.non_integral.count) <= fraction_ * static_cast<long double>(finite);
  }

  Finding& add(std::string_view code, std::optional<DType> target, std::uint64_t count,
               const FirstHit& first) {
    Finding f;
    f.rule = find_rule(code);
    f.severity = f.rule->default_severity;
    f.path = array_.path;
    f.member = array_.member;
    f.target = target;
    f.count = count;
    if (first.found()) {
      f.first_index = unravel_index(first.index, array_.shape, array_.fortran_order);
      f.first_value = first.value;
      f.first_value_is_integer = is_integer(array_.dtype) || array_.dtype == DType::Bool;
    }
    out_.push_back(std::move(f));
    return out_.back();
  }

  void for_each_cast(const std::vector<CastStats>& casts, CastCounter counter, std::string_view code,
                     const std::function<std::string(const CastStats&, std::uint64_t)>& message) {
    for (const CastStats& c : casts) {
      const Counter& hits = c[counter];
      if (hits.count == 0) continue;  // a lossless cast counts only to_subnormal (DT105)
      Finding& f = add(code, c.target, hits.count, hits.first);
      f.message = message(c, hits.count);
    }
  }

  void judge_divergence(const std::vector<CastStats>& casts) {
    for (const CastStats& c : casts) {
      std::uint64_t most = 0;
      FirstHit first;
      std::string detail;
      for (Semantics other : kAllSemantics) {
        const Counter& d = c.diverging[static_cast<std::size_t>(other)];
        if (other == semantics_) continue;
        most = std::max(most, d.count);
        if (d.first.index < first.index) first = d.first;
        detail += std::string(detail.empty() ? "" : ", ") + std::string(to_string(other)) + " " +
                  std::to_string(d.count);
      }
      if (c.lossless || most == 0) continue;
      Finding& f = add("DT111", c.target, most, first);
      f.message = count_of(most, array_.elements) + " cast differently under other frameworks than under " +
                  std::string(to_string(semantics_)) + " in " + cast_name(array_.dtype, c.target) + " (" +
                  detail + "): tf.cast and Tensor.to round through float32 first, astype rounds once";
    }
  }

  void judge_source() {
    const SourceStats& s = array_.analysis.source;
    const std::uint64_t nonfinite = s.nan.count + s.pos_inf.count + s.neg_inf.count;
    if (nonfinite == 0) return;
    FirstHit first = s.nan.first;
    for (const FirstHit& h : {s.pos_inf.first, s.neg_inf.first}) {
      if (h.index < first.index) first = h;
    }
    Finding& f = add("DT201", std::nullopt, nonfinite, first);
    f.message = count_of(nonfinite, array_.elements) + " are already nonfinite in the " +
                std::string(name(array_.dtype)) + " source (" + std::to_string(s.nan.count) + " NaN, " +
                std::to_string(s.pos_inf.count) + " +inf, " + std::to_string(s.neg_inf.count) + " -inf)";
  }

  void judge_lossless_narrowing(const std::vector<CastStats>& casts) {
    if (array_.elements == 0) return;
    const CastStats* best = nullptr;
    for (const CastStats& c : casts) {
      if (c.lossless || info(c.target).size >= info(array_.dtype).size) continue;
      if (c[CastCounter::Inexact].count || c[CastCounter::NonfiniteToInt].count ||
          c[CastCounter::ImagDropped].count)
        continue;
      if (!best || info(c.target).size < info(best->target).size) best = &c;
    }
    if (!best) return;
    Finding& f = add("DT202", best->target, array_.elements, FirstHit{});
    f.message = "all " + std::to_string(array_.elements) + " values are exact in " +
                std::string(name(best->target)) + ": " + cast_name(array_.dtype, best->target) +
                " loses nothing and stores " + std::to_string(info(best->target).size) +
                " bytes per element instead of " + std::to_string(info(array_.dtype).size);
  }

  const ArrayResult& array_;
  Semantics semantics_;
  double fraction_;  // DT107: the largest share of fractional values that still fires
  std::vector<Finding>& out_;
};

}  // namespace

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

namespace {

// A finding about a whole input or member rather than an array's values.
Finding input_finding(std::string_view code, const std::string& path,
                      const std::optional<std::string>& member, std::string message) {
  Finding f;
  f.rule = find_rule(code);
  f.severity = f.rule->default_severity;
  f.path = path;
  f.member = member;
  f.message = std::move(message);
  return f;
}

// The rule settings in force for each path: the top level's for every path
// unless per_path entries make them depend on it.
class RulesInForce {
 public:
  explicit RulesInForce(const Config* config) : config_(config) {}
  const std::map<std::string, RuleSetting>& at(const std::string& path) {
    if (!config_) return none_;
    if (config_->per_path.empty()) return config_->settings.rules;
    resolved_ = settings_for(*config_, path_from(path, config_->root)).rules;
    return resolved_;
  }

 private:
  const Config* config_;
  const std::map<std::string, RuleSetting> none_;
  std::map<std::string, RuleSetting> resolved_;
};

// Applies `rules` to the findings from index `first` on: drops the rules
// turned off and sets the configured severities.
void configure(std::vector<Finding>& findings, std::size_t first,
               const std::map<std::string, RuleSetting>& rules) {
  if (rules.empty()) return;
  const auto settled =
      std::remove_if(findings.begin() + static_cast<std::ptrdiff_t>(first), findings.end(), [&](Finding& f) {
        const auto it = rules.find(std::string(f.rule->code));
        if (it == rules.end()) return false;
        if (it->second.off) return true;
        if (it->second.severity) f.severity = *it->second.severity;
        return false;
      });
  findings.erase(settled, findings.end());
}

}  // namespace

std::vector<Finding> evaluate(const ScanResult& scan, Semantics semantics, const Config* config) {
  constexpr double kDefaultFraction = 0.5;
  std::vector<Finding> findings;
  RulesInForce rules_in_force(config);
  for (const ArrayResult& array : scan.arrays) {
    const auto& rules = rules_in_force.at(array.path);
    const auto dt107 = rules.find("DT107");
    const double fraction =
        dt107 != rules.end() && dt107->second.fraction ? *dt107->second.fraction : kDefaultFraction;
    const std::size_t first = findings.size();
    ArrayJudge(array, semantics, fraction, findings).run();
    configure(findings, first, rules);
  }
  for (const Skipped& s : scan.skipped) {
    const std::string what = s.member ? "member '" + *s.member + "'" : std::string("input");
    findings.push_back(input_finding("DT204", s.path, s.member, "skipped " + what + ": " + s.reason));
    configure(findings, findings.size() - 1, rules_in_force.at(s.path));
  }
  for (const Problem& p : scan.problems) {
    const std::string where = p.path + (p.member ? " member '" + *p.member + "'" : "");
    findings.push_back(input_finding("E901", p.path, p.member, "cannot read " + where + ": " + p.message));
    configure(findings, findings.size() - 1, rules_in_force.at(p.path));
  }
  return findings;
}

}  // namespace dtlint
