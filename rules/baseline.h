// Fingerprints and baselines. A finding's fingerprint is its identity across
// runs: rule, path, member and target, never counts, values or line numbers,
// so it survives a data refresh that does not change the verdict. A finding
// with an identity (Finding::identity: a declaration's source and cast) is
// known by it in place of its member, so that moving a config entry keeps it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/finding.h"

namespace dtlint {

// `path` as seen from `root`: '/'-separated, lexically normal, relative when it
// lies under root (otherwise absolute).
std::string path_from(const std::string& path, const std::filesystem::path& root);

// 16 lower-case hex digits (64-bit FNV-1a over rule, path from root, identity or else member, target).
std::string fingerprint(const Finding& finding, const std::filesystem::path& root);

struct BaselineEntry {
  std::string fingerprint;
  std::string rule, path;  // for people reading the file; only the fingerprint is matched
  std::optional<std::string> member, target;
  std::optional<std::string> identity;  // written only for findings that have one
};

// The findings of one run, recorded by --write-baseline. Paths and
// fingerprints are relative to the baseline file's folder.
struct Baseline {
  std::string file;
  std::vector<BaselineEntry> entries;
};

// Records `findings` (JSON, sorted by fingerprint so refreshes diff cleanly).
// Throws std::runtime_error naming the file when it cannot be written.
void write_baseline(const std::string& file, const std::vector<Finding>& findings);
// Throws InputError naming the file and the reason when it is missing or malformed.
Baseline read_baseline(const std::string& file);

struct BaselineOutcome {
  std::uint64_t matched = 0;  // findings hidden because the baseline knows them
  std::uint64_t fixed = 0;    // baseline entries no finding matched: they can be removed
};

// Removes the findings the baseline knows (each entry hides one finding).
BaselineOutcome apply_baseline(const Baseline& baseline, std::vector<Finding>& findings);

// The same one finding at a time, in report order, for a scan that streams:
// it keeps a count per fingerprint, never the findings.
class BaselineMatcher {
 public:
  explicit BaselineMatcher(const Baseline& baseline);
  // Whether the baseline knows `finding` (then one of its entries is used up).
  bool hides(const Finding& finding);
  BaselineOutcome outcome() const;

 private:
  std::filesystem::path root_;
  std::map<std::string, std::uint64_t> remaining_;  // fingerprint → entries not yet matched
  std::uint64_t matched_ = 0;
};

// What --write-baseline records, collected one finding at a time: a compact
// record per finding (its fingerprint, rule, target, member and an index into
// the paths, which come grouped), written out sorted at the end.
class BaselineRecorder {
 public:
  explicit BaselineRecorder(const std::string& file);
  void add(const Finding& finding);
  std::size_t size() const { return records_.size(); }
  // Throws std::runtime_error naming the file when it cannot be written.
  void write() const;

 private:
  struct Record {
    std::uint64_t fingerprint;
    const Rule* rule;
    std::uint32_t path;  // index in paths_
    std::optional<DType> target;
    std::optional<std::string> member;
    std::string identity;
  };
  std::string file_;
  std::filesystem::path root_;
  std::vector<std::string> paths_;  // relative to root_
  std::string last_path_;           // the finding's path as given, for paths_.back()
  std::vector<Record> records_;
};

}  // namespace dtlint
