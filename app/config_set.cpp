#include "app/config_set.h"

#include <algorithm>
#include <string_view>

#include "rules/baseline.h"

namespace dtlint {

namespace fs = std::filesystem;

ScopedConfig::ScopedConfig(Config loaded)
    : config(std::move(loaded)),
      root(config.root.lexically_normal()),
      per_path(config),
      exclude(config.exclude) {}

ConfigSet::ConfigSet(const std::optional<fs::path>& fixed, const fs::path& run_folder,
                     const Complete& complete, const Complete& complete_run)
    : fixed_(fixed.has_value()), complete_(complete), working_(fs::current_path()) {
  Config defaults;
  defaults.root = working_;
  if (fixed) {
    run_ = &load(*fixed);
  } else {
    complete_(defaults);
    defaults_ = std::make_unique<ScopedConfig>(defaults);
    run_ = &lookup(fs::absolute(run_folder).lexically_normal());
  }
  // The run's settings are completed in place: its per_path and exclude globs are not touched.
  complete_run(run_->config);
}

ScopedConfig& ConfigSet::load(const fs::path& file) {
  const std::string key = fs::absolute(file).lexically_normal().string();
  if (const auto it = by_file_.find(key); it != by_file_.end()) return *it->second;
  // Messages name it as the user would: relative to the working folder when below it.
  Config config = load_config(fixed_ ? file : fs::path(path_from(key, working_)));
  complete_(config);
  loaded_.push_back(std::make_unique<ScopedConfig>(std::move(config)));
  by_file_.emplace(key, loaded_.back().get());
  return *loaded_.back();
}

ScopedConfig& ConfigSet::lookup(const fs::path& absolute_folder) {
  if (fixed_) return *run_;
  // Up from the folder to the first one already known or holding a file; every
  // folder passed on the way gets the same answer.
  std::vector<std::string> passed;
  fs::path folder = absolute_folder;
  if (!folder.has_filename() && folder.has_relative_path()) folder = folder.parent_path();  // "/a/b/"
  ScopedConfig* found = nullptr;
  while (true) {
    if (const auto it = by_folder_.find(folder.string()); it != by_folder_.end()) {
      found = it->second;
      break;
    }
    passed.push_back(folder.string());
    if (const std::optional<fs::path> file = config_in_folder(folder)) {
      found = &load(*file);
      break;
    }
    if (folder == folder.root_path() || !folder.has_relative_path()) {
      found = defaults_.get();
      break;
    }
    folder = folder.parent_path();
  }
  for (const std::string& name : passed) by_folder_.emplace(name, found);
  return *found;
}

fs::path ConfigSet::absolute(const std::string& path) const {
  const fs::path given(path);
  return (given.is_absolute() ? given : working_ / given).lexically_normal();
}

namespace {

// Whether `path` is spelled plainly: no empty, "." or ".." name, so that
// joined to a normal absolute folder it is in normal form already.
bool plain_spelling(std::string_view path) {
  if (path.empty()) return false;
  for (std::size_t start = path.front() == '/' ? 1 : 0;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view name = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (name.empty() || name == "." || name == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

std::string ConfigSet::relative_path(const ScopedConfig& scoped, const std::string& path) const {
  // A plain path below the root by string alone: a scan of many files asks once
  // per file, and std::filesystem's normalisation cost more than reading a small file.
  if (plain_spelling(path) && scoped.root.is_absolute()) {
    const std::string& working = working_.native();
    const std::string full = path.front() == '/' ? path : working + (working.back() == '/' ? "" : "/") + path;
    std::string prefix = scoped.root.native();
    if (prefix.back() != '/') prefix += '/';
    if (full.size() > prefix.size() && full.compare(0, prefix.size(), prefix) == 0)
      return full.substr(prefix.size());
    if (full.size() + 1 != prefix.size() || prefix.compare(0, full.size(), full) != 0)
      return full;  // outside
  }
  const fs::path absolute_path = absolute(path);
  const fs::path relative = absolute_path.lexically_relative(scoped.root);
  if (relative.empty() || *relative.begin() == "..") return absolute_path.generic_string();
  return relative.generic_string();
}

const ScopedConfig& ConfigSet::for_file(const std::string& path) {
  if (fixed_) return *run_;
  // The spelling of the folder names it when the last name is a file's: not
  // "", "." or ".." (then the folder is not the text before it).
  const std::size_t slash = path.rfind('/');
  const std::string_view last = std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
  const bool by_spelling = !last.empty() && last != "." && last != "..";
  const std::string spelling = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  const std::lock_guard<std::mutex> lock(mutex_);
  if (by_spelling) {
    if (const auto it = by_spelling_.find(spelling); it != by_spelling_.end()) return *it->second;
  }
  ScopedConfig& found = lookup(absolute(path).parent_path());
  if (by_spelling) by_spelling_.emplace(spelling, &found);
  return found;
}

const ScopedConfig& ConfigSet::for_folder(const fs::path& folder) {
  if (fixed_) return *run_;
  const fs::path absolute_folder = absolute(folder.string());
  const std::lock_guard<std::mutex> lock(mutex_);
  return lookup(absolute_folder);
}

std::vector<const ScopedConfig*> ConfigSet::in_use() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const ScopedConfig*> configs{run_};
  for (const auto& [file, scoped] : by_file_) {  // by absolute file name: a fixed order
    if (scoped != run_) configs.push_back(scoped);
  }
  return configs;
}

}  // namespace dtlint
