// Stand-in for TensorFlow's numeric types: tensorflow::bfloat16 and
// tensorflow::half are Eigen's types, as in TensorFlow itself.
#pragma once

#include <Eigen/Core>

namespace tensorflow {
typedef Eigen::bfloat16 bfloat16;
typedef Eigen::half half;
}  // namespace tensorflow
