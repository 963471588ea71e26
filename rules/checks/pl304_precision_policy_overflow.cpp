// PL304 precision-policy-overflow: A model's declared precision overflows or corrupts its stored weights.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "PL304",
    .name = "precision-policy-overflow",
    .default_severity = Severity::Error,
    .summary = "A model's declared precision overflows or corrupts its stored weights.",
    .what = R"doc(Simulates the precision a model declares - `torch_dtype` in a Hugging Face
config.json, a Keras `dtype` or DTypePolicy such as mixed_float16 - on every stored
weight, and reports at the declaration when the cast overflows or corrupts them (any
DT1xx error): one finding per declaration, naming the worst weights by count. A
config.json's dtype is simulated as torch.Tensor.to does it, a Keras policy as tf.cast
does. When every weight is already stored in the declared dtype, a note says so.)doc",
    .why = R"doc(Loading the model in its declared precision casts every weight. A checkpoint
trained in float32 or bfloat16 can hold values that their range (max ≈ 3.4e38) allows
and float16's (max 65504) does not; one inf weight makes every activation behind it inf
or NaN.)doc",
    .example = R"doc(model/config.json        "torch_dtype": "float16"
model/model.safetensors  "encoder.scale": F32, max |w| = 1.0e5

PL304 points at the torch_dtype line: encoder.scale overflows to inf in
float32→float16.)doc",
    .fix = R"doc(Declare bfloat16 or float32 for the model, keep the offending tensors in
float32, or rescale them (fold the scale into a neighbouring layer) before converting.)doc",
    .options = R"doc(--semantics selects the rounding path; --fail-on decides whether the
finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
};

class PrecisionPolicyOverflow final : public Rule {
 public:
  PrecisionPolicyOverflow() : Rule(kDoc, FactKind::CastPlan) {}
};

}  // namespace

const Rule& rule_pl304() {
  static const PrecisionPolicyOverflow rule;
  return rule;
}

}  // namespace dtlint
