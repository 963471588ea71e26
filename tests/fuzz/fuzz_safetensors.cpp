// libFuzzer target: the .safetensors reader on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/formats/safetensors.h"
#include "analyzer/input_error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents =
        dtlint::read_safetensors({bytes, nullptr, false}, "fuzz.safetensors");
    for (const dtlint::ArrayView& view : contents.arrays) {
      dtlint::fuzzing::check_in_place(view, bytes);
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
