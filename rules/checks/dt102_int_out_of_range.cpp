// DT102 int-out-of-range: A value, truncated toward zero, lies outside the integer target's range.
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT102",
    .name = "int-out-of-range",
    .default_severity = Severity::Error,
    .summary = "A value, truncated toward zero, lies outside the integer target's range.",
    .what = R"doc(Counts the finite values whose truncation toward zero lies outside the integer
target's range, for integer and float sources alike. Negative values cast to an unsigned
target are included (DT108 reports them as well).)doc",
    .why = R"doc(The result is not saturated. Integer sources wrap modulo 2^n: 3000000000 as
int64 becomes -1294967296 in int32. Float-to-int conversion out of range is undefined in
C, and x86 answers with the "integer indefinite" value, -2147483648 for int32, while
narrower targets keep the low bits of the int32 conversion (300.0 becomes 44 in uint8).
Either way an unrelated number of plausible size replaces the value and nothing
downstream notices.)doc",
    .example = R"doc(>>> np.array([3_000_000_000]).astype(np.int32)
array([-1294967296], dtype=int32)
>>> np.array([3e9, -3e9]).astype(np.int32)
array([-2147483648, -2147483648], dtype=int32)
>>> np.array([255.9, 256.0, 300.0, -1.0]).astype(np.uint8)
array([255,   0,  44, 255], dtype=uint8)

255.9 truncates to 255 and fits; DT102 counts the other three (x86 results).)doc",
    .fix = R"doc(Check the range before the cast and clip explicitly if saturation is the intent
(info = np.iinfo(np.int32); np.clip(x, info.min, info.max)), use a wider integer type
such as int64, or keep the values as floats. Ids and counts that grew past 2147483647
need a wider column.)doc",
    .options = R"doc(--targets selects the integer targets checked (int32 is in the default
set); --fail-on decides whether the finding fails the run. Configuration: `severity`
changes this rule's level, `off` disables it.)doc",
};

class IntOutOfRange final : public Rule {
 public:
  IntOutOfRange() : Rule(kDoc, FactKind::ArrayAnalysis) {}
  void judge(ArrayJudgement& array) const override {
    array.for_each_cast(CastCounter::OutOfRange, [&](const CastStats& c, std::uint64_t n) {
      const IntRange range = int_range(c.target);
      std::string text = array.count_of(n) + " lie outside " + std::string(dtlint::name(c.target)) +
                         "'s range [" + format_number(static_cast<long double>(range.min)) + ", " +
                         format_number(static_cast<long double>(range.max)) + "] in " +
                         array.cast_name(c.target);
      const SourceStats& s = array.source();
      if (s.finite_min && s.finite_max) {
        text += " (values span " + format_number(*s.finite_min) + " … " + format_number(*s.finite_max) + ")";
      }
      return text;
    });
  }
};

}  // namespace

const Rule& rule_dt102() {
  static const IntOutOfRange rule;
  return rule;
}

}  // namespace dtlint
