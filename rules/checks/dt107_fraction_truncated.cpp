// DT107 fraction-truncated: A non-integral value is cast to an integer target.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT107",
    .name = "fraction-truncated",
    .default_severity = Severity::Warning,
    .summary = "A non-integral value is cast to an integer target.",
    .what = R"doc(Counts the in-range, non-integral values cast to an integer target; values out
of range are DT102's. It fires on integer data with stray fractions: when at most half
of the array's finite values have a fractional part. Real-valued arrays (weights,
features), where an integer target truncates everything by design, keep the count in
the report's `truncated` field without a finding.)doc",
    .why = R"doc(Float-to-int casts truncate toward zero, they do not round: 2.7 becomes 2, -2.7
becomes -2 and 0.999 becomes 0. Probabilities, normalised features, and values meant to
be integers that picked up rounding error (2.9999999 from a float computation) are
changed by up to 1 without a warning from NumPy, TensorFlow or PyTorch.)doc",
    .example = R"doc(>>> np.array([2.7, -2.7, 0.999, 2.9999999]).astype(np.int32)
array([ 2, -2,  0,  2], dtype=int32)

DT107 counts all 4 values.)doc",
    .fix = R"doc(Round explicitly before the cast - np.rint(x).astype(np.int32) rounds half to
even; np.floor and np.ceil give the other conventions - or keep the data in a float type
if the fraction matters.)doc",
    .options = R"doc(--targets selects the integer targets checked; --fail-on decides whether
the finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
};

constexpr RuleOption kOptions[]{{
    .name = "fraction",
    .default_value = 0.5,
    .min = 0.0,
    .max = 1.0,
    .doc = "The rule fires only when at most this share of the array's finite values is fractional.",
}};

class FractionTruncated final : public Rule {
 public:
  FractionTruncated() : Rule(kDoc, FactKind::ArrayAnalysis, kOptions) {}
  void judge(ArrayJudgement& array) const override {
    // Truncation is news for integer data with stray fractions (labels, counts), not
    // for real-valued data, where every value of an int target is truncated by design.
    const SourceStats& s = array.source();
    const std::uint64_t finite = array.array().elements - s.nan.count - s.pos_inf.count - s.neg_inf.count;
    if (static_cast<long double>(s.non_integral.count) >
        static_cast<long double>(array.option("fraction")) * static_cast<long double>(finite))
      return;
    array.for_each_cast(CastCounter::Truncated, [&](const CastStats& c, std::uint64_t n) {
      return array.count_of(n) + " have a fractional part that " + array.cast_name(c.target) +
             " truncates toward zero (max error " + format_number(c.max_abs_error) + ")";
    });
  }
};

}  // namespace

const Rule& rule_dt107() {
  static const FractionTruncated rule;
  return rule;
}

}  // namespace dtlint
