// dtlint's configuration: `.dtlint.yaml`, `.dtlint.toml` or a `[tool.dtlint]`
// table in `pyproject.toml`, found by searching upward from the scanned paths.
// YAML and TOML are parsed by the document library (document/document.h) into
// one tree with positions and validated once, so both spellings accept exactly
// the same keys. Globs are document/glob.h's dialect.
// Command-line options override what is loaded here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/kernels/semantics.h"
#include "document/glob.h"
#include "rules/rule.h"

namespace dtlint {

// A configuration that cannot be used (exit 2). what() reads
// "FILE:LINE: KEY: REASON" (LINE 1-based; KEY the dotted key, e.g. "rules.DT104.severity",
// list indices 0-based as in "per_path[0].paths"). Without a line (line() == 0: the file
// cannot be read) ":LINE" is left out; without a key (a syntax error) "KEY: " is.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string key, const std::string& reason);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
};

// DT106's tolerance for one target dtype: |cast(x) − x| ≤ atol + rtol·|x|.
struct Tolerance {
  std::optional<double> rtol, atol;
};

// One rule's setting: `DT104: off`, `DT104: note`, or `DT107: {severity: note, fraction: 0.2}`.
struct RuleSetting {
  bool off = false;
  std::optional<Severity> severity;
  // Values of the options the rule declares (Rule::options()), by name; unset ones keep their default.
  std::map<std::string, double> options;
};

// The keys that `per_path` entries may override.
struct Settings {
  std::optional<std::vector<DType>> targets;
  std::map<std::string, RuleSetting> rules;  // by upper-case code, e.g. "DT104"
  std::map<DType, Tolerance> tolerances;     // by target
};

// `per_path: [{paths: [GLOB, ...], targets: ..., rules: ..., tolerances: ...}]`;
// later entries win over earlier ones, and every entry over the top level.
struct PathOverride {
  std::vector<std::string> paths;  // globs relative to Config::root
  Settings settings;
  int line = 0;
};

// `ignore: [{path: GLOB, member: GLOB, rules: [CODE, ...], reason: TEXT}]`.
struct Suppression {
  std::string path;                   // glob relative to Config::root
  std::optional<std::string> member;  // glob over the member name (.npz / .safetensors)
  std::vector<std::string> rules;     // upper-case codes; never empty
  std::string reason;                 // mandatory, never empty
  int line = 0;                       // where it is declared (for unused-suppression notes)
};

// `pipeline: [{source: PATH | PATH:MEMBER | GLOB, cast: DTYPE, semantics: ..., rtol: ...,
// atol: ..., expect_dtype: DTYPE, name: TEXT}]`: casts the pipeline will do, each
// simulated on its data (DESIGN §5) and judged by PL301–PL303 at its line.
struct PipelineEntry {
  std::string name;    // `name`; empty when not given
  std::string source;  // as written: relative to Config::root (or absolute)
  DType cast = DType::Float16;
  std::optional<Semantics> semantics;  // none: the scan's
  std::optional<double> rtol, atol;    // none: the scan's tolerance for the target
  std::optional<DType> expect_dtype;   // PL302
  int line = 0, column = 0;            // the list element
};

struct Config {
  std::string file;            // where it was loaded from; empty: built-in defaults
  std::filesystem::path root;  // the folder globs are relative to: the file's folder (absolute)
  std::optional<Semantics> semantics;
  std::optional<std::string> fail_on;  // "error", "warning", "note" or "never"
  std::vector<std::string> exclude;    // globs, added to --exclude
  // Larger files are noted (DT204), not read; --max-file-size overrides it. None: no limit.
  std::optional<std::uint64_t> max_file_size;
  // "auto": float8 targets are simulated with each array's amax scale, as FP8
  // is used (--fp8-scale); "none": as plain casts. Unset: the default, none.
  std::optional<std::string> fp8_scale;
  Settings settings;
  // No --targets and no `targets` key: settings.targets holds the defaults,
  // whose integer targets apply to integer data only (CastRequest::kind_default).
  bool targets_by_default = false;
  std::vector<PathOverride> per_path;
  std::vector<Suppression> ignore;
  std::vector<PipelineEntry> pipeline;
};

// A target dtype by name ("float16", "int32", ...): any float or integer type
// except long double; nullopt otherwise. Shared with the command line.
std::optional<DType> target_dtype(std::string_view name);
// Why `name` is not a target dtype, for messages: "ambiguous target dtype
// 'float': ...", "unknown target dtype 'flaot16'; did you mean float16?", or
// the list of targets.
std::string target_dtype_problem(std::string_view name);

// Whether `text` is a value of fp8_scale / --fp8-scale: "auto" or "none".
bool fp8_scale_valid(std::string_view text);

// Loads and validates one file. The format is chosen by name: *.yaml/*.yml,
// *.toml; for pyproject.toml the [tool.dtlint] table (a pyproject.toml
// without one is a ConfigError). Unknown keys, wrong types, unknown rule codes
// and unknown dtypes throw ConfigError naming the file, the line and the key.
Config load_config(const std::filesystem::path& file);

// The nearest configuration at or above `start` (a file's folder, or the
// folder itself): in each folder `.dtlint.yaml`, `.dtlint.yml`,
// `.dtlint.toml`, then `pyproject.toml` if it has a [tool.dtlint] table.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);
// The configuration file of one folder (absolute, normal form) by the same
// rules, not looking further up: for a search that caches each folder's answer.
std::optional<std::filesystem::path> config_in_folder(const std::filesystem::path& folder);

// Whether a file name is one of dtlint's configuration files
// (.dtlint.yaml, .dtlint.yml, .dtlint.toml, pyproject.toml).
bool is_config_file_name(std::string_view file_name);

// The configuration as YAML that load_config reads back to an equal Config
// (every key it sets, in a fixed order; defaults are written out explicitly by the caller).
std::string render_config(const Config& config);

// The settings in force for a path relative to config.root ('/'-separated):
// the top level, then every matching per_path entry in order.
Settings settings_for(const Config& config, const std::string& relative_path);

// settings_for for many paths: every per_path glob compiled once into one
// GlobSet, so that the number of globs does not multiply with the number of
// files. Holds a reference to `config`, which must outlive it.
class PathSettings {
 public:
  explicit PathSettings(const Config& config);
  Settings at(const std::string& relative_path) const;

 private:
  const Config& config_;
  GlobSet globs_;                     // every entry's paths, in entry order
  std::vector<std::size_t> entries_;  // globs_ index → per_path index
};

}  // namespace dtlint
