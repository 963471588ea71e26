#include "analyzer/formats/zip/archive.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <utility>

#include "analyzer/formats/untrusted_text.h"
#include "analyzer/formats/zip/inflate.h"
#include "analyzer/formats/zip/libzip.h"
#include "analyzer/input_error.h"

namespace dtlint::zip {
namespace {

// The fixed part of a local file header (PKWARE APPNOTE 4.3.7).
constexpr std::uint64_t kLocalHeaderBytes = 30;
constexpr std::uint64_t kEndRecordBytes = 22;

// Stored entries are CRC-checked in pieces of this size, releasing each piece's
// pages afterwards, so that checking a huge entry does not make it resident.
constexpr std::size_t kCrcChunkBytes = std::size_t{8} << 20;

static_assert(kStored == ZIP_CM_STORE && kDeflated == ZIP_CM_DEFLATE && ZIP_EM_NONE == 0);

std::string hex32(std::uint32_t value) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xF];
  return out;
}

// ---------------------------------------------------------------------------
// libzip reads the archive through this source, from the bytes the caller
// already holds: the file is opened once, by the code that vets it.
//
// libzip does not tell where an entry's data lies in the archive, which a
// zero-copy view and the overlap check need. The source therefore notes where
// the reads it serves land while armed; locate_data() below reads one entry's
// first and last raw byte through libzip and takes their positions.
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

// Little-endian fields of zip records, bounds-checked by the caller.
std::uint64_t le(std::span<const std::byte> bytes, std::size_t at, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = width; i-- > 0;) value = value << 8 | std::to_integer<std::uint64_t>(bytes[at + i]);
  return value;
}

// libzip refuses a whole archive ("inconsistent") when an entry's name is
// flagged UTF-8 (general purpose bit 11) but is not: find such an entry in the
// central directory, so that the message says so instead of "corrupt".
std::optional<std::string> invalid_utf8_name(std::span<const std::byte> bytes, std::string_view tail_text) {
  const std::size_t in_tail = tail_text.rfind(std::string_view("PK\x05\x06", 4));
  if (in_tail == std::string_view::npos) return std::nullopt;
  const std::size_t end_record = bytes.size() - tail_text.size() + in_tail;
  if (end_record + kEndRecordBytes > bytes.size()) return std::nullopt;
  const std::uint64_t entries = le(bytes, end_record + 10, 2);
  std::uint64_t at = le(bytes, end_record + 16, 4);  // 0xFFFFFFFF (zip64): nothing found, as before
  constexpr std::size_t kCentralHeader = 46;
  for (std::uint64_t e = 0; e < entries; ++e) {
    if (at > bytes.size() || bytes.size() - at < kCentralHeader ||
        std::memcmp(bytes.data() + at, "PK\x01\x02", 4) != 0)
      return std::nullopt;
    const std::uint64_t flags = le(bytes, static_cast<std::size_t>(at) + 8, 2);
    const std::uint64_t name_length = le(bytes, static_cast<std::size_t>(at) + 28, 2);
    const std::uint64_t rest = name_length + le(bytes, static_cast<std::size_t>(at) + 30, 2) +
                               le(bytes, static_cast<std::size_t>(at) + 32, 2);
    if (bytes.size() - at - kCentralHeader < rest) return std::nullopt;
    const std::string_view name(reinterpret_cast<const char*>(bytes.data() + at + kCentralHeader),
                                static_cast<std::size_t>(name_length));
    if ((flags & 0x800) != 0) {
      if (const std::optional<std::size_t> bad = invalid_utf8_at(name)) {
        return "damaged zip archive: the name of entry " + std::to_string(e + 1) + " of " +
               std::to_string(entries) + " is flagged as UTF-8 but is not (byte " + std::to_string(*bad + 1) +
               " of " + std::to_string(name_length) +
               " breaks it), and libzip refuses the whole archive; re-create it with valid names";
      }
    }
    at += kCentralHeader + rest;
  }
  return std::nullopt;
}

// Why libzip could not open the archive at all, told from the bytes, with
// libzip's own words. Used for the message only; nothing else depends on it.
std::string unusable_reason(std::span<const std::byte> bytes, const std::string& libzip_says,
                            const ArchiveKind& kind) {
  if (kind.not_an_archive != nullptr) {
    if (std::optional<std::string> instead = kind.not_an_archive(bytes)) return *instead;
  }
  const auto starts_with = [&](std::string_view prefix) {
    return bytes.size() >= prefix.size() && std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
  };
  // The end-of-central-directory record lies within the last 22 + 65535 bytes.
  const std::string_view end_signature("PK\x05\x06", 4);
  const auto tail = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), kEndRecordBytes + 0xFFFF));
  const std::string_view last(reinterpret_cast<const char*>(bytes.data() + bytes.size() - tail), tail);
  if (last.find(end_signature) != std::string_view::npos) {
    if (std::optional<std::string> names = invalid_utf8_name(bytes, last)) return *names;
    return "damaged zip archive: its central directory or end-of-central-directory record is corrupt or "
           "truncated (libzip: " +
           libzip_says + ")";
  }
  if (starts_with(std::string_view("PK\x03\x04", 4))) {
    return "truncated zip archive: it starts with a zip entry but its end-of-central-directory record "
           "is missing";
  }
  return "not a zip archive: no end-of-central-directory record (a " + std::string(kind.name) +
         " file is a zip archive)";
}

