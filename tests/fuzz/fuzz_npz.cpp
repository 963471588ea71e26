// libFuzzer target: the .npz reader (and the zip layer under it) on arbitrary
// bytes, then every member read through to the end (streamed members inflated
// chunk by chunk).
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/formats/npz.h"
#include "analyzer/input_error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents = dtlint::read_npz({bytes, nullptr, false}, "fuzz.npz");
    for (const dtlint::ArrayView& view : contents.arrays) {
      dtlint::fuzzing::check_in_place(view, bytes);
      dtlint::fuzzing::read_stream(view);
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
