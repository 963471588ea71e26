// Tests for the .safetensors reader. Most inputs are built here byte by byte
// (8-byte little-endian header length, JSON header, data section); the fixture
// files under tests/data/safetensors/ are written by make_safetensors.py with
// NumPy and PyTorch, and their expected values come from that script.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analyzer/formats/readers.h"
#include "analyzer/formats/safetensors.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

constexpr std::string_view kMemoryPath = "memory/model.safetensors";

std::string le64(std::uint64_t value) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

// A file: the header's length, the header as given (no padding added) and the data.
std::string st_file(std::string_view header, std::string_view data = "") {
  return le64(header.size()) + std::string(header) + std::string(data);
}

// One tensor entry, e.g. "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}.
std::string entry(std::string_view name, std::string_view dtype, std::string_view shape, std::uint64_t begin,
                  std::uint64_t end) {
  return "\"" + std::string(name) + "\":{\"dtype\":\"" + std::string(dtype) +
         "\",\"shape\":" + std::string(shape) + ",\"data_offsets\":[" + std::to_string(begin) + "," +
         std::to_string(end) + "]}";
}

std::string object(std::initializer_list<std::string> members) {
  std::string out = "{";
  for (const std::string& member : members) {
    if (out.size() > 1) out += ",";
    out += member;
  }
  return out + "}";
}

template <typename T>
std::string raw_bytes(std::initializer_list<T> values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::size_t offset = 0;
  for (const T value : values) {
    std::memcpy(out.data() + offset, &value, sizeof(T));
    offset += sizeof(T);
  }
  return out;
}

