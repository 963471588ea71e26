#include "analyzer/kernels/reference.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "analyzer/kernels/float_format.h"

namespace dtlint {
namespace {

// Reads `size` bytes at `offset` into an object of type T, reversing them first
// when the file's byte order is not ours.
template <typename T>
T load(std::span<const std::byte> data, std::uint64_t offset, bool byte_swapped) {
  std::array<std::byte, sizeof(T)> bytes{};
  std::memcpy(bytes.data(), data.data() + offset, sizeof(T));
  if (byte_swapped) std::reverse(bytes.begin(), bytes.end());
  T value;
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

bool exact_in_float32(DType source) {
  switch (source) {
    case DType::Int32:
    case DType::Int64:
    case DType::UInt32:
    case DType::UInt64:
    case DType::Float64:
    case DType::LongDouble:
    case DType::Complex128:
    case DType::Object: return false;
    default: return true;
  }
}

}  // namespace

SourceValue decode_element(std::span<const std::byte> data, std::uint64_t index, DType type,
                           bool byte_swapped) {
  const std::uint64_t offset = index * info(type).size;
  switch (type) {
    case DType::Bool: return {load<std::uint8_t>(data, offset, false) != 0 ? 1.0L : 0.0L};
    case DType::Int8: return {static_cast<long double>(load<std::int8_t>(data, offset, false))};
    case DType::Int16: return {static_cast<long double>(load<std::int16_t>(data, offset, byte_swapped))};
    case DType::Int32: return {static_cast<long double>(load<std::int32_t>(data, offset, byte_swapped))};
    case DType::Int64: return {static_cast<long double>(load<std::int64_t>(data, offset, byte_swapped))};
    case DType::UInt8: return {static_cast<long double>(load<std::uint8_t>(data, offset, false))};
    case DType::UInt16: return {static_cast<long double>(load<std::uint16_t>(data, offset, byte_swapped))};
    case DType::UInt32: return {static_cast<long double>(load<std::uint32_t>(data, offset, byte_swapped))};
    case DType::UInt64: return {static_cast<long double>(load<std::uint64_t>(data, offset, byte_swapped))};
    case DType::Float8E4M3FN:
    case DType::Float8E5M2: return {decode_bits(load<std::uint8_t>(data, offset, false), float_format(type))};
    case DType::Float16:
    case DType::BFloat16:
      return {decode_bits(load<std::uint16_t>(data, offset, byte_swapped), float_format(type))};
    case DType::Float32: return {static_cast<long double>(load<float>(data, offset, byte_swapped))};
    case DType::Float64: return {static_cast<long double>(load<double>(data, offset, byte_swapped))};
    case DType::LongDouble: return {load<long double>(data, offset, false)};  // little-endian only
    case DType::Complex64:
      return {static_cast<long double>(load<float>(data, offset, byte_swapped)),
              static_cast<long double>(load<float>(data, offset + 4, byte_swapped))};
    case DType::Complex128:
      return {static_cast<long double>(load<double>(data, offset, byte_swapped)),
              static_cast<long double>(load<double>(data, offset + 8, byte_swapped))};
    case DType::Object: break;
  }
  return {};
}

long double cast_to_float(long double x, DType source, DType target, Semantics semantics) {
  const FloatFormat& format = float_format(target);
  if (target == DType::Float32 || target == DType::Float64) return round_to_format(x, format);
  switch (semantics) {
    case Semantics::NumPy:
      // NumPy's long double → half cast goes through float (npy_float_to_half):
      // the one NumPy path that rounds twice (seen in tests/golden's ld_mixed).
      if (source == DType::LongDouble && target == DType::Float16) {
        return round_to_format(round_to_format(x, float_format(DType::Float32)), format);
      }
      return round_to_format(x, format);
    case Semantics::TensorFlow: {
      // Eigen's constructors take a float: static_cast<float> rounds the exact
      // value once (as the compiler's conversion does), then Eigen rounds again.
      const float single = static_cast<float>(x);
      if (target == DType::Float16) return static_cast<float>(Eigen::half(single));
      if (target == DType::BFloat16) return static_cast<float>(Eigen::bfloat16(single));
      return round_to_format(single, format);  // float8: TensorFlow's float8 types also take a float
    }
    case Semantics::Torch: return round_to_format(round_to_format(x, float_format(DType::Float32)), format);
  }
  return round_to_format(x, format);
}

bool profiles_may_diverge(DType source, DType target) {
  return is_float(target) && float_format(target).fraction_bits < 23 && !exact_in_float32(source);
}

bool is_lossless(DType source, DType target) {
  if (source == target || source == DType::Bool) return true;
  const DTypeKind from = kind(source);
  if (is_integer(source) && is_integer(target)) {
    const IntRange a = int_range(source), b = int_range(target);
    return b.min <= a.min && a.max <= b.max;
  }
  if (is_integer(source) && is_float(target) && target != DType::LongDouble) {
    // Exact when every integer of the source range has at most fraction_bits+1 significant bits.
    const FloatFormat& format = float_format(target);
    const IntRange a = int_range(source);
    const long double limit = std::ldexp(1.0L, format.fraction_bits + 1);
    return static_cast<long double>(a.max) <= limit && -static_cast<long double>(a.min) <= limit;
  }
  if (from == DTypeKind::Float && is_float(target) && source != DType::LongDouble &&
      target != DType::LongDouble) {
    const FloatFormat& a = float_format(source);
    const FloatFormat& b = float_format(target);
    return b.fraction_bits >= a.fraction_bits && b.max_finite >= a.max_finite &&
           b.min_subnormal <= a.min_subnormal && (b.has_infinity || !a.has_infinity);
  }
  return false;
}

}  // namespace dtlint
