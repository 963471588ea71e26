// The fix a finding names, computed from what the run simulated: the
// narrowest other cast of the same array that does no damage (the same kind
// of dtype first: int32 for ids), the power-of-two scale that makes a float16
// or float8 cast fit (ArrayAnalysis::scaled), or keeping the source dtype.
#pragma once

#include <string>

#include "analyzer/scan/scan.h"
#include "rules/finding.h"

namespace dtlint {

// Whether `cast` of `array` does no damage any DT1xx rule reports at its
// default settings above a note: nothing overflows, leaves an integer range,
// loses NaN, sign or imaginary part, flushes to zero or truncates; integer data
// stays exact; at most a few values (DT105's warning share) turn subnormal;
// data away from zero keeps steps finer than DT114's warning spread.
bool cast_fits(const ArrayResult& array, const CastStats& cast);

// The simulated rescaling (ArrayAnalysis::scaled) of `cast` that fits, if any.
const CastStats* fitting_rescale(const ArrayResult& array, const CastStats& cast);

// Whether `cast` is a float8 cast simulated without the per-tensor scale FP8
// is always used with (--fp8-scale none) whose amax rescaling fits: its
// overflow, flushing and subnormals are then one DT113 note, not damage.
bool needs_only_its_fp8_scale(const ArrayResult& array, const CastStats& cast);

// The suggestion for `finding` (an array finding with a target) on `array`;
// empty when the run simulated nothing that would do better.
std::string suggest_fix(const ArrayResult& array, const Finding& finding);

}  // namespace dtlint
