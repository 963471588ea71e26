// Reader for Hugging Face's .safetensors format: an 8-byte little-endian header
// length, a UTF-8 JSON header naming each tensor's dtype, shape and byte range,
// then the data section those ranges must tile exactly.
//
// The file is validated as the reference implementation (huggingface/safetensors,
// SafeTensors::read_metadata and Metadata::validate) validates it, with two
// checks it leaves to its callers made explicit: duplicate keys are rejected at
// every object level (JSON parsers silently keep one of them), and the header
// must start with '{' as the format's specification requires. A file that fails
// any check is rejected whole, as the reference rejects it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// The reference implementation refuses headers longer than this (MAX_HEADER_SIZE).
inline constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

// JSON nesting deeper than this is refused. A valid header needs three levels
// (header object, tensor entry, shape list); the bound only matters for values
// of unknown keys inside a tensor entry, which the reference tolerates and skips.
inline constexpr std::size_t kSafetensorsMaxJsonDepth = 64;

// Tensors of higher rank are refused: NumPy (NPY_MAXDIMS) cannot hold them, and
// the bound keeps a hostile header from growing a shape without limit.
inline constexpr std::size_t kSafetensorsMaxDimensions = 64;

// One array per tensor, member = tensor name, in the order of the tensors'
// data offsets; every view shares `input.owner` and copies `input.mapped`.
// Throws InputError(path, reason) when the file is not a valid .safetensors
// file or holds a dtype dtlint does not read.
ContainerContents read_safetensors(const InputBytes& input, const std::string& path);

// The same, with every check made, but the views are made on demand by
// `source` (which keeps a share of `input.owner`) and `arrays` is left empty:
// a tensor is held as some 50 bytes beside its name (entry, offsets, shape, order).
ContainerContents read_safetensors_on_demand(const InputBytes& input, const std::string& path);

}  // namespace dtlint
