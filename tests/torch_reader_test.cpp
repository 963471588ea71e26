// The PyTorch checkpoint reader against torch itself: the checkpoints of
// tests/golden/torch/data/ (written by make_fixtures.py with torch 1.13) scanned
// as a folder, every tensor's name, dtype, shape, shared storage and cast counts
// equal to what torch's Tensor.to gives; and recognition by content (.bin).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/formats/readers.h"
#include "analyzer/formats/torch/pickle.h"
#include "analyzer/formats/torch/torch.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/scan/scan.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kDataDir = testing_support::kSourceDir + "/tests/golden/torch/data";

const json& expected() {
  static const json doc = json::parse(testing_support::read_file(kDataDir + "/expected.json"));
  return doc;
}

std::string file_of(const std::string& path) {
  return fs::path(path).filename().string();
}

ScanResult scan_folder(std::size_t chunk_bytes) {
  ScanOptions options;
  options.semantics = Semantics::Torch;
  for (DType target : {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32})
    options.requests.push_back(default_request(target));
  options.chunk_bytes = chunk_bytes;
  const std::vector<std::string> paths{kDataDir};
  return scan_paths(paths, options);
}

const CastStats* cast_to(const ArrayResult& array, const std::string& target) {
  for (const CastStats& stats : array.analysis.casts) {
    if (name(stats.target) == target) return &stats;
  }
  return nullptr;
}

void expect_tensor_matches(const ArrayResult& array, const json& peer, const std::string& where) {
  EXPECT_EQ(name(array.dtype), peer["dtype"].get<std::string>()) << where;
  EXPECT_EQ(array.shape, peer["shape"].get<std::vector<std::uint64_t>>()) << where;
  if (peer["shared"].is_null()) {
    EXPECT_FALSE(array.shared_storage.has_value()) << where;
  } else {
    ASSERT_TRUE(array.shared_storage.has_value()) << where;
    EXPECT_EQ(array.shared_storage->views, peer["shared"]["views"].get<std::uint64_t>()) << where;
    EXPECT_EQ(array.shared_storage->with, peer["shared"]["with"].get<std::vector<std::string>>()) << where;
    EXPECT_TRUE(array.shared_storage->storage.starts_with("data/")) << where;
  }
  const json& source = peer["source"];
  EXPECT_EQ(array.analysis.source.nan.count, source["nan"].get<std::uint64_t>()) << where;
  EXPECT_EQ(array.analysis.source.pos_inf.count, source["pos_inf"].get<std::uint64_t>()) << where;
  EXPECT_EQ(array.analysis.source.neg_inf.count, source["neg_inf"].get<std::uint64_t>()) << where;
  EXPECT_EQ(array.analysis.source.zero, source["zero"].get<std::uint64_t>()) << where;
  for (const auto& [target, counts] : peer["casts"].items()) {
    const CastStats* stats = cast_to(array, target);
    ASSERT_NE(stats, nullptr) << where << " → " << target;
    const std::string at = where + " → " + target;
    for (const auto& [field, peer_value] : counts.items()) {
      if (field == "max_abs_error") {
        EXPECT_EQ(static_cast<double>(stats->max_abs_error), peer_value.get<double>()) << at;
        continue;
      }
      // first_overflow, first_out_of_range: the row-major index of the first
      // such element (a strided view is read in its own logical order).
      const bool first = field.starts_with("first_");
      const std::string counter_name = first ? field.substr(6) : field;
      std::optional<std::size_t> which;
      for (std::size_t c = 0; c < kCastCounterCount; ++c) {
        if (field_name(static_cast<CastCounter>(c)) == counter_name) which = c;
      }
      ASSERT_TRUE(which.has_value()) << at << ": no counter " << field;
      const Counter& counter = stats->counters[*which];
      if (!first) {
        EXPECT_EQ(counter.count, peer_value.get<std::uint64_t>()) << at << " " << field;
      } else if (peer_value.is_null()) {
        EXPECT_FALSE(counter.first.found()) << at << " " << field;
      } else {
        EXPECT_EQ(counter.first.index, peer_value.get<std::uint64_t>()) << at << " " << field;
      }
    }
  }
}

