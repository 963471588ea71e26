#include "reports/report.h"

namespace dtlint {

std::array<std::uint64_t, 3> Report::counts_by_severity() const {
  std::array<std::uint64_t, 3> counts{};
  for (const Finding& f : findings) ++counts[static_cast<std::size_t>(f.severity)];
  return counts;
}

bool Report::fails(std::optional<Severity> threshold) const {
  if (!threshold) return false;
  for (const Finding& f : findings) {
    if (f.severity >= *threshold) return true;
  }
  return false;
}

}  // namespace dtlint