std::span<const std::byte> as_byte_span(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

// Reads `bytes` through read_safetensors with an owner that keeps a copy alive.
ContainerContents contents_of(const std::string& bytes) {
  auto owned = std::make_shared<const std::string>(bytes);
  return read_safetensors({as_byte_span(*owned), owned, false}, std::string(kMemoryPath));
}

testing::AssertionResult bytes_fail_with(const std::string& bytes, std::string_view phrase) {
  return testing_support::fails_with([&] { contents_of(bytes); }, kMemoryPath, phrase);
}

// Elements are read the way the kernels read them: memcpy from the span, never
// through a cast pointer, because the data may start at any address.
template <typename T>
T element(const ArrayView& view, std::size_t index) {
  T value;
  std::memcpy(&value, view.data.data() + index * sizeof(T), sizeof(T));
  return value;
}

// ---------------------------------------------------------------- well-formed

struct DTypeCase {
  std::string_view code;
  DType dtype;
  unsigned size;
};

class SafetensorsDTypeTest : public testing::TestWithParam<DTypeCase> {};

TEST_P(SafetensorsDTypeTest, MapsToDTypeWithItsBytes) {
  const DTypeCase& param = GetParam();
  std::string data(3 * param.size, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 17 + 1);
  const std::string bytes = st_file(object({entry("t", param.code, "[3]", 0, data.size())}), data);

  const ContainerContents contents = contents_of(bytes);
  ASSERT_EQ(contents.arrays.size(), 1u);
  EXPECT_TRUE(contents.unreadable.empty());
  EXPECT_TRUE(contents.skipped.empty());
  const ArrayView& view = contents.arrays[0];
  EXPECT_EQ(view.location.path, kMemoryPath);
  EXPECT_EQ(view.location.member, "t");
  EXPECT_EQ(view.dtype, param.dtype);
  EXPECT_EQ(info(view.dtype).size, param.size);
  EXPECT_EQ(view.stored_dtype, param.code);
  ASSERT_EQ(std::endian::native, std::endian::little);
  EXPECT_FALSE(view.byte_swapped);
  EXPECT_FALSE(view.fortran_order);
  EXPECT_EQ(view.shape, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(view.elements, 3u);
  EXPECT_FALSE(view.mapped);
  EXPECT_EQ(view.stream, nullptr);
  ASSERT_EQ(view.data.size(), data.size());
  EXPECT_EQ(std::memcmp(view.data.data(), data.data(), data.size()), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Safetensors, SafetensorsDTypeTest,
    testing::Values(DTypeCase{"BOOL", DType::Bool, 1}, DTypeCase{"U8", DType::UInt8, 1},
                    DTypeCase{"I8", DType::Int8, 1}, DTypeCase{"I16", DType::Int16, 2},
                    DTypeCase{"U16", DType::UInt16, 2}, DTypeCase{"F16", DType::Float16, 2},
                    DTypeCase{"BF16", DType::BFloat16, 2}, DTypeCase{"I32", DType::Int32, 4},
                    DTypeCase{"U32", DType::UInt32, 4}, DTypeCase{"F32", DType::Float32, 4},
                    DTypeCase{"F64", DType::Float64, 8}, DTypeCase{"I64", DType::Int64, 8},
                    DTypeCase{"U64", DType::UInt64, 8}, DTypeCase{"F8_E4M3", DType::Float8E4M3FN, 1},
                    DTypeCase{"F8_E5M2", DType::Float8E5M2, 1}),
    [](const testing::TestParamInfo<DTypeCase>& param) { return std::string(param.param.code); });

TEST(SafetensorsReader, ViewsAreWindowsOnTheOwnersBytes) {
  const std::string data = raw_bytes<float>({1.5f, -2.0f, 3.25f, 1e30f});
  const std::string header = object({entry("w", "F32", "[2,2]", 0, 16)}) + "      ";
  auto owned = std::make_shared<const std::string>(st_file(header, data));
  const ContainerContents contents = read_safetensors({as_byte_span(*owned), owned, true}, "w.safetensors");
  ASSERT_EQ(contents.arrays.size(), 1u);
  const ArrayView& view = contents.arrays[0];
  EXPECT_EQ(view.location.path, "w.safetensors");
  EXPECT_TRUE(view.mapped);  // passed through as given
  EXPECT_EQ(view.owner, owned);
  EXPECT_EQ(view.data.data(), as_byte_span(*owned).data() + 8 + header.size());
  EXPECT_EQ(view.shape, (std::vector<std::uint64_t>{2, 2}));
  EXPECT_EQ(view.elements, 4u);
  EXPECT_EQ(element<float>(view, 0), 1.5f);
  EXPECT_EQ(element<float>(view, 1), -2.0f);
  EXPECT_EQ(element<float>(view, 3), 1e30f);
}

TEST(SafetensorsReader, ZeroDimensionalTensorHasOneElement) {
  const ContainerContents contents =
      contents_of(st_file(object({entry("scalar", "I64", "[]", 0, 8)}), raw_bytes<std::int64_t>({-42})));
  ASSERT_EQ(contents.arrays.size(), 1u);
  const ArrayView& view = contents.arrays[0];
  EXPECT_TRUE(view.shape.empty());
  EXPECT_EQ(view.elements, 1u);
  ASSERT_EQ(view.data.size(), 8u);
  EXPECT_EQ(element<std::int64_t>(view, 0), -42);
}

TEST(SafetensorsReader, EmptyTensorsHaveNoBytes) {
  // Empty tensors at the start, in the middle and at the very end of the data.
  const std::string header =
      object({entry("first", "F32", "[0,3]", 0, 0), entry("middle", "I8", "[2]", 0, 2),
              entry("zero", "F64", "[4,0,2]", 2, 2), entry("last", "BOOL", "[0]", 2, 2)});
  const ContainerContents contents = contents_of(st_file(header, "\x05\xFB"));
  ASSERT_EQ(contents.arrays.size(), 4u);
  EXPECT_EQ(contents.arrays[0].location.member, "first");
  EXPECT_EQ(contents.arrays[0].shape, (std::vector<std::uint64_t>{0, 3}));
  EXPECT_EQ(contents.arrays[0].elements, 0u);
  EXPECT_TRUE(contents.arrays[0].data.empty());
  EXPECT_EQ(contents.arrays[1].location.member, "middle");
  EXPECT_EQ(element<std::int8_t>(contents.arrays[1], 1), -5);
  EXPECT_EQ(contents.arrays[2].location.member, "zero");
  EXPECT_EQ(contents.arrays[2].elements, 0u);
  EXPECT_TRUE(contents.arrays[2].data.empty());
  EXPECT_EQ(contents.arrays[3].location.member, "last");
  EXPECT_TRUE(contents.arrays[3].data.empty());

  // A file of nothing but empty tensors has an empty data section.
  const ContainerContents only_empty = contents_of(st_file(object({entry("e", "F16", "[0]", 0, 0)})));
  ASSERT_EQ(only_empty.arrays.size(), 1u);
  EXPECT_TRUE(only_empty.arrays[0].data.empty());

  // The largest dimension is fine when another one is zero (the non-zero
  // product and its byte count still fit in 64 bits).
  const ContainerContents huge_empty =
      contents_of(st_file(object({entry("e", "U8", "[0,18446744073709551615]", 0, 0)})));
  ASSERT_EQ(huge_empty.arrays.size(), 1u);
  EXPECT_EQ(huge_empty.arrays[0].elements, 0u);
}

TEST(SafetensorsReader, MetadataIsCheckedButIsNotAMember) {
  const std::string header =
      object({"\"__metadata__\":{\"format\":\"pt\",\"note\":\"caf\xC3\xA9 \\\"q\\\"\"}",
              entry("a", "U8", "[1]", 0, 1)});
  const ContainerContents contents = contents_of(st_file(header, "\x07"));
  ASSERT_EQ(contents.arrays.size(), 1u);
  EXPECT_EQ(contents.arrays[0].location.member, "a");

  // Metadata alone, empty metadata, and the reference writer's empty file "{}" + 6 spaces.
  EXPECT_TRUE(contents_of(st_file("{\"__metadata__\":{\"format\":\"pt\"}}")).arrays.empty());
  EXPECT_TRUE(contents_of(st_file("{\"__metadata__\":{}}")).arrays.empty());
  EXPECT_TRUE(contents_of(st_file("{}      ")).arrays.empty());
}

TEST(SafetensorsReader, UnalignedDataIsReadThroughMemcpy) {
  // An odd header length puts the data at an odd address: nothing may assume
  // alignment. The values are read back with memcpy only.
  const std::string data = raw_bytes<double>({0.1, -1e300, 5e-324}) + raw_bytes<std::int16_t>({-2, 32767}) +
                           raw_bytes<float>({3.5f});
  std::string header = object(
      {entry("d", "F64", "[3]", 0, 24), entry("s", "I16", "[2]", 24, 28), entry("f", "F32", "[]", 28, 32)});
  if (header.size() % 2 == 0) header += ' ';
  auto owned = std::make_shared<const std::string>(st_file(header, data));
  const ContainerContents contents =
      read_safetensors({as_byte_span(*owned), owned, false}, std::string(kMemoryPath));
  ASSERT_EQ(contents.arrays.size(), 3u);
  const ArrayView& d = contents.arrays[0];
  // std::string's buffer is at least 8-aligned, so an odd offset is an odd address.
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(as_byte_span(*owned).data()) % 8, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(d.data.data()) % 2, 1u);
  EXPECT_EQ(element<double>(d, 0), 0.1);
  EXPECT_EQ(element<double>(d, 1), -1e300);
  EXPECT_EQ(element<double>(d, 2), 5e-324);
  EXPECT_EQ(element<std::int16_t>(contents.arrays[1], 0), -2);
  EXPECT_EQ(element<std::int16_t>(contents.arrays[1], 1), 32767);
  EXPECT_EQ(element<float>(contents.arrays[2], 0), 3.5f);
}

TEST(SafetensorsReader, WhitespacePaddingAfterTheObjectIsAccepted) {
  // The specification pads with spaces; the reference's JSON parser also
  // accepts the other JSON whitespace (tab, LF, CR) after the value.
  for (std::string_view padding : {"", " ", "       ", "\n", " \t\r\n "}) {
    SCOPED_TRACE(testing::PrintToString(std::string(padding)));
    const ContainerContents contents =
        contents_of(st_file(object({entry("a", "U8", "[1]", 0, 1)}) + std::string(padding), "\x01"));
    ASSERT_EQ(contents.arrays.size(), 1u);
  }
  // Whitespace between tokens, as a pretty-printing writer would produce.
  const std::string pretty =
      "{\n  \"a\" : {\n    \"dtype\" : \"U8\",\n    \"shape\" : [ 1 ],\n    \"data_offsets\" : [ 0 , 1 ]\n  "
      "}\n}\n";
  EXPECT_EQ(contents_of(st_file(pretty, "\x01")).arrays.size(), 1u);
}

TEST(SafetensorsReader, UnknownKeysInATensorEntryAreIgnored) {
  // The reference ignores keys it does not know inside a tensor entry.
  const std::string header =
      "{\"a\":{\"quant\":{\"scale\":[1.5,-2,null,true,{\"b\":\"c\"}]},\"dtype\":\"U8\",\"note\":\"x\","
      "\"shape\":[1],\"data_offsets\":[0,1]}}";
  const ContainerContents contents = contents_of(st_file(header, "\x01"));
  ASSERT_EQ(contents.arrays.size(), 1u);
  EXPECT_EQ(contents.arrays[0].dtype, DType::UInt8);
}

TEST(SafetensorsReader, ReportOrderFollowsDataOffsets) {
  // The header lists the tensors in another order than their data; the report
  // follows the data. Empty tensors sharing an offset keep their header order.
  const std::string header =
      object({entry("z_second", "U8", "[2]", 2, 4), entry("y_empty", "U8", "[0]", 2, 2),
              entry("a_third", "U8", "[1]", 4, 5), entry("b_first", "U8", "[2]", 0, 2),
              entry("x_empty", "U8", "[0]", 2, 2)});
  const ContainerContents contents = contents_of(st_file(header, "abcde"));
  std::vector<std::string> members;
  for (const ArrayView& view : contents.arrays) members.push_back(view.location.member.value_or("?"));
  EXPECT_EQ(members, (std::vector<std::string>{"b_first", "y_empty", "x_empty", "z_second", "a_third"}));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(contents.arrays[3].data.data()), 2), "cd");
  // Same input, same order, every time.
  for (int i = 0; i < 3; ++i) {
    const ContainerContents again = contents_of(st_file(header, "abcde"));
    for (std::size_t k = 0; k < again.arrays.size(); ++k)
      EXPECT_EQ(again.arrays[k].location.member, members[k]);
  }
}

