// libFuzzer target: the ONNX reader on arbitrary bytes, as a model (.onnx) and
// as a tensor file (.pb). External data is off: the bytes have no folder.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/dtype.h"
#include "analyzer/formats/onnx.h"
#include "analyzer/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  for (const char* path : {"fuzz.onnx", "fuzz.pb"}) {
    try {
      const dtlint::ContainerContents contents = dtlint::read_onnx_with(
          {bytes, nullptr, false}, path, dtlint::OnnxReadOptions{.external_data = false});
      for (const dtlint::ArrayView& view : contents.arrays) {
        // Every view holds exactly its elements' bytes, and all of them can be read.
        if (view.data.size() != view.elements * dtlint::info(view.dtype).size) __builtin_trap();
        unsigned sum = 0;
        for (std::byte b : view.data) sum += std::to_integer<unsigned>(b);
        if (sum == 0xffffffffu) __builtin_trap();  // keeps the reads
      }
      // Every declared cast names one of the arrays and casts to one dtype.
      for (const dtlint::DeclaredMember& declared : contents.declared) {
        bool named = false;
        for (const dtlint::ArrayView& view : contents.arrays)
          named = named || view.location.member == declared.member;
        if (!named || declared.declaration == nullptr || declared.declaration->casts.size() != 1)
          __builtin_trap();
      }
    } catch (const dtlint::InputError&) {
    }
  }
  return 0;
}
