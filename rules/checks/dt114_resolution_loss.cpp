// DT114 resolution-loss: The cast's steps are coarse against the data's own spread.
#include <cmath>

#include "analyzer/kernels/float_format.h"
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT114",
    .name = "resolution-loss",
    .default_severity = Severity::Warning,
    .summary = "The cast's steps are coarse against the data's own spread (values far from zero).",
    .what = R"doc(Compares the cast's largest error with the data's standard deviation σ (over its
finite values) for data that sits away from zero, |mean| > σ: sensor readings around an
operating point, timestamps, coordinates, prices. It fires when the largest error is at
least `warning_spread` × σ, and is an error from `error_spread` × σ on.)doc",
    .why = R"doc(A float keeps a fixed number of significant bits, so its step grows with the
magnitude, not with the data's spread. Pressure readings of 101325 ± 500 Pa cast to
bfloat16 (8 significant bits) land on steps of 512 Pa: 20,000 distinct readings
become 9, and the variation the data was recorded for is gone. No value overflows,
flushes or turns subnormal, every result is within bfloat16's relative precision, and
no other rule fires. Centred data (weights, activations, gradients) is never flagged:
near zero the steps shrink with the values.)doc",
    .example = R"doc(>>> p = 101325 + 500 * np.random.default_rng(0).standard_normal(20000)
>>> q = torch.from_numpy(p).to(torch.bfloat16).double().numpy()
>>> len(np.unique(p)), len(np.unique(q)), np.abs(q - p).max(), p.std()
(20000, 9, 255.998..., 498.019...)

DT114 (an error): bfloat16 steps of 512 near the mean 101325 against σ 498: max
error 256, 51.4% of σ.)doc",
    .fix = R"doc(Subtract the offset before the cast and store it beside the data (x - 101325 in
bfloat16 keeps steps of 2 Pa at ±500 Pa), keep the data in float32, or standardise it
((x - mean) / σ) as most models do on input anyway.)doc",
    .options = R"doc(Configuration: `warning_spread` and `error_spread` (the largest error as a
share of σ at which the finding is a warning, an error); `severity` fixes this rule's
level, `off` disables it. --targets selects the float targets checked. The defaults
are calibrated so that layer-norm scales around 1 in bfloat16 stay quiet; a day of
unix timestamps in float32 (steps of 128 s, 0.26% of σ) stays below them too: for
time coordinates or ids stored as floats, set `warning_spread: 0.001`.)doc",
};

constexpr RuleOption kOptions[]{
    {
        .name = "warning_spread",
        .default_value = 0.05,
        .min = 0.0,
        .max = 1e9,
        .doc = "The finding is a warning when the cast's largest error is at least this share of σ.",
    },
    {
        .name = "error_spread",
        .default_value = 0.25,
        .min = 0.0,
        .max = 1e9,
        .doc = "The finding is an error when the cast's largest error is at least this share of σ.",
    },
};

// A float's spacing at magnitude `m` in the normal range: 2^(exponent - fraction bits).
long double step_at(const FloatFormat& format, long double m) {
  if (m < format.min_normal) return format.min_subnormal;
  return std::ldexp(1.0L, std::ilogb(m) - format.fraction_bits);
}

class ResolutionLoss final : public Rule {
 public:
  ResolutionLoss() : Rule(kDoc, FactKind::ArrayAnalysis, kOptions) {}
  void judge(ArrayJudgement& array) const override {
    const Moments& moments = array.source().moments;
    const std::optional<long double> sigma = moments.stddev();
    if (!sigma || *sigma <= 0 || std::fabs(moments.mean) <= *sigma)
      return;  // centred data: steps shrink near 0
    for (const CastStats& c : array.casts()) {
      if (!is_float(c.target) || c.target == DType::LongDouble || c.lossless || c.max_abs_error <= 0)
        continue;
      const long double ratio = c.max_abs_error / *sigma;
      if (ratio < array.option("warning_spread")) continue;
      Finding& f = array.add(c.target, c[CastCounter::Inexact].count, FirstHit{});
      if (!array.configured_severity() && ratio >= array.option("error_spread")) f.severity = Severity::Error;
      const long double step = step_at(float_format(c.target), std::fabs(moments.mean));
      f.message = std::string(dtlint::name(c.target)) + " steps of " + format_number(step) +
                  " near the mean " + format_number(moments.mean) + " against the data's σ " +
                  format_number(*sigma) + ": max error " + format_number(c.max_abs_error) + " (" +
                  format_number(std::round(ratio * 1000) / 10) + "% of σ) in " + array.cast_name(c.target);
    }
  }
};

}  // namespace

const Rule& rule_dt114() {
  static const ResolutionLoss rule;
  return rule;
}

}  // namespace dtlint
