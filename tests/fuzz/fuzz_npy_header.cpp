// libFuzzer target: the .npy header parser on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/formats/npy.h"
#include "analyzer/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::NpyHeader header = dtlint::parse_npy_header(bytes, "fuzz.npy");
    (void)header;
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
