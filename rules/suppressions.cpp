#include "rules/suppressions.h"

#include <algorithm>
#include <filesystem>

#include "rules/baseline.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

// Whether some scanned path is the configuration's folder or one above it.
bool covers_root(const Config& config, std::span<const std::string> scanned) {
  const fs::path root = fs::absolute(config.root).lexically_normal();
  for (const std::string& path : scanned) {
    const fs::path relative = root.lexically_relative(fs::absolute(path).lexically_normal());
    if (!relative.empty() && *relative.begin() != "..") return true;  // "." or a path below
  }
  return false;
}

std::string describe(const Suppression& entry) {
  std::string text = "ignore entry (path '" + entry.path + "'";
  if (entry.member) text += ", member '" + *entry.member + "'";
  text += ", rules ";
  for (std::size_t i = 0; i < entry.rules.size(); ++i) text += (i ? ", " : "") + entry.rules[i];
  return text + ")";
}

std::vector<std::string> entry_paths(const Config& config) {
  std::vector<std::string> paths;
  for (const Suppression& entry : config.ignore) paths.push_back(entry.path);
  return paths;
}

}  // namespace

Suppressor::Suppressor(const Config& config, std::span<const std::string> scanned)
    : config_(config),
      paths_(entry_paths(config)),
      used_(config.ignore.size(), false),
      judged_(config.ignore.size(), false) {
  if (config.ignore.empty()) return;
  whole_root_ = covers_root(config, scanned);
  for (const Suppression& entry : config.ignore) {
    members_.push_back(entry.member ? std::optional<Glob>(Glob(*entry.member)) : std::nullopt);
  }
}

const std::vector<std::size_t>& Suppressor::entries_for(const std::string& path) {
  if (!have_last_ || path != last_path_) {
    // Every entry's path glob in one pass (GlobSet): the number of entries does
    // not multiply with the number of findings.
    last_entries_ = paths_.matching(path_from(path, config_.root));
    last_path_ = path;
    have_last_ = true;
  }
  return last_entries_;
}

bool Suppressor::hides(const Finding& finding) {
  if (config_.ignore.empty()) return false;
  bool hide = false;
  for (const std::size_t e : entries_for(finding.location.path)) {
    const Suppression& entry = config_.ignore[e];
    if (std::find(entry.rules.begin(), entry.rules.end(), finding.rule->code()) == entry.rules.end())
      continue;
    if (members_[e] && !(finding.location.member && members_[e]->matches(*finding.location.member))) continue;
    used_[e] = hide = true;
  }
  hidden_ += hide;
  return hide;
}

void Suppressor::saw_input(const std::string& path) {
  if (config_.ignore.empty() || whole_root_ || path == last_seen_) return;  // inputs come grouped by file
  last_seen_ = path;
  for (const std::size_t e : entries_for(path)) judged_[e] = true;
}

std::vector<Finding> Suppressor::unused_notes() const {
  std::vector<Finding> notes;
  if (config_.ignore.empty()) return notes;
  const Rule* rule = find_rule("DT205");
  const auto setting = config_.settings.rules.find("DT205");
  if (setting != config_.settings.rules.end() && setting->second.off) return notes;
  for (std::size_t e = 0; e < config_.ignore.size(); ++e) {
    const Suppression& entry = config_.ignore[e];
    if (used_[e] || !(whole_root_ || judged_[e])) continue;
    Finding note;
    note.rule = rule;
    note.severity = setting != config_.settings.rules.end() && setting->second.severity
                        ? *setting->second.severity
                        : rule->default_severity();
    note.location.path = path_from(config_.file, fs::current_path());
    note.location.line = entry.line;
    note.message =
        describe(entry) + " matched no finding; remove it or correct it (reason given: " + entry.reason + ")";
    notes.push_back(std::move(note));
  }
  return notes;
}

std::uint64_t apply_suppressions(const Config& config, std::span<const std::string> scanned,
                                 const ScanResult& scan, std::vector<Finding>& findings) {
  Suppressor suppressor(config, scanned);
  std::erase_if(findings, [&](const Finding& f) { return suppressor.hides(f); });
  for (const ArrayResult& a : scan.arrays) suppressor.saw_input(a.location.path);
  for (const Problem& p : scan.problems) suppressor.saw_input(p.location.path);
  for (const Skipped& s : scan.skipped) suppressor.saw_input(s.location.path);
  for (const RefusedCode& r : scan.code_refused) suppressor.saw_input(r.location.path);
  for (Finding& note : suppressor.unused_notes()) findings.push_back(std::move(note));
  return suppressor.hidden();
}

}  // namespace dtlint
