// Discovery: what a scan of a folder reads, skips and reports.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "analyzer/scan/discovery.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

void copy_example(const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(testing_support::kSourceDir + "/examples/labels.npy", to);
}

Discovery discover(const TempDir& dir, DiscoveryOptions options = {}) {
  const std::vector<std::string> paths{dir.path().string()};
  return discover_inputs(paths, options);
}

std::vector<std::string> names(const Discovery& d, const TempDir& dir) {
  std::vector<std::string> out;
  for (const std::string& f : d.files)
    out.push_back(fs::path(f).lexically_relative(dir.path()).generic_string());
  return out;
}

TEST(Discovery, RecursesSortsAndRecognisesByContent) {
  TempDir dir;
  copy_example(dir / "b/two.npy");
  copy_example(dir / "a/one.npy");
  copy_example(dir / "a/saved_without_extension");  // np.save to a name of one's own
  { std::ofstream(dir / "a/notes.txt") << "not an array"; }
  { std::ofstream(dir / "a/archive.zip") << "PK\x03\x04 a zip that is not an .npz"; }
  const Discovery d = discover(dir);
  EXPECT_EQ(names(d, dir), (std::vector<std::string>{"a/one.npy", "a/saved_without_extension", "b/two.npy"}));
  EXPECT_TRUE(d.problems.empty());
}

TEST(Discovery, PathsAreShownInNormalFormWhateverTheRootLooksLike) {
  TempDir dir;
  copy_example(dir / "data/sub/x.npy");
  copy_example(dir / "data/LOUD.NPY");  // extensions in any case
  copy_example(dir / "data/.npy");      // a dotfile, not an extension: kept for its content
  { std::ofstream(dir / "data/.npz") << "not an array"; }  // …and this one has none
  const std::string base = dir.path().string();
  for (const std::string& root :
       {base + "/data", base + "/data/", base + "/./data/./", base + "/data/sub/.."}) {
    const std::vector<std::string> paths{root};
    const Discovery d = discover_inputs(paths, {});
    EXPECT_EQ(d.files, (std::vector<std::string>{base + "/data/.npy", base + "/data/LOUD.NPY",
                                                 base + "/data/sub/x.npy"}))
        << root;
    EXPECT_TRUE(d.problems.empty()) << root;
  }
  // A relative root: "." is left out, as std::filesystem's lexically_normal() does.
  const fs::path before = fs::current_path();
  fs::current_path(dir.path() / "data");
  const std::vector<std::string> here{"."}, sub{"./sub/"};
  EXPECT_EQ(discover_inputs(here, {}).files, (std::vector<std::string>{".npy", "LOUD.NPY", "sub/x.npy"}));
  EXPECT_EQ(discover_inputs(sub, {}).files, (std::vector<std::string>{"sub/x.npy"}));
  fs::current_path(before);
}

TEST(Discovery, DefaultAndUserExclusions) {
  TempDir dir;
  copy_example(dir / "data/x.npy");
  copy_example(dir / ".git/objects/y.npy");
  copy_example(dir / "node_modules/z.npy");
  copy_example(dir / "build/w.npy");
  copy_example(dir / "data/scratch/v.npy");
  copy_example(dir / "data/tmp_u.npy");
  DiscoveryOptions options;
  options.exclude = {"scratch", "tmp_*.npy"};
  EXPECT_EQ(names(discover(dir, options), dir), (std::vector<std::string>{"data/x.npy"}));
  options.default_excludes = false;
  options.exclude.clear();
  EXPECT_EQ(discover(dir, options).files.size(), 6u);
}

TEST(Discovery, SpecialFilesAreNotedNeverOpened) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "stream.npy").c_str(), 0600), 0);
  const Discovery d = discover(dir);
  EXPECT_TRUE(d.files.empty());
  ASSERT_EQ(d.skipped.size(), 1u);
  EXPECT_NE(d.skipped[0].reason.find("FIFO"), std::string::npos);
  // Named explicitly, a FIFO is skipped the same way.
  const std::vector<std::string> named{dir / "stream.npy"};
  EXPECT_EQ(discover_inputs(named, {}).skipped.size(), 1u);
}