TEST(SafetensorsReader, MemberNamesRoundTrip) {
  const std::string header =
      object({entry("a.b/c", "U8", "[1]", 0, 1), entry("w\xC3\xA9ight", "U8", "[1]", 1, 2),
              entry("\\u00e9sc\\\"aped\\\\", "U8", "[1]", 2, 3), entry("", "U8", "[1]", 3, 4)});
  const ContainerContents contents = contents_of(st_file(header, "wxyz"));
  ASSERT_EQ(contents.arrays.size(), 4u);
  EXPECT_EQ(contents.arrays[0].location.member, "a.b/c");
  EXPECT_EQ(contents.arrays[0].location.path, kMemoryPath);
  EXPECT_EQ(contents.arrays[1].location.member, "w\xC3\xA9ight");
  EXPECT_EQ(contents.arrays[2].location.member, "\xC3\xA9sc\"aped\\");  // JSON escapes decoded
  EXPECT_EQ(contents.arrays[3].location.member, "");
}

TEST(SafetensorsReader, ViewsMadeOnDemandAreTheViewsReadAtOnce) {
  // Header order differs from data order; names, dtypes, ranks and escapes vary.
  const std::string header =
      object({entry("late", "F16", "[2, 1]", 3, 7), entry("\\u00e9", "I8", "[3]", 0, 3),
              entry("empty", "BF16", "[0, 5]", 7, 7), entry("scalar", "U8", "[]", 7, 8),
              entry("", "F8_E5M2", "[1, 1, 1]", 8, 9)});
  const auto owned = std::make_shared<const std::string>(st_file(header, "abcdefghi"));
  const InputBytes input{as_byte_span(*owned), owned, false};
  const ContainerContents held = read_safetensors(input, std::string(kMemoryPath));
  const ContainerContents on_demand = read_safetensors_on_demand(input, std::string(kMemoryPath));
  EXPECT_EQ(held.source, nullptr);
  ASSERT_NE(on_demand.source, nullptr);
  EXPECT_TRUE(on_demand.arrays.empty());
  ASSERT_EQ(on_demand.array_count(), 5u);
  ASSERT_EQ(held.arrays.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    const ArrayView& expected = held.arrays[i];
    // Made twice: each call makes the same view anew.
    for (int twice = 0; twice < 2; ++twice) {
      const ArrayView made = on_demand.source->view(i);
      EXPECT_EQ(made.location, expected.location) << i;
      EXPECT_EQ(made.dtype, expected.dtype) << i;
      EXPECT_EQ(made.stored_dtype, expected.stored_dtype) << i;
      EXPECT_EQ(made.shape, expected.shape) << i;
      EXPECT_EQ(made.elements, expected.elements) << i;
      EXPECT_EQ(made.data.data(), expected.data.data()) << i;
      EXPECT_EQ(made.data.size(), expected.data.size()) << i;
      EXPECT_EQ(made.owner, owned) << i;
      EXPECT_FALSE(made.mapped);
      EXPECT_FALSE(made.stream);
    }
  }
  // The values themselves, from the header above, not from the reader.
  EXPECT_EQ(held.arrays[0].location.member, "\xC3\xA9");
  EXPECT_EQ(held.arrays[1].stored_dtype, "F16");
  EXPECT_EQ(held.arrays[1].shape, (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(held.arrays[2].elements, 0u);
  EXPECT_EQ(held.arrays[3].elements, 1u);
  EXPECT_EQ(held.arrays[4].location.member, "");
  EXPECT_EQ(held.arrays[4].stored_dtype, "F8_E5M2");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(held.arrays[1].data.data()), 4), "defg");
}

TEST(SafetensorsReader, DuplicateNamesAreFoundAmongThousands) {
  // Enough names that the duplicate check's table grows several times.
  std::vector<std::string> entries;
  for (int i = 0; i < 5000; ++i) entries.push_back(entry("t" + std::to_string(i), "F32", "[0]", 0, 0));
  std::string distinct = "{";
  for (const std::string& member : entries) distinct += (distinct.size() > 1 ? "," : "") + member;
  const ContainerContents contents = contents_of(st_file(distinct + "}"));
  ASSERT_EQ(contents.arrays.size(), 5000u);
  EXPECT_EQ(contents.arrays[4321].location.member, "t4321");  // empty tensors keep header order

  EXPECT_TRUE(bytes_fail_with(st_file(distinct + "," + entry("t4417", "F32", "[0]", 0, 0) + "}"),
                              "duplicate tensor name 't4417'"));
  EXPECT_TRUE(bytes_fail_with(st_file(distinct + "," + entry("t0", "F32", "[0]", 0, 0) + "}"),
                              "duplicate tensor name 't0'"));
  // A name that differs from another only in its last byte is no duplicate.
  const ContainerContents near =
      contents_of(st_file(distinct + "," + entry("t49999", "F32", "[0]", 0, 0) + "}"));
  EXPECT_EQ(near.arrays.size(), 5001u);
}

// ---------------------------------------------------------------- hostile

struct HostileCase {
  std::string name;
  std::string bytes;
  std::string phrase;
};

std::string with_header(std::string_view header, std::string_view data = "") {
  return st_file(header, data);
}

std::string one_tensor(std::string_view body, std::string_view data = "") {
  return st_file("{\"a\":{" + std::string(body) + "}}", data);
}