// Every tensor of every checkpoint, named as torch's containers name it, with
// torch's counts; read in chunks small enough to split strided views.
TEST(TorchGolden, EveryTensorMatchesTorch) {
  for (std::size_t chunk_bytes : {std::size_t{4} << 20, std::size_t{12}}) {
    const ScanResult scan = scan_folder(chunk_bytes);
    EXPECT_TRUE(scan.problems.empty())
        << scan.problems.front().location.display() << ": " << scan.problems.front().message;
    EXPECT_TRUE(scan.code_refused.empty());
    std::map<std::string, std::map<std::string, const ArrayResult*>> found;
    for (const ArrayResult& array : scan.arrays) {
      ASSERT_TRUE(array.location.member.has_value());
      EXPECT_TRUE(found[file_of(array.location.path)].emplace(*array.location.member, &array).second)
          << "two tensors named " << *array.location.member;
    }
    std::size_t checked = 0;
    for (const auto& [file, contents] : expected()["files"].items()) {
      std::set<std::string> names;
      for (const auto& [tensor, peer] : contents["tensors"].items()) {
        names.insert(tensor);
        const auto it = found[file].find(tensor);
        ASSERT_NE(it, found[file].end()) << file << ": no tensor " << tensor;
        expect_tensor_matches(*it->second, peer, file + ":" + tensor);
        ++checked;
      }
      std::set<std::string> scanned;
      for (const auto& [tensor, array] : found[file]) scanned.insert(tensor);
      EXPECT_EQ(scanned, names) << file;
    }
    EXPECT_GE(checked, 40u);
    // The legacy file is one skipped input saying how to re-save it; random.bin is not an input.
    ASSERT_EQ(scan.skipped.size(), 1u);
    EXPECT_EQ(file_of(scan.skipped[0].location.path), "legacy.pt");
    EXPECT_EQ(scan.skipped[0].reason,
              "legacy PyTorch format (before 1.6); re-save with torch.save(obj, path) from PyTorch >= 1.6 to "
              "let dtlint read it");
    EXPECT_FALSE(found.contains("random.bin"));
    EXPECT_EQ(scan.inputs, expected()["files"].size() + 1);  // and legacy.pt
  }
}

TEST(TorchReader, ContiguousViewsAreZeroCopyAndStridedViewsStream) {
  const std::string file = kDataDir + "/tiny_transformer.pt";
  const InputBytes input = input_bytes(MappedFile::open(file, file));
  const ContainerContents contents = read_torch(input, file);
  ASSERT_TRUE(contents.source);
  std::size_t strided = 0;
  for (std::size_t i = 0; i < contents.array_count(); ++i) {
    const ArrayView view = contents.source->view(i);
    if (view.stream) {
      ++strided;
      EXPECT_EQ(*view.location.member, "encoder.layer.0.attn.weight_t");
      continue;
    }
    EXPECT_GE(view.data.data(), input.bytes.data());
    EXPECT_LE(view.data.data() + view.data.size(), input.bytes.data() + input.bytes.size());
  }
  EXPECT_EQ(strided, 1u);
}

TEST(TorchReader, ABinIsACheckpointOnlyByItsContent) {
  const std::string bin = kDataDir + "/pytorch_model.bin";
  const std::vector<std::byte> head = read_prefix(bin, bin, kSniffBytes);
  const Reader* reader = reader_for(head, bin);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->name, "torch");
  EXPECT_EQ(reader_by_name("model.bin"), nullptr);
  EXPECT_EQ(reader_by_name("model.pt")->name, "torch");
  EXPECT_EQ(reader_by_name("last.ckpt")->name, "torch");
  // A TorchScript archive writes its storages first: archive/data/0 starts it.
  const std::string scripted = kDataDir + "/scripted.pt";
  const Reader* by_content = reader_for(read_prefix(scripted, scripted, kSniffBytes), "model.bin");
  ASSERT_NE(by_content, nullptr);
  EXPECT_EQ(by_content->name, "torch");
  const std::string random = kDataDir + "/random.bin";
  EXPECT_EQ(reader_for(read_prefix(random, random, kSniffBytes), random), nullptr);

  // Named on the command line (as the pre-commit hook passes it): a note, never an error.
  const auto run = testing_support::run_dtlint("scan --format json '" + random + "'");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const json report = json::parse(run.out);
  ASSERT_EQ(report["skipped"].size(), 1u) << run.out;
  EXPECT_NE(report["skipped"][0]["reason"].get<std::string>().find("not a torch file by its content"),
            std::string::npos);
  EXPECT_TRUE(report["problems"].empty());
}

TEST(TorchReader, SharedStorageIsInTheJsonReport) {
  const auto run = testing_support::run_dtlint("scan --format json '" + kDataDir + "/tiny_transformer.pt'");
  const json report = json::parse(run.out);
  bool seen = false;
  for (const json& array : report["arrays"]) {
    if (array["member"] != "lm_head.weight") continue;
    seen = true;
    EXPECT_EQ(array["shared_storage"]["storage"], "data/0");
    EXPECT_EQ(array["shared_storage"]["views"], 3);
    EXPECT_EQ(array["shared_storage"]["with"], json::array({"embed.weight", "embed.rows"}));
  }
  EXPECT_TRUE(seen);
  for (const json& array : report["arrays"]) {
    if (array["member"] == "encoder.layer.0.norm.bias") {
      EXPECT_FALSE(array.contains("shared_storage"));
    }
  }
}

