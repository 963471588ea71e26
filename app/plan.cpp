#include "app/plan.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "analyzer/input_error.h"
#include "analyzer/pipeline/loaders.h"
#include "analyzer/pipeline/sources.h"
#include "reports/printable_text.h"
#include "rules/baseline.h"

namespace dtlint {

namespace fs = std::filesystem;

namespace {

// One spelling for every name of a file: absolute, in normal form (no file system access).
std::string file_key(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

bool is_below_or_at(const fs::path& inner, const fs::path& outer) {
  const fs::path relative = inner.lexically_relative(outer);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

RunPlan::RunPlan(const Config& config, std::span<const std::string> given)
    : RunPlan(std::vector<const Config*>{&config}, given) {}

RunPlan::RunPlan(const std::vector<const Config*>& configs, std::span<const std::string> given) {
  for (const Config* config : configs) {
    if (config->file.empty() || config->pipeline.empty()) continue;
    Scope scope{config, false};
    const fs::path config_file = fs::absolute(config->file).lexically_normal();
    for (const std::string& path : given) {
      const fs::path named = fs::absolute(path).lexically_normal();
      std::error_code ec;
      if (named == config_file || (fs::is_directory(named, ec) && is_below_or_at(config->root, named)))
        scope.covers_config = true;
    }
    scopes_.push_back(scope);
  }
}

bool RunPlan::runs_every_entry() const {
  return std::any_of(scopes_.begin(), scopes_.end(), [](const Scope& scope) { return scope.covers_config; });
}

void RunPlan::prepare(Discovery& found) {
  if (found.plan_files.empty() && scopes_.empty()) return;
  std::unordered_map<std::string, std::string> known;  // file key → the scan's name for it
  for (const std::string& file : found.files) known.emplace(file_key(file), file);
  std::vector<std::string> recognised;  // other JSON is not this scan's input
  for (std::string& file : found.plan_files) {
    try {
      if (std::optional<CastPlan> loaded = load_plan_file(file)) {
        for (CastPlan::Binding& binding : loaded->bindings) plan_.bindings.push_back(std::move(binding));
        for (MissingSource& missing : loaded->missing) plan_.missing.push_back(std::move(missing));
        recognised.push_back(std::move(file));
      }
    } catch (const InputError& error) {
      found.problems.push_back({Location(error.path()), error.reason()});
    }
  }
  found.plan_files = std::move(recognised);
  for (const Scope& scope : scopes_) add_pipeline_entries(scope, known, found);
  for (CastPlan::Binding& binding : plan_.bindings) {
    const std::string key = file_key(binding.file);
    const auto [it, fresh] = known.try_emplace(key, binding.file);
    if (fresh) {
      found.files.push_back(binding.file);  // declared data outside the scanned folders
    } else {
      binding.file = it->second;
    }
    by_file_[key].push_back(binding.declaration);
  }
}

void RunPlan::add_pipeline_entries(const Scope& scope,
                                   const std::unordered_map<std::string, std::string>& known,
                                   Discovery& found) {
  const Config& config = *scope.config;
  const bool covers_config = scope.covers_config;
  const fs::path working = fs::current_path();
  for (std::size_t i = 0; i < config.pipeline.size(); ++i) {
    const PipelineEntry& entry = config.pipeline[i];
    auto declaration = std::make_shared<CastDeclaration>();
    declaration->kind = DeclarationKind::PipelineEntry;
    declaration->name = entry.name.empty() ? "pipeline[" + std::to_string(i) + "]"
                                           : "pipeline entry '" + printable_text(entry.name) + "'";
    declaration->where = Location(config.file);
    declaration->where.line = entry.line;
    declaration->where.column = entry.column;
    declaration->casts = {entry.cast};
    declaration->semantics = entry.semantics;
    declaration->rtol = entry.rtol;
    declaration->atol = entry.atol;
    declaration->expect_dtype = entry.expect_dtype;
    declaration->identity = entry.source + " -> " + std::string(name(entry.cast)) +
                            (entry.semantics ? " (" + std::string(to_string(*entry.semantics)) + ")" : "");

    const ResolvedSource source = resolve_source(config.root, entry.source);
    if (source.truncated) {
      found.skipped.push_back(
          {declaration->where, declaration->name + " source '" + printable_text(entry.source) +
                                   "': the walk stopped after " + std::to_string(kMaxSourceFiles) +
                                   " files or " + std::to_string(kMaxSourceEntries) +
                                   " entries; the rest is not checked (name a narrower folder)"});
    }
    std::optional<std::string> member = source.member;
    if (member && member->empty()) member.reset();
    std::size_t bound = 0;
    for (const fs::path& file : source.files) {
      const auto it = known.find(file.string());
      if (it == known.end() && !covers_config) continue;  // not among the files this scan reads
      plan_.bindings.push_back({it != known.end() ? it->second : path_from(file.string(), working),
                                FileDeclaration{declaration, member}});
      ++bound;
    }
    if (bound == 0 && covers_config) {
      const std::string shown = printable_text(source.file_pattern);
      const bool wild = source.file_pattern.find_first_of("*?[") != std::string::npos;
      std::string why = "' matches no file";
      if (!wild) {
        const fs::path written(source.file_pattern);
        std::error_code ec;
        const fs::file_status status =
            fs::status(written.is_absolute() ? written : config.root / written, ec);
        why = fs::exists(status)
                  ? "' is not a regular file"
                  : "': no such file (relative to " + path_from(config.root.string(), working) + "/)";
      }
      plan_.missing.push_back({declaration, declaration->where, "'" + shown + why, entry.source});
    }
  }
}

std::vector<FileDeclaration> RunPlan::declarations_for(const std::string& file) const {
  if (by_file_.empty()) return {};
  const auto it = by_file_.find(file_key(file));
  return it == by_file_.end() ? std::vector<FileDeclaration>{} : it->second;
}

}  // namespace dtlint