std::vector<HostileCase> hostile_cases() {
  const std::string valid_a = entry("a", "F32", "[2]", 0, 8);
  std::string dims65 = "[";
  for (int i = 0; i < 65; ++i) dims65 += i ? ",1" : "1";
  dims65 += "]";
  const std::string deep_arrays = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_objects;
  for (int i = 0; i < 100; ++i) deep_objects += "{\"x\":";
  deep_objects += "1" + std::string(100, '}');

  return {
      // The length field.
      {"EmptyFile", "", "empty file (expected a .safetensors file)"},
      {"ShorterThanLengthField", std::string("\x10\0\0\0\0", 5),
       "truncated: the file has 5 bytes; the header length field alone needs 8"},
      {"HeaderLengthAllOnes", le64(~std::uint64_t{0}) + "{}",
       "the header length field declares more than the 100000000-byte cap"},
      {"HeaderLengthTwoTo63", le64(std::uint64_t{1} << 63) + "{}",
       "the header length field declares more than the 100000000-byte cap"},
      {"HeaderLengthNearTwoTo64WrapsPastEight", le64(~std::uint64_t{0} - 7) + "{}",
       "declares more than the 100000000-byte cap"},
      {"HeaderLengthOverCap", le64(100'000'001) + "{}", "declares more than the 100000000-byte cap"},
      {"HeaderLengthAtCapPastEndOfFile", le64(100'000'000) + "{}",
       "truncated header: the length field declares 100000000 header bytes, 2 present"},
      {"HeaderLongerThanFile", le64(50) + "{\"a\":1}",
       "truncated header: the length field declares 50 header bytes, 7 present"},
      {"HeaderLengthOnly", le64(2), "truncated header: the length field declares 2 header bytes, 0 present"},
      // UTF-8 and the first byte.
      {"HeaderNotUtf8", with_header("{\"a\xFF\":{}}"), "header is not valid UTF-8 (at header byte 3)"},
      {"HeaderOverlongUtf8", with_header("{\"\xC0\xAF\":{}}"),
       "header is not valid UTF-8 (at header byte 2)"},
      {"HeaderSurrogateUtf8", with_header("{\"\xED\xA0\x80\":{}}"),
       "header is not valid UTF-8 (at header byte 2)"},
      {"HeaderTruncatedUtf8", with_header("{}\xE2\x82"), "header is not valid UTF-8 (at header byte 2)"},
      {"HeaderLatin1", with_header("{\"caf\xE9\":{}}"), "not valid UTF-8"},
      {"HeaderEmpty", with_header(""), "header is empty (expected a JSON object starting with '{')"},
      {"HeaderStartsWithSpace", with_header(" {}"),
       "header does not start with '{' (expected a JSON object)"},
      {"HeaderIsArray", with_header("[]"), "header does not start with '{' (expected a JSON object)"},
      {"HeaderIsString", with_header("\"{}\""), "header does not start with '{'"},
      {"HeaderStartsWithBom", with_header("\xEF\xBB\xBF{}"),
       "header does not start with '{' (expected a JSON object)"},
      // JSON syntax and what may follow the object.
      {"TrailingGarbage", with_header("{}x"), "unexpected byte at header byte 2 after the closing '}'"},
      {"TrailingGarbageAfterSpaces", with_header("{}   ;"),
       "unexpected byte at header byte 5 after the closing '}'"},
      {"TrailingSecondObject", with_header("{}{}"),
       "after the closing '}' (only whitespace may pad the header)"},
      {"TrailingNulPadding", with_header(std::string("{}\0\0", 4)), "NUL byte at header byte 2"},
      {"NulThenGarbage", with_header(std::string("{}\0garbage", 10)), "NUL byte at header byte 2"},
      {"MissingValue", with_header("{\"a\":}"), "invalid JSON near header byte 5"},
      {"Unterminated", with_header("{\"a\":{\"dtype\":\"U8\""), "invalid JSON"},
      {"SingleQuotes", with_header("{'a':{}}"), "invalid JSON near header byte 1"},
      {"TrailingComma", with_header("{\"a\":{\"dtype\":\"U8\",},}"), "invalid JSON"},
      {"Comment", with_header("{/* c */}"), "invalid JSON"},
      {"NaNLiteral", one_tensor("\"dtype\":\"F32\",\"shape\":[NaN],\"data_offsets\":[0,0]"), "invalid JSON"},
      {"LoneSurrogateEscape", with_header("{\"\\ud800\":{}}"), "invalid JSON"},
      {"RawControlCharInString", with_header("{\"a\x01\":{}}"), "invalid JSON"},
      // Duplicate keys, at every level.
      {"DuplicateTensorName",
       with_header(object({valid_a, entry("a", "F32", "[2]", 0, 8)}), std::string(8, '\0')),
       "duplicate tensor name 'a'"},
      {"DuplicateTensorNameDifferentEntries",
       with_header(object({entry("w", "U8", "[4]", 0, 4), entry("w", "F32", "[1]", 0, 4)}),
                   std::string("\0\0\x80\x3f", 4)),
       "duplicate tensor name 'w'"},
      {"DuplicateDTypeKey",
       one_tensor("\"dtype\":\"U8\",\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,4]", "abcd"),
       "duplicate key 'dtype' in tensor 'a'"},
      {"DuplicateOffsetsKey",
       one_tensor("\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4],\"data_offsets\":[0,4]", "abcd"),
       "duplicate key 'data_offsets' in tensor 'a'"},
      {"DuplicateUnknownKeyInEntry",
       one_tensor("\"x\":1,\"dtype\":\"U8\",\"x\":2,\"shape\":[4],\"data_offsets\":[0,4]", "abcd"),
       "duplicate key 'x' in tensor 'a'"},
      {"DuplicateKeyInNestedObject",
       one_tensor("\"q\":[{\"k\":1,\"k\":2}],\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]", "abcd"),
       "duplicate key 'k' in a nested object of tensor 'a'"},
      {"DuplicateMetadata", with_header("{\"__metadata__\":{},\"__metadata__\":{}}"),
       "duplicate key '__metadata__'"},
      {"DuplicateMetadataKey", with_header("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}"),
       "duplicate key 'k' in '__metadata__'"},
      {"DuplicateKeyByEscape",
       with_header(object({entry("a", "U8", "[0]", 0, 0), entry("\\u0061", "U8", "[0]", 0, 0)})),
       "duplicate tensor name 'a'"},
      // __metadata__.
      {"MetadataNumberValue", with_header("{\"__metadata__\":{\"epoch\":1}}"),
       "'__metadata__' must map strings to strings, but the value of 'epoch' is the number 1"},
      {"MetadataNullValue", with_header("{\"__metadata__\":{\"k\":null}}"), "the value of 'k' is null"},
      {"MetadataNestedValue", with_header("{\"__metadata__\":{\"k\":{\"a\":\"b\"}}}"),
       "the value of 'k' is an object"},
      {"MetadataListValue", with_header("{\"__metadata__\":{\"k\":[\"b\"]}}"),
       "the value of 'k' is an array"},
      {"MetadataNotAnObject", with_header("{\"__metadata__\":[]}"),
       "'__metadata__' must be an object of string values, not an array"},
      {"MetadataString", with_header("{\"__metadata__\":\"pt\"}"), "'__metadata__' must be an object"},
      {"MetadataNull", with_header("{\"__metadata__\":null}"),
       "'__metadata__' must be an object of string values, not null"},
      // Tensor entries.
      {"TensorNotAnObject", with_header("{\"a\":[0,4]}"),
       "tensor 'a' must be an object with 'dtype', 'shape' and 'data_offsets', not an array"},
      {"TensorIsString", with_header("{\"a\":\"F32\"}"), "tensor 'a' must be an object"},
      {"MissingDType", one_tensor("\"shape\":[1],\"data_offsets\":[0,1]", "x"), "tensor 'a' has no 'dtype'"},
      {"MissingShape", one_tensor("\"dtype\":\"U8\",\"data_offsets\":[0,1]", "x"),
       "tensor 'a' has no 'shape'"},
      {"MissingOffsets", one_tensor("\"dtype\":\"U8\",\"shape\":[1]", "x"),
       "tensor 'a' has no 'data_offsets'"},
      {"DTypeNotAString", one_tensor("\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]", "xxxx"),
       "'dtype' of tensor 'a' must be a string, not the number 4"},
      {"ShapeNotAList", one_tensor("\"dtype\":\"U8\",\"shape\":3,\"data_offsets\":[0,3]", "xxx"),
       "'shape' of tensor 'a' must be a list of non-negative integers, not the number 3"},
      {"ShapeNested", one_tensor("\"dtype\":\"U8\",\"shape\":[[3]],\"data_offsets\":[0,3]", "xxx"),
       "a dimension in 'shape' of tensor 'a' is an array, not a non-negative integer"},
      {"ShapeStringDim", one_tensor("\"dtype\":\"U8\",\"shape\":[\"3\"],\"data_offsets\":[0,3]", "xxx"),
       "a dimension in 'shape' of tensor 'a' is a string, not a non-negative integer"},
      {"ShapeNullDim", one_tensor("\"dtype\":\"U8\",\"shape\":[null],\"data_offsets\":[0,3]", "xxx"),
       "is null, not a non-negative integer"},
      {"ShapeBoolDim", one_tensor("\"dtype\":\"U8\",\"shape\":[true],\"data_offsets\":[0,1]", "x"),
       "is a boolean, not a non-negative integer"},
      {"ShapeNegativeDim", one_tensor("\"dtype\":\"U8\",\"shape\":[2,-1],\"data_offsets\":[0,0]"),
       "a dimension in 'shape' of tensor 'a' is negative"},
      {"ShapeNegativeZero", one_tensor("\"dtype\":\"U8\",\"shape\":[-0],\"data_offsets\":[0,0]"),
       "of tensor 'a' is negative"},
      {"ShapeHugeNegative",
       one_tensor("\"dtype\":\"U8\",\"shape\":[-99999999999999999999],\"data_offsets\":[0,0]"),
       "of tensor 'a' is negative"},
      {"ShapeFractionalDim", one_tensor("\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]", "x"),
       "a dimension in 'shape' of tensor 'a' is not an integer"},
      {"ShapeIntegralFloatDim", one_tensor("\"dtype\":\"U8\",\"shape\":[1.0],\"data_offsets\":[0,1]", "x"),
       "of tensor 'a' is not an integer"},
      {"ShapeExponentDim", one_tensor("\"dtype\":\"U8\",\"shape\":[1e3],\"data_offsets\":[0,1000]"),
       "of tensor 'a' is not an integer"},
      {"ShapeDimTwoTo64",
       one_tensor("\"dtype\":\"U8\",\"shape\":[18446744073709551616],\"data_offsets\":[0,0]"),
       "a dimension in 'shape' of tensor 'a' does not fit in 64 bits"},
      {"ShapeTooManyDims",
       one_tensor("\"dtype\":\"U8\",\"shape\":" + dims65 + ",\"data_offsets\":[0,1]", "x"),
       "'shape' of tensor 'a' has more than 64 dimensions"},
      {"OffsetsNotAList", one_tensor("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":{\"begin\":0}", "x"),
       "'data_offsets' of tensor 'a' must be a list [begin, end], not an object"},
      {"OffsetsOneEntry", one_tensor("\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0]"),
       "'data_offsets' of tensor 'a' must hold exactly two integers [begin, end], not 1"},
      {"OffsetsEmpty", one_tensor("\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[]"),
       "must hold exactly two integers [begin, end], not 0"},
      {"OffsetsThreeEntries", one_tensor("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]", "x"),
       "must hold exactly two integers [begin, end], not more"},
      {"OffsetNegative", one_tensor("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]", "x"),
       "an offset in 'data_offsets' of tensor 'a' is negative"},
      {"OffsetFractional", one_tensor("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,0.5]", "x"),
       "an offset in 'data_offsets' of tensor 'a' is not an integer"},
      {"OffsetTooLarge",
       one_tensor("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,36893488147419103232]", "x"),
       "of tensor 'a' does not fit in 64 bits"},
      // dtypes.
      {"DTypeF4", one_tensor("\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]", "x"),
       "tensor 'a' has unsupported dtype 'F4' (a safetensors dtype dtlint does not read; it reads BOOL, U8"},
      {"DTypeC64", one_tensor("\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]", std::string(8, 'x')),
       "unsupported dtype 'C64'"},
      {"DTypeF8E8M0", one_tensor("\"dtype\":\"F8_E8M0\",\"shape\":[1],\"data_offsets\":[0,1]", "x"),
       "unsupported dtype 'F8_E8M0'"},
      {"DTypeI4", one_tensor("\"dtype\":\"I4\",\"shape\":[2],\"data_offsets\":[0,1]", "x"),
       "tensor 'a' has an unknown dtype (not a safetensors dtype; expected one of BOOL, U8, I8, I16, U16, "
       "F16, "
       "BF16, I32, U32, F32, F64, I64, U64, F8_E4M3, F8_E5M2)"},
      {"DTypeLowercase", one_tensor("\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]", "xxxx"),
       "has an unknown dtype (not a safetensors dtype"},
      {"DTypeEmpty", one_tensor("\"dtype\":\"\",\"shape\":[1],\"data_offsets\":[0,1]", "x"),
       "has an unknown dtype (not a safetensors dtype"},
      {"DTypeHostileText",
       one_tensor("\"dtype\":\"\\u001b[31mF32\",\"shape\":[1],\"data_offsets\":[0,4]", "xxxx"),
       "has an unknown dtype (not a safetensors dtype"},
      // Offsets against each other and the data section.
      {"Overlap",
       with_header(object({entry("a", "U8", "[8]", 0, 8), entry("b", "U8", "[8]", 4, 12)}), "0123456789ab"),
       "tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a' (data_offsets [0, 8])"},
      {"SameRangeTwice",
       with_header(object({entry("a", "F32", "[1]", 0, 4), entry("b", "U8", "[4]", 0, 4)}), "xxxx"),
       "tensor 'b' (data_offsets [0, 4]) overlaps tensor 'a' (data_offsets [0, 4])"},
      {"EmptyTensorInsideAnother",
       with_header(object({entry("a", "U8", "[8]", 0, 8), entry("e", "U8", "[0]", 4, 4)}), "01234567"),
       "tensor 'e' (data_offsets [4, 4]) overlaps tensor 'a'"},
      {"Gap",
       with_header(object({entry("a", "U8", "[4]", 0, 4), entry("b", "U8", "[4]", 8, 12)}), "0123456789ab"),
       "gap in the data section: bytes [4, 8) belong to no tensor (tensor 'b' begins at 8)"},
      {"GapAtStart", with_header(object({entry("a", "U8", "[4]", 4, 8)}), "01234567"),
       "gap in the data section: bytes [0, 4) belong to no tensor"},
      {"OffsetsNearTwoTo64",
       with_header(object({entry("a", "U8", "[0]", 18446744073709551615u, 18446744073709551615u)})),
       "bytes [0, 18446744073709551615) belong to no tensor"},
      {"ExtraBytesAtEnd", with_header(object({entry("a", "U8", "[4]", 0, 4)}), "0123456"),
       "3 bytes at the end of the data section belong to no tensor (the tensors cover 4 of 7 bytes)"},
      {"OneExtraByte", with_header(object({valid_a}), std::string(9, '\0')),
       "1 byte at the end of the data section"},
      {"DataButNoTensors", with_header("{}", "x"),
       "1 byte at the end of the data section belongs to no tensor"},
      {"PastEndOfFile", with_header(object({entry("a", "U8", "[8]", 0, 8)}), "0123"),
       "tensor 'a' (data_offsets [0, 8]) extends past the end of the data section (4 bytes)"},
      {"EndPastEndNearTwoTo64", with_header(object({entry("a", "U8", "[1]", 0, 18446744073709551615u)}), "x"),
       "extends past the end of the data section (1 byte)"},
      {"EndBeforeBegin",
       with_header(object({entry("a", "U8", "[0]", 0, 0), entry("b", "U8", "[4]", 8, 4)}), "0123"),
       "'data_offsets' [8, 4] of tensor 'b' end before they begin"},
      {"SizeMismatch", with_header(object({entry("a", "F32", "[3]", 0, 8)}), std::string(8, '\0')),
       "tensor 'a': data_offsets [0, 8] hold 8 bytes, but shape [3] of F32 needs 12"},
      {"SizeMismatchEmptyShapeWithBytes",
       with_header(object({entry("a", "F64", "[0]", 0, 8)}), std::string(8, '\0')),
       "hold 8 bytes, but shape [0] of F64 needs 0"},
      {"SizeMismatchScalar", with_header(object({entry("a", "I64", "[]", 0, 4)}), std::string(4, '\0')),
       "hold 4 bytes, but shape [] of I64 needs 8"},
      {"ShapeElementCountOverflow", with_header(object({entry("a", "U8", "[4294967296,4294967296]", 0, 0)})),
       "'shape' [4294967296, 4294967296] of tensor 'a' has more elements than fit in 64 bits"},
      {"ShapeElementCountOverflowDespiteZero",
       with_header(object({entry("a", "U8", "[0,4294967296,4294967296]", 0, 0)})),
       "has more elements than fit"},
      {"ShapeByteCountOverflow", with_header(object({entry("a", "F32", "[4611686018427387904]", 0, 0)})),
       "'shape' [4611686018427387904] of tensor 'a' (F32, 4 bytes each) is more bytes than fit in 64 bits"},
      // Nesting: bounded, never recursion without limit.
      {"DeeplyNestedArrays",
       one_tensor("\"x\":" + deep_arrays + ",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]", "x"),
       "the header nests deeper than 64 levels"},
      {"DeeplyNestedObjects",
       one_tensor("\"x\":" + deep_objects + ",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]", "x"),
       "the header nests deeper than 64 levels"},
      {"DeeplyNestedUnclosed", one_tensor("\"x\":" + std::string(1'000'000, '['), "x"),
       "the header nests deeper than 64 levels"},
      {"DeepInMetadata", with_header("{\"__metadata__\":{\"k\":" + deep_arrays + "}}"),
       "the value of 'k' is an array"},
      {"DeepAsTensor", with_header("{\"a\":" + deep_arrays + "}"), "tensor 'a' must be an object"},
  };
}

class SafetensorsHostileTest : public testing::TestWithParam<HostileCase> {};

TEST_P(SafetensorsHostileTest, FailsWithSpecificReason) {
  EXPECT_TRUE(bytes_fail_with(GetParam().bytes, GetParam().phrase));
}

INSTANTIATE_TEST_SUITE_P(Safetensors, SafetensorsHostileTest, testing::ValuesIn(hostile_cases()),
                         [](const testing::TestParamInfo<HostileCase>& param) { return param.param.name; });

TEST(SafetensorsReader, LongHostileNamesAreCutShortInMessages) {
  const std::string name(100'000, 'n');
  const std::string header = object({entry(name, "U8", "[1]", 0, 1), entry(name, "U8", "[1]", 0, 1)});
  try {
    contents_of(st_file(header, "x"));
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_NE(error.reason().find("duplicate tensor name 'nnnn"), std::string::npos) << error.reason();
    EXPECT_LT(error.reason().size(), 200u) << error.reason();
  }
}

TEST(SafetensorsReader, EveryTruncationAndByteFlipFailsCleanly) {
  // A miniature fuzzer: every prefix of a valid file and every single-byte
  // substitution must either read or throw InputError, never anything else
  // (and never touch memory outside the input, which ASan checks).
  const std::string data = raw_bytes<float>({1.0f, 2.0f}) + raw_bytes<std::int64_t>({7}) + "\x01";
  const std::string header = "{\"__metadata__\":{\"format\":\"pt\"}," + entry("w", "F32", "[2]", 0, 8) + "," +
                             entry("ids", "I64", "[]", 8, 16) + "," + entry("m", "BOOL", "[1,1]", 16, 17) +
                             "}  ";
  const std::string valid = st_file(header, data);
  ASSERT_EQ(contents_of(valid).arrays.size(), 3u);

  std::size_t accepted = 0;
  const auto attempt = [&](const std::string& bytes) {
    try {
      const ContainerContents contents = contents_of(bytes);
      ++accepted;
      for (const ArrayView& view : contents.arrays) {
        EXPECT_EQ(view.data.size(), view.elements * info(view.dtype).size);
      }
    } catch (const InputError& error) {
      EXPECT_EQ(error.path(), kMemoryPath);
      EXPECT_FALSE(error.reason().empty());
    }
  };
  for (std::size_t length = 0; length < valid.size(); ++length) {
    const std::size_t before = accepted;
    attempt(valid.substr(0, length));
    EXPECT_EQ(accepted, before) << "prefix of " << length << " bytes was accepted";
  }
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (const char replacement : {'\0', '\xFF', '"', '[', '{', '}', '9', '-', ' ', ',', ':', '\\'}) {
      std::string bytes = valid;
      bytes[i] = replacement;
      attempt(bytes);
    }
  }
  EXPECT_GT(accepted, 0u);  // e.g. data bytes replaced keep the file valid
}

// ---------------------------------------------------------------- files

class SafetensorsFileTest : public testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_.path() / name;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

  TempDir dir_;
};

