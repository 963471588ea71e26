// Tests for the .npy reader and the file mapping under it. Every input is
// built here byte by byte, the way NumPy's format.write_array lays it out.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "analyzer/formats/npy.h"
#include "analyzer/formats/readers.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMemoryPath = "memory/array.npy";

// Magic, version and the little-endian header length field (2 bytes in
// version 1.0, 4 bytes in 2.0 and 3.0).
std::string npy_preamble(unsigned major, unsigned minor, std::uint64_t header_length) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  const int length_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < length_bytes; ++i) out += static_cast<char>((header_length >> (8 * i)) & 0xFF);
  return out;
}

// Preamble plus `dict` padded with spaces and a final '\n' so that the data
// starts at a multiple of 64, exactly as NumPy writes it.
std::string npy_header(std::string_view dict, unsigned major = 1) {
  const std::size_t preamble_size = major == 1 ? 10 : 12;
  std::string header(dict);
  while ((preamble_size + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return npy_preamble(major, 0, header.size()) + header;
}

// The dict as NumPy's repr writes it: "(3,)" for one dimension, trailing ", }".
std::string numpy_dict(std::string_view descr, std::string_view shape, bool fortran = false) {
  return "{'descr': '" + std::string(descr) + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + std::string(shape) + ", }";
}

std::string npy_file(std::string_view dict, std::string_view data, unsigned major = 1) {
  return npy_header(dict, major) + std::string(data);
}

std::string zero_bytes(std::size_t count) {
  return std::string(count, '\0');
}

std::span<const std::byte> as_byte_span(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

// Reads `bytes` through npy_from_bytes with an owner that keeps a copy alive.
ArrayView view_of(const std::string& bytes) {
  auto owned = std::make_shared<const std::string>(bytes);
  return npy_from_bytes(as_byte_span(*owned), owned, std::string(kMemoryPath));
}

// Maps `file` as the scan does and reads it with the table's .npy reader: one array, no member.
ArrayView open_npy(const fs::path& file, const std::string& shown) {
  ContainerContents contents = read_path(read_npy, file, shown);
  EXPECT_EQ(contents.arrays.size(), 1u);
  EXPECT_TRUE(contents.unreadable.empty() && contents.skipped.empty());
  return contents.arrays.at(0);
}

testing::AssertionResult bytes_fail_with(const std::string& bytes, std::string_view phrase) {
  return testing_support::fails_with([&] { view_of(bytes); }, kMemoryPath, phrase);
}

template <typename T>
T read_element(const ArrayView& view, std::size_t index) {
  T value;
  std::memcpy(&value, view.data.data() + index * sizeof(T), sizeof(T));
  return value;
}

// ---------------------------------------------------------------- well-formed

TEST(NpyReader, ReadsVersion1Float64) {
  const double values[] = {1.5, -2.25, 1e300};
  std::string data(sizeof values, '\0');
  std::memcpy(data.data(), values, sizeof values);
  const std::string bytes = npy_file(numpy_dict("<f8", "(3,)"), data);
  ASSERT_EQ(npy_header(numpy_dict("<f8", "(3,)")).size() % 64, 0u);

  const NpyHeader header = parse_npy_header(as_byte_span(bytes), "x.npy");
  EXPECT_EQ(header.major, 1u);
  EXPECT_EQ(header.minor, 0u);
  EXPECT_EQ(header.data_offset, 128u);
  EXPECT_EQ(header.descr, "<f8");

  auto owned = std::make_shared<const std::string>(bytes);
  const ArrayView view = npy_from_bytes(as_byte_span(*owned), owned, "x.npy");
  EXPECT_EQ(view.location.path, "x.npy");
  EXPECT_FALSE(view.location.member.has_value());
  EXPECT_EQ(view.dtype, DType::Float64);
  EXPECT_EQ(view.stored_dtype, "<f8");
  EXPECT_FALSE(view.byte_swapped);
  EXPECT_FALSE(view.fortran_order);
  EXPECT_EQ(view.shape, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(view.elements, 3u);
  // The view is a window on the owner's bytes: it starts exactly at the data.
  EXPECT_EQ(view.data.data(), as_byte_span(*owned).data() + header.data_offset);
  EXPECT_EQ(view.data.size(), 3 * sizeof(double));
  EXPECT_EQ(read_element<double>(view, 0), 1.5);
  EXPECT_EQ(read_element<double>(view, 2), 1e300);
  EXPECT_EQ(view.owner, owned);
}

TEST(NpyReader, ReadsVersion2And3Headers) {
  for (unsigned major : {2u, 3u}) {
    SCOPED_TRACE("version " + std::to_string(major));
    const std::string bytes = npy_file(numpy_dict("<i4", "(2, 2)"), zero_bytes(16), major);
    const NpyHeader header = parse_npy_header(as_byte_span(bytes), "x.npy");
    EXPECT_EQ(header.major, major);
    EXPECT_EQ(header.data_offset, 128u);
    const ArrayView view = view_of(bytes);
    EXPECT_EQ(view.dtype, DType::Int32);
    EXPECT_EQ(view.elements, 4u);
    EXPECT_EQ(view.data.size(), 16u);
  }
}

TEST(NpyReader, ReadsBigEndianValuesAsStored) {
  // 0x01020304 big-endian: the reader hands over the bytes untouched and says they are swapped.
  const std::string bytes = npy_file(numpy_dict(">i4", "(1,)"), std::string("\x01\x02\x03\x04", 4));
  const ArrayView view = view_of(bytes);
  ASSERT_EQ(std::endian::native, std::endian::little);
  EXPECT_TRUE(view.byte_swapped);
  EXPECT_EQ(view.stored_dtype, ">i4");
  const auto raw = read_element<std::uint32_t>(view, 0);
  EXPECT_EQ(raw, 0x04030201u);
}

TEST(NpyReader, FortranOrder) {
  const ArrayView view = view_of(npy_file(numpy_dict("<f4", "(2, 3)", true), zero_bytes(24)));
  EXPECT_TRUE(view.fortran_order);
  EXPECT_EQ(view.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(view.elements, 6u);
}

TEST(NpyReader, ZeroDimensionalArrayHasOneElement) {
  const ArrayView view = view_of(npy_file(numpy_dict("<i8", "()"), zero_bytes(8)));
  EXPECT_TRUE(view.shape.empty());
  EXPECT_EQ(view.elements, 1u);
  EXPECT_EQ(view.data.size(), 8u);
}

TEST(NpyReader, EmptyArrayHasNoData) {
  const ArrayView view = view_of(npy_file(numpy_dict("<f8", "(0, 3)"), ""));
  EXPECT_EQ(view.shape, (std::vector<std::uint64_t>{0, 3}));
  EXPECT_EQ(view.elements, 0u);
  EXPECT_TRUE(view.data.empty());
}

TEST(NpyReader, ObjectArrayIsReportedWithoutReadingThePickle) {
  // The pickle payload is arbitrary length and never read, so no size check applies.
  const std::string pickle = "\x80\x04\x95garbage-pickle";
  for (std::string_view descr : {"|O", "O", "|O8"}) {
    SCOPED_TRACE(std::string(descr));
    const ArrayView view = view_of(npy_file(numpy_dict(descr, "(2, 5)"), pickle));
    EXPECT_EQ(view.dtype, DType::Object);
    EXPECT_EQ(view.stored_dtype, descr);
    EXPECT_EQ(view.elements, 10u);
    EXPECT_TRUE(view.data.empty());
    EXPECT_FALSE(view.byte_swapped);
  }
}

TEST(NpyReader, AcceptsAnyKeyOrderQuotesAndWhitespace) {
  const std::string dicts[] = {
      "{\"shape\": (2,), \"descr\": \"<i2\", \"fortran_order\": False}",
      "{ 'fortran_order' :False,'shape':( 2 , ) ,\n 'descr' : '<i2' , }",
      "{'descr':'<i2','fortran_order':False,'shape':(2,)}",
  };
  for (const std::string& dict : dicts) {
    SCOPED_TRACE(dict);
    const ArrayView view = view_of(npy_file(dict, zero_bytes(4)));
    EXPECT_EQ(view.dtype, DType::Int16);
    EXPECT_EQ(view.elements, 2u);
  }
}

TEST(NpyReader, ToleratesUnalignedDataAndMissingNewline) {
  // No padding at all: the data starts right after the dict, at an odd offset.
  const std::string dict = numpy_dict("|u1", "(3,)");
  const std::string bytes = npy_preamble(1, 0, dict.size()) + dict + "\x07\x08\x09";
  const NpyHeader header = parse_npy_header(as_byte_span(bytes), "x.npy");
  EXPECT_EQ(header.data_offset, 10 + dict.size());
  const ArrayView view = view_of(bytes);
  EXPECT_EQ(std::to_integer<int>(view.data[2]), 9);
}

TEST(NpyReader, AcceptsPython2LongSuffixOnlyBeforeVersion3) {
  const std::string dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (2L, 1L), }";
  EXPECT_EQ(view_of(npy_file(dict, zero_bytes(4), 1)).elements, 2u);
  EXPECT_TRUE(bytes_fail_with(npy_file(dict, zero_bytes(4), 3),
                              "dimension at header byte 51 in 'shape' is not a decimal"));
}

TEST(NpyReader, HeaderExactlyAtTheCapIsAccepted) {
  std::string dict = numpy_dict("<f8", "(1,)");
  std::string header = dict + std::string(kNpyMaxHeaderBytes - dict.size() - 1, ' ') + "\n";
  ASSERT_EQ(header.size(), kNpyMaxHeaderBytes);
  const std::string bytes = npy_preamble(2, 0, header.size()) + header + zero_bytes(8);
  EXPECT_EQ(view_of(bytes).elements, 1u);
}

TEST(NpyReader, LargestDimensionIsAcceptedForAnEmptyArray) {
  const ArrayView view = view_of(npy_file(numpy_dict("|u1", "(0, 18446744073709551615)"), ""));
  EXPECT_EQ(view.elements, 0u);
  EXPECT_EQ(view.shape[1], 18446744073709551615u);
}

// ---------------------------------------------------------------- every descr

struct DescrCase {
  std::string descr;
  DType dtype;
  bool byte_swapped;  // on this little-endian machine
};

void PrintTo(const DescrCase& c, std::ostream* out) {
  *out << c.descr;
}

class NpyDescrTest : public testing::TestWithParam<DescrCase> {};

TEST_P(NpyDescrTest, MapsToDTypeAndByteOrder) {
  if (std::endian::native != std::endian::little) GTEST_SKIP() << "table is for little-endian";
  const DescrCase& c = GetParam();
  const std::size_t size = info(c.dtype).size;
  std::string data(2 * size, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i + 1);
  const std::string bytes = npy_file(numpy_dict(c.descr, "(2,)"), data);
  const ArrayView view = view_of(bytes);
  EXPECT_EQ(view.dtype, c.dtype);
  EXPECT_EQ(view.byte_swapped, c.byte_swapped);
  EXPECT_EQ(view.stored_dtype, c.descr);
  EXPECT_EQ(view.elements, 2u);
  ASSERT_EQ(view.data.size(), 2 * size);
  EXPECT_EQ(std::memcmp(view.data.data(), data.data(), data.size()), 0);
}

INSTANTIATE_TEST_SUITE_P(
    AllNumeric, NpyDescrTest,
    testing::Values(DescrCase{"|b1", DType::Bool, false}, DescrCase{"<b1", DType::Bool, false},
                    DescrCase{">b1", DType::Bool, false}, DescrCase{"?", DType::Bool, false},
                    DescrCase{"|i1", DType::Int8, false}, DescrCase{">i1", DType::Int8, false},
                    DescrCase{"b", DType::Int8, false}, DescrCase{"|u1", DType::UInt8, false},
                    DescrCase{"B", DType::UInt8, false}, DescrCase{"<i2", DType::Int16, false},
                    DescrCase{">i2", DType::Int16, true}, DescrCase{"<u2", DType::UInt16, false},
                    DescrCase{">u2", DType::UInt16, true}, DescrCase{"<i4", DType::Int32, false},
                    DescrCase{">i4", DType::Int32, true}, DescrCase{"=i4", DType::Int32, false},
                    DescrCase{"|i4", DType::Int32, false}, DescrCase{"<u4", DType::UInt32, false},
                    DescrCase{">u4", DType::UInt32, true}, DescrCase{"<i8", DType::Int64, false},
                    DescrCase{">i8", DType::Int64, true}, DescrCase{"<u8", DType::UInt64, false},
                    DescrCase{">u8", DType::UInt64, true}, DescrCase{"<f2", DType::Float16, false},
                    DescrCase{">f2", DType::Float16, true}, DescrCase{"e", DType::Float16, false},
                    DescrCase{"<f4", DType::Float32, false}, DescrCase{">f4", DType::Float32, true},
                    DescrCase{"<f8", DType::Float64, false}, DescrCase{">f8", DType::Float64, true},
                    DescrCase{"f8", DType::Float64, false}, DescrCase{"d", DType::Float64, false},
                    DescrCase{"<f16", DType::LongDouble, false}, DescrCase{"=f16", DType::LongDouble, false},
                    DescrCase{"<c8", DType::Complex64, false}, DescrCase{">c8", DType::Complex64, true},
                    DescrCase{"<c16", DType::Complex128, false}, DescrCase{">c16", DType::Complex128, true},
                    DescrCase{"D", DType::Complex128, false}),
    [](const testing::TestParamInfo<DescrCase>& param) {
      std::string name;
      for (char c : param.param.descr) {
        switch (c) {
          case '<': name += "le_"; break;
          case '>': name += "be_"; break;
          case '|': name += "na_"; break;
          case '=': name += "native_"; break;
          case '?': name += "question"; break;
          default: name += c;
        }
      }
      return name + "_" + std::to_string(param.index);
    });

// ---------------------------------------------------------------- hostile bytes

struct HostileCase {
  std::string name;
  std::string bytes;
  std::string phrase;  // what the reason must say: proves the right check fired
};

void PrintTo(const HostileCase& c, std::ostream* out) {
  *out << c.name;
}

std::string with_dict(std::string_view dict, std::size_t data_bytes = 8) {
  return npy_file(dict, zero_bytes(data_bytes));
}

std::vector<HostileCase> hostile_cases() {
  const std::string good = npy_file(numpy_dict("<f8", "(3,)"), zero_bytes(24));
  std::string dims65 = "(";
  for (int i = 0; i < 65; ++i) dims65 += "1, ";
  dims65 += ")";
  std::string long_descr(200, 'x');
  const std::size_t dict_size = numpy_dict("<f8", "(1,)").size();
  return {
      // Preamble.
      {"Empty", "", "empty file"},
      {"TruncatedMagic", "\x93NUM", "truncated preamble: the file has 4 bytes"},
      {"BadMagic", std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10),
       "does not start with the \\x93NUMPY magic"},
      {"BadMagicShowsBytes", std::string("\x93NUMPZ\x01\x00\x10\x00", 10),
       "does not start with the \\x93NUMPY magic"},
      {"MagicWithoutHeaderLength", std::string("\x93NUMPY\x01\x00\x46", 9),
       "truncated preamble: the file has 9"},
      {"Version2PreambleCut", std::string("\x93NUMPY\x02\x00\x46\x00\x00", 11),
       "a version 2.0 preamble needs 12"},
      {"Version4", npy_preamble(4, 0, 0), "unsupported .npy format version 4.0"},
      {"Version0", npy_preamble(0, 0, 0), "unsupported .npy format version 0.0"},
      {"Version1Minor1", npy_preamble(1, 1, 0), "unsupported .npy format version 1.1"},
      // Header length.
      {"HeaderLengthPastEof", npy_preamble(1, 0, 100) + "{'descr': '<f8'",
       "truncated header: the preamble declares 100 header bytes, 15 present"},
      {"HeaderCutMidway", good.substr(0, 40),
       "truncated header: the preamble declares 118 header bytes, 30 present"},
      {"HeaderLengthOverCap", npy_preamble(2, 0, 65537) + "{",
       "header length 65537 exceeds dtlint's 65536-byte cap"},
      {"HeaderLengthNear4GiB", npy_preamble(2, 0, 0xFFFFFFF0u) + "{",
       "header length 4294967280 exceeds dtlint's 65536-byte cap"},
      {"HeaderLengthZero", npy_preamble(1, 0, 0),
       "expected '{' at the start of the header dict, but found the end of the header"},
      // Dict structure.
      {"NotADict", with_dict("[1, 2]"), "expected '{' at the start of the header dict, but found '['"},
      {"EmptyDict", with_dict("{}"), "missing key 'descr'"},
      {"MissingShape", with_dict("{'descr': '<f8', 'fortran_order': False, }"), "missing key 'shape'"},
      {"MissingFortranOrder", with_dict("{'descr': '<f8', 'shape': (1,), }"), "missing key 'fortran_order'"},
      {"DuplicateDescr",
       with_dict("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"),
       "duplicate key 'descr'"},
      {"DuplicateShapeOtherQuotes",
       with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), \"shape\": (1,)}"),
       "duplicate key 'shape'"},
      {"UnknownKey", with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1, }"),
       "unknown key at header byte 56 (expected"},
      {"UnquotedKey", with_dict("{descr: '<f8', 'fortran_order': False, 'shape': (1,), }"),
       "expected a quoted key, but found a letter at header byte 1"},
      {"MissingColon", with_dict("{'descr' '<f8', 'fortran_order': False, 'shape': (1,), }"),
       "expected ':' after key 'descr'"},
      {"MissingComma", with_dict("{'descr': '<f8' 'fortran_order': False, 'shape': (1,), }"),
       "expected ',' or '}' after the value of 'descr'"},
      {"DictNotClosed", with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)"),
       "the header dict is not closed"},
      {"TextAfterDict", with_dict(numpy_dict("<f8", "(1,)") + " x"),
       "after the closing '}', but found a letter at header byte 58"},
      {"NulPadding", npy_preamble(1, 0, dict_size + 4) + numpy_dict("<f8", "(1,)") + zero_bytes(12),
       "after the closing '}', but found a control byte at header byte 57"},
      // Strings.
      {"UnterminatedString", with_dict("{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}"),
       "expected ',' or '}' after the value of 'descr', but found a letter"},
      {"UnterminatedStringAtEnd", with_dict("{'descr': '<f8"),
       "unterminated string starting at header byte 10"},
      {"BackslashInString", with_dict("{'descr': '<f\\x38', 'fortran_order': False, 'shape': (1,), }"),
       "backslash escape in string at header byte 13"},
      {"ControlByteInString",
       with_dict("{'descr': '<f\x01"
                 "8', 'fortran_order': False, 'shape': (1,), }"),
       "control byte in string at header byte 13"},
      {"NonAsciiOutsideString", with_dict("{'descr': '<f8',\xff 'fortran_order': False, 'shape': (1,), }"),
       "but found a non-ASCII byte at header byte 16"},
      {"NonAsciiInKey", with_dict("{'d\xe9scr': '<f8', 'fortran_order': False, 'shape': (1,), }"),
       "unknown key at header byte 1 (expected"},
      {"InvalidUtf8InVersion3",
       npy_file("{'descr': '<f\xc3(', 'fortran_order': False, 'shape': (1,), }", zero_bytes(8), 3),
       "version 3.0 header is not valid UTF-8 (at header byte 13)"},
      {"Utf8DescrInVersion3",
       npy_file("{'descr': '<f\xc3\xa9', 'fortran_order': False, 'shape': (1,), }", zero_bytes(8), 3),
       "unsupported dtype (not a type code dtlint reads"},
      // descr.
      {"UnicodeDescr", with_dict(numpy_dict("<U10", "(1,)")),
       "unsupported dtype (a unicode string dtype; only numeric arrays can be analysed)"},
      {"BytesDescr", with_dict(numpy_dict("|S5", "(1,)")), "unsupported dtype (a byte string dtype"},
      {"DatetimeDescr", with_dict(numpy_dict("<M8[ns]", "(1,)")), "unsupported dtype (a datetime dtype"},
      {"TimedeltaDescr", with_dict(numpy_dict("<m8[s]", "(1,)")), "(a timedelta dtype"},
      {"VoidDescr", with_dict(numpy_dict("|V16", "(1,)")), "(a raw void dtype"},
      {"PlatformLong", with_dict(numpy_dict("<l", "(1,)")),
       "unsupported dtype '<l' (a platform-sized integer (C long), refused on purpose: its size depends on "
       "the machine that wrote it"},
      {"PlatformIntptr", with_dict(numpy_dict("|P", "(1,)")), "(a platform-sized integer (C uintptr_t)"},
      {"ComplexLongDouble", with_dict(numpy_dict("<c32", "(1,)")),
       "unsupported dtype (complex long double is not supported)"},
      {"BigEndianLongDouble", with_dict(numpy_dict(">f16", "(1,)"), 16),
       "unsupported dtype '>f16' (16-byte floats are read only as little-endian"},
      {"PlatformLongDoubleLetter", with_dict(numpy_dict("<g", "(1,)")),
       "unsupported dtype (not a type code dtlint reads"},
      {"OddSizeFloat", with_dict(numpy_dict("<f3", "(1,)")),
       "unsupported dtype (not a type code dtlint reads"},
      {"Int128", with_dict(numpy_dict("<i16", "(1,)")), "unsupported dtype (not a type code dtlint reads"},
      {"OrderCharOnly", with_dict(numpy_dict("<", "(1,)")),
       "unsupported dtype (not a type code dtlint reads"},
      {"EmptyDescr", with_dict(numpy_dict("", "(1,)")), "unsupported dtype (not a type code dtlint reads"},
      {"DoubleOrderChar", with_dict(numpy_dict("<<f8", "(1,)")),
       "unsupported dtype (not a type code dtlint reads"},
      {"LongDescrIsCut", with_dict(numpy_dict(long_descr, "(1,)")),
       "unsupported dtype (not a type code dtlint reads"},
      {"StructuredDescr",
       with_dict("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }"),
       "unsupported dtype: 'descr' is a structured dtype"},
      {"DescrNotAString", with_dict("{'descr': 8, 'fortran_order': False, 'shape': (1,), }"),
       "'descr' must be a string, but found a digit"},
      // fortran_order.
      {"FortranLowercase", with_dict("{'descr': '<f8', 'fortran_order': false, 'shape': (1,), }"),
       "'fortran_order' must be True or False, but found another word"},
      {"FortranInteger", with_dict("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }"),
       "'fortran_order' must be True or False, but found another word"},
      {"FortranString", with_dict("{'descr': '<f8', 'fortran_order': 'True', 'shape': (1,), }"),
       "'fortran_order' must be True or False, but found '''"},
      // shape.
      {"NegativeDim", with_dict(numpy_dict("<f8", "(-1,)")),
       "the dimension at header byte 51 in 'shape' is negative"},
      {"NegativeSecondDim", with_dict(numpy_dict("<f8", "(3, -4)")),
       "the dimension at header byte 54 in 'shape' is negative"},
      {"TwentyFiveDigitDim", with_dict(numpy_dict("<f8", "(1234567890123456789012345,)")),
       "dimension at header byte 51 in 'shape' does not fit in 64 bits"},
      {"DimTwoTo64", with_dict(numpy_dict("<f8", "(18446744073709551616,)")),
       "in 'shape' does not fit in 64 bits"},
      {"ElementCountOverflow", with_dict(numpy_dict("<f8", "(4294967296, 4294967296)")),
       "'shape' (4294967296, 4294967296) has more elements than fit in 64 bits"},
      {"ElementCountOverflowDespiteZero", with_dict(numpy_dict("<f8", "(0, 4294967296, 4294967296)")),
       "has more elements than fit in 64 bits"},
      {"ByteSizeOverflow", with_dict(numpy_dict("<f8", "(2305843009213693952,)")),
       "'shape' (2305843009213693952,) of float64 (8 bytes each) is more bytes than fit in 64 bits"},
      {"MaxDimByteSizeOverflow", with_dict(numpy_dict("<i2", "(18446744073709551615,)")),
       "of int16 (2 bytes each) is more bytes than fit"},
      {"ShapeIsParenthesisedInt", with_dict(numpy_dict("<f8", "(3)")),
       "'shape' (3) is a parenthesised integer, not a tuple (3,)"},
      {"ShapeIsList", with_dict(numpy_dict("<f8", "[3]")),
       "'shape' must be a tuple of non-negative integers, but found '['"},
      {"ShapeUnclosedAtBrace", with_dict(numpy_dict("<f8", "(3, 4}")),
       "'shape' tuple is not closed: expected ',' or ')', but found '}'"},
      {"ShapeUnclosedAfterComma", with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (3,}"),
       "'shape' tuple is not closed: expected a dimension or ')', but found '}'"},
      {"ShapeExtraParen", with_dict(numpy_dict("<f8", "(3,))")),
       "expected ',' or '}' after the value of 'shape', but found ')'"},
      {"ShapeNested", with_dict(numpy_dict("<f8", "((3,),)")),
       "expected a non-negative integer dimension in 'shape', but found '('"},
      {"ShapeFloatDim", with_dict(numpy_dict("<f8", "(3.0,)")),
       "dimension at header byte 51 in 'shape' is not a decimal integer"},
      {"ShapeHexDim", with_dict(numpy_dict("<f8", "(0x10,)")),
       "dimension at header byte 51 in 'shape' is not a decimal integer"},
      {"ShapeBoolDim", with_dict(numpy_dict("<f8", "(True,)")),
       "expected a non-negative integer dimension in 'shape', but found a letter"},
      {"ShapeLeadingZero", with_dict(numpy_dict("<f8", "(007,)")),
       "dimension at header byte 51 in 'shape' has a leading zero"},
      {"ShapeTooManyDims", with_dict(numpy_dict("<f8", dims65)), "'shape' has more than 64 dimensions"},
      // Data size.
      {"TruncatedData", npy_file(numpy_dict("<f8", "(1000,)"), zero_bytes(12)),
       "truncated: header declares 8000 data bytes, 12 present"},
      {"NoDataAtAll", npy_header(numpy_dict("<i4", "(2,)")),
       "truncated: header declares 8 data bytes, 0 present"},
      {"TrailingBytes", npy_file(numpy_dict("<f8", "(3,)"), zero_bytes(28)),
       "4 unexpected bytes after the data (header declares 24 data bytes, 28 present)"},
      {"TrailingBytesAfterEmptyArray", npy_file(numpy_dict("<f8", "(0,)"), "x"),
       "1 unexpected byte after the data (header declares 0 data bytes, 1 present)"},
  };
}

