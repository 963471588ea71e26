// Discovery: which files a scan reads. Folders are walked once; files are
// recognised by content as well as by name; special files are noted, never opened.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/formats/readers.h"
#include "analyzer/location.h"

namespace dtlint {

// An input (or one of its members) that cannot be read: an E901 finding.
struct Problem {
  Location location;
  std::string message;
};

// An input (or member) skipped on purpose: a DT204 note.
struct Skipped {
  Location location;
  std::string reason;
};

struct DiscoveryOptions {
  // Globs (document/glob.h) left out while walking folders: one without '/'
  // matches a file or folder name at any depth; one with '/' the path below
  // the scanned folder or the path as reports show it ("data/x.npy" for
  // `dtlint scan data`). Files named directly are kept.
  std::vector<std::string> exclude;
  bool default_excludes = true;  // VCS metadata, caches and build folders
  // Further paths to leave out while walking folders (the configuration's
  // `exclude` globs, relative to its own folder); files named directly are kept.
  std::function<bool(const std::filesystem::path& path)> exclude_path;
  // Files that may declare casts (a Hugging Face config.json, a Keras model
  // JSON), by name: in folder walks and among named files they go to
  // Discovery::plan_files, not to `files`.
  std::function<bool(const std::filesystem::path& path)> plan_file;
};

struct Discovery {
  std::vector<std::string> files;  // in a deterministic order
  std::vector<Problem> problems;
  std::vector<Skipped> skipped;
  std::vector<std::string> plan_files;  // files DiscoveryOptions::plan_file claims, in the same order
  // C/C++ files by name (.c .cc .cpp .cxx .h .hh .hpp .hxx .cu .cuh), in the
  // same order: parsed by the Clang front end (source/source_scan.h), not read as arrays.
  std::vector<std::string> source_files;
};

// Named files are read whatever their name or content (the reader says what is
// wrong); folders are recursed (symlinked folders are not followed) and keep
// only files recognised as arrays.
Discovery discover_inputs(std::span<const std::string> paths, const DiscoveryOptions& options);

// The reader for a file from its first bytes, else its name (reader_for in
// formats/readers.h); nullptr when it is no array file. Throws InputError when
// the file cannot be opened.
const Reader* recognise(const std::string& path);

// The folders every scan leaves out unless told otherwise.
std::span<const std::string_view> default_excludes();

}  // namespace dtlint