bool is_readable_method(const Entry& entry) {
  return entry.method == kStored || entry.method == kDeflated;
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
    if (entry.encryption == ZIP_EM_NONE && is_readable_method(entry) && entry.compressed_size > 0) {
      if (const std::optional<std::uint64_t> data_begin = locate_data(archive, source, entry, bytes)) {
        const std::uint64_t header_bytes = kLocalHeaderBytes + std::strlen(raw_name);
        entry.data_offset = *data_begin;  // locate_data read the last byte: data_end() cannot overflow
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
    if (entry.data_offset) located.push_back(&entry);
  }
  std::sort(located.begin(), located.end(), [](const Entry* a, const Entry* b) {
    return a->record_begin != b->record_begin ? a->record_begin < b->record_begin : a->index < b->index;
  });
  const auto describe = [](const Entry& e) {
    return "entry " + quote_name(e.name) + " (archive bytes " + std::to_string(e.record_begin) + " to " +
           std::to_string(e.data_end()) + ")";
  };
  Entry* reach = nullptr;  // of the records seen so far, the one that ends last
  for (Entry* entry : located) {
    if (reach != nullptr && entry->record_begin < reach->data_end()) {
      if (entry->overlap.empty()) entry->overlap = "overlaps " + describe(*reach);
      if (reach->overlap.empty()) reach->overlap = "overlaps " + describe(*entry);
    }
    if (reach == nullptr || entry->data_end() > reach->data_end()) reach = entry;
  }
}

std::string encryption_name(std::uint16_t method) {
  switch (method) {
    case ZIP_EM_TRAD_PKWARE: return "traditional PKWARE encryption";
    case ZIP_EM_AES_128:
    case ZIP_EM_AES_192:
    case ZIP_EM_AES_256: return "WinZip AES";
    default: return "PKWARE strong encryption";
  }
}

std::string method_name(std::uint16_t method) {
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

// A deflated entry's bytes after a header, inflated a caller's buffer at a time.
class InflatingStream final : public ElementStream {
 public:
  InflatingStream(const InputBytes& input, std::span<const std::byte> compressed, const Entry& entry,
                  EntryHeader header, std::string path)
      : owner_(input.owner),
        compressed_(compressed),
        release_consumed_(input.mapped),
        header_bytes_(header.bytes),
        header_name_(header.name),
        data_bytes_(entry.uncompressed_size - header.bytes),
        data_left_(data_bytes_),
        expected_crc_(entry.crc),
        path_(std::move(path)),
        entry_name_(entry.name) {}

  std::shared_ptr<ElementStream> restarted() const override {
    auto again = std::make_shared<InflatingStream>(*this, Restart{});
    return again;
  }

  struct Restart {};
  // The same member from its start: nothing is inflated before the first read.
  InflatingStream(const InflatingStream& other, Restart)
      : owner_(other.owner_),
        compressed_(other.compressed_),
        release_consumed_(other.release_consumed_),
        header_bytes_(other.header_bytes_),
        header_name_(other.header_name_),
        data_bytes_(other.data_bytes_),
        data_left_(other.data_bytes_),
        expected_crc_(other.expected_crc_),
        path_(other.path_),
        entry_name_(other.entry_name_) {}

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
             std::to_string(total_bytes()) + " are declared" +
             (header_bytes_ > 0 ? " (" + std::to_string(header_bytes_) + " header bytes + " +
                                      std::to_string(data_bytes_) + " data bytes)"
                                : std::string()));
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

  // Inflates the header again (the caller has read it; it costs at most its size).
  void start() {
    inflater_ = std::make_unique<Inflater>(compressed_, release_consumed_);
    std::array<std::byte, 4096> scratch;
    for (std::size_t left = header_bytes_; left > 0;) {
      const std::span<std::byte> part(scratch.data(), std::min(left, scratch.size()));
      const std::size_t got = inflater_->read(part);
      crc_ = crc_update(crc_, part.first(got));
      if (got < part.size()) {
        fail("the deflate data ends after " + std::to_string(inflater_->produced()) + " bytes, inside the " +
             std::string(header_name_));
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
           " bytes the entry " +
           (header_bytes_ > 0 ? "and its " + std::string(header_name_) + " declare"
                              : std::string("declares")) +
           " (zip bomb or forged size)");
    }
    if (crc_ != expected_crc_) {
      fail("CRC-32 mismatch: the entry declares " + hex32(expected_crc_) + ", the inflated bytes give " +
           hex32(crc_) + " (the data is damaged)");
    }
    inflater_.reset();
    done_ = true;
  }

  std::shared_ptr<const void> owner_;  // keeps compressed_ alive
  std::span<const std::byte> compressed_;
  bool release_consumed_;
  std::size_t header_bytes_;
  std::string_view header_name_;  // a literal of the caller's format
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

// A stored entry's bytes after a header, copied out a caller's buffer at a time;
// the CRC-32 of the whole entry is checked when the last byte is out. For callers
// that read every entry as a stream, whatever its method.
class StoredStream final : public ElementStream {
 public:
  StoredStream(const InputBytes& input, std::span<const std::byte> bytes, const Entry& entry,
               std::size_t header_bytes, std::string path)
      : owner_(input.owner),
        left_(bytes.subspan(header_bytes)),
        start_(left_),
        released_(left_.data()),
        release_consumed_(input.mapped),
        crc_(crc_update(0, bytes.first(header_bytes))),
        start_crc_(crc_),
        expected_crc_(entry.crc),
        path_(std::move(path)),
        entry_name_(entry.name) {}

  std::shared_ptr<ElementStream> restarted() const override {
    auto again = std::make_shared<StoredStream>(*this);
    again->left_ = start_;
    again->released_ = start_.data();
    again->crc_ = start_crc_;
    again->error_.reset();
    return again;
  }

  std::size_t read(std::span<std::byte> buffer) override {
    if (error_) throw InputError(path_, *error_);
    const std::size_t count = std::min(buffer.size(), left_.size());
    if (count == 0) return 0;
    std::memcpy(buffer.data(), left_.data(), count);
    crc_ = crc_update(crc_, left_.first(count));
    left_ = left_.subspan(count);
    if (release_consumed_ && (left_.empty() || left_.data() - released_ >= kReleaseStepBytes)) {
      release_pages({released_, left_.data()});
      released_ = left_.data();
    }
    if (left_.empty() && crc_ != expected_crc_) {
      error_ = member_prefix(entry_name_) + "CRC-32 mismatch: the entry declares " + hex32(expected_crc_) +
               ", its bytes give " + hex32(crc_) + " (the data is damaged)";
      throw InputError(path_, *error_);
    }
    return count;
  }

 private:
  static constexpr std::ptrdiff_t kReleaseStepBytes = std::ptrdiff_t{4} << 20;

  std::shared_ptr<const void> owner_;  // keeps the bytes alive
  std::span<const std::byte> left_;    // not yet read
  std::span<const std::byte> start_;   // everything after the header: where a restart begins
  const std::byte* released_;          // bytes before this were handed back to the kernel
  bool release_consumed_;
  std::uint32_t crc_;
  std::uint32_t start_crc_;  // the header's CRC-32, where a restart's begins
  std::uint32_t expected_crc_;
  std::string path_;
  std::string entry_name_;
  std::optional<std::string> error_;  // once failed, every later read fails the same way
};

}  // namespace

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

Archive Archive::open(InputBytes input, std::string path, const ArchiveKind& kind) {
  require_libzip(path, kind.name);
  Archive archive(std::move(input), std::move(path), kind);
  const std::span<const std::byte> bytes = archive.input_.bytes;

  // Strict first: libzip compares every local header with its central directory
  // entry and keeps all data before the central directory. It also refuses
  // duplicate names, which only makes those entries ambiguous to the caller.
  ArchiveSource source(bytes);
  OpenResult opened = open_archive(source, ZIP_RDONLY | ZIP_CHECKCONS);
  if (!opened.archive) {
    OpenResult lenient = open_archive(source, ZIP_RDONLY);
    if (!lenient.archive) throw InputError(archive.path_, unusable_reason(bytes, lenient.error_text, kind));
    if (opened.error_code != ZIP_ER_EXISTS) {
      throw InputError(archive.path_,
                       "damaged zip archive: its entries do not match its central directory (a local header "
                       "that disagrees with its entry, or entry data running into the central directory; "
                       "libzip: " +
                           opened.error_text + ")");
    }
    opened.archive = std::move(lenient.archive);
  }
  archive.entries_ = read_entries(opened.archive.get(), source, bytes, archive.path_);
  opened.archive.reset();
  mark_overlaps(archive.entries_);
  return archive;
}

std::optional<std::string> Archive::problem(const Entry& entry) const {
  if (entry.encryption != ZIP_EM_NONE) {
    return "encrypted member " + quote_name(entry.name) + " (" + encryption_name(entry.encryption) +
           "); dtlint does not decrypt";
  }
  const std::string prefix = member_prefix(entry.name);
  if (!is_readable_method(entry)) {
    return prefix + "unsupported compression method " + std::to_string(entry.method) +
           method_name(entry.method) + "; dtlint reads stored (0) and deflated (8) members, as " +
           std::string(kind_.written_by) + " writes them";
  }
  if (!entry.overlap.empty()) {
    return prefix + "its local header and data (archive bytes " + std::to_string(entry.record_begin) +
           " to " + std::to_string(entry.data_end()) + ") " + entry.overlap +
           "; overlapping entries are a zip-bomb technique";
  }
  if (entry.method == kStored && entry.compressed_size != entry.uncompressed_size) {
    return prefix + "stored (uncompressed) member declares " + std::to_string(entry.uncompressed_size) +
           " bytes but holds " + std::to_string(entry.compressed_size);
  }
  if (entry.method == kDeflated) {
    std::uint64_t reachable = 0;
    const bool huge = __builtin_mul_overflow(entry.compressed_size, kMaxDeflateRatio, &reachable);
    if (!huge && entry.uncompressed_size > reachable) {
      const std::string ratio = entry.compressed_size == 0
                                    ? "unbounded"
                                    : std::to_string(entry.uncompressed_size / entry.compressed_size) + ":1";
      return prefix + "declares " + std::to_string(entry.uncompressed_size) + " uncompressed bytes from " +
             std::to_string(entry.compressed_size) + " compressed bytes, a ratio of " + ratio +
             "; deflate cannot exceed " + std::to_string(kMaxDeflateRatio) +
             ":1, so the sizes are forged (zip bomb?)";
    }
  }
  if (!entry.data_offset && entry.compressed_size > 0) {
    return prefix + "its data cannot be located in the archive";
  }
  return std::nullopt;
}

std::span<const std::byte> Archive::raw_bytes(const Entry& entry) const {
  if (!entry.data_offset) return {};
  return input_.bytes.subspan(static_cast<std::size_t>(*entry.data_offset),
                              static_cast<std::size_t>(entry.compressed_size));
}

std::span<const std::byte> Archive::stored_bytes(const Entry& entry) const {
  const std::span<const std::byte> bytes = raw_bytes(entry);
  std::uint32_t crc = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += kCrcChunkBytes) {
    const auto part = bytes.subspan(offset, std::min(kCrcChunkBytes, bytes.size() - offset));
    crc = crc_update(crc, part);
    if (input_.mapped) release_pages(part);
  }
  if (crc != entry.crc) {
    throw InputError(path_, member_prefix(entry.name) + "CRC-32 mismatch: the entry declares " +
                                hex32(entry.crc) + ", its bytes give " + hex32(crc) +
                                " (the data is damaged)");
  }
  return bytes;
}

