// PL302 dtype-mismatch: A declared input dtype differs from the stored dtype.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "PL302",
    .name = "dtype-mismatch",
    .default_severity = Severity::Warning,
    .summary = "A declared input dtype differs from the stored dtype.",
    .what = R"doc(Compares the dtype a config declares for an input with the dtype stored in the
file and reports where they differ: a `pipeline` entry's `expect_dtype`, once per
array, and a Hugging Face config.json's `torch_dtype`, once per model, counting the
weights stored otherwise.)doc",
    .why = R"doc(The declared dtype is what code, memory budgets and reviews assume; when the
stored one differs, a cast happens that nobody declared. A model folder whose
config.json says "torch_dtype": "bfloat16" while its shards store F32 takes twice the
disk space expected, and loading it in the declared dtype casts every weight from 24
significant bits to 8.)doc",
    .example = R"doc(model/config.json        "torch_dtype": "bfloat16"
model/model.safetensors  every tensor stored as F32

PL302 points at the torch_dtype line of config.json.)doc",
    .fix = R"doc(Make the config and the files agree: convert the stored data to the declared
dtype (and review what that cast does, which dtlint reports), or correct the
declaration.)doc",
    .options = "Configuration: `severity` changes this rule's level, `off` disables it.",
};

class DtypeMismatch final : public Rule {
 public:
  DtypeMismatch() : Rule(kDoc, FactKind::CastPlan) {}
};

}  // namespace

const Rule& rule_pl302() {
  static const DtypeMismatch rule;
  return rule;
}

}  // namespace dtlint
