// A rule as one registered unit, after clang-tidy's one class per check and
// ruff's one file per rule: its documentation, its options, the kind of fact
// it judges and its judge live together in rules/checks/<code>_<name>.cpp.
// The registry (rules/registry.h) lists every rule in code order; `dtlint
// rules`, `dtlint explain`, docs/rules, SARIF driver.rules, the configuration
// validator and `dtlint config` all read from it.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace dtlint {

// SARIF's levels, ordered so that a larger value is more severe.
enum class Severity { Note = 0, Warning = 1, Error = 2 };
std::string_view to_string(Severity severity);
std::optional<Severity> severity_from_string(std::string_view text);

// One rule's documentation block (ruff's What it does / Why is this bad /
// Example / Use instead). Text is wrapped at 88 columns.
struct RuleDoc {
  std::string_view code;  // "DT101"
  std::string_view name;  // "cast-overflow"
  Severity default_severity;
  std::string_view summary;  // one line: when it fires
  std::string_view what;     // What it does
  std::string_view why;      // Why is this bad
  std::string_view example;  // a concrete example with numbers
  std::string_view fix;      // Use instead / how to fix
  std::string_view options;  // how the command line and configuration tune it
};

// An option a rule declares, set in the configuration as
// `rules: {CODE: {NAME: VALUE}}`. Every option is a number within [min, max];
// the validator, `dtlint config`, `explain` and the docs read this declaration.
struct RuleOption {
  std::string_view name;  // "fraction"
  double default_value;
  double min, max;
  std::string_view doc;  // one sentence: what the value means
};

// What a rule judges; evaluate() hands each kind of fact to the rules that
// declare it.
enum class FactKind {
  ArrayAnalysis,  // a numeric array's statistics and simulated casts
  ObjectArray,    // an array of pickled objects, never unpickled
  SkippedInput,   // an input or member skipped on purpose
  UnreadableInput,
  Suppression,  // an `ignore` entry of the configuration
  CastPlan,     // a cast declared in a pipeline configuration
  CastSite,     // a cast in C/C++ source
};
std::string_view to_string(FactKind kind);

class ArrayJudgement;
class SiteJudgement;

class Rule {
 public:
  constexpr Rule(const RuleDoc& doc, FactKind kind, std::span<const RuleOption> options = {})
      : doc_(doc), kind_(kind), options_(options) {}
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  std::string_view code() const { return doc_.code; }
  std::string_view name() const { return doc_.name; }
  Severity default_severity() const { return doc_.default_severity; }
  const RuleDoc& doc() const { return doc_; }
  FactKind kind() const { return kind_; }
  std::span<const RuleOption> options() const { return options_; }
  // The option called `name`, or nullptr.
  const RuleOption* option(std::string_view name) const;

  // Array rules (ArrayAnalysis, ObjectArray) judge one array at a time; the
  // others are judged where their facts are made (evaluate.cpp, suppressions).
  virtual void judge(ArrayJudgement& /*array*/) const {}
  // CastSite rules judge one cast in C/C++ source at a time.
  virtual void judge_site(SiteJudgement& /*site*/) const {}

 private:
  const RuleDoc& doc_;
  FactKind kind_;
  std::span<const RuleOption> options_;
};

}  // namespace dtlint
