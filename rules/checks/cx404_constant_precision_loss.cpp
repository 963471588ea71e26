// CX404 constant-precision-loss: A compile-time constant changes value beyond tolerance in its destination
// type.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "CX404",
    .name = "constant-precision-loss",
    .default_severity = Severity::Warning,
    .summary = "A compile-time constant changes value beyond tolerance in its destination type.",
    .what = R"doc(Reports compile-time constants whose value in the destination type differs
from the written value by more than the tolerance |cast(x) - x| ≤ atol + rtol × |x| of
DT106, constants flushed to zero included.)doc",
    .why = R"doc(Epsilons, learning rates and scale factors are written in decimal for a wide
type; in half, 1e-7 becomes 1.19e-7 (19% larger) and 1e-8 becomes 0, so an epsilon meant
to prevent a division by zero no longer does. Being a constant, the error affects every
run and no change of data fixes it.)doc",
    .example = R"doc(const _Float16 kEps = 1e-7;    // CX404: becomes 1.1920928955078125e-07
const _Float16 kTiny = 1e-8;   // CX404: becomes 0)doc",
    .fix = R"doc(Use a constant the destination represents within tolerance (float16's smallest
normal value is 2^-14 ≈ 6.10e-5), or keep the constant and the computation using it in
float.)doc",
    .options = R"doc(Configuration: per-target `rtol` and `atol` as for DT106; `severity`
changes this rule's level, `off` disables it. -p BUILD_DIR names the
compile_commands.json; `// dtlint: ignore[CX404]` on the line or the line above
suppresses one site.)doc",
};

class ConstantPrecisionLoss final : public Rule {
 public:
  ConstantPrecisionLoss() : Rule(kDoc, FactKind::CastSite) {}
};

}  // namespace

const Rule& rule_cx404() {
  static const ConstantPrecisionLoss rule;
  return rule;
}

}  // namespace dtlint
