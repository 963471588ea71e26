// What a C/C++ type is to dtlint: its spelling as the code names it, the
// dtype it is, and the framework whose rounding a conversion into it follows.
// Only the Clang helper uses this (it includes Clang's headers).
#pragma once

#include <clang/AST/ASTContext.h>
#include <clang/AST/Type.h>

#include <optional>
#include <string>

#include "analyzer/dtype.h"
#include "analyzer/kernels/semantics.h"
#include "analyzer/source/cast_site.h"

namespace dtlint::clang_front {

enum class ScalarKind : std::uint8_t { Bool, SignedInt, UnsignedInt, Float };

// An arithmetic type dtlint knows: a builtin, or a low-precision class
// (Eigen::half, c10::Half, CUDA's __half …).
struct ScalarType {
  CastSiteType type;  // spelling and dtype (the dtype is always set here)
  ScalarKind kind = ScalarKind::Float;
  // Integers: the width in bits (bool 1). Floats: the significand's bits
  // (implicit bit included) and the exponent range of normal numbers.
  int bits = 0;
  int max_exponent = 0, min_exponent = 0;
  Semantics semantics = Semantics::NumPy;  // of a conversion into this type
  bool is_class = false;                   // a low-precision class, not a builtin
};

// The type with typedef sugar kept ("int8_t", "at::Half", "Eigen::half"),
// qualifiers, elaboration and template substitution removed.
std::string type_spelling(clang::QualType type, const clang::ASTContext& context);

// None for a type dtlint does not simulate (pointers, __int128, complex,
// other classes, a long double that is not x87's).
std::optional<ScalarType> classify(clang::QualType type, const clang::ASTContext& context);

// A float type of 16 bits or fewer (half, bfloat16, the float8s).
inline bool is_low_precision_float(const ScalarType& type) {
  return type.kind == ScalarKind::Float && type.bits <= 11;
}

inline bool is_integer(const ScalarType& type) {
  return type.kind == ScalarKind::SignedInt || type.kind == ScalarKind::UnsignedInt;
}

// Every value of `from` is a value of `to` (float to float, integer to integer).
bool holds_every_float(const ScalarType& to, const ScalarType& from);
bool holds_every_integer(const ScalarType& to, const ScalarType& from);
// Every value of the integer type `from` is exactly a value of the float type `to`.
bool float_holds_every_integer(const ScalarType& to, const ScalarType& from);

}  // namespace dtlint::clang_front
