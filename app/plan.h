// The declared casts of one scan (DESIGN §5): dtlint's own `pipeline` entries
// and the plan files (a Hugging Face config.json, a Keras model JSON) that
// discovery finds, bound to the data files they cover, before any data is read.
#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/pipeline/declaration.h"
#include "analyzer/scan/discovery.h"
#include "rules/config.h"

namespace dtlint {

class RunPlan {
 public:
  // `given`: the scan's paths as named. A configuration's pipeline entries
  // all run when the scan covers the configuration's folder (or names the
  // configuration file); otherwise (pre-commit naming changed files) each
  // entry covers only the files the scan reads anyway, and an entry matching
  // none of them is not reported as missing. Each configuration's entries are
  // relative to its own folder; the configurations must outlive the plan.
  RunPlan(const Config& config, std::span<const std::string> given);
  RunPlan(const std::vector<const Config*>& configs, std::span<const std::string> given);

  // Loads the plan files `found` lists (an unusable one: an E901 in
  // found.problems), resolves the pipeline entries, and appends to found.files
  // the data files they cover that discovery did not list.
  void prepare(Discovery& found);

  bool empty() const { return plan_.bindings.empty() && plan_.missing.empty(); }
  // Whether some configuration's pipeline entries all run (the scan covers its folder or names it).
  bool runs_every_entry() const;
  const CastPlan& plan() const { return plan_; }
  // The declarations bound to a file as the scan names it.
  std::vector<FileDeclaration> declarations_for(const std::string& file) const;

 private:
  // One configuration with pipeline entries, and whether all of them run.
  struct Scope {
    const Config* config;
    bool covers_config;
  };
  void add_pipeline_entries(const Scope& scope, const std::unordered_map<std::string, std::string>& known,
                            Discovery& found);

  std::vector<Scope> scopes_;
  CastPlan plan_;
  std::unordered_map<std::string, std::vector<FileDeclaration>> by_file_;  // by file key
};

}  // namespace dtlint
