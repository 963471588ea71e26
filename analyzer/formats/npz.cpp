#include "analyzer/formats/npz.h"

// zlib's const-correct prototypes: next_in points at the read-only mapping.
#define ZLIB_CONST
#include <dlfcn.h>
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/formats/npy.h"
#include "analyzer/input_error.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {
namespace {

constexpr std::string_view kNpySuffix = ".npy";

// The fixed part of a local file header (PKWARE APPNOTE 4.3.7).
constexpr std::uint64_t kLocalHeaderBytes = 30;
constexpr std::uint64_t kEndRecordBytes = 22;

// Bookkeeping per entry is a few hundred bytes here and in libzip; no real
// .npz holds anywhere near this many arrays.
constexpr std::uint64_t kMaxEntries = std::uint64_t{1} << 20;

// Stored members are CRC-checked in pieces of this size, releasing each piece's
// pages afterwards, so that checking a huge member does not make it resident.
constexpr std::size_t kCrcChunkBytes = std::size_t{8} << 20;

// zlib counts in 32-bit uInt; larger spans are handed to it in slices.
constexpr std::size_t kZlibSliceBytes = std::size_t{1} << 30;

// Room for the longest .npy preamble: magic, version and a 4-byte header length.
constexpr std::size_t kNpyPreambleBytes = 12;

std::string hex32(std::uint32_t value) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xF];
  return out;
}

// An entry name in a message: quoted, control bytes escaped, cut short (without
// splitting a UTF-8 sequence), so that a hostile name cannot garble the report.
std::string quote_name(std::string_view name) {
  constexpr std::size_t kMaxShown = 120;
  std::size_t shown = std::min(name.size(), kMaxShown);
  while (shown > 0 && shown < name.size() && (static_cast<unsigned char>(name[shown]) & 0xC0) == 0x80) {
    --shown;
  }
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F || c == '\\' || c == '\'') {
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < name.size()) out += "...";
  return out + "'";
}

