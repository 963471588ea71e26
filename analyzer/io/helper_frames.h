// Reading a helper program's answer (dtlint-hdf5, dtlint-clang) as untrusted
// input: frames of a one-byte type, a four-byte little-endian payload length
// and the payload, whose fields are read one by one, each checked against the
// payload's end. The protocols themselves (frame types, fields, limits) are
// the helpers' own (formats/hdf5/protocol.h, source/protocol.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "analyzer/input_error.h"
#include "analyzer/io/helper_process.h"

namespace dtlint {

// Where frames come from: a child's pipe, or (for fuzzers and tests) bytes in memory.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Fills `buffer`; with `end_allowed`, a clean end before its first byte returns false.
  virtual bool read_exact(std::span<std::byte> buffer, bool end_allowed) = 0;
  [[noreturn]] virtual void fail(const std::string& what) = 0;
  // After the last frame: nothing may follow.
  virtual void finish() = 0;
};

class ChildFrameSource final : public FrameSource {
 public:
  explicit ChildFrameSource(HelperProcess& child) : child_(child) {}
  bool read_exact(std::span<std::byte> buffer, bool end_allowed) override {
    return child_.read_exact(buffer, end_allowed);
  }
  [[noreturn]] void fail(const std::string& what) override { child_.fail(what); }
  void finish() override { child_.finish(); }

 private:
  HelperProcess& child_;
};

// An answer held in memory; a malformed one throws InputError(path, malformed + what).
class MemoryFrameSource final : public FrameSource {
 public:
  MemoryFrameSource(std::span<const std::byte> bytes, std::string path, std::string malformed)
      : bytes_(bytes), path_(std::move(path)), malformed_(std::move(malformed)) {}
  bool read_exact(std::span<std::byte> buffer, bool end_allowed) override {
    if (buffer.empty()) return true;
    if (bytes_.empty() && end_allowed) return false;
    if (bytes_.size() < buffer.size()) fail("its answer ends early");
    std::memcpy(buffer.data(), bytes_.data(), buffer.size());
    bytes_ = bytes_.subspan(buffer.size());
    return true;
  }
  [[noreturn]] void fail(const std::string& what) override { throw InputError(path_, malformed_ + what); }
  void finish() override {
    if (!bytes_.empty()) fail("more bytes after its end");
  }

 private:
  std::span<const std::byte> bytes_;
  std::string path_, malformed_;
};

// A frame's payload, read field by field; every read checked against its end.
class PayloadReader {
 public:
  // A text longer than `max_text_bytes` is malformed.
  PayloadReader(std::span<const std::byte> bytes, FrameSource& source, std::uint32_t max_text_bytes)
      : bytes_(bytes), source_(source), max_text_bytes_(max_text_bytes) {}
  // A little-endian unsigned integer of `count` ≤ 8 bytes.
  std::uint64_t number(std::size_t count, std::string_view what) {
    if (bytes_.size() < count) source_.fail(std::string(what) + " is cut short");
    std::uint64_t value = 0;
    for (std::size_t i = count; i-- > 0;) value = (value << 8) | std::to_integer<std::uint64_t>(bytes_[i]);
    bytes_ = bytes_.subspan(count);
    return value;
  }
  std::uint8_t u8(std::string_view what) { return static_cast<std::uint8_t>(number(1, what)); }
  std::uint32_t u32(std::string_view what) { return static_cast<std::uint32_t>(number(4, what)); }
  // A u32 length and that many bytes.
  std::string text(std::string_view what) {
    const std::uint64_t length = number(4, what);
    if (length > max_text_bytes_ || length > bytes_.size())
      source_.fail(std::string(what) + " has a bad length");
    std::string value(reinterpret_cast<const char*>(bytes_.data()), static_cast<std::size_t>(length));
    bytes_ = bytes_.subspan(static_cast<std::size_t>(length));
    return value;
  }
  void end(std::string_view what) {
    if (!bytes_.empty()) source_.fail(std::string(what) + " has bytes past its fields");
  }

 private:
  std::span<const std::byte> bytes_;
  FrameSource& source_;
  std::uint32_t max_text_bytes_;
};

// A frame's type byte and payload length, before the payload.
struct RawFrameHeader {
  std::uint8_t type;
  std::uint32_t length;
};

// The next frame's header; none at a clean end when `end_allowed`. Checking
// the length against the type's limit is the protocol's.
inline std::optional<RawFrameHeader> read_frame_header(FrameSource& source, bool end_allowed) {
  std::array<std::byte, 5> header{};
  if (!source.read_exact(header, end_allowed)) return std::nullopt;
  std::uint32_t length = 0;
  for (std::size_t i = 4; i >= 1; --i) length = (length << 8) | std::to_integer<std::uint32_t>(header[i]);
  return RawFrameHeader{std::to_integer<std::uint8_t>(header[0]), length};
}

}  // namespace dtlint
