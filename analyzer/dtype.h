// Element types dtlint reads and the targets it simulates casts to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dtlint {

enum class DType : std::uint8_t {
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float8E4M3FN,
  Float8E5M2,
  Float16,
  BFloat16,
  Float32,
  Float64,
  LongDouble,  // x87 80-bit extended, stored in 16 bytes (NumPy's float128 on x86-64)
  Complex64,
  Complex128,
  Object,  // pickled Python objects: reported (DT203), never read
};

enum class DTypeKind : std::uint8_t { Bool, SignedInt, UnsignedInt, Float, Complex, Object };

struct DTypeInfo {
  std::string_view name;  // NumPy's name, e.g. "float16"; "bfloat16" and the float8s as ml_dtypes
  DTypeKind kind;
  unsigned size;  // bytes per element as stored
};

const DTypeInfo& info(DType type);
inline std::string_view name(DType type) {
  return info(type).name;
}
inline DTypeKind kind(DType type) {
  return info(type).kind;
}
inline bool is_integer(DType type) {
  return kind(type) == DTypeKind::SignedInt || kind(type) == DTypeKind::UnsignedInt;
}
inline bool is_float(DType type) {
  return kind(type) == DTypeKind::Float;
}

// A dtype as users write it; every report prints the canonical name (`name`).
// Accepts, in any case: NumPy's names ("float16", "int32", "float128"); bit
// widths ("fp16", "f16", "bf16", "f32", "fp64", "i32", "u16"); C's names
// ("half", "single", "double", "longdouble"); the float8 formats' names
// ("e4m3", "fp8_e4m3", "e5m2", "fp8_e5m2"); a framework's spelling
// ("np.float16", "numpy.float16", "torch.half", "torch.float" (float32),
// "torch.long", "tf.bfloat16", "jnp.float16", "ml_dtypes.float8_e4m3fn").
// Case-sensitive where case tells conventions apart: NumPy's typecodes in
// lower case ("f2", "f4", "f8", "i1"…"i4", "u1"…"u4"), safetensors' tags in
// upper case ("F16", "BF16", "I8" (int8), "U8", "F8_E4M3", "F8_E5M2").
// Spellings that name two dtypes ("float", "int", "i8", "u8", "fp8") are
// refused: ambiguous_dtype_note says why.
std::optional<DType> dtype_from_name(std::string_view text);

// For a spelling that names two dtypes, both readings and what to write
// instead ("NumPy's float is float64, C's and PyTorch's is float32: ..."); "" otherwise.
std::string_view ambiguous_dtype_note(std::string_view text);

// What to add to "unknown dtype 'TEXT'": "; did you mean NAME?" naming the
// canonical dtype of the nearest accepted spelling (among the dtypes `accept`
// takes, when given), or "" when none is near.
std::string dtype_suggestion(std::string_view text, bool (*accept)(DType) = nullptr);

// The integer range of an integer dtype (bool counts as [0, 1]).
struct IntRange {
  __int128 min;
  __int128 max;
};
IntRange int_range(DType type);

}  // namespace dtlint
