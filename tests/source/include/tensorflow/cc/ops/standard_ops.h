// Stand-in for TensorFlow's generated C++ ops (math_ops.h): ops::Cast is a
// class constructed from the scope, the input and the destination DataType.
#pragma once

#include "tensorflow/cc/framework/ops.h"
#include "tensorflow/cc/framework/scope.h"
#include "tensorflow/core/framework/types.pb.h"

namespace tensorflow {
namespace ops {

class Cast {
 public:
  Cast(const ::tensorflow::Scope& scope, ::tensorflow::Input x, DataType DstT);
  operator ::tensorflow::Output() const { return y; }
  ::tensorflow::Output y;
};

}  // namespace ops
}  // namespace tensorflow
