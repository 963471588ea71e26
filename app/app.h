// The app library: a scan end to end — configuration, discovery and reading,
// judging, suppressions, baseline — and the exit code, callable in-process
// by tests and by any front end. cli/main.cpp only parses arguments into a
// ScanRequest and calls it.
#pragma once

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/report.h"
#include "rules/config.h"
#include "rules/rule.h"

namespace dtlint {

inline constexpr int kExitClean = 0;     // nothing at or above --fail-on
inline constexpr int kExitFindings = 1;  // findings at or above it (E901 included)
inline constexpr int kExitUsage = 2;     // usage or configuration error

// A bad argument or an unusable file named by one (exit 2); what() names it.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a scan is asked to do. Options left unset were not given: the
// configuration decides, then the defaults.
struct ScanRequest {
  std::vector<std::string> paths;  // files or folders; none: "."
  std::optional<std::string> targets, semantics, fail_on;
  std::string format = "text";  // a name from report_writers()
  std::string output;           // the report's file; empty: the caller's stream
  std::string config;           // --config FILE; empty: each input's nearest configuration
  std::string baseline;         // --baseline FILE
  std::string write_baseline;   // --write-baseline FILE
  std::vector<std::string> exclude;
  std::optional<std::string> max_file_size;  // --max-file-size SIZE ("10G"), over max_file_size
  std::optional<std::string> fp8_scale;      // --fp8-scale auto|none, over fp8_scale
  // --select, --extend-select, --ignore: each given value (comma-separated
  // rule selectors, rules/selection.h), in order. `ignore` leaves rules out of
  // the run; it is not the configuration's `ignore` (suppressions).
  std::vector<std::string> select, extend_select, ignore;
  unsigned threads = 0;     // 0: every core
  std::string build_dir;    // -p: the folder of compile_commands.json (or the file); empty: searched
  bool quiet = false;       // text: findings only, nothing when there are none
  bool exit_zero = false;   // --exit-zero: findings do not fail the run (exit 0)
  bool statistics = false;  // text: findings per rule instead of the findings
  bool progress = false;
  bool colour = false;  // text on a terminal
};

struct ScanOutcome {
  ReportHead head;
  ReportSummary summary;  // what the report's summary says
  int exit_code = kExitClean;
  std::string notice;  // for the person running it (stderr), e.g. what --write-baseline wrote
};

// Runs the scan and writes its report in request.format to request.output,
// or to `out` when no output file is named, as the scan goes: each array is
// judged and rendered when it is finished, in a fixed order (the bytes do not
// depend on --threads), and released, so memory does not grow with the number
// of arrays or files. Writes the --write-baseline file when asked. Throws
// UsageError and ConfigError (both exit 2), before any report is written
// except when the output cannot be written to the end.
ScanOutcome run_scan(const ScanRequest& request, std::ostream& out);

// `dtlint scan --show-files`: each file the request's scan would consider,
// with the reader that would read it, or why it would be skipped or could not
// be read (and its configuration when it is not the run's), one per line in
// path order, then the totals. Reads nothing but each
// file's first bytes and returns the exit code (0). Throws UsageError and ConfigError.
int show_files(const ScanRequest& request, std::ostream& out);

// The configuration in force for the request's paths (that of the deepest
// folder holding them all: for one path, its own), with the command line's
// options over it and every default written out: what a scan uses for them.
Config effective_config(const ScanRequest& request);
// `dtlint config`: that configuration as YAML, loadable again with --config.
std::string render_effective_config(const ScanRequest& request);

// `dtlint rules`: one line per rule. `dtlint explain CODE`: one rule's documentation.
std::string render_rule_list();
std::string render_explanation(const Rule& rule);

}  // namespace dtlint