TEST_F(SafetensorsFileTest, SmallFileIsReadAndKeptAlive) {
  const fs::path path = write("small.safetensors", st_file(object({entry("x", "I32", "[2]", 0, 8)}),
                                                           raw_bytes<std::int32_t>({7, -8})));
  ContainerContents contents = read_path(read_safetensors, path, "models/small.safetensors");
  fs::remove(path);  // the views own their bytes, not the file name
  ASSERT_EQ(contents.arrays.size(), 1u);
  const ArrayView& view = contents.arrays[0];
  EXPECT_EQ(view.location.path, "models/small.safetensors");
  EXPECT_EQ(view.location.member, "x");
  EXPECT_FALSE(view.mapped);
  EXPECT_EQ(element<std::int32_t>(view, 0), 7);
  EXPECT_EQ(element<std::int32_t>(view, 1), -8);
}

TEST_F(SafetensorsFileTest, LargeFileIsMappedAndEveryViewSaysSo) {
  constexpr std::size_t kCount = 300'000;  // 1.2 MB of F32, past the read-instead-of-map limit
  std::string data(kCount * 4, '\0');
  for (std::size_t i = 0; i < kCount; ++i) {
    const float value = static_cast<float>(i) * 0.5f;
    std::memcpy(data.data() + 4 * i, &value, 4);
  }
  data += "\x01\x02";
  const std::string header = object({entry("big", "F32", "[300000]", 0, kCount * 4),
                                     entry("tail", "U8", "[2]", kCount * 4, kCount * 4 + 2)}) +
                             " ";  // odd length: the mapped data is unaligned too
  const fs::path path = write("big.safetensors", st_file(header, data));
  ContainerContents contents = read_path(read_safetensors, path, "big.safetensors");
  ASSERT_EQ(contents.arrays.size(), 2u);
  for (const ArrayView& view : contents.arrays) EXPECT_TRUE(view.mapped);
  std::vector<ArrayView> arrays = std::move(contents.arrays);
  contents = ContainerContents{};
  EXPECT_EQ(element<float>(arrays[0], 1), 0.5f);
  EXPECT_EQ(element<float>(arrays[0], kCount - 1), static_cast<float>(kCount - 1) * 0.5f);
  EXPECT_EQ(element<std::uint8_t>(arrays[1], 1), 2u);
}

