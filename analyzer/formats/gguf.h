// Reader for GGUF, llama.cpp's model format (versions 2 and 3; GGML's
// docs/gguf.md): a header (magic "GGUF", version, tensor and metadata counts),
// metadata key/value pairs, one info record per tensor (name, dimensions,
// GGML type, offset), then the tensor data, aligned to `general.alignment`
// (32 by default). Version 3 files may be big-endian throughout; the version
// field tells which.
//
// F64, F32, F16, BF16 and the integer types are analysed. Block-quantized
// tensors (Q4_0, Q8_0, the K-quants, the IQ types...) are DT204 skipped members:
// they are the result of a lossy conversion, not a cast source.
//
// A header that cannot be parsed rejects the file; a tensor whose own record is
// wrong (an unknown type, data outside the file, a name used twice, data
// overlapping another tensor's) is an unreadable member and the others are read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// GGML_MAX_DIMS: ggml tensors have at most four dimensions, and llama.cpp
// refuses a tensor record with more.
inline constexpr std::uint32_t kGgufMaxDimensions = 4;

// Nested metadata arrays deeper than this are refused (a real file nests at
// most one level: arrays of strings or numbers).
inline constexpr unsigned kGgufMaxArrayDepth = 16;

// One array per analysed tensor, member = tensor name, in the order of the
// tensors' data offsets; shape in NumPy's order (GGUF lists the fastest-varying
// dimension first, so its dimensions are reversed). Views are made on demand
// and share `input.owner`. Throws InputError(path, reason) when the header
// cannot be read.
ContainerContents read_gguf(const InputBytes& input, const std::string& path);

}  // namespace dtlint