std::string member_prefix(std::string_view entry_name) {
  return "member " + quote_name(entry_name) + ": ";
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------
// libzip reads the archive through this source, from the bytes MappedFile
// already holds: the file is opened once, by the code that vets it.
//
// libzip does not tell where an entry's data lies in the archive, which a
// zero-copy view and the overlap check need. The source therefore notes where
// the reads it serves land while armed; locate_data() below reads one entry's
// first and last raw byte through libzip and takes their positions.

// libzip is loaded when the first .npz is opened, not when dtlint starts: it
// brings libcrypto, libbz2 and more, which cost every process about 1.5 ms to
// map and relocate, and most runs (pre-commit on .npy files) never open a zip.
// The table's types come from <zip.h>, so every call is checked as before.
// clang-format off
#define DTLINT_LIBZIP_FUNCTIONS(X)                                                          \
  X(zip_error_init) X(zip_error_fini) X(zip_stat_init) X(zip_error_to_data)                 \
  X(zip_source_seek_compute_offset) X(zip_error_set) X(zip_source_free) X(zip_discard)      \
  X(zip_fclose) X(zip_source_function_create) X(zip_open_from_source) X(zip_error_code_zip) \
  X(zip_error_strerror) X(zip_fopen_index) X(zip_fread) X(zip_fseek) X(zip_get_num_entries) \
  X(zip_get_name) X(zip_stat_index) X(zip_strerror)
// clang-format on

struct LibZip {
#define DTLINT_MEMBER(name) decltype(&::name) name = nullptr;
  DTLINT_LIBZIP_FUNCTIONS(DTLINT_MEMBER)
#undef DTLINT_MEMBER
  std::string error;  // why it could not be loaded; empty when it was
};

const LibZip& load_libzip() {
  static const LibZip api = [] {
    LibZip table;
    void* library = ::dlopen(DTLINT_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);  // never closed: used until exit
    if (library == nullptr) {
      const char* why = ::dlerror();
      table.error = why != nullptr ? why : "dlopen failed";
      return table;
    }
#define DTLINT_RESOLVE(name)                                                    \
  table.name = reinterpret_cast<decltype(table.name)>(::dlsym(library, #name)); \
  if (table.name == nullptr && table.error.empty()) table.error = "no symbol " #name;
    DTLINT_LIBZIP_FUNCTIONS(DTLINT_RESOLVE)
#undef DTLINT_RESOLVE
    return table;
  }();
  return api;
}

// The loaded library; only called after require_libzip has succeeded.
const LibZip& lz() {
  return load_libzip();
}

void require_libzip(const std::string& display_path) {
  const LibZip& api = load_libzip();
  if (!api.error.empty()) {
    throw InputError(display_path, "cannot read .npz archives: libzip (" DTLINT_LIBZIP_SONAME
                                   ") could not be loaded: " +
                                       api.error);
  }
}

class ArchiveSource {
 public:
  explicit ArchiveSource(std::span<const std::byte> bytes) : bytes_(bytes) { lz().zip_error_init(&error_); }
  ~ArchiveSource() { lz().zip_error_fini(&error_); }
  ArchiveSource(const ArchiveSource&) = delete;
  ArchiveSource& operator=(const ArchiveSource&) = delete;

  static zip_int64_t callback(void* self, void* data, zip_uint64_t length, zip_source_cmd_t command) {
    return static_cast<ArchiveSource*>(self)->handle(data, length, command);
  }

  // arm() starts noting reads; disarm() stops and tells where the first read since began.
  void arm() {
    armed_ = true;
    first_read_.reset();
  }
  std::optional<std::uint64_t> disarm() {
    armed_ = false;
    return first_read_;
  }

 private:
  zip_int64_t handle(void* data, zip_uint64_t length, zip_source_cmd_t command) {
    switch (command) {
      case ZIP_SOURCE_OPEN: position_ = 0; return 0;
      case ZIP_SOURCE_READ: {
        const auto count =
            static_cast<std::size_t>(std::min<std::uint64_t>(length, bytes_.size() - position_));
        if (count > 0) std::memcpy(data, bytes_.data() + position_, count);
        if (armed_ && !first_read_ && count > 0) first_read_ = position_;
        position_ += count;
        return static_cast<zip_int64_t>(count);
      }
      case ZIP_SOURCE_CLOSE: return 0;
      case ZIP_SOURCE_STAT: {
        if (length < sizeof(zip_stat_t)) {  // what ZIP_SOURCE_GET_ARGS checks
          lz().zip_error_set(&error_, ZIP_ER_INVAL, 0);
          return -1;
        }
        auto* stat = static_cast<zip_stat_t*>(data);
        lz().zip_stat_init(stat);
        stat->size = bytes_.size();
        stat->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_ERROR: return lz().zip_error_to_data(&error_, data, length);
      case ZIP_SOURCE_FREE: return 0;  // the owner of this object frees it
      case ZIP_SOURCE_SEEK: {
        // Computes and bounds-checks the target against the size.
        const zip_int64_t target =
            lz().zip_source_seek_compute_offset(position_, bytes_.size(), data, length, &error_);
        if (target < 0) return -1;
        position_ = static_cast<std::uint64_t>(target);
        return 0;
      }
      case ZIP_SOURCE_TELL: return static_cast<zip_int64_t>(position_);
      case ZIP_SOURCE_SUPPORTS: return ZIP_SOURCE_SUPPORTS_SEEKABLE;
      default: lz().zip_error_set(&error_, ZIP_ER_OPNOTSUPP, 0); return -1;
    }
  }

  std::span<const std::byte> bytes_;
  std::uint64_t position_ = 0;  // never past bytes_.size()
  zip_error_t error_;
  bool armed_ = false;
  std::optional<std::uint64_t> first_read_;
};

struct ZipErrorFinisher {
  void operator()(zip_error_t* error) const { lz().zip_error_fini(error); }
};
struct SourceFreer {
  void operator()(zip_source_t* source) const { lz().zip_source_free(source); }
};
struct ArchiveDiscarder {  // read only: nothing to write back
  void operator()(zip_t* archive) const { lz().zip_discard(archive); }
};
struct FileCloser {
  void operator()(zip_file_t* file) const { lz().zip_fclose(file); }
};
using ArchiveHandle = std::unique_ptr<zip_t, ArchiveDiscarder>;
using FileHandle = std::unique_ptr<zip_file_t, FileCloser>;

struct OpenResult {
  ArchiveHandle archive;
  int error_code = ZIP_ER_OK;
  std::string error_text;  // libzip's message when archive is null
};

OpenResult open_archive(ArchiveSource& context, int flags) {
  OpenResult result;
  zip_error_t error;
  lz().zip_error_init(&error);
  const std::unique_ptr<zip_error_t, ZipErrorFinisher> error_guard(&error);
  std::unique_ptr<zip_source_t, SourceFreer> source(
      lz().zip_source_function_create(&ArchiveSource::callback, &context, &error));
  if (source) {
    result.archive.reset(lz().zip_open_from_source(source.get(), flags, &error));
    if (result.archive) source.release();  // the archive owns it now
  }
  if (!result.archive) {
    if (lz().zip_error_code_zip(&error) == ZIP_ER_MEMORY) throw std::bad_alloc();
    result.error_code = lz().zip_error_code_zip(&error);
    result.error_text = lz().zip_error_strerror(&error);
  }
  return result;
}

// Why libzip could not open the archive at all, told from the bytes, with
// libzip's own words. Used for the message only; nothing else depends on it.
std::string unusable_reason(std::span<const std::byte> bytes, const std::string& libzip_says) {
  const auto starts_with = [&](std::string_view prefix) {
    return bytes.size() >= prefix.size() && std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
  };
  if (starts_with("\x93NUMPY")) {
    return "not a zip archive: this is a .npy file (a .npz file is a zip archive of .npy files)";
  }
  // The end-of-central-directory record lies within the last 22 + 65535 bytes.
  const std::string_view end_signature("PK\x05\x06", 4);
  const auto tail = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), kEndRecordBytes + 0xFFFF));
  const std::string_view last(reinterpret_cast<const char*>(bytes.data() + bytes.size() - tail), tail);
  if (last.find(end_signature) != std::string_view::npos) {
    return "damaged zip archive: its central directory or end-of-central-directory record is corrupt or "
           "truncated (libzip: " +
           libzip_says + ")";
  }
  if (starts_with(std::string_view("PK\x03\x04", 4))) {
    return "truncated zip archive: it starts with a zip entry but its end-of-central-directory record "
           "is missing";
  }
  return "not a zip archive: no end-of-central-directory record (a .npz file is a zip archive)";
}

// ---------------------------------------------------------------------------
// Raw deflate over compressed bytes in memory.

struct InflateError {
  std::string reason;
};

// One raw-deflate decoder. Neither copyable nor movable: zlib's internal state
// points back at the z_stream, so it must stay where it was initialised.
class Inflater {
 public:
  // `release_consumed`: the input is a file mapping whose pages may be handed
  // back once inflated, so that a multi-gigabyte member stays within the scan's
  // memory bound.
  explicit Inflater(std::span<const std::byte> input, bool release_consumed = false)
      : input_(input), released_(input.data()), release_consumed_(release_consumed) {
    const int rc = inflateInit2(&stream_, -MAX_WBITS);  // raw deflate: zip has no zlib wrapper
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) throw InflateError{"cannot start the inflater (zlib error " + std::to_string(rc) + ")"};
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates into `out` until it is full or the deflate stream ends; returns the
  // bytes written. Throws InflateError for corrupt or truncated data.
  std::size_t read(std::span<std::byte> out) {
    std::size_t written = 0;
    while (written < out.size() && !ended_) {
      if (stream_.avail_in == 0 && !input_.empty()) {
        const std::size_t slice = std::min(input_.size(), kZlibSliceBytes);
        stream_.next_in = reinterpret_cast<const Bytef*>(input_.data());
        stream_.avail_in = static_cast<uInt>(slice);
        input_ = input_.subspan(slice);
      }
      const auto room = static_cast<uInt>(std::min(out.size() - written, kZlibSliceBytes));
      stream_.next_out = reinterpret_cast<Bytef*>(out.data() + written);
      stream_.avail_out = room;
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      written += room - stream_.avail_out;
      produced_ += room - stream_.avail_out;
      switch (rc) {
        case Z_OK: break;
        case Z_STREAM_END: ended_ = true; break;
        case Z_BUF_ERROR:  // no progress with room to write: the input is used up
          throw InflateError{"the compressed data ends before its deflate stream does (after " +
                             std::to_string(produced_) + " inflated bytes)"};
        case Z_MEM_ERROR: throw std::bad_alloc();
        default:
          throw InflateError{"corrupt deflate data after " + std::to_string(produced_) + " inflated bytes" +
                             (stream_.msg != nullptr ? std::string(" (zlib: ") + stream_.msg + ")" : "")};
      }
    }
    if (release_consumed_ && stream_.next_in != nullptr) {
      const auto* consumed = reinterpret_cast<const std::byte*>(stream_.next_in);
      if (consumed - released_ >= kReleaseStepBytes) {
        release_pages({released_, consumed});
        released_ = consumed;
      }
    }
    return written;
  }

  std::uint64_t produced() const { return produced_; }

 private:
  z_stream stream_{};
  static constexpr std::ptrdiff_t kReleaseStepBytes = std::ptrdiff_t{4} << 20;
  std::span<const std::byte> input_;  // not yet handed to zlib
  const std::byte* released_;         // input before this was handed back to the kernel
  bool release_consumed_;
  std::uint64_t produced_ = 0;
  bool ended_ = false;
};

std::uint32_t crc_update(std::uint32_t crc, std::span<const std::byte> bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<z_size_t>(bytes.size())));
}

