// Tests for the .npz reader and the zip layer under it (formats/zip/). Archives are built here byte by byte
// (local headers, central directory, end records, ZIP64 records where asked), so that hostile ones can lie in
// exactly one field; deflated data comes from zlib. The fixtures under tests/data/npz/ are written by NumPy
// itself (make_npz.py).
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "analyzer/formats/npz.h"
#include "analyzer/formats/readers.h"
#include "analyzer/formats/zip/archive.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/scan/scan.h"
#include "test_support.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using testing_support::kSourceDir;
using testing_support::npy_bytes;
using testing_support::TempDir;

constexpr std::string_view kDisplayPath = "data/archive.npz";

// Passes when `text` contains `phrase`, which pins down which check fired.
::testing::AssertionResult contains(std::string_view text, std::string_view phrase) {
  if (text.find(phrase) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << phrase << "\"";
}

// ---------------------------------------------------------------------------
// .npy members

template <typename T>
std::string bytes_of(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

template <typename T>
std::string big_endian_bytes_of(const std::vector<T>& values) {
  std::string out;
  for (const T value : values) {
    std::string one = bytes_of(std::vector<T>{value});
    if constexpr (std::endian::native == std::endian::little) std::reverse(one.begin(), one.end());
    out += one;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Zip archives

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<z_size_t>(bytes.size())));
}

// Raw deflate (no zlib wrapper), as zip stores it.
std::string deflate_raw(std::string_view bytes, int level = Z_DEFAULT_COMPRESSION) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

struct ZipEntry {
  std::string name;
  std::string data;  // as stored in the archive: compressed for method 8
  std::uint16_t method = 0;
  std::uint16_t flags = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;    // declared in both headers
  std::uint64_t uncompressed_size = 0;  // declared in both headers
  std::string extra;                    // extra fields, in both headers
  // When set, this entry has no local record of its own: its central directory
  // entry points at the local header of entry number *shares_local_of.
  std::optional<std::size_t> shares_local_of;
};

ZipEntry stored(std::string name, std::string payload) {
  ZipEntry entry{std::move(name), payload, 0, 0, crc_of(payload), payload.size(), payload.size(), {}, {}};
  return entry;
}

ZipEntry deflated(std::string name, const std::string& payload, int level = Z_DEFAULT_COMPRESSION) {
  std::string data = deflate_raw(payload, level);
  const std::uint64_t compressed = data.size();
  return ZipEntry{std::move(name), std::move(data), 8,  0, crc_of(payload),
                  compressed,      payload.size(),  {}, {}};
}

void put(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

// Local records, central directory and end record(s). With `zip64`, every size
// and offset goes into ZIP64 extra fields (0xFFFFFFFF in the classic fields)
// and the archive ends with a ZIP64 end record and its locator.
std::string zip_archive(const std::vector<ZipEntry>& entries, bool zip64 = false) {
  constexpr std::uint32_t kMax32 = 0xFFFFFFFF;
  std::string out;
  std::vector<std::uint64_t> offsets;
  for (const ZipEntry& entry : entries) {
    if (entry.shares_local_of) {
      offsets.push_back(offsets.at(*entry.shares_local_of));
      continue;
    }
    offsets.push_back(out.size());
    put(out, 0x04034b50, 4);
    put(out, zip64 ? 45 : 20, 2);
    put(out, entry.flags, 2);
    put(out, entry.method, 2);
    put(out, 0, 2);     // time
    put(out, 0x21, 2);  // date: 1980-01-01
    put(out, entry.crc, 4);
    put(out, zip64 ? kMax32 : entry.compressed_size, 4);
    put(out, zip64 ? kMax32 : entry.uncompressed_size, 4);
    put(out, entry.name.size(), 2);
    put(out, (zip64 ? 20 : 0) + entry.extra.size(), 2);
    out += entry.name;
    if (zip64) {
      put(out, 0x0001, 2);
      put(out, 16, 2);
      put(out, entry.uncompressed_size, 8);
      put(out, entry.compressed_size, 8);
    }
    out += entry.extra;
    out += entry.data;
  }
  const std::uint64_t directory_offset = out.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const ZipEntry& entry = entries[i];
    put(out, 0x02014b50, 4);
    put(out, zip64 ? 45 : 20, 2);  // made by
    put(out, zip64 ? 45 : 20, 2);  // needed
    put(out, entry.flags, 2);
    put(out, entry.method, 2);
    put(out, 0, 2);
    put(out, 0x21, 2);
    put(out, entry.crc, 4);
    put(out, zip64 ? kMax32 : entry.compressed_size, 4);
    put(out, zip64 ? kMax32 : entry.uncompressed_size, 4);
    put(out, entry.name.size(), 2);
    put(out, (zip64 ? 28 : 0) + entry.extra.size(), 2);
    put(out, 0, 2);  // comment
    put(out, 0, 2);  // disk
    put(out, 0, 2);  // internal attributes
    put(out, 0, 4);  // external attributes
    put(out, zip64 ? kMax32 : offsets[i], 4);
    out += entry.name;
    if (zip64) {
      put(out, 0x0001, 2);
      put(out, 24, 2);
      put(out, entry.uncompressed_size, 8);
      put(out, entry.compressed_size, 8);
      put(out, offsets[i], 8);
    }
    out += entry.extra;
  }
  const std::uint64_t directory_size = out.size() - directory_offset;
  if (zip64) {
    const std::uint64_t end64_offset = out.size();
    put(out, 0x06064b50, 4);
    put(out, 44, 8);
    put(out, 45, 2);
    put(out, 45, 2);
    put(out, 0, 4);
    put(out, 0, 4);
    put(out, entries.size(), 8);
    put(out, entries.size(), 8);
    put(out, directory_size, 8);
    put(out, directory_offset, 8);
    put(out, 0x07064b50, 4);  // locator
    put(out, 0, 4);
    put(out, end64_offset, 8);
    put(out, 1, 4);
  }
  put(out, 0x06054b50, 4);
  put(out, 0, 2);
  put(out, 0, 2);
  put(out, zip64 ? 0xFFFF : entries.size(), 2);
  put(out, zip64 ? 0xFFFF : entries.size(), 2);
  put(out, zip64 ? kMax32 : directory_size, 4);
  put(out, zip64 ? kMax32 : directory_offset, 4);
  put(out, 0, 2);
  return out;
}

// The size of an entry's local record as zip_archive writes it (no ZIP64).
std::uint64_t local_record_size(const ZipEntry& entry) {
  return 30 + entry.name.size() + entry.extra.size() + entry.data.size();
}

// ---------------------------------------------------------------------------
// Reading

class NpzReader : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  ContainerContents open(const std::string& bytes) {
    return read_path(read_npz, write("archive.npz", bytes), std::string(kDisplayPath));
  }

  TempDir dir_;
};

