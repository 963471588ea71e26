// Tests for the GGUF reader. Files are built here byte by byte from GGML's
// specification (docs/gguf.md). The peers' numbers for GGUF tensors are checked
// by GoldenContainers (tests/golden/data/containers/*.gguf, written by
// tests/golden/generate.py), broken files by HostileCorpusGguf.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "analyzer/formats/gguf.h"
#include "analyzer/input_error.h"

namespace dtlint {
namespace {

// Builds a GGUF file: every number little- or big-endian as asked.
class GgufBuilder {
 public:
  explicit GgufBuilder(std::uint32_t version = 3, bool big_endian = false) : big_(big_endian) {
    bytes_ = "GGUF";
    number(version, 4);
  }
  struct Tensor {
    std::string name;
    std::vector<std::uint64_t> dims;  // GGUF order: fastest-varying first
    std::uint32_t type;
    std::string data;
  };
  GgufBuilder& alignment(std::uint32_t value) {
    alignment_ = value;
    metadata_ += string("general.alignment");
    metadata_ += encode(4, 4) + encode(value, 4);
    ++metadata_count_;
    return *this;
  }
  GgufBuilder& tensor(Tensor t) {
    tensors_.push_back(std::move(t));
    return *this;
  }
  std::string build() const {
    std::string out = bytes_ + encode(tensors_.size(), 8) + encode(metadata_count_, 8) + metadata_;
    std::uint64_t offset = 0;
    std::string data;
    for (const Tensor& t : tensors_) {
      out += string(t.name) + encode(t.dims.size(), 4);
      for (std::uint64_t d : t.dims) out += encode(d, 8);
      out += encode(t.type, 4) + encode(offset, 8);
      data += t.data + std::string((alignment_ - t.data.size() % alignment_) % alignment_, '\0');
      offset = data.size();
    }
    out += std::string((alignment_ - out.size() % alignment_) % alignment_, '\0');
    return out + data;
  }
  // An element's bytes in the file's byte order.
  std::string encode(std::uint64_t value, unsigned size) const {
    std::string out;
    for (unsigned i = 0; i < size; ++i) {
      const unsigned shift = 8 * (big_ ? size - 1 - i : i);
      out += static_cast<char>((value >> shift) & 0xFF);
    }
    return out;
  }

 private:
  void number(std::uint64_t value, unsigned size) { bytes_ += encode(value, size); }
  std::string string(std::string_view text) const { return encode(text.size(), 8) + std::string(text); }

