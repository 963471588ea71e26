#include "analyzer/formats/zip/inflate.h"

// zlib's const-correct prototypes: next_in points at the read-only mapping.
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <new>

#include "analyzer/io/mapped_file.h"

namespace dtlint::zip {
namespace {

// zlib counts in 32-bit uInt; larger spans are handed to it in slices.
constexpr std::size_t kZlibSliceBytes = std::size_t{1} << 30;

// Consumed input is handed back to the kernel in steps of this size.
constexpr std::ptrdiff_t kReleaseStepBytes = std::ptrdiff_t{4} << 20;

}  // namespace

struct Inflater::State {
  z_stream stream{};
};

Inflater::Inflater(std::span<const std::byte> input, bool release_consumed)
    : state_(std::make_unique<State>()),
      input_(input),
      released_(input.data()),
      release_consumed_(release_consumed) {
  const int rc = inflateInit2(&state_->stream, -MAX_WBITS);  // raw deflate: zip has no zlib wrapper
  if (rc == Z_MEM_ERROR) throw std::bad_alloc();
  if (rc != Z_OK) throw InflateError{"cannot start the inflater (zlib error " + std::to_string(rc) + ")"};
}

Inflater::~Inflater() {
  inflateEnd(&state_->stream);
}

std::size_t Inflater::read(std::span<std::byte> out) {
  z_stream& stream = state_->stream;
  std::size_t written = 0;
  while (written < out.size() && !ended_) {
    if (stream.avail_in == 0 && !input_.empty()) {
      const std::size_t slice = std::min(input_.size(), kZlibSliceBytes);
      stream.next_in = reinterpret_cast<const Bytef*>(input_.data());
      stream.avail_in = static_cast<uInt>(slice);
      input_ = input_.subspan(slice);
    }
    const auto room = static_cast<uInt>(std::min(out.size() - written, kZlibSliceBytes));
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + written);
    stream.avail_out = room;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    written += room - stream.avail_out;
    produced_ += room - stream.avail_out;
    switch (rc) {
      case Z_OK: break;
      case Z_STREAM_END: ended_ = true; break;
      case Z_BUF_ERROR:  // no progress with room to write: the input is used up
        throw InflateError{"the compressed data ends before its deflate stream does (after " +
                           std::to_string(produced_) + " inflated bytes)"};
      case Z_MEM_ERROR: throw std::bad_alloc();
      default:
        throw InflateError{"corrupt deflate data after " + std::to_string(produced_) + " inflated bytes" +
                           (stream.msg != nullptr ? std::string(" (zlib: ") + stream.msg + ")" : "")};
    }
  }
  if (release_consumed_ && stream.next_in != nullptr) {
    const auto* consumed = reinterpret_cast<const std::byte*>(stream.next_in);
    if (consumed - released_ >= kReleaseStepBytes) {
      release_pages({released_, consumed});
      released_ = consumed;
    }
  }
  return written;
}

std::uint32_t crc_update(std::uint32_t crc, std::span<const std::byte> bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<z_size_t>(bytes.size())));
}

}  // namespace dtlint::zip