// Reads a stream to its end through a buffer of `chunk` bytes.
std::string read_all(ElementStream& stream, std::size_t chunk) {
  std::vector<std::byte> buffer(chunk);
  std::string out;
  while (const std::size_t got = stream.read(buffer)) {
    EXPECT_LE(got, chunk);
    out.append(reinterpret_cast<const char*>(buffer.data()), got);
  }
  return out;
}

// The element bytes of a view, wherever they are.
std::string element_bytes(const ArrayView& view, std::size_t chunk = 4096) {
  if (view.stream) return read_all(*view.stream, chunk);
  return std::string(reinterpret_cast<const char*>(view.data.data()), view.data.size());
}

std::vector<std::string> member_names(const ContainerContents& contents) {
  std::vector<std::string> names;
  for (const ArrayView& view : contents.arrays) names.push_back(view.location.member.value_or("<none>"));
  return names;
}

// The reason of the single unreadable member, which must be `member`.
std::string only_unreadable(const ContainerContents& contents, std::string_view member) {
  EXPECT_EQ(contents.unreadable.size(), 1u);
  if (contents.unreadable.size() != 1) return "";
  EXPECT_EQ(contents.unreadable[0].location.member, member);
  EXPECT_EQ(contents.unreadable[0].location.path, kDisplayPath);
  return contents.unreadable[0].reason;
}

// The InputError a stream throws on reading to its end, or "" when none.
std::string stream_error(const ArrayView& view, std::size_t chunk = 4096) {
  try {
    read_all(*view.stream, chunk);
  } catch (const InputError& error) {
    EXPECT_EQ(error.path(), kDisplayPath);
    return error.reason();
  }
  return "";
}

const std::string kF64Data = bytes_of(std::vector<double>{0.5, -1.25, 3.0, 1e300, -0.0, 42.0});
const std::string kI32Data = bytes_of(std::vector<std::int32_t>{-7, 0, 65536, 2147483647});
const std::string kF32BigData = big_endian_bytes_of(std::vector<float>{1.5f, -2.0f, 65504.0f});
const std::string kU8Data = "\x01\x02\xff";
const std::string kI16FortranData = bytes_of(std::vector<std::int16_t>{0, 3, 1, 4, 2, 5});

std::vector<ZipEntry> mixed_members(bool deflate) {
  const auto make = [&](std::string name, std::string payload) {
    return deflate ? deflated(std::move(name), payload) : stored(std::move(name), std::move(payload));
  };
  return {make("weights.npy", npy_bytes("<f8", "(2, 3)", kF64Data)),
          make("labels.npy", npy_bytes("<i4", "(4,)", kI32Data)),
          make("big_endian.npy", npy_bytes(">f4", "(3,)", kF32BigData)),
          make("bytes.npy", npy_bytes("|u1", "(3,)", kU8Data)),
          make("fortran.npy", npy_bytes("<i2", "(2, 3)", kI16FortranData, true))};
}

void expect_mixed_members(const ContainerContents& contents, std::size_t chunk) {
  EXPECT_EQ(member_names(contents),
            (std::vector<std::string>{"weights", "labels", "big_endian", "bytes", "fortran"}));
  EXPECT_TRUE(contents.unreadable.empty());
  EXPECT_TRUE(contents.skipped.empty());
  ASSERT_EQ(contents.arrays.size(), 5u);
  const ArrayView& weights = contents.arrays[0];
  EXPECT_EQ(weights.location.path, kDisplayPath);
  EXPECT_EQ(weights.dtype, DType::Float64);
  EXPECT_EQ(weights.stored_dtype, "<f8");
  EXPECT_EQ(weights.shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(weights.elements, 6u);
  EXPECT_FALSE(weights.fortran_order);
  EXPECT_FALSE(weights.byte_swapped);
  EXPECT_EQ(element_bytes(weights, chunk), kF64Data);
  EXPECT_EQ(contents.arrays[1].dtype, DType::Int32);
  EXPECT_EQ(element_bytes(contents.arrays[1], chunk), kI32Data);
  EXPECT_EQ(contents.arrays[2].dtype, DType::Float32);
  EXPECT_EQ(contents.arrays[2].byte_swapped, std::endian::native == std::endian::little);
  EXPECT_EQ(element_bytes(contents.arrays[2], chunk), kF32BigData);
  EXPECT_EQ(contents.arrays[3].dtype, DType::UInt8);
  EXPECT_EQ(element_bytes(contents.arrays[3], chunk), kU8Data);
  EXPECT_TRUE(contents.arrays[4].fortran_order);
  EXPECT_EQ(contents.arrays[4].dtype, DType::Int16);
  EXPECT_EQ(element_bytes(contents.arrays[4], chunk), kI16FortranData);
  for (const ArrayView& view : contents.arrays) EXPECT_EQ(view.location.path, kDisplayPath);
}

// ---------------------------------------------------------------------------
// Well-formed archives

TEST_F(NpzReader, StoredMembersAreViewsOfTheArchiveBytes) {
  const ContainerContents contents = open(zip_archive(mixed_members(false)));
  expect_mixed_members(contents, 4096);
  for (const ArrayView& view : contents.arrays) {
    EXPECT_EQ(view.stream, nullptr);
    EXPECT_NE(view.owner, nullptr);
    EXPECT_FALSE(view.mapped);  // a small file is read, not mapped
  }
}

TEST_F(NpzReader, StoredMembersOfALargeArchivePointIntoTheMapping) {
  std::vector<double> values(300000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i) * 0.25;
  const std::string data = bytes_of(values);
  const ContainerContents contents = open(zip_archive({stored("big.npy", npy_bytes("<f8", "(300000,)", data)),
                                                       stored("i.npy", npy_bytes("<i4", "(4,)", kI32Data))}));
  ASSERT_EQ(contents.arrays.size(), 2u);
  const ArrayView& big = contents.arrays[0];
  EXPECT_TRUE(big.mapped);
  EXPECT_EQ(big.stream, nullptr);
  EXPECT_EQ(element_bytes(big), data);
  // Zero copy: the views point into one mapping of the archive, where the
  // second member's data follows the first one's, its local header and its
  // .npy header.
  const std::size_t between = 30 + std::string_view("i.npy").size() + npy_bytes("<i4", "(4,)", "").size();
  EXPECT_EQ(contents.arrays[1].data.data() - big.data.data(),
            static_cast<std::ptrdiff_t>(data.size() + between));
}

TEST_F(NpzReader, DeflatedMembersStreamThroughSmallBuffers) {
  const std::string archive = zip_archive(mixed_members(true));
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{8}, std::size_t{4096}}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    const ContainerContents contents = open(archive);
    for (const ArrayView& view : contents.arrays) {
      EXPECT_NE(view.stream, nullptr);
      EXPECT_TRUE(view.data.empty());
      EXPECT_FALSE(view.mapped);
    }
    expect_mixed_members(contents, chunk);
  }
}

