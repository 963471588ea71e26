// A judgement: one rule firing on one array (and target), on one input, or on
// one place in a text file (a configuration entry, a source line).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/location.h"
#include "rules/rule.h"

namespace dtlint {

struct Finding {
  const Rule* rule = nullptr;
  Severity severity = Severity::Error;
  std::string message;
  Location location;  // the file, the member, and for text positions line and column
  // For a finding at a text position about data elsewhere (a PL finding at a
  // config line): the data file and member. SARIF's relatedLocations.
  std::optional<Location> related;
  // What identifies a text-position finding in a baseline instead of its line
  // (a declaration's source and cast): lines move. Empty: path and member do.
  std::string identity;
  std::optional<DType> target;
  std::optional<DType> source_dtype;  // the array's dtype, for array findings
  std::uint64_t count = 0;
  // The array's element count, for array findings (fraction = count / elements); 0: none.
  std::uint64_t elements = 0;
  // The fix, computed by simulation where it names a dtype or a scale ("bfloat16
  // fits: 0 of 3000 values overflow"); empty when there is nothing better to say.
  std::string suggestion;
  // For a finding in C/C++ source: the line its location points into (the
  // text report's caret line, SARIF's snippet); empty otherwise.
  std::string source_line;
  std::optional<std::vector<std::uint64_t>> first_index;
  std::optional<long double> first_value;
  bool first_value_is_integer = false;  // integer sources print their values exactly
};

// Numbers in messages and reports: integers exactly, others with six significant digits.
std::string format_number(long double value);

}  // namespace dtlint
