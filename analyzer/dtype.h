// Element types dtlint reads and the targets it simulates casts to.
#pragma once

#include <cstdint>
#include <optional>
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

// Accepts NumPy names ("float16", "int32", "float128") and common aliases
// ("half", "bf16", "f4", "double", "longdouble").
std::optional<DType> dtype_from_name(std::string_view text);

// The integer range of an integer dtype (bool counts as [0, 1]).
struct IntRange {
  __int128 min;
  __int128 max;
};
IntRange int_range(DType type);

}  // namespace dtlint
