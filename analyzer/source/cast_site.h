// A cast in C/C++ source (DESIGN §6): one place where the code converts a
// value into another arithmetic type, as the Clang front end found it, with
// the operand's value when Clang can evaluate it and that value run through
// the same cast kernels as arrays. A fact: the CX rules judge it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analyzer/dtype.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/semantics.h"
#include "analyzer/location.h"

namespace dtlint {

enum class CastSiteKind : std::uint8_t {
  // A conversion the code does not spell: initialisation, assignment, an
  // argument, a return value, arithmetic; also an implicit converting
  // constructor of a low-precision class (`c10::Half h = x;`).
  Implicit = 1,
  // A conversion the code spells: static_cast, a C-style or functional cast,
  // a low-precision class built from a value (`Eigen::half(x)`), a conversion
  // function (`__float2half(x)`, `__float2bfloat16_rn(x)`).
  Explicit = 2,
  // Eigen's `.cast<T>()` on a matrix, array or tensor expression (no constant operand).
  EigenCast = 3,
  // A TensorFlow C++ cast op (`ops::Cast(scope, x, DT_HALF)`): the target is a
  // DataType; the source is unknown (a graph tensor).
  TensorflowCastOp = 4,
};

// One side of a cast.
struct CastSiteType {
  std::string spelling;  // as the code names it, sugar kept: "double", "Eigen::half", "int8_t", "DT_HALF"
  std::optional<DType>
      dtype;  // the dtype it is (LongDouble for x87 long double); none: unknown (a graph tensor)
};

// The operand's value when Clang's constant evaluator gives one (literals,
// constexpr and const variables with constant initialisers, enumerators,
// constant expressions). Its value is the source type's: the conversion the
// site performs is what is simulated.
struct SiteConstant {
  long double value = 0;  // exact for every source dtype up to long double and 64-bit integers
  std::string spelling;   // the operand's source text, at most 80 bytes ("1e5", "kScale"); may be empty
};

// What the conversion does to the constant, simulated (source/simulate.h):
// a one-element array of the source dtype cast to the target dtype under
// the site's semantics, with the target's default tolerance.
struct SimulatedConstant {
  CastStats stats;  // the one element's counters: overflow, underflow_to_zero, out_of_range, …
  // The value the program gets; none when the conversion is undefined
  // behaviour in C++ (a floating value outside an integer type's range, NaN or
  // ±inf to an integer type), which compilers fold differently.
  std::optional<long double> result;
};

struct CastSite {
  // The file as reports name it (under a scanned path), line and column
  // (1-based, columns in bytes) where the compiler would point: the operand's
  // spelling for a macro argument, the macro's use for a cast in a macro body.
  // end_line/end_column: the end of the cast's source range when on the same file.
  Location location;
  std::string macro;  // the macro whose expansion holds the cast; empty when none
  CastSiteKind kind = CastSiteKind::Implicit;
  CastSiteType source, target;
  // The rounding path of the conversion: TensorFlow for Eigen's types (via
  // float32), Torch for c10's, NumPy (the platform's own: one rounding) for
  // built-in types and CUDA's.
  Semantics semantics = Semantics::NumPy;
  std::optional<SiteConstant> constant;
  std::optional<SimulatedConstant> simulated;  // set when constant and both dtypes are
  // The source line holding the location, and the line above (for `// dtlint:
  // ignore[CODE]` comments and the baseline's fingerprint); at most 4 KiB each, "" when none.
  std::string line_text, previous_line_text;
};

}  // namespace dtlint
