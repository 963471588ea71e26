#include "rules/plan_judgement.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "analyzer/formats/untrusted_text.h"
#include "rules/baseline.h"
#include "rules/evaluate.h"
#include "rules/registry.h"

namespace dtlint {

namespace {

// How many of a declaration's worst arrays a PL304 message names.
constexpr std::size_t kWorstNamed = 3;

// The data a finding is about, as a baseline knows it: relative to the
// declaration's folder, so that it does not depend on the folder dtlint runs in.
std::string data_identity(const CastDeclaration& declaration, const Location& data) {
  const std::string path =
      path_from(data.path, std::filesystem::absolute(declaration.where.path).parent_path());
  return data.member ? path + ":" + *data.member : path;
}

std::string quoted(const Location& location) {
  return "'" + location.display() + "'";
}

std::string profile_text(const CastDeclaration& declaration, const CastStats& cast) {
  const std::optional<Semantics> profile = cast.semantics ? cast.semantics : declaration.semantics;
  return profile ? " (" + std::string(to_string(*profile)) + " profile)" : "";
}

// "DT101: 5 of 3000 values overflow ...; DT110: ...".
std::string causes(const std::vector<Finding>& errors) {
  std::string text;
  for (const Finding& f : errors)
    text += (text.empty() ? "" : "; ") + std::string(f.rule->code()) + ": " + f.message;
  return text;
}

// "DT101 ×12, DT110 ×3": the rules and their counts, for a list of arrays.
std::string short_causes(const std::vector<Finding>& errors) {
  std::string text;
  for (const Finding& f : errors)
    text += (text.empty() ? "" : ", ") + std::string(f.rule->code()) + " ×" + std::to_string(f.count);
  return text;
}

// "float16", or "float16, bfloat16": the dtypes a declaration casts to.
std::string targets_of(const CastDeclaration& declaration) {
  std::string text;
  for (DType type : declaration.casts) text += (text.empty() ? "" : ", ") + std::string(name(type));
  return text;
}

std::uint64_t largest_count(const std::vector<Finding>& errors) {
  std::uint64_t count = 0;
  for (const Finding& f : errors) count = std::max(count, f.count);
  return count;
}

}  // namespace

struct PlanJudgement::Tally {
  std::shared_ptr<const CastDeclaration> declaration;
  std::vector<std::string> files;     // the files it was bound to before the scan
  std::optional<std::string> member;  // the member glob it was bound with
  bool file_unreadable = false;
  std::uint64_t arrays = 0;                         // arrays it covered
  std::uint64_t already_declared = 0;               // of those, stored in the declared dtype already
  std::map<DType, std::uint64_t> stored_otherwise;  // the others, by stored dtype (model configs' PL302)
  // PL304: the arrays the cast breaks, and the worst of them.
  std::uint64_t broken = 0, values = 0;
  struct Worst {
    std::uint64_t count;
    Location location;
    std::string causes;
    Finding first;  // the worst array's first error: its target, index and value
  };
  std::vector<Worst> worst;
};

PlanJudgement::PlanJudgement(RulesAt rules_at, CastErrors cast_errors)
    : rules_at_(std::move(rules_at)), cast_errors_(std::move(cast_errors)) {}

PlanJudgement::~PlanJudgement() = default;

PlanJudgement::Tally& PlanJudgement::tally(const std::shared_ptr<const CastDeclaration>& declaration) {
  const auto [it, fresh] = by_declaration_.try_emplace(declaration.get(), nullptr);
  if (fresh) {
    tallies_.push_back(std::make_unique<Tally>());
    tallies_.back()->declaration = declaration;
    it->second = tallies_.back().get();
  }
  return *it->second;
}

void PlanJudgement::expect(const CastPlan& plan) {
  for (const CastPlan::Binding& binding : plan.bindings) {
    Tally& t = tally(binding.declaration.declaration);
    t.files.push_back(binding.file);
    if (binding.declaration.member) t.member = binding.declaration.member;
    by_file_[binding.file].push_back(&t);
  }
  for (const MissingSource& missing : plan.missing) {
    if (missing.declaration) tally(missing.declaration);
    missing_.push_back(missing);
  }
}

void PlanJudgement::add(std::vector<Finding>& out, Finding finding) const {
  const std::map<std::string, RuleSetting>& rules = rules_at_(finding.location.path);
  if (const auto it = rules.find(std::string(finding.rule->code())); it != rules.end()) {
    if (it->second.off) return;
    if (it->second.severity && finding.severity != Severity::Note) finding.severity = *it->second.severity;
  }
  out.push_back(std::move(finding));
}

void PlanJudgement::array(const ArrayResult& array, std::vector<Finding>& out) {
  std::set<const CastDeclaration*> counted;  // a declaration of several targets covers the array once
  std::set<const CastDeclaration*> broken;   // and breaks it once (PL304's tally)
  std::vector<Finding> mismatches;           // PL302, after the PL301 findings (code order)
  for (const BoundCast& bound : array.declared) {
    const CastDeclaration& declaration = *bound.declaration;
    Tally& t = tally(bound.declaration);
    const CastStats& cast = array.analysis.casts.at(bound.cast);
    const bool first_target = counted.insert(&declaration).second;
    if (first_target) {
      ++t.arrays;
      if (array.dtype == cast.target) {
        ++t.already_declared;
      } else {
        ++t.stored_otherwise[array.dtype];
      }
    }
    const bool with_tolerance = declaration.rtol || declaration.atol;
    const std::vector<Finding> errors = cast_errors_(array, bound.cast, with_tolerance);
    const std::string data = quoted(array.location);
    const std::string target(name(cast.target));

    if (first_target && declaration.expect_dtype && *declaration.expect_dtype != array.dtype) {
      Finding f =
          input_finding("PL302", declaration.where,
                        declaration.name + " expects " + std::string(name(*declaration.expect_dtype)) +
                            ", but " + data + " is stored as " + std::string(name(array.dtype)) +
                            (array.stored_dtype.empty() ? "" : " ('" + array.stored_dtype + "')"));
      f.related = array.location;
      f.identity = declaration.identity + " @ " + data_identity(declaration, array.location);
      mismatches.push_back(std::move(f));
    }
    if (errors.empty()) continue;

    if (declaration.kind == DeclarationKind::PipelineEntry || declaration.kind == DeclarationKind::OnnxCast) {
      const Finding& first = errors.front();
      Finding f = input_finding("PL301", declaration.where,
                                declaration.name + " casts " + data + " to " + target +
                                    profile_text(declaration, cast) + ": " + causes(errors));
      f.related = array.location;
      f.target = cast.target;
      f.count = largest_count(errors);
      f.first_index = first.first_index;
      f.first_value = first.first_value;
      f.first_value_is_integer = first.first_value_is_integer;
      f.identity = declaration.identity + " @ " + data_identity(declaration, array.location);
      add(out, std::move(f));
      continue;
    }
    // PL304: the model's weights, tallied; the worst are named at the end.
    if (!broken.insert(&declaration).second) continue;
    ++t.broken;
    const std::uint64_t count = largest_count(errors);
    t.values += count;
    t.worst.push_back({count, array.location, short_causes(errors), errors.front()});
    t.worst.back().first.target = cast.target;
    std::stable_sort(t.worst.begin(), t.worst.end(),
                     [](const Tally::Worst& a, const Tally::Worst& b) { return a.count > b.count; });
    if (t.worst.size() > kWorstNamed) t.worst.pop_back();
  }
  for (Finding& f : mismatches) add(out, std::move(f));
}

void PlanJudgement::problem(const Location& location) {
  if (const auto it = by_file_.find(location.path); it != by_file_.end()) {
    for (Tally* t : it->second) t->file_unreadable = true;
  }
}

void PlanJudgement::finish(std::vector<Finding>& out) {
  for (const MissingSource& missing : missing_) {
    const std::string name = missing.declaration ? missing.declaration->name + ": " : "";
    Finding f = input_finding("PL303", missing.where, name + missing.message);
    f.identity = (missing.declaration ? missing.declaration->identity : "") + " @ missing " + missing.subject;
    add(out, std::move(f));
  }
  for (const std::unique_ptr<Tally>& owned : tallies_) {
    const Tally& t = *owned;
    const CastDeclaration& declaration = *t.declaration;
    if (t.arrays == 0) {
      // Bound to files that hold nothing it covers (a member no file has).
      // A Keras policy covering no weights is a weightless layer's (Dropout,
      // Activation): a missing weights file is its loader's MissingSource.
      if (t.files.empty() || t.file_unreadable || declaration.kind == DeclarationKind::KerasPolicy) continue;
      std::string files;
      for (std::size_t i = 0; i < t.files.size() && i < kWorstNamed; ++i)
        files += (i ? ", " : "") + std::string("'") + t.files[i] + "'";
      if (t.files.size() > kWorstNamed)
        files += " and " + std::to_string(t.files.size() - kWorstNamed) + " more";
      const std::string what =
          t.member ? "no member matching " + quote_untrusted(*t.member, 80) + " in " : "no array in ";
      Finding f = input_finding(
          "PL303", declaration.where,
          declaration.name + ": " + what + files + " (`dtlint scan --format json` lists the members)");
      f.identity = declaration.identity + " @ no array";
      add(out, std::move(f));
      continue;
    }
    if (declaration.kind != DeclarationKind::ModelConfig && declaration.kind != DeclarationKind::KerasPolicy)
      continue;
    const std::string targets = targets_of(declaration);
    // A model config's dtype is the dtype its weights were saved in (transformers writes it
    // so): weights stored otherwise are cast at every load (PL302). A Keras mixed policy keeps its
    // variables in float32 by design, so only model configs are held to it.
    // One finding per cause: when the cast breaks weights (PL304), that it happens at all is implied.
    if (declaration.kind == DeclarationKind::ModelConfig && !t.stored_otherwise.empty() && t.broken == 0) {
      std::string stored;
      std::uint64_t others = 0;
      for (const auto& [type, count] : t.stored_otherwise) {
        stored += (stored.empty() ? "" : ", ") + std::to_string(count) + " " + std::string(name(type));
        others += count;
      }
      Finding f = input_finding("PL302", declaration.where,
                                declaration.name + " declares " + targets + ", but " +
                                    std::to_string(others) + " of " + std::to_string(t.arrays) +
                                    (t.arrays == 1 ? " weight is" : " weights are") + " stored otherwise (" +
                                    stored + "): loading the model in the declared dtype casts them");
      f.identity = declaration.identity + " @ stored";
      add(out, std::move(f));
    }
    if (t.broken > 0) {
      const Tally::Worst& worst = t.worst.front();
      std::string named;
      for (const Tally::Worst& w : t.worst)
        named += (named.empty() ? "" : ", ") + quoted(w.location) + " (" + w.causes + ")";
      if (t.broken > t.worst.size()) named += " and " + std::to_string(t.broken - t.worst.size()) + " more";
      Finding f =
          input_finding("PL304", declaration.where,
                        declaration.name + ": the cast to " + targets + " overflows or corrupts " +
                            std::to_string(t.broken) + " of " + std::to_string(t.arrays) +
                            (t.arrays == 1 ? " weight" : " weights") + " (" + std::to_string(t.values) +
                            (t.values == 1 ? " value" : " values") + "): " + named);
      f.related = worst.location;
      f.target = worst.first.target;
      f.count = t.values;
      f.first_index = worst.first.first_index;
      f.first_value = worst.first.first_value;
      f.first_value_is_integer = worst.first.first_value_is_integer;
      f.identity = declaration.identity;
      add(out, std::move(f));
    } else if (t.already_declared == t.arrays) {
      Finding f = input_finding("PL304", declaration.where,
                                declaration.name + ": every stored weight (" + std::to_string(t.arrays) +
                                    ") is already " + targets + "; the declared precision casts nothing");
      f.severity = Severity::Note;
      f.identity = declaration.identity + " @ already";
      add(out, std::move(f));
    }
  }
}

}  // namespace dtlint
