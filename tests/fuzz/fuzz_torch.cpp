// libFuzzer target: the PyTorch checkpoint reader (the zip layer, the
// restricted pickle interpreter, storages and views) on arbitrary bytes, then
// every tensor read through to the end (strided views gathered, deflated
// storages inflated).
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/dtype.h"
#include "analyzer/formats/torch/torch.h"
#include "analyzer/input_error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents = dtlint::read_torch({bytes, nullptr, false}, "fuzz.pt");
    for (std::size_t i = 0; i < contents.array_count(); ++i) {
      const dtlint::ArrayView view = contents.source->view(i);
      dtlint::fuzzing::check_in_place(view, bytes);
      dtlint::fuzzing::read_stream(view);
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
