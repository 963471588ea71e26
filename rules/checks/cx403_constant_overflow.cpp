// CX403 constant-overflow: A compile-time constant overflows its destination type.
#include "rules/registry.h"

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
const int32_t kBig = 3e9;           // CX403: above 2147483647)doc",
    .fix = R"doc(Use a constant that fits (std::numeric_limits<T>::max(); 65504 for half), a
wider destination type, or compute in the wider type and convert the result after a
range check.)doc",
    .options = R"doc(--semantics selects the rounding path (Eigen types always use
tensorflow's); -p BUILD_DIR names the compile_commands.json; `// dtlint: ignore[CX403]`
on the line or the line above suppresses one site. Configuration: `severity` changes
this rule's level, `off` disables it.)doc",
};

class ConstantOverflow final : public Rule {
 public:
  ConstantOverflow() : Rule(kDoc, FactKind::CastSite) {}
};

}  // namespace

const Rule& rule_cx403() {
  static const ConstantOverflow rule;
  return rule;
}

}  // namespace dtlint
