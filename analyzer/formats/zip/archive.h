// The zip layer under every zip-based format (.npz now, PyTorch checkpoints
// next): the entries of an archive held in memory or mapped, with every check a
// hostile archive calls for, and an entry's bytes as a zero-copy view (stored
// entries) or as a stream inflated a buffer at a time (deflated entries).
//
// The zip structure is read by libzip (loaded on first use, see libzip.h),
// strictly first (every local header compared with its central directory entry)
// and leniently only to tolerate duplicate names. Each entry's data is located
// in the input, so that overlapping entries (overlapping zip bombs, zip quines)
// are found, stored entries can be viewed in place and deflated entries
// inflated straight from the mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/formats/array_view.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint::zip {

// Compression methods (PKWARE APPNOTE 4.4.5): the only two dtlint reads.
inline constexpr std::uint16_t kStored = 0;
inline constexpr std::uint16_t kDeflated = 8;

// A deflate stream cannot expand its input more than 1032-fold (a 258-byte match
// costs at least two bits), so an entry declaring more is forged. zlib reaches
// about 1029:1 on zeros, so a lower cap would reject real arrays of zeros.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Bookkeeping per entry is a few hundred bytes here and in libzip; no real
// archive of arrays holds anywhere near this many entries.
inline constexpr std::uint64_t kMaxEntries = std::uint64_t{1} << 20;

struct Entry {
  std::uint64_t index = 0;  // in the central directory, from 0
  std::string name;         // UTF-8: flagged UTF-8, else CP437 converted, as Python's zipfile reads it
  std::uint16_t method = 0;
  std::uint16_t encryption = 0;  // 0: not encrypted (libzip's ZIP_EM_* otherwise)
  std::uint32_t crc = 0;         // as the central directory declares it
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  // Where the entry's raw (compressed) data starts in the input, once located;
  // never set for empty entries, nor for encrypted entries or other methods,
  // whose data is never read.
  std::optional<std::uint64_t> data_offset;
  // [record_begin, data end) lies within the entry's local record (the fixed
  // header and the name precede the data; so may extra fields, whose length
  // libzip does not give), so an overlap found between two of them is real.
  std::uint64_t record_begin = 0;
  std::string overlap;  // "overlaps entry '...' (archive bytes a to b)" when it does

  bool is_directory() const { return name.ends_with('/'); }
  // One past the raw data's last byte; meaningful once data_offset is set.
  std::uint64_t data_end() const { return data_offset.value_or(0) + compressed_size; }
};

// How messages name the format built on the archive (string literals: the
// archive keeps the views).
struct ArchiveKind {
  // ".npz": "cannot read .npz archives", "(a .npz file is a zip archive)".
  std::string_view name;
  // "NumPy": "dtlint reads stored (0) and deflated (8) members, as NumPy writes them".
  std::string_view written_by;
  // What a file that libzip cannot open is instead, when the format can tell
  // (a .npy file given as .npz); nullptr or nullopt for the generic messages.
  std::optional<std::string> (*not_an_archive)(std::span<const std::byte> bytes) = nullptr;
};

// The part of an entry before what a stream yields: a header of the member's
// own format that the caller has already read.
struct EntryHeader {
  std::size_t bytes = 0;
  std::string_view name;  // as messages say it, e.g. ".npy header"; a literal, since streams keep it
};

class Archive {
 public:
  // Lists the entries of the zip archive in `input` (kept alive by the archive
  // and by every view and stream made from it) and locates their data. Throws
  // InputError(path, reason) when the archive as a whole is unusable: libzip
  // missing, not a zip archive, a damaged or truncated central directory, more
  // than kMaxEntries entries, or local headers that disagree with the central
  // directory. Duplicate names are not refused here (see namesakes_reason).
  static Archive open(InputBytes input, std::string path, const ArchiveKind& kind);

  // In central-directory order.
  const std::vector<Entry>& entries() const { return entries_; }

  // Why the entry's data cannot be read, found without reading it: encrypted,
  // a method other than stored or deflated, overlapping another entry, stored
  // sizes that disagree, a forged deflate ratio, data not located. The reason
  // names the member ("member 'x.npy': ..."); nullopt when the entry is readable.
  std::optional<std::string> problem(const Entry& entry) const;

  // A readable stored entry's bytes, in place, after its CRC-32 has been checked
  // (one pass, releasing the pages of a mapping as it goes). Throws InputError
  // naming the member on a mismatch.
  std::span<const std::byte> stored_bytes(const Entry& entry) const;

  // The same bytes without the CRC-32 pass, for formats whose own reader skips
  // it (PyTorch builds miniz with MINIZ_DISABLE_ZIP_READER_CRC32_CHECKS): one
  // more pass over gigabytes of weights would cost a third of the scan.
  std::span<const std::byte> stored_bytes_unverified(const Entry& entry) const { return raw_bytes(entry); }

  // Up to `count` bytes from the start of a readable entry (its header, say),
  // fewer when the entry is shorter: inflated from a deflated entry, copied
  // from a stored one; the CRC is not checked. Throws InputError naming the
  // member for corrupt deflate data.
  std::vector<std::byte> read_head(const Entry& entry, std::size_t count) const;

  // A readable entry's bytes after `header`, a caller's buffer at a time,
  // independent of every other stream, checked against the CRC-32 of the whole
  // entry at the end. Deflated entries are inflated (the decoder is made on the
  // first read and freed at the end; the deflate data must end exactly at the
  // declared uncompressed size, and is never inflated more than one byte past
  // it); stored entries are copied out of the input. On damage the stream
  // throws InputError naming the member, and every later read throws the same.
  std::shared_ptr<ElementStream> stream(const Entry& entry, EntryHeader header = {}) const;

  // The reason for an E901 on entries that share one name (`namesakes`, two or
  // more, in central-directory order): readers disagree on which one is meant.
  static std::string namesakes_reason(std::span<const Entry* const> namesakes);

  const InputBytes& input() const { return input_; }
  const std::string& path() const { return path_; }

 private:
  Archive(InputBytes input, std::string path, const ArchiveKind& kind)
      : input_(std::move(input)), path_(std::move(path)), kind_(kind) {}
  std::span<const std::byte> raw_bytes(const Entry& entry) const;

  InputBytes input_;
  std::string path_;
  ArchiveKind kind_;
  std::vector<Entry> entries_;
};

// An entry name in a message: quoted, control bytes escaped, cut short (without
// splitting a UTF-8 sequence), so that a hostile name cannot garble the report.
std::string quote_name(std::string_view name);

// "member 'name': ", the start of every message about one entry.
std::string member_prefix(std::string_view entry_name);

}  // namespace dtlint::zip
