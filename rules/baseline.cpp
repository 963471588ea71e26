#include "rules/baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

fs::path folder_of(const std::string& file) {
  const fs::path parent = fs::absolute(file).parent_path();
  return parent.lexically_normal();
}

}  // namespace

std::string path_from(const std::string& path, const fs::path& root) {
  const fs::path absolute = fs::absolute(path).lexically_normal();
  const fs::path relative = absolute.lexically_relative(fs::absolute(root).lexically_normal());
  if (relative.empty() || *relative.begin() == "..") return absolute.generic_string();
  return relative.generic_string();
}

std::string fingerprint(const Finding& finding, const fs::path& root) {
  const std::string fields[] = {
      std::string(finding.rule->code()), path_from(finding.location.path, root),
      finding.location.member ? "member:" + *finding.location.member : std::string("-"),
      finding.target ? std::string(name(*finding.target)) : std::string("-")};
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  // Fields are separated by a byte no field contains, so ("a", "bc") ≠ ("ab", "c").
  for (const std::string& field : fields) {
    hash = fnv1a(field, hash);
    hash = fnv1a(std::string_view("\x1f", 1), hash);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

void write_baseline(const std::string& file, const std::vector<Finding>& findings) {
  const fs::path root = folder_of(file);
  std::vector<nlohmann::ordered_json> entries;
  for (const Finding& f : findings) {
    nlohmann::ordered_json e;
    e["fingerprint"] = fingerprint(f, root);
    e["rule"] = std::string(f.rule->code());
    e["path"] = path_from(f.location.path, root);
    e["member"] = f.location.member ? nlohmann::ordered_json(*f.location.member) : nullptr;
    e["target"] = f.target ? nlohmann::ordered_json(std::string(name(*f.target))) : nullptr;
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a["fingerprint"].template get_ref<const std::string&>() <
           b["fingerprint"].template get_ref<const std::string&>();
  });
  nlohmann::ordered_json document;
  document["dtlint_baseline"] = 1;
  document["findings"] = std::move(entries);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  out.close();
  if (!out) throw std::runtime_error("--write-baseline: cannot write '" + file + "'");
}

Baseline read_baseline(const std::string& file) {
  // A baseline records one entry (about 200 bytes) per finding.
  constexpr std::size_t kMaxBaselineBytes = std::size_t{256} << 20;
  const auto document = nlohmann::json::parse(read_text_file(file, file, kMaxBaselineBytes), nullptr, false);
  if (document.is_discarded()) throw InputError(file, "the baseline is not valid JSON");
  if (!document.is_object() || !document.contains("dtlint_baseline") || document["dtlint_baseline"] != 1 ||
      !document.contains("findings") || !document["findings"].is_array())
    throw InputError(file, "not a dtlint baseline (expected {\"dtlint_baseline\": 1, \"findings\": [...]})");
  Baseline baseline{file, {}};
  std::size_t index = 0;
  for (const auto& e : document["findings"]) {
    const auto text_field = [&](const char* key) -> std::optional<std::string> {
      if (!e.is_object() || !e.contains(key) || e[key].is_null()) return std::nullopt;
      if (!e[key].is_string())
        throw InputError(file, "findings[" + std::to_string(index) + "]." + key + " is not a string");
      return e[key].get<std::string>();
    };
    BaselineEntry entry;
    const auto print = text_field("fingerprint");
    if (!print || print->size() != 16 || print->find_first_not_of("0123456789abcdef") != std::string::npos)
      throw InputError(file, "findings[" + std::to_string(index) + "] has no valid fingerprint");
    entry.fingerprint = *print;
    entry.rule = text_field("rule").value_or("");
    entry.path = text_field("path").value_or("");
    entry.member = text_field("member");
    entry.target = text_field("target");
    baseline.entries.push_back(std::move(entry));
    ++index;
  }
  return baseline;
}

BaselineOutcome apply_baseline(const Baseline& baseline, std::vector<Finding>& findings) {
  const fs::path root = folder_of(baseline.file);
  std::map<std::string, std::uint64_t> remaining;  // fingerprint → entries not yet matched
  for (const BaselineEntry& e : baseline.entries) ++remaining[e.fingerprint];
  BaselineOutcome outcome;
  std::erase_if(findings, [&](const Finding& f) {
    const auto it = remaining.find(fingerprint(f, root));
    if (it == remaining.end() || it->second == 0) return false;
    --it->second;
    ++outcome.matched;
    return true;
  });
  for (const auto& [print, count] : remaining) outcome.fixed += count;
  return outcome;
}

}  // namespace dtlint