class NpyHostileTest : public testing::TestWithParam<HostileCase> {};

TEST_P(NpyHostileTest, FailsWithSpecificReason) {
  EXPECT_TRUE(bytes_fail_with(GetParam().bytes, GetParam().phrase));
}

INSTANTIATE_TEST_SUITE_P(Bytes, NpyHostileTest, testing::ValuesIn(hostile_cases()),
                         [](const testing::TestParamInfo<HostileCase>& param) { return param.param.name; });

TEST(NpyReader, ParseHeaderAloneReportsHeaderErrors) {
  const std::string bytes = npy_header(numpy_dict("<f8", "(-1,)"));
  EXPECT_TRUE(testing_support::fails_with([&] { parse_npy_header(as_byte_span(bytes), "h.npy"); }, "h.npy",
                                          "in 'shape' is negative"));
}

// ---------------------------------------------------------------- files

class NpyFileTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(testing::TempDir()) / ("dtlint_npy_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_ / "secret.npy", fs::perms::owner_all, ignored);
    fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

  fs::path dir_;
};

TEST_F(NpyFileTest, OpensAMappedFileAndKeepsItAlive) {
  const std::int32_t values[] = {7, -8, 9, 2147483647};
  std::string data(sizeof values, '\0');
  std::memcpy(data.data(), values, sizeof values);
  const std::string bytes = npy_file(numpy_dict("<i4", "(2, 2)"), data, 2);
  const fs::path path = write("ints.npy", bytes);

  ArrayView view = open_npy(path, "data/ints.npy");
  EXPECT_EQ(view.location.path, "data/ints.npy");
  EXPECT_EQ(view.dtype, DType::Int32);
  ASSERT_EQ(view.data.size(), 16u);
  // The span starts exactly at the header's data offset within the mapping.
  const auto* mapping = static_cast<const MappedFile*>(view.owner.get());
  const NpyHeader header = parse_npy_header(mapping->bytes(), "data/ints.npy");
  EXPECT_EQ(view.data.data(), mapping->bytes().data() + header.data_offset);
  EXPECT_EQ(header.data_offset, 128u);

  // The mapping outlives the file's name: only the view's owner keeps it.
  fs::remove(path);
  EXPECT_EQ(read_element<std::int32_t>(view, 1), -8);
  EXPECT_EQ(read_element<std::int32_t>(view, 3), 2147483647);
}

