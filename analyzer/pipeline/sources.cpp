#include "analyzer/pipeline/sources.h"

#include <algorithm>
#include <system_error>

#include "analyzer/formats/readers.h"
#include "analyzer/scan/discovery.h"
#include "document/glob.h"

namespace dtlint {

namespace fs = std::filesystem;

namespace {

bool is_wild(std::string_view text) {
  return text.find_first_of("*?[") != std::string_view::npos;
}

bool is_default_exclude(const fs::path& name) {
  const std::string text = name.string();
  for (std::string_view folder : default_excludes()) {
    if (text == folder) return true;
  }
  return false;
}

// The regular files `pattern` names below `root`; `truncated` set when a limit stopped the walk.
std::vector<fs::path> expand(const fs::path& root, std::string_view pattern, bool& truncated) {
  std::vector<fs::path> files;
  std::error_code ec;
  const fs::path written(pattern);
  const fs::path full = (written.is_absolute() ? written : root / written).lexically_normal();
  if (!is_wild(pattern)) {
    if (fs::is_regular_file(full, ec)) files.push_back(full);
    return files;
  }
  // The literal folders before the first segment with a wildcard: the walk starts there.
  fs::path base = full.root_path();
  fs::path rest;
  bool wild = false;
  for (const fs::path& part : full.relative_path()) {
    if (!wild && is_wild(part.string())) wild = true;
    (wild ? rest : base) /= part;
  }
  if (!fs::is_directory(base, ec)) return files;
  const Glob glob(rest.generic_string());
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec), end;
  std::size_t visited = 0;
  for (; !ec && it != end; it.increment(ec)) {
    if (++visited > kMaxSourceEntries) {
      truncated = true;
      break;
    }
    const fs::directory_entry& entry = *it;
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
      if (is_default_exclude(entry.path().filename())) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(ec)) continue;
    if (glob.matches(entry.path().lexically_relative(base).generic_string())) {
      files.push_back(entry.path().lexically_normal());
      if (files.size() >= kMaxSourceFiles) {
        truncated = true;
        break;
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ResolvedSource resolve_source(const fs::path& root, std::string_view source) {
  ResolvedSource resolved;
  for (std::size_t colon = source.find(':'); colon != std::string_view::npos;
       colon = source.find(':', colon + 1)) {
    const std::string_view file = source.substr(0, colon);
    if (file.empty() || colon + 1 == source.size()) continue;
    std::vector<fs::path> files = expand(root, file, resolved.truncated);
    if (files.empty()) continue;
    resolved.files = std::move(files);
    resolved.file_pattern = std::string(file);
    resolved.member = std::string(source.substr(colon + 1));
    return resolved;
  }
  resolved.files = expand(root, source, resolved.truncated);
  resolved.file_pattern = std::string(source);
  if (!resolved.files.empty()) return resolved;
  // Nothing matched: split where a data file's name ends, to name what is missing.
  for (std::size_t colon = source.find(':'); colon != std::string_view::npos;
       colon = source.find(':', colon + 1)) {
    const std::string_view file = source.substr(0, colon);
    if (colon + 1 < source.size() && reader_by_name(file) != nullptr) {
      resolved.file_pattern = std::string(file);
      resolved.member = std::string(source.substr(colon + 1));
      break;
    }
  }
  return resolved;
}

}  // namespace dtlint