TEST_F(SafetensorsFileTest, MappedHeaderOfMegabytesIsReadWhileItsPagesAreGivenBack) {
  // 60,000 entries: a header of some 4 MB, which the parser gives back a
  // megabyte at a time; names near the end must still be read whole.
  std::string header = "{";
  for (int i = 0; i < 60000; ++i) {
    if (i > 0) header += ",";
    header += entry("layer." + std::to_string(i) + ".weight", "U8", "[1]", static_cast<std::uint64_t>(i),
                    static_cast<std::uint64_t>(i) + 1);
  }
  ASSERT_GT(header.size(), std::size_t{3} << 20);
  const std::string data(60000, 'x');
  const fs::path path = write("many.safetensors", st_file(header + "}", data));
  const ContainerContents contents = read_path(read_safetensors_on_demand, path, "many.safetensors");
  ASSERT_EQ(contents.array_count(), 60000u);
  const ArrayView last = contents.source->view(59999);
  EXPECT_EQ(last.location.member, "layer.59999.weight");
  EXPECT_TRUE(last.mapped);
  EXPECT_EQ(element<std::uint8_t>(last, 0), 'x');
  EXPECT_EQ(contents.source->view(31234).location.member, "layer.31234.weight");

  // A duplicate of the first name, megabytes later, is still found.
  const fs::path duplicate =
      write("duplicate.safetensors",
            st_file(header + "," + entry("layer.0.weight", "U8", "[0]", 60000, 60000) + "}", data));
  EXPECT_TRUE(testing_support::fails_with(
      [&] { read_path(read_safetensors_on_demand, duplicate, "duplicate.safetensors"); },
      "duplicate.safetensors", "duplicate tensor name 'layer.0.weight'"));
}

