// Stand-in for TensorFlow's tensorflow/cc/framework/scope.h.
#pragma once

namespace tensorflow {

class Scope {
 public:
  static Scope NewRootScope();
};

}  // namespace tensorflow
