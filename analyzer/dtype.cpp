#include "analyzer/dtype.h"

#include <array>
#include <limits>

namespace dtlint {
namespace {

constexpr std::array<DTypeInfo, 19> kInfo{{
    {"bool", DTypeKind::Bool, 1},          {"int8", DTypeKind::SignedInt, 1},
    {"int16", DTypeKind::SignedInt, 2},    {"int32", DTypeKind::SignedInt, 4},
    {"int64", DTypeKind::SignedInt, 8},    {"uint8", DTypeKind::UnsignedInt, 1},
    {"uint16", DTypeKind::UnsignedInt, 2}, {"uint32", DTypeKind::UnsignedInt, 4},
    {"uint64", DTypeKind::UnsignedInt, 8}, {"float8_e4m3fn", DTypeKind::Float, 1},
    {"float8_e5m2", DTypeKind::Float, 1},  {"float16", DTypeKind::Float, 2},
    {"bfloat16", DTypeKind::Float, 2},     {"float32", DTypeKind::Float, 4},
    {"float64", DTypeKind::Float, 8},      {"float128", DTypeKind::Float, 16},
    {"complex64", DTypeKind::Complex, 8},  {"complex128", DTypeKind::Complex, 16},
    {"object", DTypeKind::Object, 8},
}};

struct Alias {
  std::string_view text;
  DType type;
};
constexpr std::array<Alias, 16> kAliases{{
    {"half", DType::Float16},
    {"f2", DType::Float16},
    {"bf16", DType::BFloat16},
    {"single", DType::Float32},
    {"f4", DType::Float32},
    {"double", DType::Float64},
    {"f8", DType::Float64},
    {"longdouble", DType::LongDouble},
    {"i1", DType::Int8},
    {"i2", DType::Int16},
    {"i4", DType::Int32},
    {"i8", DType::Int64},
    {"u1", DType::UInt8},
    {"u2", DType::UInt16},
    {"u4", DType::UInt32},
    {"u8", DType::UInt64},
}};

}  // namespace

const DTypeInfo& info(DType type) {
  return kInfo[static_cast<std::size_t>(type)];
}

std::optional<DType> dtype_from_name(std::string_view text) {
  for (std::size_t i = 0; i < kInfo.size(); ++i) {
    if (kInfo[i].name == text && static_cast<DType>(i) != DType::Object) return static_cast<DType>(i);
  }
  for (const Alias& alias : kAliases) {
    if (alias.text == text) return alias.type;
  }
  return std::nullopt;
}

IntRange int_range(DType type) {
  switch (type) {
    case DType::Bool: return {0, 1};
    case DType::Int8: return {INT8_MIN, INT8_MAX};
    case DType::Int16: return {INT16_MIN, INT16_MAX};
    case DType::Int32: return {INT32_MIN, INT32_MAX};
    case DType::Int64: return {INT64_MIN, INT64_MAX};
    case DType::UInt8: return {0, UINT8_MAX};
    case DType::UInt16: return {0, UINT16_MAX};
    case DType::UInt32: return {0, UINT32_MAX};
    case DType::UInt64: return {0, static_cast<__int128>(UINT64_MAX)};
    default: return {0, -1};  // not an integer type: an empty range
  }
}

}  // namespace dtlint
