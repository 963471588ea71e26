// libFuzzer target: the PyTorch checkpoint reader (the zip layer, the
// restricted pickle interpreter, storages and views) on arbitrary bytes, then
// every tensor read through to the end (strided views gathered, deflated
// storages inflated).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/torch/torch.h"
#include "analyzer/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ContainerContents contents = dtlint::read_torch({bytes, nullptr, false}, "fuzz.pt");
    std::vector<std::byte> buffer(4096);
    for (std::size_t i = 0; i < contents.array_count(); ++i) {
      const dtlint::ArrayView view = contents.source->view(i);
      // A contiguous view's bytes lie inside the input and hold its elements.
      if (!view.data.empty() && (view.data.data() < bytes.data() ||
                                 view.data.data() + view.data.size() > bytes.data() + bytes.size() ||
                                 view.data.size() != view.elements * dtlint::info(view.dtype).size)) {
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
