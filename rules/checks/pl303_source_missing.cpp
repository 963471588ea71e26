// PL303 source-missing: A declared source is missing or matches no file.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "PL303",
    .name = "source-missing",
    .default_severity = Severity::Error,
    .summary = "A declared source is missing or matches no file.",
    .what = R"doc(Reports a source declared in a pipeline config or a model index that names a
missing file or archive member, or a glob that matches no file: a `pipeline` entry
whose source matches nothing (reported when the scan covers the configuration's folder
or names the configuration), an entry whose files hold no matching member, a shard that
`model.safetensors.index.json` lists and the folder lacks.)doc",
    .why = R"doc(An entry that matches nothing is checked vacuously: the scan passes while the
data it was meant to guard goes unexamined. It usually means a renamed file, a typo in a
glob or a shard that was never uploaded, all of which fail later, at load time.)doc",
    .example = R"doc(pipeline:
  - source: checkpoints/*.safetensors   # PL303: the glob matches no file
    cast: bfloat16
  - source: data/features.npz:pixel     # PL303: the archive has no member "pixel"
    cast: float16)doc",
    .fix = "Correct the path, glob or member name, or remove the entry if the data is gone.",
    .options = "Configuration: `severity` changes this rule's level, `off` disables it.",
};

class SourceMissing final : public Rule {
 public:
  SourceMissing() : Rule(kDoc, FactKind::CastPlan) {}
};

}  // namespace

const Rule& rule_pl303() {
  static const SourceMissing rule;
  return rule;
}

}  // namespace dtlint
