// DT201 nonfinite-in-source: NaN or ±inf is already present in the source array.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT201",
    .name = "nonfinite-in-source",
    .default_severity = Severity::Warning,
    .summary = "NaN or ±inf is already present in the source array.",
    .what = R"doc(Counts the NaN, +inf and -inf values already present in the source array,
before any cast.

When an integer target's DT103 reports every one of them, DT201 stays silent: one
finding per cause.)doc",
    .why = R"doc(NaN propagates through every arithmetic operation: one NaN in a feature column
makes a mean, a normalisation statistic or a loss NaN. Casts keep NaN and ±inf in float
targets and turn them into -2147483648 in int32 (DT103). Non-finite values usually come
from a failed division, log(0), or a missing value encoded as NaN and forgotten.)doc",
    .example = R"doc(>>> x = np.array([1.0, np.nan, 3.0])
>>> float(x.mean())
nan
>>> x.astype(np.float16)
array([ 1., nan,  3.], dtype=float16)

DT201 counts 1 of 3 values.)doc",
    .fix = R"doc(Fix the step that produced the values, or handle them deliberately:
np.nan_to_num, NaN-aware statistics (np.nanmean), an explicit mask, or dropping the
rows.)doc",
    .options = R"doc(--fail-on decides whether the finding fails the run. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
};

class NonfiniteInSource final : public Rule {
 public:
  NonfiniteInSource() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    const SourceStats& s = array.source();
    const std::uint64_t nonfinite = s.nan.count + s.pos_inf.count + s.neg_inf.count;
    if (nonfinite == 0) return;
    // An integer target's DT103 already reports every one of them: one finding per cause.
    for (const CastStats& c : array.casts()) {
      if (c[CastCounter::NonfiniteToInt].count == nonfinite) return;
    }
    FirstHit first = s.nan.first;
    for (const FirstHit& h : {s.pos_inf.first, s.neg_inf.first}) {
      if (h.index < first.index) first = h;
    }
    Finding& f = array.add(std::nullopt, nonfinite, first);
    f.message = array.count_of(nonfinite) + " are already nonfinite in the " +
                std::string(dtlint::name(array.array().dtype)) + " source (" + std::to_string(s.nan.count) +
                " NaN, " + std::to_string(s.pos_inf.count) + " +inf, " + std::to_string(s.neg_inf.count) +
                " -inf)";
  }
};

}  // namespace

const Rule& rule_dt201() {
  static const NonfiniteInSource rule;
  return rule;
}

}  // namespace dtlint
