#include "analyzer/source/clang/scalar_types.h"

#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/PrettyPrinter.h>
#include <llvm/ADT/APFloat.h>

#include <array>
#include <string_view>

namespace dtlint::clang_front {
namespace {

struct FloatFormat {
  DType dtype;
  int precision, max_exponent, min_exponent;
};

// The formats' parameters (significand bits with the implicit one; normal exponent range).
constexpr std::array<FloatFormat, 7> kFloatFormats{{
    {DType::Float8E4M3FN, 4, 8, -6},
    {DType::Float8E5M2, 3, 15, -14},
    {DType::Float16, 11, 15, -14},
    {DType::BFloat16, 8, 127, -126},
    {DType::Float32, 24, 127, -126},
    {DType::Float64, 53, 1023, -1022},
    {DType::LongDouble, 64, 16383, -16382},
}};

ScalarType float_type(std::string spelling, DType dtype, Semantics semantics, bool is_class) {
  ScalarType scalar;
  scalar.type = {std::move(spelling), dtype};
  scalar.kind = ScalarKind::Float;
  for (const FloatFormat& format : kFloatFormats) {
    if (format.dtype == dtype) {
      scalar.bits = format.precision;
      scalar.max_exponent = format.max_exponent;
      scalar.min_exponent = format.min_exponent;
    }
  }
  scalar.semantics = semantics;
  scalar.is_class = is_class;
  return scalar;
}

std::optional<DType> integer_dtype(unsigned width, bool is_signed) {
  switch (width) {
    case 8: return is_signed ? DType::Int8 : DType::UInt8;
    case 16: return is_signed ? DType::Int16 : DType::UInt16;
    case 32: return is_signed ? DType::Int32 : DType::UInt32;
    case 64: return is_signed ? DType::Int64 : DType::UInt64;
    default: return std::nullopt;
  }
}

struct LowPrecisionClass {
  std::string_view qualified_name;
  DType dtype;
  Semantics semantics;
};

// Classes by their qualified name (aliases such as at::Half and
// tensorflow::bfloat16 reach these through the canonical type). Eigen's
// convert through float32 as tf.cast does, c10's as Tensor.to does; CUDA's
// round once, as the platform does.
constexpr std::array<LowPrecisionClass, 10> kLowPrecisionClasses{{
    {"Eigen::half", DType::Float16, Semantics::TensorFlow},
    {"Eigen::bfloat16", DType::BFloat16, Semantics::TensorFlow},
    {"c10::Half", DType::Float16, Semantics::Torch},
    {"c10::BFloat16", DType::BFloat16, Semantics::Torch},
    {"c10::Float8_e4m3fn", DType::Float8E4M3FN, Semantics::Torch},
    {"c10::Float8_e5m2", DType::Float8E5M2, Semantics::Torch},
    {"__half", DType::Float16, Semantics::NumPy},
    {"__nv_bfloat16", DType::BFloat16, Semantics::NumPy},
    {"__nv_fp8_e4m3", DType::Float8E4M3FN, Semantics::NumPy},
    {"__nv_fp8_e5m2", DType::Float8E5M2, Semantics::NumPy},
}};

// The dtype of a builtin float type by its format (long double is x87's on
// x86-64, IEEE double or quad elsewhere).
std::optional<DType> float_dtype(const llvm::fltSemantics& semantics) {
  if (&semantics == &llvm::APFloat::IEEEhalf()) return DType::Float16;
  if (&semantics == &llvm::APFloat::BFloat()) return DType::BFloat16;
  if (&semantics == &llvm::APFloat::IEEEsingle()) return DType::Float32;
  if (&semantics == &llvm::APFloat::IEEEdouble()) return DType::Float64;
  if (&semantics == &llvm::APFloat::x87DoubleExtended()) return DType::LongDouble;
  return std::nullopt;
}

}  // namespace

std::string type_spelling(clang::QualType type, const clang::ASTContext& context) {
  clang::PrintingPolicy policy(context.getLangOpts());
  policy.SuppressTagKeyword = true;
  policy.SuppressScope = false;
  policy.FullyQualifiedName = true;
  // Peel the sugar the reader did not write as a name (elaboration, template
  // substitution, auto, decltype, parentheses) down to a typedef or the type.
  for (int step = 0; step < 64; ++step) {
    type = type.getUnqualifiedType();
    // A typedef at namespace scope is a name the reader knows (int8_t,
    // std::size_t, at::Half); a member typedef of a template
    // (basic_string<char>::size_type) is looked through.
    if (const auto* typedef_type = llvm::dyn_cast<clang::TypedefType>(type.getTypePtr());
        typedef_type && !typedef_type->getDecl()->getDeclContext()->isRecord()) {
      return typedef_type->getDecl()->getQualifiedNameAsString();
    }
    // A type named through a using-declaration (`namespace at { using c10::Half; }`).
    if (const auto* using_type = llvm::dyn_cast<clang::UsingType>(type.getTypePtr());
        using_type && !using_type->getFoundDecl()->getDeclContext()->isRecord()) {
      return using_type->getFoundDecl()->getQualifiedNameAsString();
    }
    if (type->getTypeClass() == clang::Type::Builtin || type->getTypeClass() == clang::Type::Record ||
        type->getTypeClass() == clang::Type::Enum) {
      break;
    }
    const clang::QualType desugared = type->getLocallyUnqualifiedSingleStepDesugaredType();
    if (desugared == type) break;
    type = desugared;
  }
  if (const clang::TagDecl* tag = type->getAsTagDecl(); tag && !tag->getDeclName().isEmpty()) {
    return tag->getQualifiedNameAsString();
  }
  return type.getAsString(policy);
}

std::optional<ScalarType> classify(clang::QualType type, const clang::ASTContext& context) {
  if (type.isNull() || type->isDependentType()) return std::nullopt;
  const clang::QualType canonical = type.getCanonicalType().getUnqualifiedType();
  // An enumeration converts as its underlying integer type; it keeps its own name.
  if (const auto* enumeration = canonical->getAs<clang::EnumType>()) {
    const clang::EnumDecl* decl = enumeration->getDecl();
    if (decl == nullptr || !decl->isComplete() || decl->getIntegerType().isNull()) return std::nullopt;
    std::optional<ScalarType> underlying = classify(decl->getIntegerType(), context);
    if (underlying) underlying->type.spelling = type_spelling(type, context);
    return underlying;
  }
  if (const auto* builtin = canonical->getAs<clang::BuiltinType>()) {
    if (builtin->getKind() == clang::BuiltinType::Bool) {
      ScalarType scalar;
      scalar.type = {type_spelling(type, context), DType::Bool};
      scalar.kind = ScalarKind::Bool;
      scalar.bits = 1;
      return scalar;
    }
    if (builtin->isFloatingPoint()) {
      const std::optional<DType> dtype = float_dtype(context.getFloatTypeSemantics(canonical));
      if (!dtype) return std::nullopt;
      return float_type(type_spelling(type, context), *dtype, Semantics::NumPy, false);
    }
    if (builtin->isInteger()) {
      const unsigned width = static_cast<unsigned>(context.getIntWidth(canonical));
      const bool is_signed = canonical->isSignedIntegerType();
      const std::optional<DType> dtype = integer_dtype(width, is_signed);
      if (!dtype) return std::nullopt;
      ScalarType scalar;
      scalar.type = {type_spelling(type, context), *dtype};
      scalar.kind = is_signed ? ScalarKind::SignedInt : ScalarKind::UnsignedInt;
      scalar.bits = static_cast<int>(width);
      return scalar;
    }
    return std::nullopt;
  }
  if (const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl()) {
    const std::string name = record->getQualifiedNameAsString();
    for (const LowPrecisionClass& known : kLowPrecisionClasses) {
      if (known.qualified_name == name) {
        return float_type(type_spelling(type, context), known.dtype, known.semantics, true);
      }
    }
  }
  return std::nullopt;
}

bool holds_every_float(const ScalarType& to, const ScalarType& from) {
  return to.bits >= from.bits && to.max_exponent >= from.max_exponent && to.min_exponent <= from.min_exponent;
}

bool holds_every_integer(const ScalarType& to, const ScalarType& from) {
  if (from.kind == to.kind) return to.bits >= from.bits;
  if (from.kind == ScalarKind::Bool) return true;
  if (to.kind == ScalarKind::Bool) return false;
  // Unsigned into signed needs one more bit; signed into unsigned never holds the negatives.
  return from.kind == ScalarKind::UnsignedInt && to.kind == ScalarKind::SignedInt && to.bits > from.bits;
}

bool float_holds_every_integer(const ScalarType& to, const ScalarType& from) {
  const int magnitude_bits = from.kind == ScalarKind::SignedInt ? from.bits - 1 : from.bits;
  return to.bits >= magnitude_bits && to.max_exponent >= magnitude_bits;
}

}  // namespace dtlint::clang_front
