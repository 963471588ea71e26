#include "analyzer/scan/discovery.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/source/compile_database.h"
#include "document/glob.h"

namespace fs = std::filesystem;

namespace dtlint {
namespace {

constexpr std::array<std::string_view, 16> kDefaultExcludes{
    ".git",  ".hg",        ".svn", ".bzr",        "__pycache__",   "node_modules", ".tox",
    ".nox",  ".venv",      "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache",  ".ipynb_checkpoints",
    "build", "CMakeFiles",
};

// The file name ends in one of the readers' extensions (any case).
bool has_data_extension(std::string_view path) {
  return reader_by_name(path) != nullptr;
}

std::string display(const fs::path& path) {
  return path.lexically_normal().generic_string();
}

std::string errno_message(int error) {
  return std::generic_category().message(error);  // std::strerror is not thread-safe
}

// Closes a folder stream (and its descriptor) when it goes out of scope.
struct FolderCloser {
  void operator()(DIR* folder) const { ::closedir(folder); }
};
using Folder = std::unique_ptr<DIR, FolderCloser>;

// Walks folders with openat/readdir on plain strings: a folder of many small
// arrays costs one directory read and, per file, a string, where
// std::filesystem built and split a path object per entry. Each entry's type
// comes from the listing (d_type) where the file system gives it, so a plain
// file costs no stat here; only links are followed, and only to see what they
// point at (symlinked folders are not walked).
class Walker {
 public:
  Walker(const DiscoveryOptions& options, Discovery& out)
      : options_(options), exclude_(options.exclude), out_(out) {}

  void walk(const fs::path& root) {
    root_ = root.string();
    if (!root_.empty() && root_.back() != '/') root_ += '/';
    const std::string shown = display(root);
    shown_root_ = shown == "." ? "" : shown.back() == '/' ? shown : shown + '/';
    const int fd = open_path(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);  // a root of any length
    if (fd < 0) {
      problem(shown, "cannot read folder: " + errno_message(errno));
      return;
    }
    std::vector<std::string> found;
    plans_.clear();
    sources_.clear();
    walk_folder(fd, "", found);
    std::sort(found.begin(), found.end());
    out_.files.insert(out_.files.end(), std::make_move_iterator(found.begin()),
                      std::make_move_iterator(found.end()));
    std::sort(sources_.begin(), sources_.end());
    out_.source_files.insert(out_.source_files.end(), std::make_move_iterator(sources_.begin()),
                             std::make_move_iterator(sources_.end()));
    std::sort(plans_.begin(), plans_.end());
    out_.plan_files.insert(out_.plan_files.end(), std::make_move_iterator(plans_.begin()),
                           std::make_move_iterator(plans_.end()));
  }

 private:
  // Takes ownership of `fd`; `relative` is "" or the folder's path below the root with a trailing '/'.
  void walk_folder(int fd, const std::string& relative, std::vector<std::string>& found) {
    Folder folder(::fdopendir(fd));
    if (!folder) {
      const int error = errno;
      ::close(fd);
      problem(shown_folder(relative), "cannot read folder: " + errno_message(error));
      return;
    }
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(folder.get());
      if (entry == nullptr) {
        if (errno != 0) problem(shown_folder(relative), "cannot read folder: " + errno_message(errno));
        return;
      }
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      const std::string path = relative + std::string(name);
      if (excluded(name, path)) continue;
      consider(::dirfd(folder.get()), entry, path, found);
    }
  }

