// compile_commands.json: finding it, reading it, splitting commands.
#include "analyzer/source/compile_database.h"

#include <gtest/gtest.h>

#include "analyzer/input_error.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;
using testing_support::write_text;

using Arguments = std::vector<std::string>;

TEST(SplitCommand, SplitsAsAPosixShell) {
  EXPECT_EQ(split_command("c++  -O2\t-c x.cpp"), (Arguments{"c++", "-O2", "-c", "x.cpp"}));
  EXPECT_EQ(split_command(R"(c++ -DNAME="a b" -I'/my dir' x.cpp)"),
            (Arguments{"c++", "-DNAME=a b", "-I/my dir", "x.cpp"}));
  EXPECT_EQ(split_command(R"(c++ -DQ=\"q\" a\ b.cpp)"), (Arguments{"c++", "-DQ=\"q\"", "a b.cpp"}));
  EXPECT_EQ(split_command(R"(c++ "-DX=\"1\\2\$\`\n" '\n')"), (Arguments{"c++", "-DX=\"1\\2$`\\n", "\\n"}));
  EXPECT_EQ(split_command(R"(c++ ''"")"), (Arguments{"c++", ""}));
  EXPECT_EQ(split_command(""), Arguments{});
  EXPECT_THROW(split_command("c++ 'open"), InputError);
  EXPECT_THROW(split_command("c++ \"open"), InputError);
  EXPECT_THROW(split_command("c++ x\\"), InputError);
}

TEST(CompileDatabase, ReadsArgumentsAndCommandsWithRelativeFiles) {
  TempDir dir;
  write_text(dir / "build/compile_commands.json",
             R"([
    {"directory": ")" +
                 (dir.path() / "build").string() + R"(", "file": "../src/a.cpp",
     "arguments": ["g++", "-std=c++20", "-c", "../src/a.cpp"]},
    {"directory": ")" +
                 dir.path().string() +
                 R"(", "file": "src/b.cpp", "command": "clang++ -DX='1 2' -c src/b.cpp"},
    {"directory": ")" +
                 dir.path().string() + R"(", "file": "src/a.cpp", "command": "second entry loses"}
  ])");
  const CompileDatabase database = CompileDatabase::read(dir.path() / "build/compile_commands.json");
  EXPECT_EQ(database.size(), 2u);
  const CompileCommand* a = database.find(dir.path() / "src/a.cpp");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->directory, dir.path() / "build");
  EXPECT_EQ(a->arguments, (Arguments{"g++", "-std=c++20", "-c", "../src/a.cpp"}));
  const CompileCommand* b = database.find(dir.path() / "src/b.cpp");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->arguments, (Arguments{"clang++", "-DX=1 2", "-c", "src/b.cpp"}));
  EXPECT_EQ(database.find(dir.path() / "src/c.cpp"), nullptr);
  // The same file through a symbolic link to its folder.
  write_text(dir / "src/a.cpp", "");
  fs::create_directory_symlink(dir.path() / "src", dir.path() / "linked");
  EXPECT_EQ(database.find(dir.path() / "linked/a.cpp"), a);
}

std::string read_failure(const std::string& text) {
  TempDir dir;
  write_text(dir / "compile_commands.json", text);
  try {
    CompileDatabase::read(dir.path() / "compile_commands.json");
  } catch (const InputError& error) {
    EXPECT_EQ(error.path(), dir / "compile_commands.json");
    return error.reason();
  }
  return "no error";
}

TEST(CompileDatabase, ABrokenOneSaysWhy) {
  EXPECT_TRUE(read_failure("[{\"directory\": ").starts_with("not valid JSON: ")) << read_failure("[{");
  EXPECT_EQ(read_failure("{}"), "not a compilation database (expected a JSON array)");
  EXPECT_EQ(read_failure("[3]"), "entry 0 is not an object");
  EXPECT_EQ(read_failure(R"([{"directory": "/", "file": "a.c", "command": "cc a.c"}, {"file": "b.c"}])"),
            "entry 1 has no \"directory\" string");
  EXPECT_EQ(read_failure(R"([{"directory": "/", "file": "a.c"}])"),
            "entry 0 has neither \"arguments\" nor a \"command\" string");
  EXPECT_EQ(read_failure(R"([{"directory": "/", "file": "a.c", "arguments": ["cc", 3]}])"),
            "entry 0's \"arguments\" is not a list of strings");
  EXPECT_EQ(read_failure(R"([{"directory": "/", "file": "a.c", "command": "cc 'a.c"}])"),
            "entry 0's \"command\": an unfinished '…' quote");
}

TEST(CompileDatabase, NamedByDashPOrFound) {
  TempDir dir;
  write_text(dir / "out/compile_commands.json", "[]");
  EXPECT_EQ(database_named_by(dir.path() / "out"), dir.path() / "out/compile_commands.json");
  EXPECT_EQ(database_named_by(dir.path() / "out/compile_commands.json"),
            dir.path() / "out/compile_commands.json");
  EXPECT_EQ(database_named_by(dir.path()), std::nullopt);
  EXPECT_EQ(database_named_by(dir.path() / "missing"), std::nullopt);

  write_text(dir / "p/build/compile_commands.json", "[]");
  write_text(dir / "p/src/x.cpp", "");
  const std::vector<std::string> project{(dir.path() / "p").string()};
  EXPECT_EQ(find_compile_database(project), dir.path() / "p/build/compile_commands.json");
  write_text(dir / "p/compile_commands.json", "[]");
  EXPECT_EQ(find_compile_database(project), dir.path() / "p/compile_commands.json");
  // Never upward from a scanned subfolder.
  const std::vector<std::string> subfolder{(dir.path() / "p/src").string()};
  EXPECT_EQ(find_compile_database(subfolder), std::nullopt);
}

TEST(CompileDatabase, Defaults) {
  const std::vector<fs::path> folders{"/scan"};
  const Arguments cpp = default_arguments("/scan/src/x.cpp", folders, false);
  ASSERT_GE(cpp.size(), 7u);
  EXPECT_EQ(Arguments(cpp.begin(), cpp.begin() + 6),
            (Arguments{"clang++", "-std=c++17", "-x", "c++", "-I/scan/src", "-I/scan"}));
  EXPECT_EQ(cpp.back(), "/scan/src/x.cpp");
  EXPECT_EQ(default_arguments("/scan/x.h", folders, true)[3], "c++-header");
  const Arguments c = default_arguments("/scan/x.c", folders, false);
  EXPECT_EQ(Arguments(c.begin(), c.begin() + 4), (Arguments{"clang", "-std=c11", "-x", "c"}));
  EXPECT_TRUE(is_source_name("a/b.cu"));
  EXPECT_TRUE(is_header_name("a/b.hpp"));
  EXPECT_FALSE(is_source_name("a/b.h5"));
}

}  // namespace
}  // namespace dtlint
