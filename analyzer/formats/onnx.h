// Reader for ONNX models (.onnx: one ModelProto) and ONNX tensors (.pb: one
// TensorProto, as onnx.numpy_helper.from_array(...).SerializeToString() writes).
//
// The protobuf is parsed by the classes protoc generates from onnx.proto, with
// a bound on the nesting of messages (subgraphs of If/Loop/Scan nest). The
// arrays are every tensor the model stores: graph initializers, the values of
// sparse initializers, Constant nodes (and tensor attributes of other nodes),
// in the main graph, in subgraphs and in functions, named by their name (a
// subgraph's tensors with the path of nodes and attributes that leads to it).
// Every storage form is read: raw_data, the typed repeated fields and external
// data files beside the model. A tensor that cannot be read is an unreadable
// member (E901 for it alone); one dtlint does not analyse (strings, 4-bit and
// FNUZ types) is a skipped member.
//
// A Cast or CastLike node (of any graph or function) whose data input is a
// stored tensor — an initializer, a sparse initializer's values, a Constant's
// value, of its graph or an outer one — declares that tensor's cast
// (ContainerContents::declared): to the Cast's `to` type, or to the element
// type of CastLike's second input. Only the first Cast of a chain is such a
// declaration: the later ones cast computed values. Targets dtlint does not
// simulate (STRING, BOOL, complex, FNUZ and 4-bit types) declare nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// A protobuf message cannot be larger (its sizes are 32-bit signed); ONNX keeps
// the tensors of larger models in external data files.
inline constexpr std::uint64_t kOnnxMaxModelBytes = 0x7fffffff;

// Messages nested deeper than this are refused. A tensor of the main graph is
// at depth 3 (model, graph, initializer); each subgraph adds 3 (node, attribute, graph).
inline constexpr int kOnnxMaxNesting = 64;

// A model with more tensors than this is refused as a whole.
inline constexpr std::size_t kOnnxMaxTensors = 1'000'000;

// Cast / CastLike nodes over stored tensors declare casts (the PL rules judge
// them); past this many in one model the rest are noted (DT204), not checked.
inline constexpr std::size_t kOnnxMaxDeclaredCasts = 10'000;

// Tensors of higher rank are refused (as NumPy, NPY_MAXDIMS).
inline constexpr std::size_t kOnnxMaxDimensions = 64;

struct OnnxReadOptions {
  // Read external data files (relative to the model's folder). Off for bytes
  // that have no folder (the fuzzer): such tensors are then unreadable members.
  bool external_data = true;
};

// The reader table's entry: a .pb file (by name) is read as one TensorProto,
// anything else as a ModelProto. A .pb file that is no ONNX tensor (a
// TensorFlow GraphDef or SavedModel) is skipped as a whole, with the reason.
// Throws InputError(path, reason) when a model cannot be parsed at all.
ContainerContents read_onnx(const InputBytes& input, const std::string& path);

ContainerContents read_onnx_with(const InputBytes& input, const std::string& path,
                                 const OnnxReadOptions& options);

// Whether a file's first bytes look like a serialised ModelProto: field 1
// (ir_version, at least 3, the first released) followed by another field of
// the model's header. Used by the reader table's sniffing.
bool looks_like_onnx_model(const std::byte* prefix, std::size_t size);

}  // namespace dtlint