// The elements of a deflated member, inflated a caller's buffer at a time. The
// decoder is created on the first read (an archive may hold thousands of members,
// each waiting for a thread) and freed at the end; it re-inflates the .npy header
// that open_npz already parsed, which costs at most kNpyMaxHeaderBytes.
class DeflatedMemberStream final : public ElementStream {
 public:
  DeflatedMemberStream(std::shared_ptr<const MappedFile> mapping, std::span<const std::byte> compressed,
                       std::size_t header_bytes, std::uint64_t data_bytes, std::uint32_t expected_crc,
                       std::string path, std::string entry_name)
      : mapping_(std::move(mapping)),
        compressed_(compressed),
        header_bytes_(header_bytes),
        data_bytes_(data_bytes),
        data_left_(data_bytes),
        expected_crc_(expected_crc),
        path_(std::move(path)),
        entry_name_(std::move(entry_name)) {}

  std::size_t read(std::span<std::byte> buffer) override {
    if (error_) throw InputError(path_, *error_);
    if (done_) return 0;
    try {
      if (!inflater_) start();
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), data_left_));
      const std::size_t got = inflater_->read(buffer.first(want));
      crc_ = crc_update(crc_, buffer.first(got));
      if (got < want) {
        fail("the deflate data ends after " + std::to_string(inflater_->produced()) + " bytes, but " +
             std::to_string(total_bytes()) + " are declared (" + std::to_string(header_bytes_) +
             " header bytes + " + std::to_string(data_bytes_) + " data bytes)");
      }
      data_left_ -= got;
      if (data_left_ == 0) finish();
      return got;
    } catch (const InflateError& error) {
      fail(error.reason);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& reason) {
    inflater_.reset();
    error_ = member_prefix(entry_name_) + reason;
    throw InputError(path_, *error_);
  }

  std::uint64_t total_bytes() const { return header_bytes_ + data_bytes_; }

  void start() {
    inflater_ = std::make_unique<Inflater>(compressed_, mapping_->mapped());
    std::array<std::byte, 4096> scratch;
    for (std::size_t left = header_bytes_; left > 0;) {
      const std::span<std::byte> part(scratch.data(), std::min(left, scratch.size()));
      const std::size_t got = inflater_->read(part);
      crc_ = crc_update(crc_, part.first(got));
      if (got < part.size()) {
        fail("the deflate data ends after " + std::to_string(inflater_->produced()) +
             " bytes, inside the .npy header");
      }
      left -= got;
    }
  }

  // Called once the declared bytes are out: the deflate stream must end exactly
  // there (a stream that goes on is a zip bomb or a forged size; it is never
  // inflated further than one byte), and the CRC-32 must match.
  void finish() {
    std::byte probe{};
    if (inflater_->read(std::span<std::byte>(&probe, 1)) != 0) {
      fail("the deflate data inflates to more than the " + std::to_string(total_bytes()) +
           " bytes the entry and its .npy header declare (zip bomb or forged size)");
    }
    if (crc_ != expected_crc_) {
      fail("CRC-32 mismatch: the entry declares " + hex32(expected_crc_) + ", the inflated bytes give " +
           hex32(crc_) + " (the data is damaged)");
    }
    inflater_.reset();
    done_ = true;
  }

  std::shared_ptr<const MappedFile> mapping_;  // keeps compressed_ alive
  std::span<const std::byte> compressed_;
  std::size_t header_bytes_;
  std::uint64_t data_bytes_;
  std::uint64_t data_left_;
  std::uint32_t expected_crc_;
  std::uint32_t crc_ = 0;
  std::string path_;
  std::string entry_name_;
  std::unique_ptr<Inflater> inflater_;  // while reading
  std::optional<std::string> error_;    // once failed, every later read fails the same way
  bool done_ = false;
};