TEST_F(NpyFileTest, NeverModifiesTheInput) {
  const std::string bytes = npy_file(numpy_dict("<f8", "(1,)"), zero_bytes(8));
  const fs::path path = write("ro.npy", bytes);
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const auto before = fs::last_write_time(path);
  {
    const ArrayView view = open_npy(path, "ro.npy");
    EXPECT_EQ(view.elements, 1u);
  }
  EXPECT_EQ(fs::last_write_time(path), before);
  std::ifstream in(path, std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, bytes);
}

TEST_F(NpyFileTest, FollowsSymlinksToRegularFiles) {
  const fs::path target = write("target.npy", npy_file(numpy_dict("|u1", "(2,)"), "ab"));
  fs::create_symlink(target, dir_ / "link.npy");
  EXPECT_EQ(open_npy(dir_ / "link.npy", "link.npy").elements, 2u);
}

TEST_F(NpyFileTest, ErrorsCarryTheDisplayPathNotTheRealOne) {
  const fs::path path = write("bad.npy", "not numpy at all");
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(path, "shown/as/this.npy"); }, "shown/as/this.npy",
                                          "does not start with the \\x93NUMPY magic"));
}

TEST_F(NpyFileTest, HostileHeaderThroughAFile) {
  const fs::path path = write("big.npy", npy_file(numpy_dict("<f8", "(1000,)"), zero_bytes(12)));
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(path, "big.npy"); }, "big.npy",
                                          "truncated: header declares 8000 data bytes, 12 present"));
}