TEST_F(NpzReader, StreamReturnsZeroAfterTheEnd) {
  const ContainerContents contents =
      open(zip_archive({deflated("x.npy", npy_bytes("<i4", "(4,)", kI32Data))}));
  ASSERT_EQ(contents.arrays.size(), 1u);
  ElementStream& stream = *contents.arrays[0].stream;
  std::vector<std::byte> buffer(100);
  EXPECT_EQ(stream.read(buffer), kI32Data.size());
  EXPECT_EQ(stream.read(buffer), 0u);
  EXPECT_EQ(stream.read(buffer), 0u);
}

TEST_F(NpzReader, LargeDeflatedMemberStreamsInChunks) {
  std::vector<std::int64_t> values(1 << 18);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int64_t>(i * i) - 12345;
  const std::string data = bytes_of(values);
  const ContainerContents contents =
      open(zip_archive({deflated("big.npy", npy_bytes("<i8", "(262144,)", data))}));
  ASSERT_EQ(contents.arrays.size(), 1u);
  EXPECT_EQ(element_bytes(contents.arrays[0], 65536), data);
}

// zlib compresses zeros about 1029:1, just under deflate's 1032:1 ceiling: real
// arrays of zeros must not be taken for zip bombs.
TEST_F(NpzReader, ZerosCompressedAtDeflatesLimitAreRead) {
  const std::string zeros(std::size_t{8} << 20, '\0');
  const ZipEntry entry = deflated("zeros.npy", npy_bytes("<f8", "(1048576,)", zeros), 9);
  ASSERT_GT(entry.uncompressed_size / entry.compressed_size, 1000u);
  const ContainerContents contents = open(zip_archive({entry}));
  ASSERT_EQ(contents.arrays.size(), 1u) << (contents.unreadable.empty() ? "" : contents.unreadable[0].reason);
  EXPECT_EQ(element_bytes(contents.arrays[0], 1 << 20), zeros);
}

TEST_F(NpzReader, Zip64RecordsAreRead) {
  std::vector<ZipEntry> entries = mixed_members(false);
  std::vector<ZipEntry> compressed = mixed_members(true);
  for (ZipEntry& entry : compressed) entry.name = "z_" + entry.name;
  entries.insert(entries.end(), compressed.begin(), compressed.end());
  const ContainerContents contents = open(zip_archive(entries, /*zip64=*/true));
  ASSERT_EQ(contents.arrays.size(), 10u)
      << (contents.unreadable.empty() ? "" : contents.unreadable[0].reason);
  EXPECT_EQ(contents.arrays[0].location.member, "weights");
  EXPECT_EQ(contents.arrays[5].location.member, "z_weights");
  EXPECT_EQ(element_bytes(contents.arrays[0]), kF64Data);
  EXPECT_EQ(contents.arrays[0].stream, nullptr);
  EXPECT_EQ(element_bytes(contents.arrays[5], 5), kF64Data);
  EXPECT_EQ(element_bytes(contents.arrays[9], 5), kI16FortranData);
}

TEST_F(NpzReader, MemberNamesDropTheNpySuffixAndOtherEntriesAreSkipped) {
  const ContainerContents contents = open(zip_archive({
      stored("readme.txt", "hello"),
      stored("sub/", ""),
      stored("sub/inner.npy", npy_bytes("<i4", "(4,)", kI32Data)),
      stored("data.npy.bak", npy_bytes("<i4", "(4,)", kI32Data)),
      stored("UPPER.NPY", npy_bytes("<i4", "(4,)", kI32Data)),
      deflated(".npy", npy_bytes("|u1", "(3,)", kU8Data)),
  }));
  EXPECT_EQ(member_names(contents), (std::vector<std::string>{"sub/inner", ""}));
  ASSERT_EQ(contents.skipped.size(), 4u);
  EXPECT_EQ(contents.skipped[0].location.member, "readme.txt");
  EXPECT_EQ(contents.skipped[0].reason, "not an .npy member");
  EXPECT_EQ(contents.skipped[1].location.member, "sub/");
  EXPECT_EQ(contents.skipped[1].reason, "not an .npy member (a directory)");
  EXPECT_EQ(contents.skipped[2].location.member, "data.npy.bak");
  EXPECT_EQ(contents.skipped[3].location.member, "UPPER.NPY");
  EXPECT_TRUE(contents.unreadable.empty());
}

TEST_F(NpzReader, EmptyArchiveHasNoMembers) {
  const ContainerContents contents = open(zip_archive({}));
  EXPECT_TRUE(contents.arrays.empty());
  EXPECT_TRUE(contents.unreadable.empty());
  EXPECT_TRUE(contents.skipped.empty());
}

TEST_F(NpzReader, StreamsOfOneArchiveReadConcurrently) {
  std::vector<ZipEntry> entries;
  std::vector<std::string> datas;
  for (int m = 0; m < 4; ++m) {
    std::vector<std::uint32_t> values(1 << 17);
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<std::uint32_t>(i * static_cast<std::size_t>(m + 3) % 1000);
    datas.push_back(bytes_of(values));
    entries.push_back(
        deflated("m" + std::to_string(m) + ".npy", npy_bytes("<u4", "(131072,)", datas.back())));
  }
  const ContainerContents contents = open(zip_archive(entries));
  ASSERT_EQ(contents.arrays.size(), 4u);
  std::vector<std::string> results(4);
  {
    std::vector<std::jthread> threads;
    for (std::size_t m = 0; m < 4; ++m) {
      threads.emplace_back([&, m] { results[m] = read_all(*contents.arrays[m].stream, 1000 + m); });
    }
  }
  for (std::size_t m = 0; m < 4; ++m) EXPECT_EQ(results[m], datas[m]) << "member " << m;
}

TEST_F(NpzReader, StreamsOfOneArchiveInterleave) {
  const ContainerContents contents = open(zip_archive(mixed_members(true)));
  ASSERT_EQ(contents.arrays.size(), 5u);
  std::vector<std::byte> one(1);
  std::string first, second;
  for (int i = 0; i < 16; ++i) {
    if (contents.arrays[0].stream->read(one)) first += static_cast<char>(one[0]);
    if (contents.arrays[1].stream->read(one)) second += static_cast<char>(one[0]);
  }
  EXPECT_EQ(first, kF64Data.substr(0, 16));
  EXPECT_EQ(second, kI32Data);
}

// ---------------------------------------------------------------------------
// Archives written by NumPy (np.savez and np.savez_compressed, ZIP64 extras)

