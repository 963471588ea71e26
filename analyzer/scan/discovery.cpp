#include "analyzer/scan/discovery.h"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"

namespace fs = std::filesystem;

namespace dtlint {
namespace {

constexpr std::array<std::string_view, 16> kDefaultExcludes{
    ".git",  ".hg",        ".svn", ".bzr",        "__pycache__",   "node_modules", ".tox",
    ".nox",  ".venv",      "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache",  ".ipynb_checkpoints",
    "build", "CMakeFiles",
};

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool has_data_extension(const fs::path& path) {
  const std::string ext = lower_extension(path);
  return ext == ".npy" || ext == ".npz" || ext == ".safetensors";
}

std::string display(const fs::path& path) {
  return path.lexically_normal().generic_string();
}

bool matches(const std::string& glob, const std::string& text) {
  return ::fnmatch(glob.c_str(), text.c_str(), 0) == 0;
}

// The type of a listed entry that is not a symlink, from the listing's cache.
fs::file_type cached_type(const fs::directory_entry& entry, std::error_code& ec) {
  if (entry.is_regular_file(ec)) return fs::file_type::regular;
  if (entry.is_directory(ec)) return fs::file_type::directory;
  if (entry.is_fifo(ec)) return fs::file_type::fifo;
  if (entry.is_socket(ec)) return fs::file_type::socket;
  if (entry.is_block_file(ec)) return fs::file_type::block;
  if (entry.is_character_file(ec)) return fs::file_type::character;
  return fs::file_type::unknown;
}

class Walker {
 public:
  Walker(const DiscoveryOptions& options, Discovery& out) : options_(options), out_(out) {}

  bool excluded(const fs::path& path, const fs::path& root) const {
    const std::string name = path.filename().string();
    if (options_.default_excludes) {
      for (std::string_view folder : kDefaultExcludes) {
        if (name == folder) return true;
      }
    }
    if (!options_.exclude.empty()) {
      const std::string relative = path.lexically_relative(root).generic_string();
      const std::string shown = display(path);
      for (const std::string& glob : options_.exclude) {
        if (matches(glob, name) || matches(glob, relative) || matches(glob, shown)) return true;
      }
    }
    return options_.exclude_path && options_.exclude_path(path);
  }

  void walk(const fs::path& root) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) {
      out_.problems.push_back({display(root), std::nullopt, "cannot read folder: " + ec.message()});
      return;
    }
    std::vector<std::string> found;
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
      if (ec) {  // the iterator cannot go on after an error
        out_.problems.push_back({display(root), std::nullopt, "cannot read folder: " + ec.message()});
        break;
      }
      const fs::path& path = it->path();
      if (excluded(path, root)) {
        it.disable_recursion_pending();
        continue;
      }
      consider(*it, found);  // symlinked folders are not followed (directory_options::none)
    }
    std::sort(found.begin(), found.end());
    out_.files.insert(out_.files.end(), found.begin(), found.end());
  }

 private:
  // The entry's type comes from the folder listing (d_type) where the file
  // system gives it: a plain file costs no stat here, only links are followed.
  void consider(const fs::directory_entry& entry, std::vector<std::string>& found) {
    const fs::path& path = entry.path();
    std::error_code ec;
    fs::file_status status;
    if (entry.is_symlink(ec)) {
      status = fs::status(path, ec);
      if (ec) {
        if (ec == std::errc::too_many_symbolic_link_levels) {
          out_.problems.push_back({display(path), std::nullopt, "symbolic link loop"});
        } else if (has_data_extension(path)) {
          out_.problems.push_back({display(path), std::nullopt, "dangling symbolic link"});
        }
        return;
      }
    } else {
      status = fs::file_status(cached_type(entry, ec));
      if (ec) return;  // vanished since it was listed
    }
    switch (status.type()) {
      case fs::file_type::directory: return;  // recursed (unless it is a symlink)
      case fs::file_type::fifo: skip(path, "a FIFO is never opened"); return;
      case fs::file_type::socket: skip(path, "a socket is never opened"); return;
      case fs::file_type::block:
      case fs::file_type::character: skip(path, "a device is never opened"); return;
      case fs::file_type::regular: break;
      default: return;
    }
    if (has_data_extension(path)) {
      found.push_back(display(path));
      return;
    }
    // Other names: an array by content (np.save to a file without .npy, a
    // safetensors shard named .bin) is still an array.
    try {
      if (recognise(display(path))) found.push_back(display(path));
    } catch (const InputError&) {
      // Unreadable files that do not look like data are not inputs.
    }
  }

  void skip(const fs::path& path, const std::string& reason) {
    out_.skipped.push_back({display(path), std::nullopt, reason});
  }

  const DiscoveryOptions& options_;
  Discovery& out_;
};

}  // namespace

std::span<const std::string_view> default_excludes() {
  return kDefaultExcludes;
}

std::optional<InputFormat> recognise(const std::string& path) {
  const std::vector<std::byte> prefix = read_prefix(path, path, 16);
  return recognise_bytes(prefix, path);
}

std::optional<InputFormat> recognise_bytes(std::span<const std::byte> prefix, const std::string& path) {
  auto starts_with = [&](std::string_view magic) {
    return prefix.size() >= magic.size() && std::memcmp(prefix.data(), magic.data(), magic.size()) == 0;
  };
  if (starts_with("\x93NUMPY")) return InputFormat::Npy;
  // A zip archive is an .npz only by name: .docx, .jar and .whl are zips too.
  if ((starts_with("PK\x03\x04") || starts_with("PK\x05\x06")) && lower_extension(path) == ".npz") {
    return InputFormat::Npz;
  }
  // safetensors: an 8-byte little-endian header length, then the JSON header's '{'.
  if (prefix.size() >= 9 && prefix[8] == std::byte{'{'}) {
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<std::uint8_t>(prefix[i]);
    if (length >= 2 && length <= (std::uint64_t{100} << 20)) return InputFormat::Safetensors;
  }
  const std::string ext = lower_extension(path);
  if (ext == ".npy") return InputFormat::Npy;
  if (ext == ".npz") return InputFormat::Npz;
  if (ext == ".safetensors") return InputFormat::Safetensors;
  return std::nullopt;
}

Discovery discover_inputs(std::span<const std::string> paths, const DiscoveryOptions& options) {
  Discovery out;
  Walker walker(options, out);
  for (const std::string& given : paths) {
    const fs::path path(given);
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec) {
      const bool loop = ec == std::errc::too_many_symbolic_link_levels;
      out.problems.push_back(
          {display(path), std::nullopt, loop ? "symbolic link loop" : "no such file or folder"});
    } else if (fs::is_directory(status)) {
      walker.walk(path);
    } else if (fs::is_fifo(status) || fs::is_socket(status) || fs::is_block_file(status) ||
               fs::is_character_file(status)) {
      out.skipped.push_back({display(path), std::nullopt,
                             fs::is_fifo(status)     ? "a FIFO is never opened"
                             : fs::is_socket(status) ? "a socket is never opened"
                                                     : "a device is never opened"});
    } else {
      out.files.push_back(display(path));  // named explicitly: read whatever it is
    }
  }
  return out;
}

}  // namespace dtlint