TEST_F(NpyFileTest, EmptyFile) {
  const fs::path path = write("empty.npy", "");
  EXPECT_TRUE(MappedFile::open(path, "empty.npy")->bytes().empty());
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(path, "empty.npy"); }, "empty.npy", "empty file"));
}

TEST_F(NpyFileTest, NonexistentFile) {
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(dir_ / "missing.npy", "missing.npy"); },
                                          "missing.npy", "cannot open: No such file or directory"));
}

TEST_F(NpyFileTest, DirectoryNamedLikeAnArray) {
  fs::create_directory(dir_ / "x.npy");
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(dir_ / "x.npy", "x.npy"); }, "x.npy",
                                          "not a regular file (directory)"));
}

TEST_F(NpyFileTest, SymlinkLoop) {
  fs::create_symlink(dir_ / "b.npy", dir_ / "a.npy");
  fs::create_symlink(dir_ / "a.npy", dir_ / "b.npy");
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(dir_ / "a.npy", "a.npy"); }, "a.npy",
                                          "cannot open: Too many levels of symbolic links"));
}

TEST_F(NpyFileTest, DanglingSymlink) {
  fs::create_symlink(dir_ / "gone.npy", dir_ / "dangling.npy");
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(dir_ / "dangling.npy", "dangling.npy"); },
                                          "dangling.npy", "cannot open: No such file or directory"));
}

