// The one Report model every output format renders (DESIGN §7).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/baseline.h"
#include "rules/finding.h"

namespace dtlint {

inline constexpr int kSchemaVersion = 1;

// The project's home, where its README and docs/ are read (the repository the
// README tells users to clone, without ".git"): SARIF's informationUri, and
// with kRuleDocsPath each rule's helpUri. The one place that names it.
inline constexpr std::string_view kProjectHome = "https://example.org/dtlint";
// A rule's page is kProjectHome + kRuleDocsPath + CODE + ".md" (docs/rules/, on main).
inline constexpr std::string_view kRuleDocsPath = "/blob/main/docs/rules/";

// What a report says that is known before the scan starts.
struct ReportHead {
  Semantics semantics = Semantics::NumPy;
  std::vector<DType> targets;
  std::string config_file;  // the configuration in force; empty: defaults
};

// The summary's numbers, known once the scan is over.
struct ReportSummary {
  std::uint64_t inputs = 0, arrays = 0, unreadable = 0, skipped = 0;
  std::array<std::uint64_t, 3> findings_by_severity{};  // indexed by Severity
  std::uint64_t suppressed = 0;
  std::optional<BaselineOutcome> baseline;

  std::uint64_t findings() const;
  // Whether any finding is at or above `threshold` (none when threshold is empty: --fail-on never).
  bool fails(std::optional<Severity> threshold) const;
};

// A report written while the scan goes on (DESIGN §7): each array's entry and
// each finding as they are final, in report order, then the end. A format
// writes what it can at once and holds back (in a temporary file when large)
// only what its layout puts after the summary, so that memory does not grow
// with the number of arrays; the bytes are those of the whole Report.
class ReportStream {
 public:
  virtual ~ReportStream() = default;
  // Arrays in scan order; findings in report order (each array's after it or
  // later: the two orders are independent).
  virtual void array(const ArrayResult& array) = 0;
  virtual void finding(const Finding& finding) = 0;
  // Writes the rest; the unreadable and skipped inputs are those the summary counts.
  virtual void finish(const ReportSummary& summary, std::span<const Problem> problems,
                      std::span<const Skipped> skipped) = 0;
};

// A finished scan held whole: what tests build, and what a ReportStream is
// given one piece at a time (stream_report in reports/writers.h).
struct Report {
  Semantics semantics = Semantics::NumPy;
  std::vector<DType> targets;
  ScanResult scan;
  std::vector<Finding> findings;            // after suppressions and the baseline
  std::string config_file;                  // the configuration in force; empty: defaults
  std::uint64_t suppressed = 0;             // findings hidden by `ignore` entries
  std::optional<BaselineOutcome> baseline;  // set when --baseline was given

  // Findings per severity, indexed by Severity.
  std::array<std::uint64_t, 3> counts_by_severity() const;
  // Whether any finding is at or above `threshold` (none when threshold is empty: --fail-on never).
  bool fails(std::optional<Severity> threshold) const;
  ReportHead head() const;
  ReportSummary summary() const;
};

// Whether a finding's related data is to be named after its message in the
// formats that show one line per finding: it has some, and the message does
// not name it already (PL301's says what it casts).
bool names_related_data(const Finding& finding);

// Gives a whole report to `stream`: every array, every finding, then the end.
void stream_report(const Report& report, ReportStream& stream);

}  // namespace dtlint
