// PL301 declared-cast-unsafe: A cast declared in a pipeline config produces a DT1xx error on its data.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "PL301",
    .name = "declared-cast-unsafe",
    .default_severity = Severity::Error,
    .summary = "A cast declared in a pipeline config produces a DT1xx error on its data.",
    .what = R"doc(Simulates each cast declared in a pipeline config on the data it points at and
reports any DT1xx error the cast produces there at the config line that declares it:
one finding per entry and array, naming the DT rules and their counts. Declared casts
are `pipeline` entries of dtlint's configuration (file, FILE:MEMBER or a glob, relative
to the configuration's folder) and ONNX `Cast`/`CastLike` nodes whose input is an
initializer or a `Constant` (reported at the node). An entry's `semantics` chooses the
rounding path for its cast alone; when it sets `rtol` or `atol`, values beyond that
tolerance (DT106) break it too.)doc",
    .why = R"doc(The config is where the cast is decided, so it is where the fix belongs:
pointing at the `cast: float16` line shows which declaration breaks which data. A
declared cast that overflows (values above 65504 into float16), merges integer ids or
turns NaN into -2147483648 does so on every run of the pipeline.)doc",
    .example = R"doc(# .dtlint.yaml
pipeline:
  - source: data/features.npz:pixels   # float64, max 70000.0
    cast: float16                      # PL301: 70000.0 overflows to inf (DT101))doc",
    .fix = R"doc(Change the declared cast (bfloat16 or float32), rescale or clip the data before
the cast, or correct the data; the DT1xx rule named in the message says which values
fail and why.)doc",
    .options = R"doc(The pipeline entries themselves (`source`, `cast`, `semantics`, `rtol`/`atol`,
`expect_dtype`, `name`); --semantics selects the rounding path of entries that do not
name one; --fail-on decides whether the finding fails the run. The DT rules' own
settings for the data's path decide which of their findings are errors. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
};

class DeclaredCastUnsafe final : public Rule {
 public:
  DeclaredCastUnsafe() : Rule(kDoc, FactKind::CastPlan) {}
};

}  // namespace

const Rule& rule_pl301() {
  static const DeclaredCastUnsafe rule;
  return rule;
}

}  // namespace dtlint
