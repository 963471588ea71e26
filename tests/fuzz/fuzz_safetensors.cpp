// libFuzzer target: the .safetensors reader on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/formats/safetensors.h"
#include "analyzer/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents =
        dtlint::read_safetensors({bytes, nullptr, false}, "fuzz.safetensors");
    for (const dtlint::ArrayView& view : contents.arrays) {
      // Every tensor's bytes must lie inside the input.
      if (!view.data.empty() && (view.data.data() < bytes.data() ||
                                 view.data.data() + view.data.size() > bytes.data() + bytes.size())) {
        __builtin_trap();
      }
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
