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

namespace {

// 64-bit FNV-1a over the fields, each followed by a byte no field contains,
// so that ("a", "bc") ≠ ("ab", "c"). A finding with an identity (a
// declaration's source and cast) is known by it instead of its member: the
// line of a config entry moves, its identity does not.
std::uint64_t fingerprint_of(std::string_view code, const std::string& relative_path,
                             const std::optional<std::string>& member, const std::string& identity,
                             std::optional<DType> target) {
  const std::string fields[] = {std::string(code), relative_path,
                                !identity.empty() ? "identity:" + identity
                                : member          ? "member:" + *member
                                                  : std::string("-"),
                                target ? std::string(name(*target)) : std::string("-")};
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (const std::string& field : fields) {
    hash = fnv1a(field, hash);
    hash = fnv1a(std::string_view("\x1f", 1), hash);
  }
  return hash;
}

std::string hex(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

std::string fingerprint(const Finding& finding, const fs::path& root) {
  return hex(fingerprint_of(finding.rule->code(), path_from(finding.location.path, root),
                            finding.location.member, finding.identity, finding.target));
}

void write_baseline(const std::string& file, const std::vector<Finding>& findings) {
  BaselineRecorder recorder(file);
  for (const Finding& f : findings) recorder.add(f);
  recorder.write();
}

BaselineRecorder::BaselineRecorder(const std::string& file) : file_(file), root_(folder_of(file)) {}

void BaselineRecorder::add(const Finding& f) {
  if (paths_.empty() || f.location.path != last_path_) {
    paths_.push_back(path_from(f.location.path, root_));
    last_path_ = f.location.path;
  }
  records_.push_back({fingerprint_of(f.rule->code(), paths_.back(), f.location.member, f.identity, f.target),
                      f.rule, static_cast<std::uint32_t>(paths_.size() - 1), f.target, f.location.member,
                      f.identity});
}

void BaselineRecorder::write() const {
  // Sorted by fingerprint so refreshes diff cleanly; ties keep the findings' order.
  std::vector<std::uint32_t> order(records_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return records_[a].fingerprint < records_[b].fingerprint;  // fixed-width hex sorts as the number
  });
  std::ofstream out(file_, std::ios::binary | std::ios::trunc);
  // The layout of nlohmann's dump(2) of the whole document, one entry at a time.
  out << "{\n  \"dtlint_baseline\": 1,\n  \"findings\": [";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Record& r = records_[order[i]];
    nlohmann::ordered_json e;
    e["fingerprint"] = hex(r.fingerprint);
    e["rule"] = std::string(r.rule->code());
    e["path"] = paths_[r.path];
    e["member"] = r.member ? nlohmann::ordered_json(*r.member) : nullptr;
    e["target"] = r.target ? nlohmann::ordered_json(std::string(name(*r.target))) : nullptr;
    if (!r.identity.empty()) e["identity"] = r.identity;  // what the fingerprint is made from
    const std::string text = e.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out << (i ? ",\n    " : "\n    ");
    for (const char c : text) {
      out << c;
      if (c == '\n') out << "    ";
    }
  }
  out << (order.empty() ? "]\n}\n" : "\n  ]\n}\n");
  out.close();
  if (!out) throw std::runtime_error("--write-baseline: cannot write '" + file_ + "'");
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
    entry.identity = text_field("identity");
    baseline.entries.push_back(std::move(entry));
    ++index;
  }
  return baseline;
}

BaselineMatcher::BaselineMatcher(const Baseline& baseline) : root_(folder_of(baseline.file)) {
  for (const BaselineEntry& e : baseline.entries) ++remaining_[e.fingerprint];
}

bool BaselineMatcher::hides(const Finding& finding) {
  if (remaining_.empty()) return false;
  const auto it = remaining_.find(fingerprint(finding, root_));
  if (it == remaining_.end() || it->second == 0) return false;
  --it->second;
  ++matched_;
  return true;
}

BaselineOutcome BaselineMatcher::outcome() const {
  BaselineOutcome outcome;
  outcome.matched = matched_;
  for (const auto& [print, count] : remaining_) outcome.fixed += count;
  return outcome;
}

BaselineOutcome apply_baseline(const Baseline& baseline, std::vector<Finding>& findings) {
  BaselineMatcher matcher(baseline);
  std::erase_if(findings, [&](const Finding& f) { return matcher.hides(f); });
  return matcher.outcome();
}

}  // namespace dtlint
