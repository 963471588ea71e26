// compile_commands.json (the JSON compilation database CMake, Meson and Bear
// write): how each C/C++ file of a project is compiled, so that the Clang
// front end parses it as the build does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dtlint {

inline constexpr std::string_view kCompileDatabaseName = "compile_commands.json";
// More than any project's database (LLVM's is some 40 MiB).
inline constexpr std::uint64_t kMaxCompileDatabaseBytes = std::uint64_t{256} << 20;

struct CompileCommand {
  std::filesystem::path directory;     // the working directory (absolute)
  std::filesystem::path file;          // the main file (absolute, lexically normal)
  std::vector<std::string> arguments;  // argv[0] the compiler
};

class CompileDatabase {
 public:
  // Reads and checks `path`. Throws InputError(path, reason) when it cannot
  // be read or is no compilation database (the reason names the entry).
  static CompileDatabase read(const std::filesystem::path& path);

  // The command for a file (absolute, lexically normal), else for the file
  // its path resolves to (a project scanned through a symbolic link); the
  // first entry for a file wins. nullptr when the file is not in the database.
  const CompileCommand* find(const std::filesystem::path& file) const;
  const std::filesystem::path& path() const { return path_; }
  std::size_t size() const { return commands_.size(); }

 private:
  std::filesystem::path path_;
  std::map<std::string, CompileCommand> commands_;
  std::map<std::string, std::string> resolved_;  // each entry's resolved path → its key in commands_
};

// The database `-p` names: a folder holding compile_commands.json, or the
// file itself; none when it names neither (a usage error).
std::optional<std::filesystem::path> database_named_by(const std::filesystem::path& build_dir);

// The database of a scan without -p: for each scanned folder in turn (a
// scanned file counts by its folder), its own compile_commands.json, else
// its build/'s. Never searched upward: a scan of a subfolder does not pick
// up a database of a project that encloses it.
std::optional<std::filesystem::path> find_compile_database(std::span<const std::string> scanned_paths);

// A `command` string split into arguments as a POSIX shell would (blanks
// separate; '…' is literal; "…" keeps \" \\ \$ \` escapes; \ escapes one
// character). Throws InputError("", reason) on an unfinished quote or escape.
std::vector<std::string> split_command(std::string_view command);

// The command for a file outside the database: `clang++ -std=c++17 -x c++`
// (C: `clang -std=c11 -x c`; a header alone: `-x c++-header`), with -I the
// file's folder and each of `include_folders`, `-isystem /usr/include/eigen3`
// when it exists, and the file.
std::vector<std::string> default_arguments(const std::filesystem::path& file,
                                           std::span<const std::filesystem::path> include_folders,
                                           bool header_alone);

// Whether a file is C/C++ by its name (.c .cc .cpp .cxx .h .hh .hpp .hxx .cu .cuh).
bool is_source_name(const std::filesystem::path& path);
// Whether it is a header by its name (.h .hh .hpp .hxx .cuh).
bool is_header_name(const std::filesystem::path& path);

}  // namespace dtlint
