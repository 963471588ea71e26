// libFuzzer target: the HDF5 reader's side in the scanner. The first byte
// chooses what the rest is: even, a helper's answer to a list request
// (parse_hdf5_listing, the protocol checks alone, every view made); odd, an
// HDF5 file (or .keras archive) read through the real helper, every dataset
// read to the end. A crash or hang of libhdf5 in the child is an E901 here,
// never a crash of this process: that is what is being fuzzed.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/formats/hdf5.h"
#include "analyzer/input_error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dtlint::test_hooks::set_hdf5_helper(DTLINT_HDF5_HELPER);
  dtlint::Hdf5HelperLimits limits;
  limits.quiet_timeout = std::chrono::milliseconds(2000);
  limits.memory_mib = 512;
  limits.cpu_seconds = 5;
  dtlint::test_hooks::set_hdf5_limits(limits);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  try {
    const dtlint::ContainerContents contents =
        data[0] % 2 == 0
            ? dtlint::parse_hdf5_listing(bytes, "fuzz.h5", 1 << 16)
            : dtlint::read_hdf5({bytes, nullptr, false}, data[0] % 4 == 1 ? "fuzz.h5" : "fuzz.keras");
    volatile std::uint8_t sink = 0;
    for (std::size_t i = 0; i < contents.array_count(); ++i) {
      const dtlint::ArrayView view = contents.source->view(i);
      for (std::byte b : view.data)
        sink = sink ^ std::to_integer<std::uint8_t>(b);  // every inline byte is there
      dtlint::fuzzing::read_stream(view);
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
