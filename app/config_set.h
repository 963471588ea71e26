// The configurations of one run (docs/configuration.md, "Which configuration
// applies"). Without --config every input takes the nearest configuration file
// at or above its folder, as ruff and clang-tidy do; nested configurations are
// not merged. Each folder is looked up once and each file loaded once, so a
// scan of many files in few folders (pre-commit) does not walk up per file.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "document/glob.h"
#include "rules/config.h"

namespace dtlint {

// One configuration with what is compiled from it once for every file it covers.
struct ScopedConfig {
  explicit ScopedConfig(Config loaded);
  ScopedConfig(const ScopedConfig&) = delete;
  ScopedConfig& operator=(const ScopedConfig&) = delete;

  Config config;
  std::filesystem::path root;  // config.root, in normal form
  PathSettings per_path;       // config.per_path's globs; refers to `config`
  GlobSet exclude;             // config.exclude's globs
};

class ConfigSet {
 public:
  // Completes a configuration as loaded: the command line's options over it,
  // the defaults for what it leaves unset.
  using Complete = std::function<void(Config& config)>;

  // `fixed` (--config FILE): that file for every path. Otherwise each folder's
  // nearest file, completed by `complete`; a folder with none above it gets the
  // defaults (a Config rooted at the working folder, completed too). The run's
  // own configuration is the one in force for `run_folder`, completed further
  // by `complete_run`. Throws ConfigError for a configuration that cannot be used.
  ConfigSet(const std::optional<std::filesystem::path>& fixed, const std::filesystem::path& run_folder,
            const Complete& complete, const Complete& complete_run);
  ConfigSet(const ConfigSet&) = delete;
  ConfigSet& operator=(const ConfigSet&) = delete;

  // The run's configuration: run-level settings (fail_on, the report's targets and semantics).
  const ScopedConfig& run() const { return *run_; }
  // The configuration in force for a file or any path: that of the folder holding it.
  // Safe to call from several threads; throws ConfigError when one it loads is broken.
  const ScopedConfig& for_file(const std::string& path);
  // The configuration in force for a folder (any spelling of it).
  const ScopedConfig& for_folder(const std::filesystem::path& folder);
  // `path` relative to the configuration's root, '/'-separated, as its globs
  // are matched (path_from's answer, without asking for the working folder per file).
  std::string relative_path(const ScopedConfig& scoped, const std::string& path) const;
  // Every configuration found so far: the run's first, then by file name.
  std::vector<const ScopedConfig*> in_use() const;
  // Whether paths may take configurations other than the run's.
  bool fixed() const { return fixed_; }

 private:
  ScopedConfig& lookup(const std::filesystem::path& absolute_folder);
  // Absolute and normal, against the working folder of the set's construction.
  std::filesystem::path absolute(const std::string& path) const;
  ScopedConfig& load(const std::filesystem::path& file);

  bool fixed_ = false;
  Complete complete_;
  std::filesystem::path working_;
  std::vector<std::unique_ptr<ScopedConfig>> loaded_;  // stable addresses
  std::map<std::string, ScopedConfig*> by_file_;       // absolute file → loaded_
  std::map<std::string, ScopedConfig*> by_folder_;     // absolute folder → its configuration
  // A file's folder as spelled in its path → its configuration: most lookups
  // (several per file) need no path arithmetic.
  std::unordered_map<std::string, ScopedConfig*> by_spelling_;
  std::unique_ptr<ScopedConfig> defaults_;
  ScopedConfig* run_ = nullptr;
  mutable std::mutex mutex_;  // the scan asks from its reading threads
};

}  // namespace dtlint