TEST(TorchReader, NamesAreContainerPathsMadeUnique) {
  const std::string file = testing_support::kSourceDir + "/tests/hostile/corpus_torch/duplicate_names.pt";
  const ContainerContents contents = read_path(read_torch, file, file);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < contents.array_count(); ++i)
    names.push_back(*contents.source->view(i).location.member);
  EXPECT_EQ(names, (std::vector<std::string>{"a.b", "a.b#2", "7", "(1,x)"}));
  // All four view one storage.
  EXPECT_EQ(contents.source->view(0).shared_storage->views, 4u);
}

// The interpreter on hand-made pickles: what torch.load(weights_only=True)
// accepts, what it refuses, and the bounds.
std::vector<std::byte> bytes_of(const std::string& text) {
  std::vector<std::byte> out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

std::string pickle_error(const std::string& text) {
  const std::vector<std::byte> bytes = bytes_of(text);
  try {
    pickle::Pickle::parse(bytes, {});
  } catch (const pickle::PickleError& error) {
    return "byte " + std::to_string(error.position()) + ": " + error.what();
  }
  return "";
}

TEST(TorchPickle, RefusesWhatWeightsOnlyRefusesWithoutRunningIt) {
  // {'a': os.system('x')} through GLOBAL + REDUCE, and builtins.eval through STACK_GLOBAL.
  const std::string reduce = std::string(
                                 "\x80\x02}q\x00X\x01\x00\x00\x00"
                                 "a"
                                 "cos\nsystem\nX\x01\x00\x00\x00x\x85R",
                                 30) +
                             "s.";
  const std::vector<std::byte> bytes = bytes_of(reduce);
  const pickle::Pickle p = pickle::Pickle::parse(bytes, {});
  ASSERT_EQ(p.refusals().size(), 1u);
  EXPECT_EQ(p.refusals()[0].global, "os.system");
  EXPECT_TRUE(p.refusals()[0].called);

  const std::string stack_global =
      "\x80\x04\x8c\x08"
      "builtins"
      "\x8c\x04"
      "eval"
      "\x93.";
  const std::vector<std::byte> bytes2 = bytes_of(stack_global);
  const pickle::Pickle p2 = pickle::Pickle::parse(bytes2, {});
  ASSERT_EQ(p2.refusals().size(), 1u);
  EXPECT_EQ(p2.refusals()[0].global, "builtins.eval");
  EXPECT_FALSE(p2.refusals()[0].called);
}

TEST(TorchPickle, MalformedPicklesSayWhereAndWhy) {
  EXPECT_EQ(pickle_error(std::string("\x80\x02h\x05.", 5)), "byte 2: memo index 5 was never stored");
  EXPECT_EQ(pickle_error("\x80\x02X\xff\xff\xff\x7f"
                         "ab."),
            "byte 2: BINUNICODE declares 2147483647 bytes, but only 3 remain in the pickle");
  EXPECT_EQ(pickle_error(std::string("\x80\x02\xff.", 4)), "byte 2: unknown pickle opcode 0xff");
  EXPECT_EQ(pickle_error(std::string("\x80\x02r\x00\x00\x00\x7f.", 8)),
            "byte 2: memo index 2130706432 is beyond dtlint's limit of 16777215");
  EXPECT_EQ(pickle_error(std::string("\x80\x02"
                                     "a.",
                                     4)),
            "byte 2: the opcode takes a value from an empty stack");
  EXPECT_EQ(pickle_error(std::string("\x80\x02N", 3)), "byte 3: the pickle ends without STOP");
  EXPECT_EQ(pickle_error(std::string(5000, '(') + "."), "byte 4096: MARKs nested deeper than 4096");
  EXPECT_EQ(pickle_error(std::string("\x80\x02(X\x01\x00\x00\x00xQ.", 11)),
            "byte 9: persistent id is a str, not a ('storage', ...) tuple");
  EXPECT_EQ(pickle_error("\x80\x02I1\n."),
            "byte 2: opcode INT (0x49) is not one torch.load(weights_only=True) accepts");
}

TEST(TorchPickle, ARecursiveListEnds) {
  // l = []; l.append(l); {'l': l}
  const std::string text = std::string(
      "\x80\x02}q\x00X\x01\x00\x00\x00l]q\x01h\x01"
      "as.",
      19);
  const std::vector<std::byte> bytes = bytes_of(text);
  const pickle::Pickle p = pickle::Pickle::parse(bytes, {});
  const pickle::Value& list = p.value(p.items(p.value(p.root()))[1]);
  ASSERT_EQ(list.kind, pickle::Kind::List);
  ASSERT_EQ(p.items(list).size(), 1u);
  EXPECT_EQ(&p.value(p.items(list)[0]), &list);
}

}  // namespace
}  // namespace dtlint
