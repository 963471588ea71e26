// Raw deflate over compressed bytes in memory, and the CRC-32 zip uses. Private
// to the zip layer: formats read entries through Archive (archive.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace dtlint::zip {

struct InflateError {
  std::string reason;
};

// One raw-deflate decoder (zlib's state lives behind a pointer, so that this
// header does not need <zlib.h>).
class Inflater {
 public:
  // `release_consumed`: the input is a file mapping whose pages may be handed
  // back once inflated, so that a multi-gigabyte entry stays within the scan's
  // memory bound. Throws InflateError when zlib cannot start.
  explicit Inflater(std::span<const std::byte> input, bool release_consumed = false);
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates into `out` until it is full or the deflate stream ends; returns the
  // bytes written. Throws InflateError for corrupt or truncated data.
  std::size_t read(std::span<std::byte> out);

  std::uint64_t produced() const { return produced_; }

 private:
  struct State;  // the z_stream, which must not move once initialised
  std::unique_ptr<State> state_;
  std::span<const std::byte> input_;  // not yet handed to zlib
  const std::byte* released_;         // input before this was handed back to the kernel
  bool release_consumed_;
  std::uint64_t produced_ = 0;
  bool ended_ = false;
};

std::uint32_t crc_update(std::uint32_t crc, std::span<const std::byte> bytes);

}  // namespace dtlint::zip