void expect_numpy_fixture(const ContainerContents& contents, bool compressed) {
  std::vector<double> weights(12);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<double>(i) / 8 - 0.5;
  std::vector<std::int32_t> labels;
  for (int i = -5; i < 5; ++i) labels.push_back(i);

  std::vector<std::string> names{"weights", "labels", "half", "fortran", "scalar", "empty"};
  if (compressed) names.push_back("objects");
  EXPECT_EQ(member_names(contents), names);
  EXPECT_TRUE(contents.unreadable.empty()) << contents.unreadable[0].reason;
  ASSERT_EQ(contents.arrays.size(), names.size());
  for (const ArrayView& view : contents.arrays) {
    EXPECT_EQ(view.stream != nullptr, compressed && view.dtype != DType::Object) << *view.location.member;
  }

  EXPECT_EQ(contents.arrays[0].shape, (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(element_bytes(contents.arrays[0], 7), bytes_of(weights));
  EXPECT_EQ(contents.arrays[1].stored_dtype, ">i4");
  EXPECT_EQ(element_bytes(contents.arrays[1], 7), big_endian_bytes_of(labels));
  EXPECT_EQ(contents.arrays[2].dtype, DType::Float16);
  EXPECT_EQ(element_bytes(contents.arrays[2], 7),
            bytes_of(std::vector<std::uint16_t>{0x3E00, 0xC080, 0x7BFF}));
  EXPECT_TRUE(contents.arrays[3].fortran_order);
  EXPECT_EQ(element_bytes(contents.arrays[3], 7), kI16FortranData);
  EXPECT_TRUE(contents.arrays[4].shape.empty());
  EXPECT_EQ(contents.arrays[4].elements, 1u);
  EXPECT_EQ(element_bytes(contents.arrays[4], 7), bytes_of(std::vector<std::uint64_t>{7}));
  EXPECT_EQ(contents.arrays[5].shape, (std::vector<std::uint64_t>{0, 3}));
  EXPECT_EQ(contents.arrays[5].elements, 0u);
  EXPECT_EQ(element_bytes(contents.arrays[5], 7), "");
  if (compressed) {
    const ArrayView& objects = contents.arrays[6];
    EXPECT_EQ(objects.dtype, DType::Object);
    EXPECT_EQ(objects.stream, nullptr);
    EXPECT_TRUE(objects.data.empty());
    EXPECT_EQ(objects.shape, (std::vector<std::uint64_t>{2}));
  }
}

TEST(NpzFixtures, NumPySavezIsRead) {
  const fs::path file = fs::path(kSourceDir) / "tests/data/npz/numpy_stored.npz";
  expect_numpy_fixture(read_path(read_npz, file, "numpy_stored.npz"), false);
}

TEST(NpzFixtures, NumPySavezCompressedIsRead) {
  const fs::path file = fs::path(kSourceDir) / "tests/data/npz/numpy_compressed.npz";
  expect_numpy_fixture(read_path(read_npz, file, "numpy_compressed.npz"), true);
}

// ---------------------------------------------------------------------------
// Unusable archives: InputError for the whole file

class NpzArchiveError : public NpzReader {
 protected:
  std::string error_of(const std::string& bytes) {
    try {
      open(bytes);
    } catch (const InputError& error) {
      EXPECT_EQ(error.path(), kDisplayPath);
      return error.reason();
    }
    ADD_FAILURE() << "no InputError";
    return "";
  }
};

TEST_F(NpzArchiveError, EmptyFile) {
  EXPECT_TRUE(contains(error_of(""), "empty file"));
}

TEST_F(NpzArchiveError, NotAZip) {
  EXPECT_EQ(error_of("just some text, no zip here\n"),
            "not a zip archive: no end-of-central-directory record (a .npz file is a zip archive)");
}

TEST_F(NpzArchiveError, NpyFileNamedNpz) {
  EXPECT_TRUE(
      contains(error_of(npy_bytes("<i4", "(4,)", kI32Data)), "not a zip archive: this is a .npy file"));
}

TEST_F(NpzArchiveError, TruncatedBeforeTheEndRecord) {
  const std::string archive = zip_archive(mixed_members(true));
  EXPECT_TRUE(contains(error_of(archive.substr(0, archive.size() - 40)), "truncated zip archive"));
  EXPECT_TRUE(contains(error_of(archive.substr(0, archive.size() / 2)), "truncated zip archive"));
}

TEST_F(NpzArchiveError, TruncatedEndRecord) {
  const std::string archive = zip_archive(mixed_members(true));
  EXPECT_TRUE(
      contains(error_of(archive.substr(0, archive.size() - 10)),
               "damaged zip archive: its central directory or end-of-central-directory record is corrupt "
               "or truncated (libzip: "));
}

TEST_F(NpzArchiveError, CentralDirectoryBeyondTheEndRecord) {
  std::string archive = zip_archive(mixed_members(false));
  const std::size_t end = archive.size() - 22;
  archive.erase(end - 30, 10);  // the end record now claims more directory than precedes it
  EXPECT_TRUE(contains(error_of(archive), "damaged zip archive"));
}

TEST_F(NpzArchiveError, DamagedCentralDirectoryEntry) {
  std::string archive = zip_archive(mixed_members(false));
  const std::size_t first = archive.find("PK\x01\x02");
  const std::size_t second = archive.find("PK\x01\x02", first + 4);
  ASSERT_NE(second, std::string::npos);
  archive[second + 2] = 'X';
  EXPECT_TRUE(contains(error_of(archive),
                       "damaged zip archive: its central directory or end-of-central-directory "
                       "record is corrupt or truncated (libzip: "));
}

TEST_F(NpzArchiveError, MoreEntriesThanTheCentralDirectoryHolds) {
  std::string archive = zip_archive({stored("a.npy", npy_bytes("<i4", "(4,)", kI32Data))});
  const std::size_t end = archive.size() - 22;
  archive[end + 8] = archive[end + 10] = '\x60';  // 0x0060 -> 0x6060 entries, on this disk and in total
  archive[end + 9] = archive[end + 11] = '\x60';
  EXPECT_TRUE(contains(error_of(archive),
                       "damaged zip archive: its central directory or end-of-central-directory "
                       "record is corrupt or truncated (libzip: "));
}

TEST_F(NpzArchiveError, NotARegularFile) {
  EXPECT_TRUE(contains(
      [&] {
        try {
          read_path(read_npz, dir_.path(), std::string(kDisplayPath));
        } catch (const InputError& error) {
          return error.reason();
        }
        return std::string();
      }(),
      "not a regular file"));
}

// ---------------------------------------------------------------------------
// Hostile members: unreadable (E901 at path:member), the others still read

class NpzHostile : public NpzReader {};

const std::string kGood = npy_bytes("<i4", "(4,)", kI32Data);

TEST_F(NpzHostile, BadCrcOfAStoredMember) {
  std::string archive = zip_archive({stored("good.npy", kGood), stored("rotten.npy", kGood)});
  const std::size_t rotten = archive.find("rotten.npy") + 10;  // its local name, then its data
  archive[rotten + kGood.size() - 1] ^= 0x01;
  const ContainerContents contents = open(archive);
  EXPECT_EQ(member_names(contents), std::vector<std::string>{"good"});
  EXPECT_TRUE(contains(only_unreadable(contents, "rotten"),
                       "member 'rotten.npy': CRC-32 mismatch: the entry declares 0x"));
}

TEST_F(NpzHostile, BadCrcOfADeflatedMemberFailsItsStream) {
  ZipEntry entry = deflated("rotten.npy", kGood);
  entry.crc ^= 0x00010000;
  const ContainerContents contents = open(zip_archive({entry, deflated("good.npy", kGood)}));
  ASSERT_EQ(contents.arrays.size(), 2u);  // the CRC is only known at the end of the stream
  EXPECT_TRUE(contains(stream_error(contents.arrays[0], 3),
                       "member 'rotten.npy': CRC-32 mismatch: the entry declares 0x"));
  EXPECT_EQ(element_bytes(contents.arrays[1]), kI32Data);
}

TEST_F(NpzHostile, FlippedCompressedByteFailsItsStream) {
  // Enough data that the flipped byte lands in the data, past the npy header.
  std::vector<std::uint32_t> values(4096);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint32_t>(i * 2654435761u);
  const ZipEntry entry = deflated("flipped.npy", npy_bytes("<u4", "(4096,)", bytes_of(values)));
  std::string archive = zip_archive({entry});
  archive[30 + entry.name.size() + entry.data.size() - 20] ^= 0x10;
  const ContainerContents contents = open(archive);
  ASSERT_EQ(contents.arrays.size(), 1u);
  const std::string error = stream_error(contents.arrays[0]);
  EXPECT_TRUE(contains(error, "member 'flipped.npy': "));
  EXPECT_TRUE(error.find("corrupt deflate data") != std::string::npos ||
              error.find("CRC-32 mismatch") != std::string::npos ||
              error.find("inflates to more") != std::string::npos ||
              error.find("ends after") != std::string::npos)
      << error;
}

TEST_F(NpzHostile, StreamKeepsFailingAfterAnError) {
  ZipEntry entry = deflated("rotten.npy", kGood);
  entry.crc ^= 1;
  const ContainerContents contents = open(zip_archive({entry}));
  ASSERT_EQ(contents.arrays.size(), 1u);
  const std::string first = stream_error(contents.arrays[0]);
  EXPECT_TRUE(contains(first, "CRC-32 mismatch"));
  EXPECT_EQ(stream_error(contents.arrays[0]), first);
}

TEST_F(NpzHostile, TraditionalEncryption) {
  // A traditionally encrypted entry: flag bit 0 and a 12-byte encryption header
  // before the (here unencrypted, since nothing may read it) data.
  ZipEntry entry = stored("secret.npy", std::string(12, '\x5a') + kGood);
  entry.flags = 0x0001;
  const ContainerContents contents = open(zip_archive({entry, stored("open.npy", kGood)}));
  EXPECT_EQ(member_names(contents), std::vector<std::string>{"open"});
  EXPECT_EQ(only_unreadable(contents, "secret"),
            "encrypted member 'secret.npy' (traditional PKWARE encryption); dtlint does not decrypt");
}

TEST_F(NpzHostile, AesEncryption) {
  ZipEntry entry = deflated("secret.npy", kGood);
  entry.method = 99;
  entry.flags = 0x0001;
  // The WinZip AES extra field: version AE-2, vendor "AE", AES-256, then deflate.
  entry.extra = std::string(
      "\x01\x99\x07\x00\x02\x00"
      "AE"
      "\x03\x08\x00",
      11);
  const ContainerContents contents = open(zip_archive({entry}));
  EXPECT_EQ(only_unreadable(contents, "secret"),
            "encrypted member 'secret.npy' (WinZip AES); dtlint does not decrypt");
}

TEST_F(NpzHostile, UnsupportedCompressionMethod) {
  ZipEntry entry = deflated("lzma.npy", kGood);
  entry.method = 14;
  const ContainerContents contents = open(zip_archive({entry, deflated("ok.npy", kGood)}));
  EXPECT_EQ(member_names(contents), std::vector<std::string>{"ok"});
  EXPECT_EQ(only_unreadable(contents, "lzma"),
            "member 'lzma.npy': unsupported compression method 14 (LZMA); dtlint reads stored (0) and "
            "deflated (8) members, as NumPy writes them");
}

TEST_F(NpzHostile, ForgedRatioIsAZipBomb) {
  // A few dozen compressed bytes that claim to be a 2 GiB array.
  const std::string header_only = npy_bytes("<f8", "(268435456,)", "");
  ZipEntry entry = deflated("bomb.npy", header_only);
  entry.uncompressed_size = header_only.size() + (std::uint64_t{1} << 31);
  const ContainerContents contents = open(zip_archive({entry}));
  EXPECT_EQ(only_unreadable(contents, "bomb"),
            "member 'bomb.npy': declares " + std::to_string(entry.uncompressed_size) +
                " uncompressed bytes from " + std::to_string(entry.compressed_size) +
                " compressed bytes, a ratio of " +
                std::to_string(entry.uncompressed_size / entry.compressed_size) +
                ":1; deflate cannot exceed 1032:1, so the sizes are forged (zip bomb?)");
}

TEST_F(NpzHostile, MemberInflatingBeyondItsDeclaredSize) {
  // The header and sizes agree on 16 bytes; the deflate stream goes on for a megabyte.
  const std::string declared = npy_bytes("<i4", "(4,)", kI32Data);
  ZipEntry entry = deflated("bomb.npy", declared + std::string(1 << 20, '\0'));
  entry.uncompressed_size = declared.size();
  entry.crc = crc_of(declared);
  const ContainerContents contents = open(zip_archive({entry}));
  ASSERT_EQ(contents.arrays.size(), 1u);
  EXPECT_EQ(stream_error(contents.arrays[0], 4),
            "member 'bomb.npy': the deflate data inflates to more than the " +
                std::to_string(declared.size()) +
                " bytes the entry and its .npy header declare (zip bomb or forged size)");
}

TEST_F(NpzHostile, MemberShorterThanDeclared) {
  const std::string whole = npy_bytes("<i4", "(4,)", kI32Data);
  const std::string half = whole.substr(0, whole.size() - 8);
  ZipEntry entry = deflated("short.npy", half);
  entry.uncompressed_size = whole.size();
  const ContainerContents contents = open(zip_archive({entry}));
  ASSERT_EQ(contents.arrays.size(), 1u);
  EXPECT_EQ(stream_error(contents.arrays[0]), "member 'short.npy': the deflate data ends after " +
                                                  std::to_string(half.size()) + " bytes, but " +
                                                  std::to_string(whole.size()) +
                                                  " are declared (128 header bytes + 16 data bytes)");
}

TEST_F(NpzHostile, TruncatedDeflateStream) {
  const std::string whole = npy_bytes("<i4", "(4,)", kI32Data);
  ZipEntry entry = deflated("cut.npy", whole);
  entry.data.resize(entry.data.size() - 3);
  entry.compressed_size = entry.data.size();
  const ContainerContents contents = open(zip_archive({entry}));
  std::string error;
  if (contents.arrays.size() == 1) {
    error = stream_error(contents.arrays[0]);
  } else {
    error = only_unreadable(contents, "cut");
  }
  EXPECT_TRUE(contains(error, "member 'cut.npy': the compressed data ends before its deflate stream does"));
}

TEST_F(NpzHostile, CorruptDeflateDataInTheHeader) {
  ZipEntry entry = deflated("junk.npy", kGood);
  entry.data = std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  entry.compressed_size = entry.data.size();
  const ContainerContents contents = open(zip_archive({entry}));
  EXPECT_TRUE(contains(only_unreadable(contents, "junk"),
                       "member 'junk.npy': corrupt deflate data after 0 inflated bytes (zlib: "));
}

TEST_F(NpzHostile, DeclaredSizeDisagreesWithTheNpyHeader) {
  ZipEntry entry = deflated("sizes.npy", kGood);
  entry.uncompressed_size += 8;
  const ContainerContents contents = open(zip_archive({entry}));
  EXPECT_EQ(only_unreadable(contents, "sizes"),
            "member 'sizes.npy': the entry declares 152 uncompressed bytes, but its .npy header declares 128 "
            "header bytes + 16 data bytes");
}

TEST_F(NpzHostile, StoredSizesDisagree) {
  ZipEntry entry = stored("sizes.npy", kGood);
  entry.uncompressed_size += 1;
  const ContainerContents contents = open(zip_archive({entry}));
  EXPECT_EQ(only_unreadable(contents, "sizes"),
            "member 'sizes.npy': stored (uncompressed) member declares 145 bytes but holds 144");
}

TEST_F(NpzHostile, StoredMemberWithMoreDataThanItsHeader) {
  const ContainerContents contents = open(zip_archive({stored("long.npy", kGood + "xyz")}));
  EXPECT_EQ(
      only_unreadable(contents, "long"),
      "member 'long.npy': 3 unexpected bytes after the data (header declares 16 data bytes, 19 present)");
}

TEST_F(NpzHostile, BrokenNpyHeaders) {
  const std::string broken = npy_bytes("<i4", "(4", kI32Data);
  const ContainerContents contents = open(zip_archive({
      stored("broken.npy", broken),
      deflated("zbroken.npy", broken),
      stored("text.npy", "hello, world"),
      deflated("ztext.npy", "hello, world"),
      deflated("empty.npy", ""),
      stored("good.npy", kGood),
  }));
  EXPECT_EQ(member_names(contents), std::vector<std::string>{"good"});
  ASSERT_EQ(contents.unreadable.size(), 5u);
  EXPECT_EQ(contents.unreadable[0].location.member, "broken");
  EXPECT_TRUE(contains(contents.unreadable[0].reason,
                       "member 'broken.npy': bad .npy header: 'shape' tuple is not closed"));
  EXPECT_EQ(contents.unreadable[1].location.member, "zbroken");
  EXPECT_TRUE(contains(contents.unreadable[1].reason,
                       "member 'zbroken.npy': bad .npy header: 'shape' tuple is not closed"));
  EXPECT_TRUE(contains(contents.unreadable[2].reason, "member 'text.npy': not a .npy file"));
  EXPECT_TRUE(contains(contents.unreadable[3].reason, "member 'ztext.npy': not a .npy file"));
  EXPECT_TRUE(contains(contents.unreadable[4].reason, "member 'empty.npy': empty file"));
}

TEST_F(NpzHostile, NpyHeaderLengthBeyondTheCap) {
  std::string huge_header = "\x93NUMPY\x02";
  huge_header += '\0';
  huge_header += std::string("\x00\x00\x10\x00", 4);  // 1 MiB of header
  huge_header += std::string(64, ' ');
  const ContainerContents contents = open(zip_archive({deflated("huge.npy", huge_header)}));
  EXPECT_TRUE(
      contains(only_unreadable(contents, "huge"), "member 'huge.npy': header length 1048576 exceeds"));
}

TEST_F(NpzHostile, TwoEntriesShareOneLocalHeader) {
  // The second central directory entry points at the first one's local header,
  // whose name is not its own: libzip's consistency check refuses the archive.
  ZipEntry first = stored("a.npy", kGood);
  ZipEntry second = first;
  second.name = "b.npy";
  second.shares_local_of = 0;
  try {
    open(zip_archive({first, second, stored("c.npy", kGood)}));
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_TRUE(
        contains(error.reason(),
                 "damaged zip archive: its entries do not match its central directory (a local header "
                 "that disagrees with its entry, or entry data running into the central directory; "
                 "libzip: "));
  }
}

TEST_F(NpzHostile, TwoEntriesOfOneNameShareOneLocalHeader) {
  ZipEntry first = stored("a.npy", kGood);
  ZipEntry second = first;
  second.shares_local_of = 0;
  const ContainerContents contents = open(zip_archive({first, second, stored("c.npy", kGood)}));
  EXPECT_EQ(member_names(contents), std::vector<std::string>{"c"});
  EXPECT_TRUE(
      contains(only_unreadable(contents, "a"), "duplicate member name: 2 entries (1, 2 in the central "));
}

TEST_F(NpzHostile, OverlappingBombEntryCoversTheNext) {
  // The first entry's data runs over the second entry's whole local record,
  // as in overlapping zip bombs.
  ZipEntry inner = deflated("inner.npy", kGood);
  ZipEntry outer = deflated("outer.npy", kGood);
  const std::uint64_t outer_own = outer.compressed_size;
  outer.compressed_size += local_record_size(inner);
  const ContainerContents contents = open(zip_archive({outer, inner}));
  EXPECT_TRUE(contents.arrays.empty());
  ASSERT_EQ(contents.unreadable.size(), 2u);
  EXPECT_TRUE(contains(contents.unreadable[0].reason,
                       "member 'outer.npy': its local header and data (archive bytes 0 to " +
                           std::to_string(30 + 9 + outer_own + local_record_size(inner)) +
                           ") overlaps entry 'inner.npy'"));
  EXPECT_TRUE(contains(contents.unreadable[1].reason, "member 'inner.npy': its local header and data"));
}

TEST_F(NpzHostile, ForeignEntryOverlappingAnArray) {
  ZipEntry array = stored("a.npy", kGood);
  ZipEntry text = stored("a.txt", "hi");
  text.compressed_size = text.uncompressed_size = 2 + local_record_size(array);
  const ContainerContents contents = open(zip_archive({text, array}));
  EXPECT_TRUE(contains(only_unreadable(contents, "a"), "overlaps entry 'a.txt' (archive bytes 0 to "));
  ASSERT_EQ(contents.skipped.size(), 1u);
  EXPECT_EQ(contents.skipped[0].reason, "not an .npy member");
}

TEST_F(NpzHostile, LocalHeaderDisagreesWithTheCentralDirectory) {
  std::string archive = zip_archive({stored("a.npy", kGood), stored("b.npy", kGood)});
  const std::size_t second_local = archive.find("b.npy") - 30;
  archive[second_local + 14] ^= 1;  // the CRC-32 in b's local header only
  try {
    open(archive);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_TRUE(
        contains(error.reason(), "damaged zip archive: its entries do not match its central directory"));
  }
}

TEST_F(NpzHostile, DataRunningIntoTheCentralDirectory) {
  ZipEntry entry = stored("long.npy", kGood);
  entry.compressed_size = entry.uncompressed_size = entry.data.size() + 100;
  try {
    open(zip_archive({stored("ok.npy", kGood), entry}));
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_TRUE(
        contains(error.reason(), "damaged zip archive: its entries do not match its central directory"));
  }
}

TEST_F(NpzHostile, DuplicateMemberNames) {
  const ContainerContents contents =
      open(zip_archive({stored("x.npy", kGood), stored("y.npy", kGood), deflated("x.npy", kGood)}));
  EXPECT_EQ(member_names(contents), std::vector<std::string>{"y"});
  EXPECT_EQ(only_unreadable(contents, "x"),
            "duplicate member name: 2 entries (1, 3 in the central directory) are named 'x.npy', and readers "
            "disagree on which one is meant");
}

TEST_F(NpzHostile, NamesAreQuotedAndCutShortInReasons) {
  ZipEntry quotes = stored("it's\\x.npy", kGood);
  quotes.flags = 0x0001;
  ZipEntry long_name = stored(std::string(300, 'n') + ".npy", kGood);
  long_name.flags = 0x0001;
  const ContainerContents contents = open(zip_archive({quotes, long_name}));
  ASSERT_EQ(contents.unreadable.size(), 2u);
  EXPECT_EQ(contents.unreadable[0].location.member, "it's\\x");
  EXPECT_EQ(contents.unreadable[0].reason,
            "encrypted member 'it\\x27s\\x5cx.npy' (traditional PKWARE encryption); dtlint does not decrypt");
  EXPECT_EQ(contents.unreadable[1].location.member, std::string(300, 'n'));
  EXPECT_EQ(contents.unreadable[1].reason,
            "encrypted member '" + std::string(120, 'n') +
                "...' (traditional PKWARE encryption); dtlint does not decrypt");
}

// Names without the UTF-8 flag are CP437, as the zip specification and Python's
// zipfile read them; libzip maps the control bytes to CP437's graphic characters.
TEST_F(NpzReader, NamesWithoutTheUtf8FlagAreCp437) {
  const ContainerContents contents = open(
      zip_archive({stored("caf\x82.npy", kGood), stored("ascii.npy", kGood), stored("\x01.npy", kGood)}));
  EXPECT_EQ(member_names(contents), (std::vector<std::string>{"caf\u00e9", "ascii", "\u263a"}));
}

// ---------------------------------------------------------------------------
// The zip layer on its own, as a format other than .npz (PyTorch checkpoints)
// will use it: entries of any name, no .npy header, its own format's words.

constexpr zip::ArchiveKind kCheckpoint{".pt", "PyTorch", nullptr};

// The archive in `bytes`, over a copy that only the archive and what it hands out keep alive.
zip::Archive open_zip(const std::string& bytes, const zip::ArchiveKind& kind = kCheckpoint) {
  auto owned = std::make_shared<const std::string>(bytes);
  const InputBytes input{std::as_bytes(std::span(owned->data(), owned->size())), owned, false};
  return zip::Archive::open(input, "ckpt.pt", kind);
}

std::string reason_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& error) {
    EXPECT_EQ(error.path(), "ckpt.pt");
    return error.reason();
  }
  return "(no error)";
}

