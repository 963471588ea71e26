// A judgement: one rule firing on one array (and target), or on one input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/dtype.h"
#include "rules/catalogue.h"

namespace dtlint {

struct Finding {
  const RuleDoc* rule = nullptr;
  Severity severity = Severity::Error;
  std::string message;
  std::string path;
  std::optional<std::string> member;
  std::optional<DType> target;
  std::uint64_t count = 0;
  std::optional<std::vector<std::uint64_t>> first_index;
  std::optional<long double> first_value;
  bool first_value_is_integer = false;  // integer sources print their values exactly
  std::optional<int> line, column;
};

}  // namespace dtlint
