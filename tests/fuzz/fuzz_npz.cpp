// libFuzzer target: the .npz reader (and the zip layer under it) on arbitrary
// bytes, then every member read through to the end (streamed members inflated
// chunk by chunk).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analyzer/formats/npz.h"
#include "analyzer/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents = dtlint::read_npz({bytes, nullptr, false}, "fuzz.npz");
    std::vector<std::byte> buffer(4096);
    for (const dtlint::ArrayView& view : contents.arrays) {
      // Every stored member's bytes must lie inside the input.
      if (!view.data.empty() && (view.data.data() < bytes.data() ||
                                 view.data.data() + view.data.size() > bytes.data() + bytes.size())) {
        __builtin_trap();
      }
      if (!view.stream) continue;
      try {
        std::uint64_t total = 0;
        for (std::size_t got; (got = view.stream->read(buffer)) != 0;) {
          total += got;
          if (total > (std::uint64_t{64} << 20)) break;  // keep each run short
        }
      } catch (const dtlint::InputError&) {
      }
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
