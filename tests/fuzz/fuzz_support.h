// What every reader's fuzz target checks of the arrays it gets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/array_view.h"
#include "analyzer/input_error.h"

namespace dtlint::fuzzing {

// A view read in place lies inside the input and holds exactly its elements' bytes.
inline void check_in_place(const ArrayView& view, std::span<const std::byte> input) {
  if (view.data.empty()) return;
  if (view.data.data() < input.data() || view.data.data() + view.data.size() > input.data() + input.size() ||
      view.data.size() != view.elements * info(view.dtype).size) {
    __builtin_trap();
  }
}

// Reads a streamed view to its end (at most 64 MiB, to keep each run short);
// damage is an InputError, which is an answer, not a failure.
inline void read_stream(const ArrayView& view) {
  if (!view.stream) return;
  std::vector<std::byte> buffer(4096);
  // Read through once, then once more from a restart (the scan's second pass
  // for scaled casts): the same bytes, or the same kind of error.
  auto read_all = [&](ElementStream& stream) -> std::optional<std::uint64_t> {
    try {
      std::uint64_t total = 0;
      for (std::size_t got; (got = stream.read(buffer)) != 0;) {
        total += got;
        if (total > (std::uint64_t{64} << 20)) break;
      }
      return total;
    } catch (const InputError&) {
      return std::nullopt;
    }
  };
  const std::optional<std::uint64_t> first = read_all(*view.stream);
  if (!first) return;
  if (const std::shared_ptr<ElementStream> again = view.stream->restarted()) {
    if (read_all(*again) != first) __builtin_trap();
  }
}

}  // namespace dtlint::fuzzing
