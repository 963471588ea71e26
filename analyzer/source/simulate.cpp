#include "analyzer/source/simulate.h"

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "analyzer/formats/array_view.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/float_format.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {
namespace {

bool is_real(DType type) {
  return type == DType::Bool || is_integer(type) || is_float(type);
}

template <typename T>
void store(std::array<std::byte, 16>& bytes, T value) {
  std::memcpy(bytes.data(), &value, sizeof value);
}

// The one element's bytes as an array of `type` stores them on this machine.
std::array<std::byte, 16> element_bytes(long double value, DType type) {
  std::array<std::byte, 16> bytes{};
  switch (type) {
    case DType::Bool: store(bytes, static_cast<std::uint8_t>(value != 0)); break;
    case DType::Int8: store(bytes, static_cast<std::int8_t>(value)); break;
    case DType::Int16: store(bytes, static_cast<std::int16_t>(value)); break;
    case DType::Int32: store(bytes, static_cast<std::int32_t>(value)); break;
    case DType::Int64: store(bytes, static_cast<std::int64_t>(value)); break;
    case DType::UInt8: store(bytes, static_cast<std::uint8_t>(value)); break;
    case DType::UInt16: store(bytes, static_cast<std::uint16_t>(value)); break;
    case DType::UInt32: store(bytes, static_cast<std::uint32_t>(value)); break;
    case DType::UInt64: store(bytes, static_cast<std::uint64_t>(value)); break;
    case DType::Float8E4M3FN:
    case DType::Float8E5M2:
      store(bytes, static_cast<std::uint8_t>(encode_bits(value, float_format(type))));
      break;
    case DType::Float16:
    case DType::BFloat16:
      store(bytes, static_cast<std::uint16_t>(encode_bits(value, float_format(type))));
      break;
    case DType::Float32: store(bytes, static_cast<float>(value)); break;
    case DType::Float64: store(bytes, static_cast<double>(value)); break;
    case DType::LongDouble: store(bytes, value); break;
    case DType::Complex64:
    case DType::Complex128:
    case DType::Object: throw std::invalid_argument("simulate_constant: not a real dtype");
  }
  return bytes;
}

// C++20's integral conversion: the value modulo 2^bits, read in the target's signedness.
long double wrap_integer(long double value, DType target) {
  const auto integer = static_cast<__int128>(value);
  const unsigned bits = info(target).size * 8;
  const auto modulus = static_cast<unsigned __int128>(1) << bits;
  auto wrapped = static_cast<unsigned __int128>(integer) & (modulus - 1);
  if (kind(target) == DTypeKind::SignedInt && wrapped >= modulus / 2)
    return static_cast<long double>(static_cast<__int128>(wrapped) - static_cast<__int128>(modulus));
  return static_cast<long double>(wrapped);
}

}  // namespace

bool is_value_of(long double value, DType type) {
  if (!is_real(type)) return false;
  if (type == DType::Bool || is_integer(type)) {
    if (!std::isfinite(value) || std::trunc(value) != value) return false;
    if (value < -0x1p64L || value > 0x1p64L) return false;  // before the conversion, which would be undefined
    const IntRange range = int_range(type);
    const auto integer = static_cast<__int128>(value);
    return integer >= range.min && integer <= range.max;
  }
  if (type == DType::LongDouble || std::isnan(value)) return true;
  const FloatFormat& format = float_format(type);
  if (std::isinf(value)) return format.has_infinity;
  return round_to_format(value, format) == value;
}

SimulatedConstant simulate_constant(long double value, DType source, DType target, Semantics semantics) {
  if (!is_real(source) || !is_real(target))
    throw std::invalid_argument("simulate_constant: not a real dtype");
  const std::array<std::byte, 16> bytes = element_bytes(value, source);
  ArrayView element;
  element.dtype = source;
  element.elements = 1;
  element.data = std::span<const std::byte>(bytes.data(), info(source).size);
  const std::array<CastRequest, 1> requests{default_request(target)};
  ArrayAnalysis analysis = prepare_analysis(element, requests);
  analyse_range_reference(element, semantics, analysis, 0, 1);

  SimulatedConstant simulated;
  simulated.stats = analysis.casts.front();
  if (is_float(target)) {
    simulated.result = cast_to_float(value, source, target, semantics);
  } else if (target == DType::Bool) {
    simulated.result = value != 0 ? 1.0L : 0.0L;
  } else if (!is_float(source)) {
    simulated.result = wrap_integer(value, target);
  } else if (std::isfinite(value)) {
    const long double truncated = std::trunc(value);
    const IntRange range = int_range(target);
    if (truncated >= static_cast<long double>(range.min) && truncated <= static_cast<long double>(range.max))
      simulated.result = truncated + 0.0L;  // -0.5 truncates to 0, not -0
  }
  return simulated;
}

}  // namespace dtlint
