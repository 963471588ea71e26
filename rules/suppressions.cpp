#include "rules/suppressions.h"

#include <algorithm>
#include <filesystem>

#include "rules/baseline.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

bool matches(const Suppression& entry, const Finding& finding, const std::string& relative_path) {
  if (std::find(entry.rules.begin(), entry.rules.end(), finding.rule->code()) == entry.rules.end())
    return false;
  if (!glob_match(entry.path, relative_path)) return false;
  if (entry.member) return finding.location.member && glob_match(*entry.member, *finding.location.member);
  return true;
}

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

}  // namespace

std::uint64_t apply_suppressions(const Config& config, std::span<const std::string> scanned,
                                 const ScanResult& scan, std::vector<Finding>& findings) {
  if (config.ignore.empty()) return 0;
  std::vector<bool> used(config.ignore.size(), false);
  std::uint64_t hidden = 0;
  std::erase_if(findings, [&](const Finding& f) {
    const std::string relative = path_from(f.location.path, config.root);
    bool hide = false;
    for (std::size_t e = 0; e < config.ignore.size(); ++e) {
      if (matches(config.ignore[e], f, relative)) used[e] = hide = true;
    }
    hidden += hide;
    return hide;
  });

  const bool whole_root = covers_root(config, scanned);
  std::vector<std::string> inputs;  // every input the scan saw, relative to the root
  if (!whole_root) {
    for (const ArrayResult& a : scan.arrays) inputs.push_back(path_from(a.location.path, config.root));
    for (const Problem& p : scan.problems) inputs.push_back(path_from(p.location.path, config.root));
    for (const Skipped& s : scan.skipped) inputs.push_back(path_from(s.location.path, config.root));
  }
  const Rule* rule = find_rule("DT205");
  const auto setting = config.settings.rules.find("DT205");
  if (setting != config.settings.rules.end() && setting->second.off) return hidden;
  for (std::size_t e = 0; e < config.ignore.size(); ++e) {
    const Suppression& entry = config.ignore[e];
    if (used[e]) continue;
    const bool judged =
        whole_root || std::any_of(inputs.begin(), inputs.end(),
                                  [&](const std::string& input) { return glob_match(entry.path, input); });
    if (!judged) continue;
    Finding note;
    note.rule = rule;
    note.severity = setting != config.settings.rules.end() && setting->second.severity
                        ? *setting->second.severity
                        : rule->default_severity();
    note.location.path = path_from(config.file, fs::current_path());
    note.location.line = entry.line;
    note.message =
        describe(entry) + " matched no finding; remove it or correct it (reason given: " + entry.reason + ")";
    findings.push_back(std::move(note));
  }
  return hidden;
}

}  // namespace dtlint
