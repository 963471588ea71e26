// clang-format off
#include "project/scale.h"

int first_index(float position) {
  int index = position;  // CHECK: CX405 :15
  return index + static_cast<int>(scale_down(position) + fastmath::narrow(position));
}