const std::string kPickle = "\x80\x02}q.";  // any bytes: the layer does not look at them
const std::string kStorage(3000, 'w');

TEST(ZipArchive, ListsEntriesWithNamesSizesMethodsAndDataOffsets) {
  const std::vector<ZipEntry> built{stored("archive/data.pkl", kPickle), deflated("archive/data/0", kStorage),
                                    stored("archive/", "")};
  for (const bool zip64 : {false, true}) {
    const zip::Archive archive = open_zip(zip_archive(built, zip64));
    const std::vector<zip::Entry>& entries = archive.entries();
    ASSERT_EQ(entries.size(), 3u);
    // The local header is 30 bytes, then the name, then (ZIP64) a 20-byte extra field.
    const std::uint64_t extra = zip64 ? 20 : 0;
    const std::uint64_t second_record = 30 + built[0].name.size() + extra + built[0].data.size();
    const std::uint64_t expected_offsets[] = {30 + built[0].name.size() + extra,
                                              second_record + 30 + built[1].name.size() + extra};
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(entries[i].index, i);
      EXPECT_EQ(entries[i].name, built[i].name);
      EXPECT_EQ(entries[i].method, built[i].method);
      EXPECT_EQ(entries[i].crc, built[i].crc);
      EXPECT_EQ(entries[i].compressed_size, built[i].compressed_size);
      EXPECT_EQ(entries[i].uncompressed_size, built[i].uncompressed_size);
      EXPECT_EQ(entries[i].data_offset, expected_offsets[i]) << zip64;
      EXPECT_FALSE(entries[i].is_directory());
      EXPECT_EQ(archive.problem(entries[i]), std::nullopt);
    }
    EXPECT_EQ(entries[0].method, zip::kStored);
    EXPECT_EQ(entries[1].method, zip::kDeflated);
    EXPECT_TRUE(entries[2].is_directory());
    EXPECT_EQ(entries[2].data_offset, std::nullopt);  // no data to locate
  }
}

