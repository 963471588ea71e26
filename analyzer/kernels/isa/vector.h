// The vector types of one build of the blocked kernel, DTLINT_VECTOR_BYTES
// (16, 32 or 64) wide, and the operations that GCC's vector extensions do the
// same way on every instruction set. Included first by each isa/<name>.h, which
// then adds what its instruction set does its own way:
//   truncate, to_floats, to_doubles, float16_round_trip   conversions
//   Mask, differ, count_where, bits_equal, less, greater,  comparisons and masks
//   equal, blend
//   min_of, max_of, excess (and kExactExcess), nonfinite_probe
// (see isa/scalar.h for what each one must do). Everything lives in the kernel's
// own namespace and an anonymous one: the builds differ in flags, never in names.
#pragma once

#if !defined(DTLINT_KERNEL_NS) || !defined(DTLINT_VECTOR_BYTES)
#error "define DTLINT_KERNEL_NS and DTLINT_VECTOR_BYTES first (see analyzer/kernels/kernel_list.h)"
#endif

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

constexpr std::size_t kLanes = DTLINT_VECTOR_BYTES / 8;
typedef double VDouble __attribute__((vector_size(DTLINT_VECTOR_BYTES)));
typedef std::int64_t VInt __attribute__((vector_size(DTLINT_VECTOR_BYTES)));
typedef std::uint64_t VBits __attribute__((vector_size(DTLINT_VECTOR_BYTES)));
typedef float VFloat __attribute__((vector_size(DTLINT_VECTOR_BYTES / 2)));
typedef std::uint32_t VBits32 __attribute__((vector_size(DTLINT_VECTOR_BYTES / 2)));
typedef std::int32_t VInt32 __attribute__((vector_size(DTLINT_VECTOR_BYTES / 2)));

constexpr std::uint64_t kSignBit = 0x8000000000000000ull;

template <typename V, typename T>
inline V splat(T value) {
  return V{} + value;
}
inline VDouble load_doubles(const double* p) {
  VDouble v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(double* p, VDouble v) {
  std::memcpy(p, &v, sizeof v);
}
inline VBits as_bits(VDouble v) {
  return std::bit_cast<VBits>(v);
}
inline VDouble as_doubles(VBits v) {
  return std::bit_cast<VDouble>(v);
}
inline VBits32 as_bits32(VFloat v) {
  return std::bit_cast<VBits32>(v);
}
inline VFloat as_floats(VBits32 v) {
  return std::bit_cast<VFloat>(v);
}
inline VDouble absolute(VDouble v) {
  return as_doubles(as_bits(v) & ~kSignBit);
}
// Masks are all-ones (true) or zero per lane, as vector comparisons give them.
inline VDouble select(VInt mask, VDouble a, VDouble b) {
  return mask ? a : b;
}

// Lane masks are all-ones where true. A count is the negated sum of a mask.
inline std::int64_t lane_sum(VInt v) {
  std::int64_t total = 0;
  for (std::size_t l = 0; l < kLanes; ++l) total += v[l];
  return total;
}
inline double lane_min(VDouble v) {
  double m = v[0];
  for (std::size_t l = 1; l < kLanes; ++l) m = v[l] < m ? v[l] : m;
  return m;
}
inline double lane_max(VDouble v) {
  double m = v[0];
  for (std::size_t l = 1; l < kLanes; ++l) m = v[l] > m ? v[l] : m;
  return m;
}

// The software conversions between float32 and the 16-bit formats, on bit
// patterns (isa/<name>.h may use the hardware's instead).
// float32 bits → float16 bits, rounded to nearest even.
inline VBits32 float16_from_float32(VBits32 b) {
  const VBits32 sign = (b >> 16) & 0x8000u;
  const VBits32 a = b & 0x7FFFFFFFu;
  // Normal results: rebias the exponent (127 → 15) and round the 13 dropped bits.
  const VBits32 normal = ((a - 0x38000000u) + 0x0FFFu + ((a >> 13) & 1u)) >> 13;
  // Subnormal results: adding 0.5f leaves x rounded to a multiple of 2^-24 in the
  // low bits (0.5's ulp is 2^-24), by the FPU's own round-to-nearest-even.
  const VBits32 subnormal = as_bits32(as_floats(a) + 0.5f) - 0x3F000000u;
  VBits32 h = a >= 0x38800000u ? normal : subnormal;   // 2^-14: float16's smallest normal
  h = a >= 0x477FF000u ? splat<VBits32>(0x7C00u) : h;  // from 65520 up: inf
  h = a > 0x7F800000u ? splat<VBits32>(0x7E00u) : h;   // NaN
  return sign | h;
}
// float16 bits → the float32 bits of the same value (exact).
inline VBits32 float32_from_float16(VBits32 h) {
  const VBits32 sign = (h & 0x8000u) << 16;
  const VBits32 magnitude = h & 0x7FFFu;
  const VBits32 exponent = magnitude >> 10;
  const VBits32 normal = (magnitude << 13) + 0x38000000u;
  const VBits32 subnormal =
      as_bits32(__builtin_convertvector(std::bit_cast<VInt32>(magnitude), VFloat) * 0x1p-24f);
  const VBits32 special = 0x7F800000u | ((magnitude & 0x3FFu) << 13);
  VBits32 value = exponent == 0u ? subnormal : normal;
  value = exponent == 31u ? special : value;
  return value | sign;
}
// float32 bits → bfloat16 (as the top half of a float32), rounded to nearest even.
inline VBits32 bfloat16_from_float32(VBits32 b) {
  const VBits32 rounded = (b + 0x7FFFu + ((b >> 16) & 1u)) & 0xFFFF0000u;
  const VBits32 quiet_nan = (b | 0x00400000u) & 0xFFFF0000u;
  return (b & 0x7FFFFFFFu) > 0x7F800000u ? quiet_nan : rounded;
}

// x rounded to nearest even at `Dropped` bits below a double's significand, on
// the bit pattern: a carry out of the fraction moves up the exponent, as it should.
// It is float16's (42 bits) or bfloat16's (45) rounding wherever x and the result
// are in that format's normal range, which is all the fused loop has to be right about.
template <int Dropped>
inline VDouble round_fraction(VDouble x) {
  const VBits b = as_bits(x);
  constexpr std::uint64_t kHalf = (std::uint64_t{1} << (Dropped - 1)) - 1;
  return as_doubles((b + kHalf + ((b >> Dropped) & 1u)) & ~((std::uint64_t{1} << Dropped) - 1));
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
