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
opened, so a scan cannot hang on them); data files in formats dtlint does not read
(Parquet, Arrow/Feather, TFRecord, Python pickles and joblib files, TFLite, msgpack,
MATLAB), with what to do instead; files larger than --max-file-size; members of an
.npz archive that are not .npy arrays (a README or metadata file stored beside the
arrays); and block-quantized GGUF tensors (Q4_0, Q8_0, the K-quants), which are the
result of a lossy conversion rather than a cast source.)doc",
    .why = R"doc(A skipped input is not checked. The note says so, so that a gate that passes
has not silently ignored something that was meant to be data - an .npz whose arrays
were saved under other names, or a pipe left where a file was expected.)doc",
    .example = R"doc($ mkfifo data/stream.npy
$ dtlint scan data/
data/stream.npy: note DT204 skipped input: a FIFO is never opened [skipped-input])doc",
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
