#include "analyzer/dtype.h"

#include <algorithm>
#include <array>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "document/spelling.h"

namespace dtlint {
namespace {

constexpr std::array<DTypeInfo, 19> kInfo{{
    {"bool", DTypeKind::Bool, 1},          {"int8", DTypeKind::SignedInt, 1},
    {"int16", DTypeKind::SignedInt, 2},    {"int32", DTypeKind::SignedInt, 4},
    {"int64", DTypeKind::SignedInt, 8},    {"uint8", DTypeKind::UnsignedInt, 1},
    {"uint16", DTypeKind::UnsignedInt, 2}, {"uint32", DTypeKind::UnsignedInt, 4},
    {"uint64", DTypeKind::UnsignedInt, 8}, {"float8_e4m3fn", DTypeKind::Float, 1},
    {"float8_e5m2", DTypeKind::Float, 1},  {"float16", DTypeKind::Float, 2},
    {"bfloat16", DTypeKind::Float, 2},     {"float32", DTypeKind::Float, 4},
    {"float64", DTypeKind::Float, 8},      {"float128", DTypeKind::Float, 16},
    {"complex64", DTypeKind::Complex, 8},  {"complex128", DTypeKind::Complex, 16},
    {"object", DTypeKind::Object, 8},
}};

struct Alias {
  std::string_view text;
  DType type;
};

// NumPy's typecodes, as NumPy spells them (lower case only: "F8" or "I8" mean
// other things elsewhere). "i8" and "u8" are not here: see kAmbiguous.
constexpr std::array<Alias, 9> kNumPyTypecodes{{
    {"f2", DType::Float16},
    {"f4", DType::Float32},
    {"f8", DType::Float64},
    {"i1", DType::Int8},
    {"i2", DType::Int16},
    {"i4", DType::Int32},
    {"u1", DType::UInt8},
    {"u2", DType::UInt16},
    {"u4", DType::UInt32},
}};

// safetensors' dtype tags as its headers spell them (upper case: "I8" is int8
// there, while NumPy's "i8" is int64).
constexpr std::array<Alias, 15> kSafetensorsTags{{
    {"BOOL", DType::Bool},
    {"I8", DType::Int8},
    {"I16", DType::Int16},
    {"I32", DType::Int32},
    {"I64", DType::Int64},
    {"U8", DType::UInt8},
    {"U16", DType::UInt16},
    {"U32", DType::UInt32},
    {"U64", DType::UInt64},
    {"F8_E4M3", DType::Float8E4M3FN},
    {"F8_E5M2", DType::Float8E5M2},
    {"F16", DType::Float16},
    {"BF16", DType::BFloat16},
    {"F32", DType::Float32},
    {"F64", DType::Float64},
}};

// Spellings without a module prefix, matched in lower case: bit widths (Rust,
// C++, ONNX, XLA, the papers' "fp16"), C's names and the float8 formats' names.
constexpr std::array<Alias, 28> kPlainAliases{{
    {"half", DType::Float16},
    {"fp16", DType::Float16},
    {"f16", DType::Float16},
    {"bf16", DType::BFloat16},
    {"single", DType::Float32},
    {"fp32", DType::Float32},
    {"f32", DType::Float32},
    {"double", DType::Float64},
    {"fp64", DType::Float64},
    {"f64", DType::Float64},
    {"longdouble", DType::LongDouble},
    {"i16", DType::Int16},
    {"i32", DType::Int32},
    {"i64", DType::Int64},
    {"u16", DType::UInt16},
    {"u32", DType::UInt32},
    {"u64", DType::UInt64},
    // What OCP, NVIDIA, PyTorch and safetensors call E4M3 is the finite-only
    // variant (max 448); ml_dtypes' IEEE-style float8_e4m3 is another format.
    {"e4m3", DType::Float8E4M3FN},
    {"e4m3fn", DType::Float8E4M3FN},
    {"fp8_e4m3", DType::Float8E4M3FN},
    {"fp8_e4m3fn", DType::Float8E4M3FN},
    {"f8e4m3fn", DType::Float8E4M3FN},      // XLA
    {"float8e4m3fn", DType::Float8E4M3FN},  // ONNX
    {"e5m2", DType::Float8E5M2},
    {"fp8_e5m2", DType::Float8E5M2},
    {"f8e5m2", DType::Float8E5M2},
    {"float8e5m2", DType::Float8E5M2},
    {"bool_", DType::Bool},
}};

// A framework's module prefix and the names that module adds to the canonical
// ones (torch.float is float32 where NumPy's float is float64).
struct ModuleSpelling {
  std::string_view prefix;
  std::span<const Alias> names;
};
constexpr std::array<Alias, 12> kNumPyNames{{
    {"half", DType::Float16},
    {"single", DType::Float32},
    {"double", DType::Float64},
    {"float_", DType::Float64},
    {"longdouble", DType::LongDouble},
    {"bool_", DType::Bool},
    {"byte", DType::Int8},
    {"ubyte", DType::UInt8},
    {"short", DType::Int16},
    {"ushort", DType::UInt16},
    {"intc", DType::Int32},
    {"uintc", DType::UInt32},
}};
constexpr std::array<Alias, 6> kTorchNames{{
    {"half", DType::Float16},
    {"float", DType::Float32},
    {"double", DType::Float64},
    {"short", DType::Int16},
    {"int", DType::Int32},
    {"long", DType::Int64},
}};
constexpr std::array<Alias, 2> kTensorFlowNames{{
    {"half", DType::Float16},
    {"double", DType::Float64},
}};
constexpr std::array<ModuleSpelling, 8> kModules{{
    {"numpy.", kNumPyNames},
    {"np.", kNumPyNames},
    {"jax.numpy.", kNumPyNames},
    {"jnp.", kNumPyNames},
    {"ml_dtypes.", {}},
    {"torch.", kTorchNames},
    {"tensorflow.", kTensorFlowNames},
    {"tf.", kTensorFlowNames},
}};

// Spellings users write that name two dtypes, each with both readings.
struct Ambiguity {
  std::string_view text;  // lower case
  std::string_view note;
};
constexpr std::array<Ambiguity, 8> kAmbiguous{{
    {"float", "NumPy's float is float64, C's and PyTorch's is float32: write float32 or float64"},
    {"int", "NumPy's int is int64, C's and PyTorch's is int32: write int32 or int64"},
    {"i8", "NumPy's 'i8' is int64 (8 bytes), Rust's i8 and safetensors' I8 are int8: write int8 or int64"},
    {"u8",
     "NumPy's 'u8' is uint64 (8 bytes), Rust's u8 and safetensors' U8 are uint8: write uint8 or uint64"},
    {"f8", "NumPy's 'f8' is float64; FP8 is two formats: write float64, float8_e4m3fn or float8_e5m2"},
    {"fp8", "FP8 is two formats: write float8_e4m3fn (e4m3) or float8_e5m2 (e5m2)"},
    {"float8", "FP8 is two formats: write float8_e4m3fn (e4m3) or float8_e5m2 (e5m2)"},
    {"float8_e4m3",
     "ml_dtypes' float8_e4m3 is the IEEE-style format (infinities, max 240), which dtlint does not simulate; "
     "float8_e4m3fn (max 448, no infinities) is what PyTorch, safetensors and OCP call E4M3"},
}};

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return result;
}

std::optional<DType> find_alias(std::span<const Alias> aliases, std::string_view text) {
  for (const Alias& alias : aliases) {
    if (alias.text == text) return alias.type;
  }
  return std::nullopt;
}

std::optional<DType> canonical(std::string_view lowered) {
  for (std::size_t i = 0; i < kInfo.size(); ++i) {
    if (kInfo[i].name == lowered && static_cast<DType>(i) != DType::Object) return static_cast<DType>(i);
  }
  return std::nullopt;
}

}  // namespace

