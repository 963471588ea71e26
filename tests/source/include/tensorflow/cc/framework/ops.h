// Stand-in for TensorFlow's tensorflow/cc/framework/ops.h: a graph tensor
// (Output) and what an op takes (Input, built from an Output).
#pragma once

namespace tensorflow {

class Output {
 public:
  Output() = default;
};

class Input {
 public:
  Input(const Output& o);  // NOLINT: implicit, as the real one
};

}  // namespace tensorflow
