// A C/C++ source's compile-time constant run through the same cast kernels as
// arrays: what a conversion does to one value (DESIGN §6).
#pragma once

#include "analyzer/dtype.h"
#include "analyzer/kernels/semantics.h"
#include "analyzer/source/cast_site.h"

namespace dtlint {

// Whether `value` is a value of `type` (an integer in range for integer types
// and bool, a value of the format for floating types, NaN and ±inf included);
// false for complex and object dtypes, which simulate_constant does not take.
bool is_value_of(long double value, DType type);

// The conversion of `value` (a value of `source`: is_value_of holds) to
// `target`, both real dtypes: the counters of a one-element array of the
// source dtype through the reference kernel with the target's default
// tolerance, and the value the program gets: for a floating target the
// kernel's rounding under `semantics`; for bool, value != 0; for an integer
// target from an integer, the value modulo 2^bits (C++20); from a floating
// value, the value truncated toward zero when that is in range, none
// (undefined behaviour) when it is not or the value is NaN or ±inf.
SimulatedConstant simulate_constant(long double value, DType source, DType target, Semantics semantics);

}  // namespace dtlint
