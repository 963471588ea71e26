// The reader table (analyzer/formats/readers.h) is the one list of formats.
// These tests hold to it what cannot be generated from it at build time: the
// pre-commit hook's file pattern and description (.pre-commit-hooks.yaml) and
// the fuzz target lists (tests/fuzz/CMakeLists.txt, scripts/fuzz.sh), read as
// text; and they pin down how recognition uses the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/formats/readers.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;

std::string source_file(const std::string& relative) {
  const fs::path path = fs::path(kSourceDir) / relative;
  EXPECT_TRUE(fs::is_regular_file(path)) << path;
  return testing_support::read_file(path.string());
}

// The first capture of `pattern` in `text`, or "" (with a failure) when it does not occur.
std::string capture(const std::string& text, const std::string& pattern, const std::string& what) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(pattern))) {
    ADD_FAILURE() << what << ": no match for " << pattern;
    return "";
  }
  return match[1].str();
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

std::set<std::string> table_extensions() {
  std::set<std::string> all;
  for (const Reader& reader : readers()) {
    for (std::string_view extension : reader.extensions) all.emplace(extension.substr(1));  // without the dot
    for (std::string_view extension : reader.content_extensions) all.emplace(extension.substr(1));
  }
  return all;
}

TEST(ReaderTable, EntriesAreCompleteAndDistinct) {
  ASSERT_FALSE(readers().empty());
  std::set<std::string_view> names, extensions;
  for (const Reader& reader : readers()) {
    EXPECT_TRUE(names.insert(reader.name).second) << reader.name;
    EXPECT_TRUE(!reader.name.empty() && reader.name[0] >= 'a' && reader.name[0] <= 'z' &&
                std::all_of(reader.name.begin(), reader.name.end(),
                            [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }))
        << "names are lower-case words, digits allowed after the first letter (fuzz_<name> is a target): "
        << reader.name;
    EXPECT_NE(reader.sniff, nullptr) << reader.name;
    EXPECT_NE(reader.read, nullptr) << reader.name;
    EXPECT_FALSE(reader.extensions.empty()) << reader.name;
    std::vector<std::string_view> claimed(reader.extensions.begin(), reader.extensions.end());
    claimed.insert(claimed.end(), reader.content_extensions.begin(), reader.content_extensions.end());
    for (std::string_view extension : claimed) {
      EXPECT_TRUE(extensions.insert(extension).second) << "two readers claim " << extension;
      EXPECT_TRUE(extension.size() > 1 && extension[0] == '.') << extension;
      EXPECT_TRUE(
          std::none_of(extension.begin(), extension.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
          << "extensions are lower case: " << extension;
    }
  }
}

// The hook's `files:` pattern ends in \.(ext|ext|...)$: exactly the table's extensions.
TEST(ReaderTable, PreCommitHookFileTypesAreTheTablesExtensions) {
  const std::string manifest = source_file(".pre-commit-hooks.yaml");
  const std::string files = capture(manifest, R"(\n\s*files:\s*'([^']*)')", ".pre-commit-hooks.yaml files:");
  const std::string listed = capture(files, R"(\\\.\(([a-z0-9|]+)\)\$$)", "the data-file part of files:");
  const std::vector<std::string> parts = split(listed, '|');
  EXPECT_EQ(std::set<std::string>(parts.begin(), parts.end()), table_extensions()) << files;
  EXPECT_EQ(parts.size(), table_extensions().size()) << "an extension listed twice: " << files;

  // And the pattern as pre-commit (Python's re.search) applies it to paths.
  const std::regex pattern(files);
  for (const std::string& extension : table_extensions()) {
    EXPECT_TRUE(std::regex_search("models/x." + extension, pattern)) << extension;
    EXPECT_FALSE(std::regex_search("models/x." + extension + ".txt", pattern)) << extension;
  }
  EXPECT_FALSE(std::regex_search("notes.txt", pattern));
  // Files that configure dtlint or declare casts (plan files: a Hugging Face
  // config.json, a Keras model JSON; other JSON passes unread).
  for (const char* plan :
       {".dtlint.yaml", "sub/.dtlint.toml", "pyproject.toml", "models/bert/config.json", "keras/model.json"})
    EXPECT_TRUE(std::regex_search(plan, pattern)) << plan;
  EXPECT_FALSE(std::regex_search("logs/run.jsonl", pattern));

  const std::string description = capture(manifest, R"(\n\s*description:\s*([^\n]*))", "description:");
  EXPECT_NE(description.find(reader_extensions_text("and")), std::string::npos) << description;
}

// Every reader has a fuzz target named fuzz_<name> or fuzz_<name>_<part>, in
// both lists, with its source and its seed corpus.
TEST(ReaderTable, EveryReaderHasAFuzzTarget) {
  const std::vector<std::string> in_cmake =
      split(capture(source_file("tests/fuzz/CMakeLists.txt"), R"(foreach\(target ([^)]*)\))",
                    "tests/fuzz/CMakeLists.txt"),
            ' ');
  const std::vector<std::string> in_script = split(
      capture(source_file("scripts/fuzz.sh"), R"(\nfor target in ([^;\n]*); do)", "scripts/fuzz.sh"), ' ');
  EXPECT_EQ(in_cmake, in_script) << "tests/fuzz/CMakeLists.txt and scripts/fuzz.sh list different targets";
  for (const Reader& reader : readers()) {
    const std::string name(reader.name);
    const bool has_target = std::any_of(in_cmake.begin(), in_cmake.end(), [&](const std::string& target) {
      return target == name || target.starts_with(name + "_");
    });
    EXPECT_TRUE(has_target) << "no fuzz target for the " << name << " reader";
  }
  for (const std::string& target : in_cmake) {
    EXPECT_TRUE(fs::is_regular_file(fs::path(kSourceDir) / "tests/fuzz" / ("fuzz_" + target + ".cpp")))
        << target;
    EXPECT_TRUE(fs::is_directory(fs::path(kSourceDir) / "tests/fuzz/corpus" / target)) << target;
  }
}

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

std::string recognised(std::string_view prefix, std::string_view path) {
  const Reader* reader = reader_for(bytes_of(prefix), path);
  return reader != nullptr ? std::string(reader->name) : "";
}

TEST(ReaderTable, ContentComesBeforeTheName) {
  const std::string npy_magic = "\x93NUMPY\x01";
  EXPECT_EQ(recognised(npy_magic, "weights.safetensors"), "npy");
  EXPECT_EQ(recognised(npy_magic, "saved_without_extension"), "npy");
  const std::string safetensors_start = std::string("\x02\0\0\0\0\0\0\0{}", 10);
  EXPECT_EQ(recognised(safetensors_start, "model.bin"), "safetensors");
  // A zip archive is an .npz only by name.
  EXPECT_EQ(recognised("PK\x03\x04", "a.NPZ"), "npz");
  EXPECT_EQ(recognised("PK\x03\x04", "a.docx"), "");
  // No content match: the name decides, in any case, never for a bare dotfile.
  EXPECT_EQ(recognised("", "a/b.SafeTensors"), "safetensors");
  EXPECT_EQ(recognised("junk", "x.npy"), "npy");
  EXPECT_EQ(recognised("junk", ".npy"), "");
  EXPECT_EQ(recognised("junk", "a/.npy"), "");
  EXPECT_EQ(recognised("junk", "x.npy.txt"), "");
  // Sniffing sees the first kSniffBytes only.
  EXPECT_EQ(recognised(std::string(kSniffBytes, ' ') + npy_magic, "x"), "");
}

TEST(ReaderTable, ExtensionsAreListedInTableOrder) {
  std::vector<std::string> all;
  for (const Reader& reader : readers()) {
    all.insert(all.end(), reader.extensions.begin(), reader.extensions.end());
    all.insert(all.end(), reader.content_extensions.begin(), reader.content_extensions.end());
  }
  const std::string text = reader_extensions_text("or");
  std::size_t at = 0;
  for (const std::string& extension : all) {
    const std::size_t found = text.find(extension, at);
    EXPECT_NE(found, std::string::npos) << extension << " in " << text;
    at = found == std::string::npos ? at : found + extension.size();
  }
  EXPECT_NE(text.find(" or " + all.back()), std::string::npos) << text;
  const testing_support::CommandResult help = testing_support::run_dtlint("scan --help");
  EXPECT_NE(help.out.find("Scan " + reader_extensions_text("and") + " files"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace dtlint