TEST_F(NpyFileTest, FifoFailsFastWithoutWaitingForAWriter) {
  const fs::path fifo = dir_ / "pipe.npy";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto result = std::async(std::launch::async, [&] {
    return testing_support::fails_with([&] { open_npy(fifo, "pipe.npy"); }, "pipe.npy",
                                       "not a regular file (FIFO)");
  });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    // Release the blocked reader so the test fails instead of hanging.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
    FAIL() << "opening a FIFO blocked";
  }
  EXPECT_TRUE(result.get());
}

TEST_F(NpyFileTest, SocketIsRefused) {
  const fs::path path = dir_ / "sock.npy";
  sockaddr_un address{};
  if (path.native().size() >= sizeof address.sun_path) GTEST_SKIP() << "temp path too long";
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.native().size() + 1);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  const int bound = ::bind(sock, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::close(sock);
  ASSERT_EQ(bound, 0);
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(path, "sock.npy"); }, "sock.npy",
                                          "not a regular file (socket)"));
}

TEST_F(NpyFileTest, CharacterDeviceIsRefused) {
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy("/dev/null", "/dev/null"); }, "/dev/null",
                                          "not a regular file (character device)"));
}

TEST_F(NpyFileTest, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
  const fs::path path = write("secret.npy", npy_file(numpy_dict("<f8", "(1,)"), zero_bytes(8)));
  fs::permissions(path, fs::perms::none);
  EXPECT_TRUE(testing_support::fails_with([&] { open_npy(path, "secret.npy"); }, "secret.npy",
                                          "cannot open: Permission denied"));
}

}  // namespace
}  // namespace dtlint
