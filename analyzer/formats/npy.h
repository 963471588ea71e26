// Reader for NumPy's .npy format (versions 1.0, 2.0 and 3.0).
// The header is parsed by a strict grammar for the one dict NumPy writes,
// never by evaluating Python; every size is checked before it is trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/array_view.h"
#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// Headers longer than this are refused. NumPy refuses more than 10000 bytes by
// default when reading; dtlint allows more for very high-rank arrays but still
// caps what an attacker can make it parse.
inline constexpr std::size_t kNpyMaxHeaderBytes = 65536;

// NumPy 2's NPY_MAXDIMS: no NumPy build can write an array of higher rank.
inline constexpr std::size_t kNpyMaxDimensions = 64;

struct NpyHeader {
  unsigned major = 1, minor = 0;
  DType dtype = DType::Float64;
  std::string descr;          // the dtype as written, e.g. "<f8"
  bool byte_swapped = false;  // multi-byte type stored in non-native byte order
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;  // empty for 0-d arrays
  std::uint64_t elements = 1;        // product of shape; 1 for 0-d, 0 for empty arrays
  std::size_t data_offset = 0;       // bytes from the start of the file to the data
};

// Parses the magic, version, header length and header dict from the start of
// `bytes`. Checks that the header lies within `bytes` and that the shape's
// element count and byte size fit in 64 bits; does not look at the data.
// Throws InputError(path, reason).
NpyHeader parse_npy_header(std::span<const std::byte> bytes, const std::string& path);

// An ArrayView with the header's type, layout and shape (no data yet).
ArrayView view_from_header(NpyHeader header, const std::string& display_path);

// Parses the header of the .npy file in `bytes` and checks that exactly
// elements × itemsize data bytes follow it (object arrays excepted: their
// pickles are never read and their view has empty data). `owner` keeps `bytes`
// alive and is stored in the returned view. Throws InputError(display_path, reason).
// The building block of read_npy and of the .npz reader's stored members.
ArrayView npy_from_bytes(std::span<const std::byte> bytes, std::shared_ptr<const void> owner,
                         const std::string& display_path);

// The reader of the reader table (formats/readers.h): one array, no member.
ContainerContents read_npy(const InputBytes& input, const std::string& path);

}  // namespace dtlint
