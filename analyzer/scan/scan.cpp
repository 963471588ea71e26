#include "analyzer/scan/scan.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "analyzer/formats/npy.h"
#include "analyzer/input_error.h"

namespace fs = std::filesystem;

namespace dtlint {
namespace {

bool has_array_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".npy";
}

std::string display(const fs::path& path) {
  return path.lexically_normal().generic_string();
}

void walk_folder(const fs::path& root, std::vector<std::string>& files, std::vector<Problem>& problems) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    problems.push_back({display(root), "cannot read folder: " + ec.message()});
    return;
  }
  std::vector<std::string> found;
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      problems.push_back({display(it->path()), "cannot read folder: " + ec.message()});
      break;
    }
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    // Data files by name; whether each is really a readable regular file is the
    // reader's question, so that FIFOs and broken links are reported, not skipped.
    if (has_array_extension(entry.path()) && !entry.is_directory(type_ec)) {
      found.push_back(display(entry.path()));
    } else if (has_array_extension(entry.path()) && entry.is_directory(type_ec)) {
      found.push_back(display(entry.path()));  // a folder named x.npy: reported by the reader
      it.disable_recursion_pending();
    }
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

}  // namespace

std::vector<std::string> discover_inputs(std::span<const std::string> paths, std::vector<Problem>& problems) {
  std::vector<std::string> files;
  for (const std::string& given : paths) {
    const fs::path path(given);
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec && !fs::exists(fs::symlink_status(path, ec))) {
      problems.push_back({display(path), "no such file or folder"});
    } else if (fs::is_directory(status)) {
      walk_folder(path, files, problems);
    } else {
      files.push_back(display(path));  // named explicitly: read whatever it is
    }
  }
  return files;
}

ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options) {
  ScanResult result;
  const std::vector<std::string> files = discover_inputs(paths, result.problems);
  result.inputs = files.size() + result.problems.size();
  for (const std::string& file : files) {
    try {
      if (!has_array_extension(file)) throw InputError(file, "not a supported array file (expected .npy)");
      const ArrayView view = open_npy(file, file);
      ArrayResult array{view.path,  view.member,   view.dtype,         view.stored_dtype,
                        view.shape, view.elements, view.fortran_order, {}};
      array.analysis = analyse_array(view, options.semantics, options.requests);
      result.arrays.push_back(std::move(array));
    } catch (const InputError& error) {
      result.problems.push_back({error.path(), error.reason()});
    } catch (const std::bad_alloc&) {
      result.problems.push_back({file, "out of memory while reading"});
    }
  }
  return result;
}

}  // namespace dtlint
