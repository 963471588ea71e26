// CX403 constant-overflow: A compile-time constant overflows its destination type.
#include <cmath>
#include <cstdio>

#include "analyzer/kernels/float_format.h"
#include "rules/registry.h"
#include "rules/site_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX403",
    .name = "constant-overflow",
    .default_severity = Severity::Error,
    .summary = "A compile-time constant overflows its destination type.",
    .what = R"doc(Evaluates constant operands with Clang's constant evaluator, runs them through
the cast kernels used for arrays, and reports constants that overflow their destination:
±inf in a floating type, outside the range of an integer type.)doc",
    .why = R"doc(The value is fixed at compile time, so every run gets it: 70000.0f as
Eigen::half is inf, 1e39 as float is inf. Converting 3e9 to int32_t is undefined
behaviour in C++: GCC folds the constant to 2147483647 while the same conversion at run
time on x86 gives -2147483648.)doc",
    .example = R"doc(const Eigen::half kMax(70000.0f);   // CX403: inf, half's maximum is 65504
const float kHuge = 1e39;           // CX403: inf, float's maximum is ≈ 3.40e38
const int32_t kBig = 3e9;           // CX403: outside int32: undefined behaviour
int8_t c = 300;                     // CX403: becomes 44)doc",
    .fix = R"doc(Use a constant that fits (std::numeric_limits<T>::max(); 65504 for half), a
wider destination type, or compute in the wider type and convert the result after a
range check.)doc",
    .options = R"doc(An explicit cast between integer types wraps on purpose and is not
reported, nor is -1 into an unsigned type (the all-ones idiom). --semantics does not
apply: Eigen's types round through float32 as tf.cast does, c10's as Tensor.to does,
built-in types once. -p BUILD_DIR names the compile_commands.json; `// dtlint:
ignore[CX403]` on the line or the line above suppresses one site. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
};

class ConstantOverflow final : public Rule {
 public:
  ConstantOverflow() : Rule(kDoc, FactKind::CastSite) {}
  void judge_site(SiteJudgement& site) const override {
    const CastSite& s = site.site();
    if (!judged_by_value(s)) return;
    const DType from = *site.source(), to = *site.target();
    const SimulatedConstant& simulated = *s.simulated;
    const std::string target = "'" + s.target.spelling + "'";
    if (is_float(to)) {
      if (simulated.stats[CastCounter::Overflow].count == 0 || !simulated.result) return;
      site.add("constant " + site.constant_text() + " becomes " + format_value(*simulated.result, to) +
               " in " + target + ": " + std::string(dtlint::name(to)) + "'s largest finite value is " +
               format_number(float_format(to).max_finite));
      return;
    }
    if (!is_integer(to)) return;                         // to bool: a test, not a range
    const std::string holds = site.what_target_keeps();  // "int8 holds -128 to 127"
    if (!simulated.result) {
      // C++ leaves a floating value outside the integer type, NaN or ±inf undefined.
      const bool finite = std::isfinite(s.constant->value);
      site.add("constant " + site.constant_text() +
               (finite ? " is outside " + target + " (" + holds + ")" : "") +
               (finite ? ": " : " converted to " + target + ": ") +
               "the conversion is undefined behaviour (compilers fold it and CPUs compute it differently)");
      return;
    }
    if (!is_integer(from) && from != DType::Bool) return;  // a float in range: truncation, CX404's
    // An explicit integer cast wraps on purpose (masks, hashes); `-1` into an
    // unsigned type is the all-ones idiom.
    if (s.kind != CastSiteKind::Implicit || *simulated.result == s.constant->value) return;
    if (s.constant->value == -1 && dtlint::kind(to) == DTypeKind::UnsignedInt) return;
    site.add("constant " + site.constant_text() + " is outside " + target + " (" + holds + "): it becomes " +
             format_value(*simulated.result, to));
  }
};

}  // namespace

const Rule& rule_cx403() {
  static const ConstantOverflow rule;
  return rule;
}

}  // namespace dtlint
