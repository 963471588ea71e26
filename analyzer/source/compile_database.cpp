#include "analyzer/source/compile_database.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

std::string read_bounded(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) throw InputError(path.string(), "not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot be opened");
  std::string text;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxCompileDatabaseBytes)
      throw InputError(path.string(), "more than 256 MiB: not read as a compilation database");
  }
  if (in.bad()) throw InputError(path.string(), "cannot be read");
  return text;
}

const nlohmann::json& member(const nlohmann::json& entry, const char* name, std::size_t index,
                             const fs::path& path) {
  const auto found = entry.find(name);
  if (found == entry.end() || !found->is_string())
    throw InputError(path.string(), "entry " + std::to_string(index) + " has no \"" + name + "\" string");
  return *found;
}

}  // namespace

CompileDatabase CompileDatabase::read(const fs::path& path) {
  const std::string text = read_bounded(path);
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann's message says where: "parse error at line 3, column 5: …".
    throw InputError(path.string(), "not valid JSON: " + escape_untrusted(error.what(), 200));
  }
  if (!root.is_array()) throw InputError(path.string(), "not a compilation database (expected a JSON array)");
  CompileDatabase database;
  database.path_ = path;
  const fs::path base = fs::absolute(path).parent_path();
  for (std::size_t index = 0; index < root.size(); ++index) {
    const nlohmann::json& entry = root[index];
    if (!entry.is_object())
      throw InputError(path.string(), "entry " + std::to_string(index) + " is not an object");
    CompileCommand command;
    command.directory =
        (base / member(entry, "directory", index, path).get<std::string>()).lexically_normal();
    command.file =
        (command.directory / member(entry, "file", index, path).get<std::string>()).lexically_normal();
    if (const auto arguments = entry.find("arguments"); arguments != entry.end()) {
      if (!arguments->is_array() || arguments->empty())
        throw InputError(path.string(),
                         "entry " + std::to_string(index) + "'s \"arguments\" is not a list of strings");
      for (const nlohmann::json& argument : *arguments) {
        if (!argument.is_string())
          throw InputError(path.string(),
                           "entry " + std::to_string(index) + "'s \"arguments\" is not a list of strings");
        command.arguments.push_back(argument.get<std::string>());
      }
    } else {
      const auto line = entry.find("command");
      if (line == entry.end() || !line->is_string())
        throw InputError(path.string(), "entry " + std::to_string(index) +
                                            " has neither \"arguments\" nor a \"command\" string");
      try {
        command.arguments = split_command(line->get<std::string>());
      } catch (const InputError& error) {
        throw InputError(path.string(),
                         "entry " + std::to_string(index) + "'s \"command\": " + error.reason());
      }
      if (command.arguments.empty())
        throw InputError(path.string(), "entry " + std::to_string(index) + "'s \"command\" is empty");
    }
    const std::string key = command.file.string();
    if (!database.commands_.emplace(key, std::move(command)).second) continue;  // the first entry wins
    std::error_code error;
    const fs::path resolved = fs::weakly_canonical(key, error);
    if (!error) database.resolved_.emplace(resolved.string(), key);
  }
  return database;
}

const CompileCommand* CompileDatabase::find(const fs::path& file) const {
  if (const auto found = commands_.find(file.string()); found != commands_.end()) return &found->second;
  std::error_code error;
  const fs::path resolved = fs::weakly_canonical(file, error);
  if (error) return nullptr;
  const auto key = resolved_.find(resolved.string());
  return key == resolved_.end() ? nullptr : &commands_.at(key->second);
}

std::optional<fs::path> database_named_by(const fs::path& build_dir) {
  std::error_code error;
  if (fs::is_regular_file(build_dir, error)) return build_dir;
  const fs::path inside = build_dir / kCompileDatabaseName;
  if (fs::is_directory(build_dir, error) && fs::is_regular_file(inside, error)) return inside;
  return std::nullopt;
}

std::optional<fs::path> find_compile_database(std::span<const std::string> scanned_paths) {
  for (const std::string& scanned : scanned_paths) {
    std::error_code error;
    const fs::path folder =
        fs::is_directory(scanned, error) ? fs::path(scanned) : fs::path(scanned).parent_path();
    const fs::path start = folder.empty() ? fs::path(".") : folder;
    for (const fs::path& candidate : {start / kCompileDatabaseName, start / "build" / kCompileDatabaseName}) {
      if (fs::is_regular_file(candidate, error)) return candidate.lexically_normal();
    }
  }
  return std::nullopt;
}

std::vector<std::string> split_command(std::string_view command) {
  std::vector<std::string> arguments;
  std::string current;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) arguments.push_back(std::exchange(current, {}));
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == command.size()) throw InputError("", "a backslash at its end");
      if (command[i] != '\n') current += command[i];  // backslash-newline joins lines
    } else if (c == '\'') {
      const std::size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) throw InputError("", "an unfinished '…' quote");
      current.append(command.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= command.size()) throw InputError("", "an unfinished \"…\" quote");
        const char d = command[i];
        if (d == '"') break;
        if (d == '\\' && i + 1 < command.size() &&
            (command[i + 1] == '"' || command[i + 1] == '\\' || command[i + 1] == '$' ||
             command[i + 1] == '`' || command[i + 1] == '\n')) {
          if (command[++i] != '\n') current += command[i];
        } else {
          current += d;
        }
      }
    } else {
      current += c;
    }
  }
  if (in_word) arguments.push_back(std::move(current));
  return arguments;
}

bool is_source_name(const fs::path& path) {
  static constexpr std::array<std::string_view, 10> kExtensions{".c",  ".cc",  ".cpp", ".cxx", ".h",
                                                                ".hh", ".hpp", ".hxx", ".cu",  ".cuh"};
  const std::string extension = path.extension().string();
  return std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end();
}

bool is_header_name(const fs::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".h" || extension == ".hh" || extension == ".hpp" || extension == ".hxx" ||
         extension == ".cuh";
}

std::vector<std::string> default_arguments(const fs::path& file, std::span<const fs::path> include_folders,
                                           bool header_alone) {
  const bool c_file = file.extension() == ".c";
  std::vector<std::string> arguments;
  if (c_file) {
    arguments = {"clang", "-std=c11", "-x", "c"};
  } else {
    arguments = {"clang++", "-std=c++17", "-x", header_alone ? "c++-header" : "c++"};
  }
  arguments.push_back("-I" + file.parent_path().string());
  for (const fs::path& folder : include_folders) arguments.push_back("-I" + folder.string());
  std::error_code error;
  if (fs::is_directory("/usr/include/eigen3", error)) {
    arguments.push_back("-isystem");
    arguments.push_back("/usr/include/eigen3");
  }
  arguments.push_back(file.string());
  return arguments;
}

}  // namespace dtlint
