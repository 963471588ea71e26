// clang-format off
// CX406: Eigen .cast<T>() to a narrower scalar (matrix, array, tensor, and
// in a template); CX407: TensorFlow's ops::Cast to 16- and 8-bit DataTypes.
#include <Eigen/Core>
#include <tensorflow/cc/ops/standard_ops.h>
#include <unsupported/Eigen/CXX11/Tensor>

void eigen_casts(const Eigen::MatrixXd& w, const Eigen::MatrixXf& wf, const Eigen::ArrayXXd& a,
                 const Eigen::Tensor<float, 2>& t) {
  Eigen::MatrixXf to_float = w.cast<float>();  // CHECK: CX406 :32
  auto to_half = wf.cast<Eigen::half>();  // CHECK: CX406 :21 "Eigen::half"
  Eigen::MatrixXi to_int = wf.cast<int>();  // CHECK: CX406 :31
  auto to_bfloat = a.cast<Eigen::bfloat16>();  // CHECK: CX406 :22 "Eigen::bfloat16"
  Eigen::Tensor<Eigen::half, 2> tensor_half = t.cast<Eigen::half>();  // CHECK: CX406 :49
  auto chained = (wf.cast<double>() * 2.0).cast<float>();  // CHECK: CX406 :44
  // Wider or equal: nothing.
  Eigen::MatrixXd wide = wf.cast<double>();
  Eigen::MatrixXd same = w.cast<double>();
  (void)to_float;
  (void)to_half;
  (void)to_int;
  (void)to_bfloat;
  (void)tensor_half;
  (void)chained;
  (void)wide;
  (void)same;
}

template <typename Derived>
Eigen::MatrixXf as_float(const Eigen::MatrixBase<Derived>& m) {
  return m.template cast<float>();  // CHECK: CX406 :21
}

void use_template(const Eigen::MatrixXd& w, const Eigen::VectorXd& v, const Eigen::MatrixXf& wf) {
  Eigen::MatrixXf a = as_float(w);
  Eigen::MatrixXf b = as_float(v);
  Eigen::MatrixXf c = as_float(wf);
  (void)a;
  (void)b;
  (void)c;
}

void tensorflow_casts(const tensorflow::Scope& scope, tensorflow::Output x) {
  auto x16 = tensorflow::ops::Cast(scope, x, tensorflow::DT_HALF);  // CHECK: CX407 :14 "DT_HALF"
  using namespace tensorflow;
  auto xbf = ops::Cast(scope, x, DT_BFLOAT16);  // CHECK: CX407 :14 "DT_BFLOAT16"
  auto x8 = ops::Cast(scope, x, DT_FLOAT8_E4M3FN);  // CHECK: CX407 :13 "DT_FLOAT8_E4M3FN"
  auto x8b = ops::Cast(scope, x, DT_FLOAT8_E5M2);  // CHECK: CX407 :14 "DT_FLOAT8_E5M2"
  ops::Cast declared(scope, x, DT_HALF);  // CHECK: CX407 "DT_HALF"
  // Not 16- or 8-bit floating: nothing.
  auto xf = ops::Cast(scope, x, DT_FLOAT);
  auto xd = ops::Cast(scope, x, DT_DOUBLE);
  auto xi = ops::Cast(scope, x, DT_INT32);
  (void)x16;
  (void)xbf;
  (void)x8;
  (void)x8b;
  (void)declared;
  (void)xf;
  (void)xd;
  (void)xi;
}