// ---------------------------------------------------------------------------
// The archive's entries.

struct Entry {
  std::uint64_t index = 0;  // in the central directory, from 0
  std::string name;         // UTF-8: flagged UTF-8, else CP437 converted, as Python's zipfile reads it
  zip_uint16_t method = 0;
  zip_uint16_t encryption = ZIP_EM_NONE;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  // Where its data lies in the file, once found. [record_begin, data_end) lies
  // within its local record: the fixed header and the name precede the data
  // (so may extra fields, whose length libzip does not give), so an overlap
  // found between two such ranges is real.
  bool located = false;
  std::uint64_t record_begin = 0, data_begin = 0, data_end = 0;
  std::string overlap;  // set when its record overlaps another entry's
};

bool is_npy(const Entry& entry) {
  return ends_with(entry.name, kNpySuffix);
}
bool is_directory(const Entry& entry) {
  return ends_with(entry.name, "/");
}
bool is_readable_method(const Entry& entry) {
  return entry.method == ZIP_CM_STORE || entry.method == ZIP_CM_DEFLATE;
}

// Where an entry's raw data starts: libzip reads its first and its last raw byte
// and the source notes where those reads land. A window read linearly from one
// start is the only way both can land where they do, and the bytes must agree.
std::optional<std::uint64_t> locate_data(zip_t* archive, ArchiveSource& source, const Entry& entry,
                                         std::span<const std::byte> bytes) {
  if (entry.compressed_size > static_cast<std::uint64_t>(std::numeric_limits<zip_int64_t>::max())) {
    return std::nullopt;
  }
  const FileHandle file(lz().zip_fopen_index(archive, entry.index, ZIP_FL_COMPRESSED));
  if (!file) return std::nullopt;
  const auto read_one = [&]() -> std::optional<std::uint64_t> {
    unsigned char byte = 0;
    source.arm();
    const zip_int64_t got = lz().zip_fread(file.get(), &byte, 1);
    const std::optional<std::uint64_t> at = source.disarm();
    if (got != 1 || !at || *at >= bytes.size() || std::to_integer<unsigned char>(bytes[*at]) != byte) {
      return std::nullopt;
    }
    return at;
  };
  const std::optional<std::uint64_t> first = read_one();
  if (!first || entry.compressed_size == 1) return first;
  if (lz().zip_fseek(file.get(), static_cast<zip_int64_t>(entry.compressed_size - 1), SEEK_SET) != 0) {
    return std::nullopt;
  }
  const std::optional<std::uint64_t> last = read_one();
  if (!last || *last < *first || *last - *first != entry.compressed_size - 1) return std::nullopt;
  return first;
}