TEST(ZipArchive, StoredEntriesAreViewsIntoTheInput) {
  const zip::Archive archive = open_zip(zip_archive({stored("archive/data.pkl", kPickle)}));
  const zip::Entry& entry = archive.entries().at(0);
  const std::span<const std::byte> bytes = archive.stored_bytes(entry);
  EXPECT_EQ(bytes.data(), archive.input().bytes.data() + *entry.data_offset);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), kPickle);

  ZipEntry rotten = stored("archive/data.pkl", kPickle);
  rotten.crc ^= 1;
  const zip::Archive damaged = open_zip(zip_archive({rotten}));
  EXPECT_TRUE(contains(reason_of([&] { damaged.stored_bytes(damaged.entries().at(0)); }),
                       "member 'archive/data.pkl': CRC-32 mismatch: the entry declares 0x"));
}

TEST(ZipArchive, DeflatedEntriesStreamWholeAndOutliveTheArchive) {
  std::shared_ptr<ElementStream> stream;
  std::vector<std::byte> prefix;
  {
    const zip::Archive archive = open_zip(zip_archive({deflated("archive/data/0", kStorage)}));
    prefix = archive.read_head(archive.entries().at(0), 10);
    stream = archive.stream(archive.entries().at(0));
  }
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(prefix.data()), prefix.size()), kStorage.substr(0, 10));
  EXPECT_EQ(read_all(*stream, 7), kStorage);
}

