// clang-format off
// `// dtlint: ignore[CODE]` hides that rule's finding on its own line and on
// the line below, nothing else.
#include "shared_scale.hpp"

float suppressed(double d, float x) {
  float same_line = d;  // dtlint: ignore[CX401]
  // dtlint: ignore[CX401]
  float line_above = d;
  // dtlint: ignore[CX405]
  float other_rule = d;  // CHECK: CX401 :22
  // dtlint: ignore[CX401]

  float blank_between = d;  // CHECK: CX401 :25
  // dtlint: ignore[CX401]
  int truncated = x;  // CHECK: CX405 :19
  float not_hidden = d;  // CHECK: CX401 :22
  return same_line + line_above + other_rule + blank_between + static_cast<float>(truncated) + not_hidden + shared_narrow(d);
}