std::vector<Entry> read_entries(zip_t* archive, ArchiveSource& source, std::span<const std::byte> bytes,
                                const std::string& path) {
  const zip_int64_t count = lz().zip_get_num_entries(archive, 0);
  if (count < 0) throw InputError(path, "damaged zip archive: cannot count its entries");
  if (static_cast<std::uint64_t>(count) > kMaxEntries) {
    throw InputError(path, "the archive has " + std::to_string(count) +
                               " entries, more than dtlint's cap of " + std::to_string(kMaxEntries));
  }
  std::vector<Entry> entries;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t stat;
    lz().zip_stat_init(&stat);
    // Names as the zip specification and Python's zipfile read them.
    const char* name = lz().zip_get_name(archive, index, ZIP_FL_ENC_STRICT);
    const char* raw_name = lz().zip_get_name(archive, index, ZIP_FL_ENC_RAW);
    constexpr zip_uint64_t kNeeded =
        ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
    if (name == nullptr || raw_name == nullptr || lz().zip_stat_index(archive, index, 0, &stat) != 0 ||
        (stat.valid & kNeeded) != kNeeded) {
      throw InputError(path, "damaged zip archive: entry " + std::to_string(i + 1) + " of " +
                                 std::to_string(count) +
                                 " cannot be read (libzip: " + lz().zip_strerror(archive) + ")");
    }
    Entry entry;
    entry.index = index;
    entry.name = name;
    entry.method = stat.comp_method;
    entry.encryption = stat.encryption_method;
    entry.crc = stat.crc;
    entry.compressed_size = stat.comp_size;
    entry.uncompressed_size = stat.size;
    // Encrypted entries and other methods are reported as such; their data is
    // never read, so they take no part in the overlap check either.
    if (entry.encryption == ZIP_EM_NONE && is_readable_method(entry)) {
      std::optional<std::uint64_t> data_begin =
          entry.compressed_size == 0 ? std::nullopt : locate_data(archive, source, entry, bytes);
      if (data_begin) {
        const std::uint64_t header_bytes = kLocalHeaderBytes + std::strlen(raw_name);
        entry.located = true;
        entry.data_begin = *data_begin;
        entry.data_end = *data_begin + entry.compressed_size;  // locate_data read the last byte: no overflow
        entry.record_begin = *data_begin >= header_bytes ? *data_begin - header_bytes : *data_begin;
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// Two entries whose local records (header and data) share bytes: the trick of
// overlapping zip bombs and zip quines, where one compressed stream is counted
// many times. Every entry involved is marked with the first one it overlaps.
void mark_overlaps(std::vector<Entry>& entries) {
  std::vector<Entry*> located;
  for (Entry& entry : entries) {
    if (entry.located) located.push_back(&entry);
  }
  std::sort(located.begin(), located.end(), [](const Entry* a, const Entry* b) {
    return a->record_begin != b->record_begin ? a->record_begin < b->record_begin : a->index < b->index;
  });
  const auto describe = [](const Entry& e) {
    return "entry " + quote_name(e.name) + " (archive bytes " + std::to_string(e.record_begin) + " to " +
           std::to_string(e.data_end) + ")";
  };
  Entry* reach = nullptr;  // of the records seen so far, the one that ends last
  for (Entry* entry : located) {
    if (reach != nullptr && entry->record_begin < reach->data_end) {
      if (entry->overlap.empty()) entry->overlap = "overlaps " + describe(*reach);
      if (reach->overlap.empty()) reach->overlap = "overlaps " + describe(*entry);
    }
    if (reach == nullptr || entry->data_end > reach->data_end) reach = entry;
  }
}

std::string encryption_name(zip_uint16_t method) {
  switch (method) {
    case ZIP_EM_TRAD_PKWARE: return "traditional PKWARE encryption";
    case ZIP_EM_AES_128:
    case ZIP_EM_AES_192:
    case ZIP_EM_AES_256: return "WinZip AES";
    default: return "PKWARE strong encryption";
  }
}

std::string method_name(zip_uint16_t method) {
  switch (method) {
    case 1: return " (shrink)";
    case 6: return " (implode)";
    case 9: return " (deflate64)";
    case 12: return " (bzip2)";
    case 14: return " (LZMA)";
    case 93: return " (Zstandard)";
    case 95: return " (xz)";
    case 98: return " (PPMd)";
    default: return "";
  }
}

// Why an .npy entry cannot be read, found before its bytes are looked at.
std::optional<std::string> structural_problem(const Entry& entry) {
  if (entry.encryption != ZIP_EM_NONE) {
    return "encrypted member " + quote_name(entry.name) + " (" + encryption_name(entry.encryption) +
           "); dtlint does not decrypt";
  }
  const std::string prefix = member_prefix(entry.name);
  if (!is_readable_method(entry)) {
    return prefix + "unsupported compression method " + std::to_string(entry.method) +
           method_name(entry.method) +
           "; dtlint reads stored (0) and deflated (8) members, as NumPy writes them";
  }
  if (!entry.overlap.empty()) {
    return prefix + "its local header and data (archive bytes " + std::to_string(entry.record_begin) +
           " to " + std::to_string(entry.data_end) + ") " + entry.overlap +
           "; overlapping entries are a zip-bomb technique";
  }
  if (entry.method == ZIP_CM_STORE && entry.compressed_size != entry.uncompressed_size) {
    return prefix + "stored (uncompressed) member declares " + std::to_string(entry.uncompressed_size) +
           " bytes but holds " + std::to_string(entry.compressed_size);
  }
  if (entry.method == ZIP_CM_DEFLATE) {
    std::uint64_t reachable = 0;
    const bool huge = __builtin_mul_overflow(entry.compressed_size, kNpzMaxDeflateRatio, &reachable);
    if (!huge && entry.uncompressed_size > reachable) {
      const std::string ratio = entry.compressed_size == 0
                                    ? "unbounded"
                                    : std::to_string(entry.uncompressed_size / entry.compressed_size) + ":1";
      return prefix + "declares " + std::to_string(entry.uncompressed_size) + " uncompressed bytes from " +
             std::to_string(entry.compressed_size) + " compressed bytes, a ratio of " + ratio +
             "; deflate cannot exceed " + std::to_string(kNpzMaxDeflateRatio) +
             ":1, so the sizes are forged (zip bomb?)";
    }
  }
  if (!entry.located && entry.compressed_size > 0) {
    return prefix + "its data cannot be located in the archive";
  }
  return std::nullopt;
}

std::uint32_t crc_of(std::span<const std::byte> bytes, bool mapped) {
  std::uint32_t crc = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += kCrcChunkBytes) {
    const auto part = bytes.subspan(offset, std::min(kCrcChunkBytes, bytes.size() - offset));
    crc = crc_update(crc, part);
    if (mapped) release_pages(part);
  }
  return crc;
}

std::span<const std::byte> member_bytes(const Entry& entry, std::span<const std::byte> bytes) {
  if (!entry.located) return {};
  return bytes.subspan(static_cast<std::size_t>(entry.data_begin),
                       static_cast<std::size_t>(entry.compressed_size));
}

ArrayView stored_view(const Entry& entry, const std::shared_ptr<const MappedFile>& mapping,
                      const std::string& display_path) {
  const std::span<const std::byte> bytes = member_bytes(entry, mapping->bytes());
  // Checked before the header, so that a damaged header is reported as damage.
  const std::uint32_t crc = crc_of(bytes, mapping->mapped());
  if (crc != entry.crc) {
    throw InputError(display_path, member_prefix(entry.name) + "CRC-32 mismatch: the entry declares " +
                                       hex32(entry.crc) + ", its bytes give " + hex32(crc) +
                                       " (the data is damaged)");
  }
  ArrayView view = npy_from_bytes(bytes, mapping, display_path);
  view.mapped = mapping->mapped();
  return view;
}

// Inflates just the member's .npy header (at most the preamble and kNpyMaxHeaderBytes).
std::vector<std::byte> inflate_header(std::span<const std::byte> compressed) {
  Inflater inflater(compressed);
  std::vector<std::byte> head(kNpyPreambleBytes);
  head.resize(inflater.read(head));
  // Only to know how much more to inflate; parse_npy_header does the checking.
  const bool magic = head.size() >= 8 && std::memcmp(head.data(), "\x93NUMPY", 6) == 0;
  const unsigned major = magic ? std::to_integer<unsigned>(head[6]) : 0;
  if (major >= 1 && major <= 3) {
    const std::size_t length_bytes = major == 1 ? 2 : 4;
    if (head.size() >= 8 + length_bytes) {
      std::uint64_t header_length = 0;
      for (std::size_t i = 0; i < length_bytes; ++i) {
        header_length |= std::uint64_t{std::to_integer<unsigned>(head[8 + i])} << (8 * i);
      }
      const std::size_t need = 8 + length_bytes + static_cast<std::size_t>(header_length);
      if (header_length <= kNpyMaxHeaderBytes && need > head.size()) {
        const std::size_t have = head.size();
        head.resize(need);
        head.resize(have + inflater.read(std::span<std::byte>(head).subspan(have)));
      }
    }
  }
  return head;
}

ArrayView deflated_view(const Entry& entry, const std::shared_ptr<const MappedFile>& mapping,
                        const std::string& display_path) {
  const std::span<const std::byte> compressed = member_bytes(entry, mapping->bytes());
  std::vector<std::byte> head;
  try {
    head = inflate_header(compressed);
  } catch (const InflateError& error) {
    throw InputError(display_path, member_prefix(entry.name) + error.reason);
  }
  const NpyHeader header = parse_npy_header(head, display_path);
  ArrayView view = view_from_header(header, display_path);
  view.owner = mapping;
  view.mapped = false;
  // Object arrays hold pickles, which are never read: no size check, no stream.
  if (header.dtype == DType::Object) return view;

  // Cannot overflow: parse_npy_header checked the product against size_t.
  const std::uint64_t data_bytes = header.elements * info(header.dtype).size;
  std::uint64_t total = 0;
  if (__builtin_add_overflow(std::uint64_t{header.data_offset}, data_bytes, &total) ||
      total != entry.uncompressed_size) {
    throw InputError(display_path, member_prefix(entry.name) + "the entry declares " +
                                       std::to_string(entry.uncompressed_size) +
                                       " uncompressed bytes, but its .npy header declares " +
                                       std::to_string(header.data_offset) + " header bytes + " +
                                       std::to_string(data_bytes) + " data bytes");
  }
  view.stream = std::make_shared<DeflatedMemberStream>(mapping, compressed, header.data_offset, data_bytes,
                                                       entry.crc, display_path, entry.name);
  return view;
}

}  // namespace

ContainerContents open_npz(const std::filesystem::path& file, const std::string& display_path) {
  std::shared_ptr<const MappedFile> mapping = MappedFile::open(file, display_path);
  require_libzip(display_path);
  const std::span<const std::byte> bytes = mapping->bytes();
  if (bytes.empty()) {
    throw InputError(display_path, "empty file (expected a .npz archive, which is a zip file)");
  }

  // Strict first: libzip compares every local header with its central directory
  // entry and keeps all data before the central directory. It also refuses
  // duplicate names, which only makes those members unreadable here.
  ArchiveSource source(bytes);
  OpenResult opened = open_archive(source, ZIP_RDONLY | ZIP_CHECKCONS);
  if (!opened.archive) {
    OpenResult lenient = open_archive(source, ZIP_RDONLY);
    if (!lenient.archive) throw InputError(display_path, unusable_reason(bytes, lenient.error_text));
    if (opened.error_code != ZIP_ER_EXISTS) {
      throw InputError(display_path,
                       "damaged zip archive: its entries do not match its central directory (a local header "
                       "that disagrees with its entry, or entry data running into the central directory; "
                       "libzip: " +
                           opened.error_text + ")");
    }
    opened.archive = std::move(lenient.archive);
  }
  std::vector<Entry> entries = read_entries(opened.archive.get(), source, bytes, display_path);
  opened.archive.reset();
  mark_overlaps(entries);

  // Entry names that occur more than once among the .npy entries: which one a
  // reader gets differs between tools, so none of them is analysed.
  std::map<std::string_view, std::vector<const Entry*>> by_name;
  for (const Entry& entry : entries) {
    if (is_npy(entry)) by_name[entry.name].push_back(&entry);
  }

  ContainerContents contents;
  for (const Entry& entry : entries) {
    if (!is_npy(entry)) {
      contents.skipped.push_back(
          {entry.name, is_directory(entry) ? "not an .npy member (a directory)" : "not an .npy member"});
      continue;
    }
    std::string member = entry.name.substr(0, entry.name.size() - kNpySuffix.size());
    const std::vector<const Entry*>& namesakes = by_name[entry.name];
    if (namesakes.size() > 1) {
      if (namesakes.front() != &entry) continue;  // reported once, at the first
      std::string numbers;
      for (const Entry* other : namesakes) {
        numbers += (numbers.empty() ? "" : ", ") + std::to_string(other->index + 1);
      }
      contents.unreadable.push_back(
          {std::move(member), "duplicate member name: " + std::to_string(namesakes.size()) + " entries (" +
                                  numbers + " in the central directory) are named " + quote_name(entry.name) +
                                  ", and readers disagree on which one is meant"});
      continue;
    }
    if (const auto problem = structural_problem(entry)) {
      contents.unreadable.push_back({std::move(member), *problem});
      continue;
    }
    try {
      ArrayView view = entry.method == ZIP_CM_STORE ? stored_view(entry, mapping, display_path)
                                                    : deflated_view(entry, mapping, display_path);
      view.member = std::move(member);
      contents.arrays.push_back(std::move(view));
    } catch (const InputError& error) {
      std::string reason = error.reason();
      // The .npy reader's messages do not know the member; the prefix names it.
      if (!reason.starts_with(member_prefix(entry.name))) reason = member_prefix(entry.name) + reason;
      contents.unreadable.push_back({std::move(member), std::move(reason)});
    }
  }
  return contents;
}

}  // namespace dtlint
