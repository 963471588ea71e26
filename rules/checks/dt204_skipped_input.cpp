// DT204 skipped-input: An input or container member holds no array dtlint reads and was skipped.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT204",
    .name = "skipped-input",
    .default_severity = Severity::Note,
    .summary = "An input or container member holds no array dtlint reads and was skipped.",
    .what = R"doc(Notes inputs that are skipped on purpose: FIFOs, sockets and devices (never
opened, so a scan cannot hang on them), and members of an .npz archive that are not
.npy arrays (a README or metadata file stored beside the arrays).)doc",
    .why = R"doc(A skipped input is not checked. The note says so, so that a gate that passes
has not silently ignored something that was meant to be data - an .npz whose arrays
were saved under other names, or a pipe left where a file was expected.)doc",
    .example = R"doc($ mkfifo data/stream.npy
$ dtlint scan data/
data/stream.npy: note DT204 skipped: a FIFO is never opened [skipped-input])doc",
    .fix = R"doc(Nothing, when the skip is intended. Otherwise store the arrays as .npy members
(np.savez names them NAME.npy) or replace the special file with a regular one.)doc",
    .options = R"doc(--exclude GLOB keeps paths out of the scan altogether. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
};

class SkippedInput final : public Rule {
 public:
  SkippedInput() : Rule(kDoc, FactKind::SkippedInput) {}
};

}  // namespace

const Rule& rule_dt204() {
  static const SkippedInput rule;
  return rule;
}

}  // namespace dtlint