  void consider(int folder_fd, const dirent* entry, const std::string& path,
                std::vector<std::string>& found) {
    unsigned char type = entry->d_type;
    struct stat status {};
    if (type == DT_UNKNOWN) {  // a file system that does not say: ask, without following links
      if (::fstatat(folder_fd, entry->d_name, &status, AT_SYMLINK_NOFOLLOW) != 0) return;  // vanished
      type = static_cast<unsigned char>(IFTODT(status.st_mode));
    }
    if (type == DT_DIR) {
      const int child = ::openat(folder_fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        problem(shown(path), "cannot read folder: " + errno_message(errno));
        return;
      }
      walk_folder(child, path + '/', found);
      return;
    }
    if (type == DT_LNK) {
      if (::fstatat(folder_fd, entry->d_name, &status, 0) != 0) {
        if (errno == ELOOP) {
          problem(shown(path), "symbolic link loop");
        } else if (has_data_extension(path)) {
          problem(shown(path), "dangling symbolic link");
        }
        return;
      }
      type = static_cast<unsigned char>(IFTODT(status.st_mode));
      if (type == DT_DIR) return;  // symlinked folders are not followed
    }
    switch (type) {
      case DT_FIFO: skip(shown(path), "a FIFO is never opened"); return;
      case DT_SOCK: skip(shown(path), "a socket is never opened"); return;
      case DT_BLK:
      case DT_CHR: skip(shown(path), "a device is never opened"); return;
      case DT_REG: break;
      default: return;
    }
    if (options_.plan_file && options_.plan_file(fs::path(path))) {
      plans_.push_back(shown(path));
      return;
    }
    if (has_data_extension(path)) {
      found.push_back(shown(path));
      return;
    }
    if (is_source_name(path)) {
      sources_.push_back(shown(path));
      return;
    }
    // Other names: an array by content (np.save to a file without .npy, a
    // safetensors shard named .bin) is still an array; a data format dtlint
    // does not read (Parquet, a pickle) is noted, so that it does not pass in silence.
    std::string file = shown(path);
    std::vector<std::byte> prefix;
    try {
      prefix = read_prefix(file, file, kSniffBytes);
    } catch (const InputError&) {
      // Unreadable files that do not look like data are not inputs; by name they may still be noted.
    }
    if (reader_for(prefix, file) != nullptr) {
      found.push_back(std::move(file));
    } else if (const UnreadFormat* format = unread_format_for(prefix, file)) {
      skip(file, std::string(format->reason));
    }
  }

  // `path` below the root, '/'-separated.
  bool excluded(std::string_view name, const std::string& path) const {
    if (options_.default_excludes) {
      for (std::string_view folder : kDefaultExcludes) {
        if (name == folder) return true;
      }
    }
    // A glob without '/' matches the name at any depth; one with '/' the path
    // below the scanned folder or the path as reports show it.
    if (!exclude_.empty()) {
      if (exclude_.matches(path)) return true;
      if (!shown_root_.empty() && exclude_.matches(shown(path))) return true;
    }
    return options_.exclude_path && options_.exclude_path(fs::path(root_ + path));
  }

  // The path as reports show it: the root's normal form, then the names below it.
  std::string shown(const std::string& path) const { return shown_root_ + path; }
  // A folder below the root ("" or ending in '/'), as reports show it.
  std::string shown_folder(const std::string& relative_folder) const {
    std::string text = shown_root_ + relative_folder;
    if (text.size() > 1 && text.back() == '/') text.pop_back();
    return text.empty() ? "." : text;
  }

  void problem(const std::string& path, const std::string& message) {
    out_.problems.push_back({Location(path), message});
  }
  void skip(const std::string& path, const std::string& reason) {
    out_.skipped.push_back({Location(path), reason});
  }

  const DiscoveryOptions& options_;
  const GlobSet exclude_;  // options_.exclude, compiled once
  Discovery& out_;
  std::string root_;                  // the root as given, ending in '/'
  std::string shown_root_;            // its normal form ending in '/', or "" for "."
  std::vector<std::string> plans_;    // plan files found in this walk
  std::vector<std::string> sources_;  // C/C++ files found in this walk
};

}  // namespace

std::span<const std::string_view> default_excludes() {
  return kDefaultExcludes;
}

const Reader* recognise(const std::string& path) {
  const std::vector<std::byte> prefix = read_prefix(path, path, kSniffBytes);
  return reader_for(prefix, path);
}

Discovery discover_inputs(std::span<const std::string> paths, const DiscoveryOptions& options) {
  Discovery out;
  Walker walker(options, out);
  for (const std::string& given : paths) {
    const fs::path path(given);
    struct stat status {};
    if (stat_path(path, status) != 0) {  // a path of any length
      const int error = errno;
      out.problems.push_back({Location(display(path)), error == ELOOP ? "symbolic link loop"
                                                       : error == ENOENT || error == ENOTDIR
                                                           ? "no such file or folder"
                                                           : "cannot open: " + errno_message(error)});
    } else if (S_ISDIR(status.st_mode)) {
      walker.walk(path);
    } else if (S_ISFIFO(status.st_mode) || S_ISSOCK(status.st_mode) || S_ISBLK(status.st_mode) ||
               S_ISCHR(status.st_mode)) {
      out.skipped.push_back({Location(display(path)), S_ISFIFO(status.st_mode) ? "a FIFO is never opened"
                                                      : S_ISSOCK(status.st_mode)
                                                          ? "a socket is never opened"
                                                          : "a device is never opened"});
    } else if (options.plan_file && options.plan_file(path)) {
      out.plan_files.push_back(display(path));
    } else if (is_source_name(path) && reader_by_name(given) == nullptr) {
      out.source_files.push_back(display(path));
    } else {
      out.files.push_back(display(path));  // named explicitly: read whatever it is
    }
  }
  return out;
}

}  // namespace dtlint
