// DT205 unused-suppression: An `ignore` entry in the configuration matched no finding.
#include "rules/registry.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT205",
    .name = "unused-suppression",
    .default_severity = Severity::Note,
    .summary = "An `ignore` entry in the configuration matched no finding.",
    .what = R"doc(Notes each `ignore` entry of the configuration (path glob, optional member glob,
rule codes, reason) that hid nothing in this scan, pointing at the line that declares
it.)doc",
    .why = R"doc(A suppression outlives the problem it was written for: once the data is fixed
or renamed, it silently waits to hide the next, unrelated finding on a path that
happens to match. Like ruff's unused-noqa, the note says when an entry can go.)doc",
    .example = R"doc(# .dtlint.yaml
ignore:
  - path: data/old_labels.npy      # the file was deleted last week
    rules: [DT107]
    reason: labels are rounded on purpose
$ dtlint scan .
.dtlint.yaml:3: note DT205 ignore entry (path 'data/old_labels.npy', rules DT107)
matched no finding; remove it or correct it (reason given: labels are rounded on
purpose) [unused-suppression])doc",
    .fix = R"doc(Remove the entry, or correct its path, member or rule codes so that it matches
what it was meant to hide.)doc",
    .options = R"doc(Judged only where the scan could have matched the entry: every entry when the
scan covers the configuration's whole folder (`dtlint scan .`), otherwise only the
entries whose path glob matches a scanned input (a pre-commit run that passes a few
files does not call the others unused). Configuration: `severity` changes this
rule's level, `off` disables it.)doc",
};

class UnusedSuppression final : public Rule {
 public:
  UnusedSuppression() : Rule(kDoc, FactKind::Suppression) {}
};

}  // namespace

const Rule& rule_dt205() {
  static const UnusedSuppression rule;
  return rule;
}

}  // namespace dtlint
