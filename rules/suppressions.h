// Suppressions: the configuration's `ignore` entries, each with a mandatory
// reason, hide the findings they match; entries that hide nothing are noted
// (DT205), as ruff notes an unused noqa.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"

namespace dtlint {

// Removes the findings that an `ignore` entry matches (path glob relative to
// config.root, member glob when given, rule code) and returns how many it
// removed. Adds one DT205 note, at the entry's line of the configuration file,
// for each entry that matched nothing although the scan could have matched it:
// every entry when one of `scanned` (the paths the scan was given) covers the
// configuration's folder, otherwise the entries whose glob matches a scanned input.
std::uint64_t apply_suppressions(const Config& config, std::span<const std::string> scanned,
                                 const ScanResult& scan, std::vector<Finding>& findings);

// The same, one finding at a time for a scan that streams: it keeps a flag
// per entry (used, could have matched) and the count, never the findings.
class Suppressor {
 public:
  // `config` must outlive the suppressor.
  Suppressor(const Config& config, std::span<const std::string> scanned);
  // Whether an `ignore` entry hides `finding` (then counted, and the entry used).
  bool hides(const Finding& finding);
  // Notes an input (array, skipped or unreadable) the scan saw at `path`, so
  // that the entries whose glob matches it count as judged.
  void saw_input(const std::string& path);
  std::uint64_t hidden() const { return hidden_; }
  // One DT205 note for each entry that hid nothing though it could have.
  std::vector<Finding> unused_notes() const;

 private:
  // The entries whose path glob matches `path` (relative to the configuration's
  // root); the last answer is kept (findings and inputs come grouped by file).
  const std::vector<std::size_t>& entries_for(const std::string& path);

  const Config& config_;
  GlobSet paths_;                             // every entry's path glob, compiled once
  std::vector<std::optional<Glob>> members_;  // every entry's member glob, compiled once
  bool whole_root_ = false;
  std::vector<bool> used_, judged_;
  std::uint64_t hidden_ = 0;
  std::string last_path_, last_seen_;
  std::vector<std::size_t> last_entries_;
  bool have_last_ = false;
};

}  // namespace dtlint