// Data formats dtlint does not read are noted (DT204) with what they are, by
// name or by their magic bytes; other files are not inputs at all.
TEST(Discovery, DataFormatsItDoesNotReadAreNotedWithTheReason) {
  TempDir dir;
  { std::ofstream(dir / "table.PARQUET") << "PAR1 columns"; }
  { std::ofstream(dir / "exported") << "PAR1 columns"; }  // no name, Parquet's magic
  { std::ofstream(dir / "frame.feather") << "ARROW1"; }
  { std::ofstream(dir / "model.pkl") << "\x80\x04"; }
  { std::ofstream(dir / "train.tfrecord") << "records"; }
  { std::ofstream(dir / "notes.txt") << "PAR is not PAR1"; }
  copy_example(dir / "labels.pkl");  // a .npy by content is read, whatever its name
  const Discovery d = discover(dir);
  EXPECT_EQ(names(d, dir), (std::vector<std::string>{"labels.pkl"}));
  std::map<std::string, std::string> reasons;
  for (const Skipped& s : d.skipped) reasons[fs::path(s.location.path).filename().string()] = s.reason;
  ASSERT_EQ(reasons.size(), 5u);
  EXPECT_TRUE(reasons["table.PARQUET"].starts_with("an Apache Parquet table, which dtlint does not read"));
  EXPECT_EQ(reasons["exported"], reasons["table.PARQUET"]);
  EXPECT_TRUE(reasons["frame.feather"].starts_with("an Apache Arrow IPC (Feather) file"));
  EXPECT_TRUE(reasons["model.pkl"].starts_with("a Python pickle, which dtlint never loads"));
  EXPECT_TRUE(reasons["train.tfrecord"].starts_with("a TFRecord file"));
}

TEST(Discovery, SymlinkLoopsAndDanglingLinksAreProblems) {
  TempDir dir;
  fs::create_symlink(dir / "loop_b", dir / "loop_a");
  fs::create_symlink(dir / "loop_a", dir / "loop_b");
  fs::create_symlink(dir / "missing.npy", dir / "dangling.npy");
  fs::create_symlink(dir / "missing.txt", dir / "dangling.txt");  // not data: ignored
  const Discovery d = discover(dir);
  std::size_t loops = 0, dangling = 0;
  for (const Problem& p : d.problems) {
    loops += p.message == "symbolic link loop";
    dangling += p.message == "dangling symbolic link";
  }
  EXPECT_EQ(loops, 2u);
  EXPECT_EQ(dangling, 1u);
  const std::vector<std::string> named{dir / "loop_a"};
  ASSERT_EQ(discover_inputs(named, {}).problems.size(), 1u);
  EXPECT_EQ(discover_inputs(named, {}).problems[0].message, "symbolic link loop");
}

TEST(Discovery, SymlinkedFoldersAreNotFollowed) {
  TempDir dir;
  copy_example(dir / "real/x.npy");
  fs::create_directory_symlink(dir / "real", dir / "alias");
  fs::create_directory_symlink(dir.path(), dir / "real/up");  // a cycle through folders
  EXPECT_EQ(names(discover(dir), dir), (std::vector<std::string>{"real/x.npy"}));
}

// The name of the table's reader for a file, or "" for none.
std::string format_of(const std::string& path) {
  const Reader* reader = recognise(path);
  return reader != nullptr ? std::string(reader->name) : std::string();
}

TEST(Discovery, RecognisesFormatsByContent) {
  TempDir dir;
  copy_example(dir / "labels.bin");
  EXPECT_EQ(format_of(dir / "labels.bin"), "npy");
  { std::ofstream(dir / "empty.npz") << ""; }
  EXPECT_EQ(format_of(dir / "empty.npz"), "npz");  // by name: the reader says what is wrong
  std::string header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
  std::string file(8, '\0');
  file[0] = static_cast<char>(header.size());
  { std::ofstream(dir / "model.bin", std::ios::binary) << file << header << "abcd"; }
  EXPECT_EQ(format_of(dir / "model.bin"), "safetensors");
  { std::ofstream(dir / "readme") << "hello"; }
  EXPECT_EQ(format_of(dir / "readme"), "");
}

}  // namespace
}  // namespace dtlint