TEST(ZipArchive, AHeadLongerThanTheEntryIsTheWholeEntry) {
  const zip::Archive archive =
      open_zip(zip_archive({deflated("archive/version", "3\n"), stored("archive/byteorder", "little")}));
  EXPECT_EQ(archive.read_head(archive.entries().at(0), 100).size(), 2u);
  EXPECT_EQ(archive.read_head(archive.entries().at(1), 100).size(), 6u);
}

TEST(ZipArchive, StoredEntriesStreamToo) {
  const zip::Archive archive = open_zip(zip_archive({stored("archive/data/0", kStorage)}));
  const zip::Entry& entry = archive.entries().at(0);
  const std::vector<std::byte> head = archive.read_head(entry, 4);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(head.data()), head.size()), "wwww");
  EXPECT_EQ(read_all(*archive.stream(entry), 7), kStorage);
  EXPECT_EQ(read_all(*archive.stream(entry, {100, ".pt header"}), 4096), kStorage.substr(100));

  ZipEntry rotten = stored("archive/data/0", kStorage);
  rotten.crc ^= 0x100;
  const zip::Archive damaged = open_zip(zip_archive({rotten}));
  const std::shared_ptr<ElementStream> stream = damaged.stream(damaged.entries().at(0));
  const std::string first = reason_of([&] { read_all(*stream, 1000); });
  EXPECT_TRUE(contains(first, "member 'archive/data/0': CRC-32 mismatch: the entry declares 0x")) << first;
  EXPECT_EQ(reason_of([&] { read_all(*stream, 1000); }), first);  // and it stays failed
}

