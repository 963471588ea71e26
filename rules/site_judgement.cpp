#include "rules/site_judgement.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "analyzer/kernels/float_format.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {

bool judged_by_value(const CastSite& site) {
  return site.simulated.has_value();
}

bool may_change_value(DType source, DType target) {
  // x87's 64-bit significand and 15-bit exponent hold every value of every
  // other dtype; float_format (and so is_lossless) knows no long double target.
  if (target == DType::LongDouble) return kind(source) == DTypeKind::Complex;
  return !is_lossless(source, target);
}

bool is_low_precision_float(DType type) {
  return is_float(type) && info(type).size <= 2;
}

namespace {

// Types whose C spelling already says what they are: no dtype in brackets.
bool speaks_for_itself(std::string_view spelling, DType type) {
  static constexpr std::string_view kBuiltins[] = {
      "float",       "double",      "long double",    "bool",      "char",
      "signed char", "short",       "unsigned short", "int",       "unsigned int",
      "unsigned",    "long",        "unsigned long",  "long long", "unsigned long long",
      "size_t",      "std::size_t", "ptrdiff_t"};
  for (std::string_view builtin : kBuiltins) {
    if (spelling == builtin) return true;
  }
  return spelling.find(name(type)) != std::string_view::npos;  // int8_t, std::int64_t
}

std::string quoted_type(const CastSiteType& type) {
  std::string text = "'" + type.spelling + "'";
  if (type.dtype && !speaks_for_itself(type.spelling, *type.dtype))
    text += " (" + std::string(name(*type.dtype)) + ")";
  return text;
}

// "1e5", "-2049.0", "0x1p-24", "300u", "1.5f": a numeric literal, perhaps negated.
bool is_number_literal(const std::string& text) {
  std::string_view rest = text;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) rest.remove_prefix(1);
  if (rest.empty() || !(std::isdigit(static_cast<unsigned char>(rest.front())) || rest.front() == '.'))
    return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '\'' || c == '+' || c == '-';
  });
}

}  // namespace

std::string range_text(DType type) {
  const IntRange range = int_range(type);
  return format_number(static_cast<long double>(range.min)) + " to " +
         format_number(static_cast<long double>(range.max));
}

std::string format_value(long double value, DType type) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[80];
  if (value == std::trunc(value) && std::fabs(value) < 0x1p64L) {
    std::snprintf(buffer, sizeof buffer, "%.0Lf", value);
    return buffer;
  }
  const int digits = type == DType::LongDouble ? 21 : type == DType::Float64 ? 17 : 9;
  std::snprintf(buffer, sizeof buffer, "%.*Lg", digits, value);
  return buffer;
}

Finding& SiteJudgement::add(std::string message) {
  Finding& f = out_.emplace_back();
  f.rule = &rule_;
  f.severity = setting_ && setting_->severity ? *setting_->severity : rule_.default_severity();
  if (!site_.macro.empty()) message += " (in macro '" + site_.macro + "')";
  f.message = std::move(message);
  f.location = site_.location;
  f.target = site_.target.dtype;
  f.source_dtype = site_.source.dtype;
  f.source_line = site_.line_text;
  if (site_.constant) {
    f.first_value = site_.constant->value;
    f.first_value_is_integer = site_.source.dtype && is_integer(*site_.source.dtype);
  }
  return f;
}

std::string SiteJudgement::types() const {
  return quoted_type(site_.source) + " to " + quoted_type(site_.target);
}

std::string SiteJudgement::what_target_keeps() const {
  if (!site_.target.dtype) return "";
  const DType target = *site_.target.dtype;
  const std::string target_name(name(target));
  if (is_integer(target) || target == DType::Bool) return target_name + " holds " + range_text(target);
  if (!is_float(target) || target == DType::LongDouble) return "";
  const FloatFormat& format = float_format(target);
  const int bits = format.fraction_bits + 1;
  const int digits = static_cast<int>(std::floor(bits * std::log10(2.0)));
  std::string text = target_name + " keeps " + std::to_string(bits) + " significant bits (about " +
                     std::to_string(digits) + (digits == 1 ? " decimal digit" : " decimal digits") +
                     "); values above " + format_number(format.max_finite) +
                     (format.has_infinity ? " become inf" : " become NaN");
  if (is_low_precision_float(target))
    text += ", nonzero values below " + format_number(format.min_normal) + " lose precision";
  return text;
}

std::string SiteJudgement::constant_text() const {
  if (!site_.constant) return "";
  const std::string value =
      format_value(site_.constant->value, site_.source.dtype.value_or(DType::LongDouble));
  const std::string& spelling = site_.constant->spelling;
  if (spelling.empty() || spelling == value) return value;
  // A literal says its value itself ("1e-8", "2049.0"); a name or an expression is given it.
  if (is_number_literal(spelling)) return spelling;
  return spelling + " (" + value + ")";
}

bool ignore_comment_names(std::string_view line, std::string_view code) {
  for (std::size_t at = line.find("dtlint:"); at != std::string_view::npos;
       at = line.find("dtlint:", at + 1)) {
    // Only in a comment: `//` or `/*` before it on the line.
    const std::string_view before = line.substr(0, at);
    if (before.find("//") == std::string_view::npos && before.find("/*") == std::string_view::npos) continue;
    std::size_t i = at + 7;
    while (i < line.size() && line[i] == ' ') ++i;
    if (line.substr(i, 6) != "ignore") continue;
    i += 6;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || line[i] != '[') return true;  // `ignore` alone: every rule
    const std::size_t close = line.find(']', i);
    if (close == std::string_view::npos) continue;
    std::string_view list = line.substr(i + 1, close - i - 1);
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
      if (item.size() == code.size()) {
        bool same = true;
        for (std::size_t k = 0; k < item.size(); ++k) {
          same = same && std::toupper(static_cast<unsigned char>(item[k])) ==
                             std::toupper(static_cast<unsigned char>(code[k]));
        }
        if (same) return true;
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

}  // namespace dtlint
