// E901 unreadable-input: An input cannot be read or parsed; the scan goes on with the others.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "E901",
    .name = "unreadable-input",
    .default_severity = Severity::Error,
    .summary = "An input cannot be read or parsed; the scan goes on with the others.",
    .what = R"doc(Reports an input that cannot be read or parsed - a truncated or malformed
.npy, .npz or .safetensors file, an unknown dtype, a zip bomb, out-of-bounds offsets, a
FIFO, device or symlink loop. The message names the file and the reason, and the scan
goes on with the other inputs.)doc",
    .why = R"doc(A file dtlint cannot read is a file whose casts were not checked, so a clean
report would mislead; the pipeline will fail on it too, or worse, misread it. Every
reader treats its input as hostile and checks declared sizes and offsets against the
file before allocating anything, so a corrupt or malicious file gives this finding, not
a crash.)doc",
    .example = R"doc($ python3 -c 'import numpy as np; np.save("data/bad.npy", np.zeros(1000))'
$ truncate -s 140 data/bad.npy      # 128-byte header + 12 of 8000 data bytes
$ dtlint scan data/

E901 names data/bad.npy with the reason "truncated: header declares 8000 data
bytes, 12 present"; the other files in data/ are still scanned, and the run exits
with 1.)doc",
    .fix = R"doc(Re-create or re-download the file (check its size and checksum), convert
unsupported formats, or move files that are not data out of the scanned paths. The
message says which check failed.)doc",
    .options = R"doc(None.)doc",
};

class UnreadableInput final : public Rule {
 public:
  UnreadableInput() : Rule(kDoc, FactKind::UnreadableInput) {}
};

}  // namespace

const Rule& rule_e901() {
  static const UnreadableInput rule;
  return rule;
}

}  // namespace dtlint