TEST(ZipArchive, StreamsWithoutAHeaderSayWhatTheEntryDeclares) {
  ZipEntry longer = deflated("archive/data/0", kStorage);
  longer.uncompressed_size = kStorage.size() - 1;  // the data inflates to one byte more
  const zip::Archive bomb = open_zip(zip_archive({longer}));
  EXPECT_EQ(
      reason_of([&] { read_all(*bomb.stream(bomb.entries().at(0)), 4096); }),
      "member 'archive/data/0': the deflate data inflates to more than the 2999 bytes the entry declares "
      "(zip bomb or forged size)");

  ZipEntry shorter = deflated("archive/data/0", kStorage);
  shorter.uncompressed_size = kStorage.size() + 1;
  const zip::Archive cut = open_zip(zip_archive({shorter}));
  EXPECT_EQ(reason_of([&] { read_all(*cut.stream(cut.entries().at(0)), 4096); }),
            "member 'archive/data/0': the deflate data ends after 3000 bytes, but 3001 are declared");

  const zip::Archive fine = open_zip(zip_archive({deflated("archive/data/0", kStorage)}));
  EXPECT_EQ(
      reason_of([&] {
        fine.stream(fine.entries().at(0), {5000, ".pt header"});
      }),
      "member 'archive/data/0': the entry declares 3000 uncompressed bytes, fewer than its 5000-byte .pt "
      "header");
}

TEST(ZipArchive, MessagesNameTheFormatBuiltOnIt) {
  ZipEntry bzip2 = stored("archive/data/0", kStorage);
  bzip2.method = 12;
  const zip::Archive archive = open_zip(zip_archive({bzip2}));
  EXPECT_EQ(archive.problem(archive.entries().at(0)),
            "member 'archive/data/0': unsupported compression method 12 (bzip2); dtlint reads stored (0) and "
            "deflated (8) members, as PyTorch writes them");
  EXPECT_EQ(reason_of([] { open_zip("not a zip at all"); }),
            "not a zip archive: no end-of-central-directory record (a .pt file is a zip archive)");
  constexpr zip::ArchiveKind kPickleAware{".pt", "PyTorch",
                                          [](std::span<const std::byte> bytes) -> std::optional<std::string> {
                                            if (!bytes.empty() && bytes[0] == std::byte{0x80})
                                              return "a legacy pickle checkpoint";
                                            return std::nullopt;
                                          }};
  EXPECT_EQ(reason_of([&] { open_zip(kPickle, kPickleAware); }), "a legacy pickle checkpoint");
  EXPECT_EQ(reason_of([&] { open_zip("not a zip at all", kPickleAware); }),
            "not a zip archive: no end-of-central-directory record (a .pt file is a zip archive)");
}

// libzip refuses a whole archive whose entry name is flagged UTF-8 (bit 11) but
// is not; the message says so rather than calling the central directory corrupt.
TEST(ZipArchive, NameFlaggedUtf8ButNotIsNamedAsSuch) {
  ZipEntry good = stored("archive/data.pkl", kPickle);
  ZipEntry bad = stored("archive/d\xff\xfe/0", kStorage);
  bad.flags = 0x800;
  EXPECT_EQ(reason_of([&] {
              open_zip(zip_archive({good, bad}));
            }),
            "damaged zip archive: the name of entry 2 of 2 is flagged as UTF-8 but is not (byte 10 of 13 "
            "breaks it), and libzip refuses the whole archive; re-create it with valid names");
  // Unflagged, the same bytes are CP437 text and the archive opens.
  bad.flags = 0;
  EXPECT_EQ(open_zip(zip_archive({good, bad})).entries().size(), 2u);
}

// An archive truncated while mapped: libzip, reading the central directory at
// the end, meets the vanished pages first. One E901, no SIGBUS; the file beside survives.
void truncate_archive_when_mapped(const std::filesystem::path& file) {
  if (file.filename() == "shrinks.npz") {
    ASSERT_EQ(::truncate(file.c_str(), 1 << 20), 0);
  }
}

TEST(NpzShrinking, AnArchiveThatShrinksWhileMappedIsOneE901) {
  testing_support::TempDir dir;
  std::string noise(3 << 20, '\0');  // incompressible, so the archive is larger than it and is mapped
  std::uint64_t state = 88172645463325252ull;
  for (char& c : noise) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    c = static_cast<char>(state & 0xFF);
  }
  const std::string member = npy_bytes("|u1", "(" + std::to_string(noise.size()) + ",)", noise);
  std::ofstream(dir / "shrinks.npz", std::ios::binary) << zip_archive({deflated("a.npy", member)});
  std::ofstream(dir / "good.npz", std::ios::binary)
      << zip_archive({stored("b.npy", npy_bytes("<f8", "(1,)", bytes_of(std::vector<double>{2.0})))});
  test_hooks::set_after_mapping_hook(&truncate_archive_when_mapped);
  ScanOptions options;
  options.requests = {default_request(DType::Float16)};
  const std::vector<std::string> paths{dir.path().string()};
  const ScanResult result = scan_paths(paths, options);
  test_hooks::set_after_mapping_hook(nullptr);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(std::filesystem::path(result.problems[0].location.path).filename(), "shrinks.npz");
  EXPECT_EQ(result.problems[0].message, kShrankReason);
  ASSERT_EQ(result.arrays.size(), 1u);
  EXPECT_EQ(result.arrays[0].location.member, "b");
}

}  // namespace
}  // namespace dtlint