std::vector<std::byte> Archive::read_head(const Entry& entry, std::size_t count) const {
  if (entry.method == kStored) {
    const std::span<const std::byte> bytes = raw_bytes(entry);
    const std::span<const std::byte> head = bytes.first(std::min(count, bytes.size()));
    return {head.begin(), head.end()};
  }
  try {
    Inflater inflater(raw_bytes(entry));
    std::vector<std::byte> head(count);
    head.resize(inflater.read(head));
    return head;
  } catch (const InflateError& error) {
    throw InputError(path_, member_prefix(entry.name) + error.reason);
  }
}

std::shared_ptr<ElementStream> Archive::stream(const Entry& entry, EntryHeader header) const {
  if (header.bytes > entry.uncompressed_size) {
    throw InputError(path_, member_prefix(entry.name) + "the entry declares " +
                                std::to_string(entry.uncompressed_size) +
                                " uncompressed bytes, fewer than its " + std::to_string(header.bytes) +
                                "-byte " + std::string(header.name));
  }
  if (entry.method == kStored) {
    return std::make_shared<StoredStream>(input_, raw_bytes(entry), entry, header.bytes, path_);
  }
  return std::make_shared<InflatingStream>(input_, raw_bytes(entry), entry, header, path_);
}

std::string Archive::namesakes_reason(std::span<const Entry* const> namesakes) {
  std::string numbers;
  for (const Entry* other : namesakes) {
    numbers += (numbers.empty() ? "" : ", ") + std::to_string(other->index + 1);
  }
  return "duplicate member name: " + std::to_string(namesakes.size()) + " entries (" + numbers +
         " in the central directory) are named " + quote_name(namesakes.front()->name) +
         ", and readers disagree on which one is meant";
}

}  // namespace dtlint::zip
