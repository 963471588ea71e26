// libFuzzer target: the GGUF reader on arbitrary bytes; every view it makes
// must lie inside the input and hold exactly its elements' bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/dtype.h"
#include "analyzer/formats/gguf.h"
#include "analyzer/input_error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents = dtlint::read_gguf({bytes, nullptr, false}, "fuzz.gguf");
    for (std::size_t i = 0; i < contents.array_count(); ++i) {
      const dtlint::ArrayView view = contents.source->view(i);
      if (view.data.size() != view.elements * dtlint::info(view.dtype).size) __builtin_trap();  // even empty
      dtlint::fuzzing::check_in_place(view, bytes);
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