const DTypeInfo& info(DType type) {
  return kInfo[static_cast<std::size_t>(type)];
}

std::optional<DType> dtype_from_name(std::string_view text) {
  // Case matters for the short codes only, where it tells the conventions apart.
  if (const auto type = find_alias(kNumPyTypecodes, text)) return type;
  if (const auto type = find_alias(kSafetensorsTags, text)) return type;
  const std::string lowered = lower(text);
  for (const ModuleSpelling& module : kModules) {
    if (!lowered.starts_with(module.prefix)) continue;
    const std::string_view rest = std::string_view(lowered).substr(module.prefix.size());
    if (const auto type = find_alias(module.names, rest)) return type;
    return canonical(rest);
  }
  if (!ambiguous_dtype_note(text).empty()) return std::nullopt;
  if (const auto type = canonical(lowered)) return type;
  return find_alias(kPlainAliases, lowered);
}

std::string_view ambiguous_dtype_note(std::string_view text) {
  if (find_alias(kNumPyTypecodes, text) || find_alias(kSafetensorsTags, text)) return {};
  const std::string lowered = lower(text);
  for (const Ambiguity& ambiguity : kAmbiguous) {
    if (ambiguity.text == lowered) return ambiguity.note;
  }
  return {};
}

std::string dtype_suggestion(std::string_view text, bool (*accept)(DType)) {
  // Every spelling is a candidate; the suggestion is its canonical name.
  std::vector<std::string_view> spellings;
  std::vector<DType> types;
  const auto add = [&](std::string_view spelling, DType type) {
    if (accept && !accept(type)) return;
    spellings.push_back(spelling);
    types.push_back(type);
  };
  for (std::size_t i = 0; i < kInfo.size(); ++i) {
    if (static_cast<DType>(i) != DType::Object) add(kInfo[i].name, static_cast<DType>(i));
  }
  for (const Alias& alias : kPlainAliases) add(alias.text, alias.type);
  for (const Alias& alias : kSafetensorsTags) add(alias.text, alias.type);
  std::string_view word = text;
  for (const ModuleSpelling& module : kModules) {
    if (lower(text).starts_with(module.prefix)) word = text.substr(module.prefix.size());
  }
  const std::optional<std::string_view> best = closest_spelling(word, spellings);
  if (!best) return "";
  const auto at = std::find(spellings.begin(), spellings.end(), *best) - spellings.begin();
  return "; did you mean " + std::string(name(types[static_cast<std::size_t>(at)])) + "?";
}

IntRange int_range(DType type) {
  switch (type) {
    case DType::Bool: return {0, 1};
    case DType::Int8: return {INT8_MIN, INT8_MAX};
    case DType::Int16: return {INT16_MIN, INT16_MAX};
    case DType::Int32: return {INT32_MIN, INT32_MAX};
    case DType::Int64: return {INT64_MIN, INT64_MAX};
    case DType::UInt8: return {0, UINT8_MAX};
    case DType::UInt16: return {0, UINT16_MAX};
    case DType::UInt32: return {0, UINT32_MAX};
    case DType::UInt64: return {0, static_cast<__int128>(UINT64_MAX)};
    default: return {0, -1};  // not an integer type: an empty range
  }
}

}  // namespace dtlint
