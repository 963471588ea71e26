// Lane masks as vectors (all-ones where true), for the instruction sets
// without mask registers (isa/scalar.h, isa/avx2.h; isa/avx512.h has its own):
// what the fused loop does with a mask.
#pragma once

#include "analyzer/kernels/isa/vector.h"

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

using Mask = VInt;
inline Mask differ(VDouble a, VDouble b) {  // a != b (true for NaN), as C++ compares
  return a != b;
}
inline VInt count_where(VInt count, Mask m) {  // count + 1 where m is set
  return count - m;
}
inline Mask bits_equal(VBits a, VBits b) {
  return std::bit_cast<VInt>(a == b);
}
// Comparisons into a Mask (false for NaN, as C++ compares), and a blend by one.
inline Mask less(VDouble a, VDouble b) {
  return a < b;
}
inline Mask greater(VDouble a, VDouble b) {
  return a > b;
}
inline Mask equal(VDouble a, VDouble b) {
  return a == b;
}
inline VDouble blend(Mask m, VDouble a, VDouble b) {  // a where m is set, else b
  return m ? a : b;
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
