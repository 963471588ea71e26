#include "rules/selection.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <sstream>

#include "document/spelling.h"
#include "rules/registry.h"

namespace dtlint {
namespace {

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

std::string_view trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A code's linter: its letters ("DT" of "DT101", "E" of "E901").
std::string_view linter_of(std::string_view code) {
  return code.substr(0, code.find_first_of("0123456789"));
}

// One parsed selector: the code prefix it matches ("" for ALL; a whole code
// for a code or a name) and how specific it is.
struct Selector {
  std::string prefix;
  std::size_t specificity = 0;  // 0 for ALL, then 1 + the digits of the prefix
  bool matches(const Rule& rule) const { return rule.code().starts_with(prefix); }
};

// Every prefix at a linter's boundary that some rule has, longest first
// ("DT10", ..., "DT1", ..., "DT"; whole codes excluded: they are rules), so
// that a suggestion keeps the length of what was typed where it can.
std::vector<std::string> known_prefixes() {
  std::set<std::string> seen;
  std::vector<std::string> prefixes;
  for (const Rule* rule : rule_registry()) {
    const std::string_view code = rule->code();
    for (std::size_t length = linter_of(code).size(); length < code.size(); ++length) {
      std::string prefix(code.substr(0, length));
      if (seen.insert(prefix).second) prefixes.push_back(std::move(prefix));
    }
  }
  std::stable_sort(prefixes.begin(), prefixes.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return prefixes;
}

std::optional<Selector> parse_selector(std::string_view text) {
  const std::string code = upper(text);
  if (code == "ALL") return Selector{"", 0};
  if (const Rule* rule = find_rule(text)) {
    return Selector{std::string(rule->code()), 1 + rule->code().size() - linter_of(rule->code()).size()};
  }
  for (const std::string& prefix : known_prefixes()) {
    if (prefix == code) return Selector{prefix, 1 + prefix.size() - linter_of(prefix).size()};
  }
  return std::nullopt;
}

std::string unknown_selector_message(std::string_view text, const std::string& option) {
  // Codes first, so that a mistyped code is matched to a code before a prefix.
  std::vector<std::string> owned;
  for (const Rule* rule : rule_registry()) owned.emplace_back(rule->code());
  for (const Rule* rule : rule_registry()) owned.emplace_back(rule->name());
  for (std::string& prefix : known_prefixes()) owned.push_back(std::move(prefix));
  owned.emplace_back("ALL");
  const std::vector<std::string_view> candidates(owned.begin(), owned.end());
  return "unknown rule '" + std::string(text) + "' in " + option + did_you_mean(text, candidates) +
         (closest_spelling(text, candidates) ? "" : " (`dtlint rules` lists the codes and names)");
}

std::vector<Selector> parse_lists(const std::vector<std::string>& lists, const std::string& option) {
  std::vector<Selector> selectors;
  for (const std::string& list : lists) {
    std::stringstream stream(list);
    for (std::string item; std::getline(stream, item, ',');) {
      const std::string_view text = trimmed(item);
      if (text.empty()) {
        throw SelectionError(option + ": an empty rule selector in '" + list +
                             "' (expected comma-separated codes, prefixes, names or ALL)");
      }
      const std::optional<Selector> selector = parse_selector(text);
      if (!selector) throw SelectionError(unknown_selector_message(text, option));
      selectors.push_back(*selector);
    }
    if (list.empty() || list.back() == ',') {
      throw SelectionError(option + ": an empty rule selector in '" + list +
                           "' (expected comma-separated codes, prefixes, names or ALL)");
    }
  }
  return selectors;
}

// The most specific selector of `selectors` that matches `rule`, or nullopt.
std::optional<std::size_t> best_match(const std::vector<Selector>& selectors, const Rule& rule,
                                      bool skip_all) {
  std::optional<std::size_t> best;
  for (const Selector& selector : selectors) {
    if (skip_all && selector.specificity == 0) continue;
    if (selector.matches(rule) && (!best || selector.specificity > *best)) best = selector.specificity;
  }
  return best;
}

}  // namespace

RuleSelection RuleSelection::parse(const std::vector<std::string>& select,
                                   const std::vector<std::string>& extend_select,
                                   const std::vector<std::string>& ignore) {
  std::vector<Selector> selecting = parse_lists(select, "--select");
  if (selecting.empty()) selecting.push_back(Selector{"", 0});  // the default: ALL
  const std::vector<Selector> extending = parse_lists(extend_select, "--extend-select");
  selecting.insert(selecting.end(), extending.begin(), extending.end());
  const std::vector<Selector> ignoring = parse_lists(ignore, "--ignore");

  RuleSelection selection;
  for (const Rule* rule : rule_registry()) {
    // An unreadable input was not checked at all: only an explicit --ignore hides it.
    const bool unreadable = rule->kind() == FactKind::UnreadableInput;
    const std::optional<std::size_t> selected = best_match(selecting, *rule, unreadable);
    const std::optional<std::size_t> ignored = best_match(ignoring, *rule, unreadable);
    const bool on = unreadable ? !ignored || (selected && *selected > *ignored)
                               : selected && (!ignored || *selected > *ignored);
    if (!on) selection.off_.insert(rule);
  }
  return selection;
}

}  // namespace dtlint