TEST_F(SafetensorsFileTest, ErrorsCarryTheDisplayPath) {
  const fs::path path = write("bad.safetensors", st_file("{}x"));
  EXPECT_TRUE(testing_support::fails_with([&] { read_path(read_safetensors, path, "shown/bad.safetensors"); },
                                          "shown/bad.safetensors", "after the closing '}'"));
  EXPECT_TRUE(testing_support::fails_with(
      [&] { read_path(read_safetensors, dir_.path() / "missing.safetensors", "shown/missing.safetensors"); },
      "shown/missing.safetensors", ""));
  EXPECT_TRUE(
      testing_support::fails_with([&] { read_path(read_safetensors, dir_.path(), "shown/dir.safetensors"); },
                                  "shown/dir.safetensors", ""));
}

// ---------------------------------------------------------------- fixtures from NumPy and PyTorch

fs::path fixtures() {
  return fs::path(testing_support::kSourceDir) / "tests" / "data" / "safetensors";
}

// The format's dtype names, as the script writes them (kept apart from the reader's own table).
DType fixture_dtype(const std::string& code) {
  static const std::vector<std::pair<std::string, DType>> kTable{
      {"BOOL", DType::Bool},         {"U8", DType::UInt8},
      {"I8", DType::Int8},           {"I16", DType::Int16},
      {"U16", DType::UInt16},        {"F16", DType::Float16},
      {"BF16", DType::BFloat16},     {"I32", DType::Int32},
      {"U32", DType::UInt32},        {"F32", DType::Float32},
      {"F64", DType::Float64},       {"I64", DType::Int64},
      {"U64", DType::UInt64},        {"F8_E4M3", DType::Float8E4M3FN},
      {"F8_E5M2", DType::Float8E5M2}};
  for (const auto& [name, dtype] : kTable) {
    if (name == code) return dtype;
  }
  ADD_FAILURE() << "unknown fixture dtype " << code;
  return DType::UInt8;
}