  bool big_;
  std::string bytes_;
  std::string metadata_;
  std::uint64_t metadata_count_ = 0;
  std::uint64_t alignment_ = 32;
  std::vector<Tensor> tensors_;
};

// The views (and the names they carry) point into the bytes, so the contents
// keep a copy of them alive, as a mapping keeps a file's.
ContainerContents read(const std::string& file) {
  const auto bytes = std::make_shared<const std::string>(file);
  const auto* data = reinterpret_cast<const std::byte*>(bytes->data());
  return read_gguf({std::span<const std::byte>(data, bytes->size()), bytes, false}, "m.gguf");
}

std::string floats(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) out.append(reinterpret_cast<const char*>(&v), sizeof v);
  return out;
}

TEST(GgufReader, ReversesDimensionsIntoNumpysOrderAndMapsEveryPlainType) {
  GgufBuilder file;
  file.tensor({"token_embd.weight", {3, 2}, 0, floats({1, 2, 3, 4, 5, 6})})
      .tensor({"h", {2}, 1, std::string("\x00\x3c\x00\x7c", 4)})  // float16 1.0, +inf
      .tensor({"b", {1}, 30, std::string("\x80\x3f", 2)})         // bfloat16 1.0
      .tensor({"ids", {1}, 27, file.encode(16777217, 8)})
      .tensor({"f64", {}, 28, file.encode(0x3ff0000000000000, 8)})
      .tensor({"i8", {2}, 24, "\x01\xff"})
      .tensor({"i16", {1}, 25, file.encode(7, 2)})
      .tensor({"i32", {1}, 26, file.encode(7, 4)});
  const ContainerContents contents = read(file.build());
  EXPECT_TRUE(contents.unreadable.empty());
  EXPECT_TRUE(contents.skipped.empty());
  ASSERT_EQ(contents.array_count(), 8u);
  const std::vector<std::pair<std::string, DType>> expected{{"token_embd.weight", DType::Float32},
                                                            {"h", DType::Float16},
                                                            {"b", DType::BFloat16},
                                                            {"ids", DType::Int64},
                                                            {"f64", DType::Float64},
                                                            {"i8", DType::Int8},
                                                            {"i16", DType::Int16},
                                                            {"i32", DType::Int32}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const ArrayView view = contents.source->view(i);  // in the order of the data
    EXPECT_EQ(view.location.member, expected[i].first);
    EXPECT_EQ(view.dtype, expected[i].second) << expected[i].first;
    EXPECT_FALSE(view.byte_swapped);
    EXPECT_EQ(view.data.size(), view.elements * info(view.dtype).size);
  }
  const ArrayView embedding = contents.source->view(0);
  EXPECT_EQ(embedding.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(embedding.stored_dtype, "F32");
  float last = 0;
  std::memcpy(&last, embedding.data.data() + 20, 4);
  EXPECT_EQ(last, 6.0f);
  const ArrayView scalar = contents.source->view(4);
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.elements, 1u);
}

TEST(GgufReader, BigEndianFilesAreReadWithTheirElementsMarkedSwapped) {
  GgufBuilder file(3, true);
  file.alignment(64).tensor({"w", {2}, 0, file.encode(0x3f800000, 4) + file.encode(0x477fe000, 4)});
  const ContainerContents contents = read(file.build());
  ASSERT_EQ(contents.array_count(), 1u);
  const ArrayView view = contents.source->view(0);
  EXPECT_TRUE(view.byte_swapped);
  EXPECT_EQ(view.elements, 2u);
  EXPECT_EQ(std::to_integer<unsigned>(view.data[0]), 0x3fu);  // the bytes as stored
}

TEST(GgufReader, VersionTwoIsRead) {
  GgufBuilder file(2);
  file.tensor({"w", {1}, 0, floats({1})});
  EXPECT_EQ(read(file.build()).array_count(), 1u);
}

TEST(GgufReader, QuantizedTensorsAreSkippedWithTheirTypeAndTheRestIsRead) {
  GgufBuilder file;
  file.tensor({"blk.0.attn_q.weight", {32}, 8, std::string(34, '\0')})  // Q8_0: one block
      .tensor({"blk.0.ffn.weight", {256}, 14, std::string(210, '\0')})  // Q6_K: one block
      .tensor({"old", {32}, 4, ""})                                     // Q4_2, withdrawn
      .tensor({"norm", {1}, 0, floats({1})});
  const ContainerContents contents = read(file.build());
  EXPECT_TRUE(contents.unreadable.empty());
  ASSERT_EQ(contents.skipped.size(), 3u);
  EXPECT_EQ(contents.skipped[0].location.member, "old");
  EXPECT_EQ(contents.skipped[0].reason, "quantized (Q4_2, a type GGML has withdrawn); not a cast source");
  EXPECT_EQ(contents.skipped[1].reason, "quantized (Q8_0); not a cast source");
  EXPECT_EQ(contents.skipped[2].reason, "quantized (Q6_K); not a cast source");
  ASSERT_EQ(contents.array_count(), 1u);
  EXPECT_EQ(contents.source->view(0).location.member, "norm");
}

TEST(GgufReader, QuantizedDataPastTheEndIsUnreadable) {
  GgufBuilder file;
  file.tensor({"q", {64}, 8, std::string(34, '\0')});  // two Q8_0 blocks declared, one present
  const std::string bytes = file.build();
  const ContainerContents contents = read(bytes.substr(0, bytes.size() - 30));
  ASSERT_EQ(contents.unreadable.size(), 1u);
  EXPECT_NE(contents.unreadable[0].reason.find("68 bytes of Q8_0"), std::string::npos)
      << contents.unreadable[0].reason;
}

TEST(GgufReader, ANonGgufFileIsRefusedWhole) {
  EXPECT_THROW(read(""), InputError);
  EXPECT_THROW(read("GGUF"), InputError);
  EXPECT_THROW(read("PK\x03\x04 not gguf"), InputError);
  try {
    read(std::string("GGUF\x03\x00\x00\x00", 8) + "\x01");
    FAIL() << "a truncated header was read";
  } catch (const InputError& error) {
    EXPECT_EQ(error.path(), "m.gguf");
    EXPECT_NE(error.reason().find("truncated: tensor count at byte 8 needs 8 bytes"), std::string::npos)
        << error.reason();
  }
}

}  // namespace
}  // namespace dtlint