std::uint64_t bits_at(const ArrayView& view, std::size_t index) {
  const unsigned size = info(view.dtype).size;
  std::uint64_t bits = 0;
  std::memcpy(&bits, view.data.data() + index * size, size);  // little-endian machine
  return bits;
}

// IEEE binary16, decoded by hand so that the check does not lean on dtlint's kernels.
double half_value(std::uint64_t bits) {
  const int exponent = static_cast<int>((bits >> 10) & 0x1F);
  const double fraction = static_cast<double>(bits & 0x3FF);
  const double magnitude =
      exponent == 0 ? std::ldexp(fraction, -24) : std::ldexp(1024 + fraction, exponent - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

double float_value(const ArrayView& view, std::size_t index) {
  const std::uint64_t bits = bits_at(view, index);
  switch (view.dtype) {
    case DType::Float16: return half_value(bits);
    case DType::BFloat16: return std::bit_cast<float>(static_cast<std::uint32_t>(bits << 16));
    case DType::Float32: return element<float>(view, index);
    default: return element<double>(view, index);
  }
}

TEST(SafetensorsFixtures, MatchWhatNumPyAndPyTorchWrote) {
  std::ifstream in(fixtures() / "expected.json");
  ASSERT_TRUE(in.good()) << "missing " << (fixtures() / "expected.json");
  const nlohmann::json expected = nlohmann::json::parse(in);
  ASSERT_EQ(expected.size(), 3u);
  for (const auto& [file, spec] : expected.items()) {
    SCOPED_TRACE(file);
    const std::string display = "fixtures/" + file;
    const ContainerContents contents = read_path(read_safetensors, fixtures() / file, display);
    const auto& tensors = spec.at("tensors");
    ASSERT_EQ(contents.arrays.size(), tensors.size());
    const std::size_t header_length = spec.at("header_length").get<std::size_t>();
    const std::byte* data_start = nullptr;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      const auto& want = tensors[i];
      const ArrayView& view = contents.arrays[i];
      SCOPED_TRACE(want.at("name").get<std::string>());
      EXPECT_EQ(view.location.path, display);
      EXPECT_EQ(view.location.member, want.at("name").get<std::string>());
      EXPECT_EQ(view.stored_dtype, want.at("dtype").get<std::string>());
      EXPECT_EQ(view.dtype, fixture_dtype(want.at("dtype").get<std::string>()));
      EXPECT_EQ(view.shape, want.at("shape").get<std::vector<std::uint64_t>>());
      const auto offsets = want.at("data_offsets").get<std::vector<std::uint64_t>>();
      ASSERT_EQ(view.data.size(), offsets.at(1) - offsets.at(0));
      EXPECT_EQ(view.data.size(), view.elements * info(view.dtype).size);
      // Every view lies at its offset from the one data section.
      if (i == 0) data_start = view.data.data() - offsets.at(0);
      if (!view.data.empty()) {
        EXPECT_EQ(view.data.data(), data_start + offsets.at(0));
      }
      const auto& first_bits = want.at("first_bits");
      for (std::size_t k = 0; k < first_bits.size(); ++k) {
        EXPECT_EQ(bits_at(view, k), first_bits[k].get<std::uint64_t>()) << "element " << k;
      }
      const auto& first_values = want.at("first_values");
      if (first_values.is_null()) continue;  // F8: bit patterns only (torch 1.13 has no float8)
      for (std::size_t k = 0; k < first_values.size(); ++k) {
        const auto& value = first_values[k];
        switch (view.dtype) {
          case DType::Bool: EXPECT_EQ(element<std::uint8_t>(view, k), value.get<unsigned>()); break;
          case DType::Int8: EXPECT_EQ(element<std::int8_t>(view, k), value.get<std::int64_t>()); break;
          case DType::UInt8: EXPECT_EQ(element<std::uint8_t>(view, k), value.get<std::uint64_t>()); break;
          case DType::Int16: EXPECT_EQ(element<std::int16_t>(view, k), value.get<std::int64_t>()); break;
          case DType::UInt16: EXPECT_EQ(element<std::uint16_t>(view, k), value.get<std::uint64_t>()); break;
          case DType::Int32: EXPECT_EQ(element<std::int32_t>(view, k), value.get<std::int64_t>()); break;
          case DType::UInt32: EXPECT_EQ(element<std::uint32_t>(view, k), value.get<std::uint64_t>()); break;
          case DType::Int64: EXPECT_EQ(element<std::int64_t>(view, k), value.get<std::int64_t>()); break;
          case DType::UInt64: EXPECT_EQ(element<std::uint64_t>(view, k), value.get<std::uint64_t>()); break;
          default: EXPECT_EQ(float_value(view, k), value.get<double>()) << "element " << k; break;
        }
      }
    }
    // The data section starts right after the header, 8 + header_length bytes into the file.
    ASSERT_FALSE(contents.arrays.empty());
    const auto* mapping = static_cast<const MappedFile*>(contents.arrays[0].owner.get());
    EXPECT_EQ(data_start, mapping->bytes().data() + 8 + header_length);
  }
}

TEST(SafetensorsFixtures, ModelFileLooksLikeAModel) {
  const ContainerContents contents =
      read_path(read_safetensors, fixtures() / "model.safetensors", "model.safetensors");
  std::vector<std::string> members;
  for (const ArrayView& view : contents.arrays) members.push_back(view.location.member.value_or("?"));
  // The reference writer's order: widest dtype first, then by name.
  EXPECT_EQ(members, (std::vector<std::string>{"token_ids", "encoder.weight", "logit_scale", "decoder.weight",
                                               "encoder.bias", "attention.mask"}));
  EXPECT_TRUE(contents.arrays[2].shape.empty());  // logit_scale is 0-d
  EXPECT_EQ(contents.arrays[2].elements, 1u);
  EXPECT_EQ(contents.arrays[5].elements, 0u);  // attention.mask is empty
  EXPECT_TRUE(contents.arrays[5].data.empty());
}

TEST(SafetensorsFixtures, UnalignedFileIsReadWithoutAssumingAlignment) {
  const ContainerContents contents =
      read_path(read_safetensors, fixtures() / "unaligned.safetensors", "unaligned.safetensors");
  ASSERT_EQ(contents.arrays.size(), 2u);
  const ArrayView& x = contents.arrays[0];
  EXPECT_EQ(x.dtype, DType::Float64);
  EXPECT_NE(reinterpret_cast<std::uintptr_t>(x.data.data()) % alignof(double), 0u);
  EXPECT_EQ(element<double>(x, 3), 123456789.0);
}

}  // namespace
}  // namespace dtlint
