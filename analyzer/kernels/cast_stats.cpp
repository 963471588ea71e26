#include "analyzer/kernels/cast_stats.h"

#include <algorithm>
#include <cmath>

#include "analyzer/kernels/dispatch.h"
#include "analyzer/kernels/float_format.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {
namespace {

constexpr std::array<std::string_view, kCastCounterCount> kFieldNames{
    "overflow",     "underflow_to_zero", "to_subnormal",       "inexact",
    "out_of_range", "nonfinite_to_int",  "truncated",          "sign_lost",
    "imag_dropped", "integer_not_exact", "tolerance_exceeded",
};

}  // namespace

std::string_view field_name(CastCounter counter) {
  return kFieldNames[static_cast<std::size_t>(counter)];
}

CastRequest default_request(DType target) {
  if (is_float(target) && target != DType::LongDouble) {
    return {target, static_cast<double>(float_format(target).unit_roundoff), 0.0};
  }
  return {target, 0.0, 1.0};  // integer targets: truncation is DT107's business, not DT106's
}

void keep_min(std::optional<long double>& slot, long double v) {
  if (!slot || v < *slot) slot = v;
}
void keep_max(std::optional<long double>& slot, long double v) {
  if (!slot || v > *slot) slot = v;
}

void Moments::merge(const Moments& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  const long double n = static_cast<long double>(count), m = static_cast<long double>(other.count);
  const long double total = n + m;
  const long double delta = other.mean - mean;
  mean += delta * (m / total);
  m2 += other.m2 + delta * delta * (n * m / total);
  count += other.count;
}

std::optional<long double> Moments::stddev() const {
  if (count == 0) return std::nullopt;
  return std::sqrt(std::max<long double>(0, m2) / static_cast<long double>(count));
}

namespace {

// The block's two passes in type T: the mean, then the squared deviations
// from it, which stay accurate for data far from zero (timestamps). Four
// accumulators each keep the additions independent.
template <typename T>
Moments block_moments(const double* x, std::size_t n) {
  T sum[4] = {0, 0, 0, 0};
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool finite = std::isfinite(x[i]);
    sum[i % 4] += finite ? static_cast<T>(x[i]) : T{0};
    count += finite;
  }
  if (count == 0) return {};
  const T mean = ((sum[0] + sum[1]) + (sum[2] + sum[3])) / static_cast<T>(count);
  T m2[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const T d = std::isfinite(x[i]) ? static_cast<T>(x[i]) - mean : T{0};
    m2[i % 4] += d * d;
  }
  return {count, mean, (m2[0] + m2[1]) + (m2[2] + m2[3])};
}

}  // namespace

std::optional<Moments> finite_moments_from_sums(std::size_t n, double shift, double sum, double squares) {
  if (!std::isfinite(sum) || !std::isfinite(squares))
    return std::nullopt;  // NaN, ±inf, or values near double's largest
  const double count = static_cast<double>(n), mean_offset = sum / count;
  return Moments{n, static_cast<long double>(shift) + mean_offset,
                 std::max(0.0, squares - sum * mean_offset)};
}

// The usual block, every value finite: one pass of sums of d = x - shift and
// d², with the shift a value of the block (the first), so that data far from
// zero (timestamps) keeps its spread; eight independent accumulators, the same
// order on every machine. Empty when a value is not finite or a sum overflows.
static std::optional<Moments> finite_block_moments(const double* x, std::size_t n) {
  const double shift = x[0];
  double sum[8] = {}, squares[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t j = 0; j < 8; ++j) {
      const double d = x[i + j] - shift;
      sum[j] += d;
      squares[j] += d * d;
    }
  }
  for (; i < n; ++i) {
    const double d = x[i] - shift;
    sum[0] += d;
    squares[0] += d * d;
  }
  double s = 0, q = 0;
  for (std::size_t j = 0; j < 8; ++j) s += sum[j], q += squares[j];
  return finite_moments_from_sums(n, shift, s, q);
}

void accumulate_moments(Moments& moments, const double* x, std::size_t n) {
  if (n == 0) return;
  std::optional<Moments> block = finite_block_moments(x, n);
  // Blocks with NaN or ±inf take the careful two passes; values near double's
  // largest overflow a double sum or square, and long double's range holds them.
  if (!block) block = block_moments<double>(x, n);
  if (!std::isfinite(block->mean) || !std::isfinite(block->m2)) block = block_moments<long double>(x, n);
  moments.merge(*block);
}

bool holds_integer_data(DType dtype, const SourceStats& s) {
  if (!is_float(dtype)) return is_integer(dtype) || dtype == DType::Bool;
  if (s.non_integral.count != 0 || s.moments.count < 2 || !s.abs_max || dtype == DType::LongDouble)
    return false;
  return *s.abs_max <= std::ldexp(1.0L, float_format(dtype).fraction_bits + 1);
}

void SourceStats::merge(const SourceStats& other) {
  nan.merge(other.nan);
  pos_inf.merge(other.pos_inf);
  neg_inf.merge(other.neg_inf);
  zero += other.zero;
  non_integral.merge(other.non_integral);
  if (other.finite_min) keep_min(finite_min, *other.finite_min);
  if (other.finite_max) keep_max(finite_max, *other.finite_max);
  if (other.abs_min_nonzero) keep_min(abs_min_nonzero, *other.abs_min_nonzero);
  if (other.abs_max) keep_max(abs_max, *other.abs_max);
  moments.merge(other.moments);
}

void CastStats::merge(const CastStats& other) {
  for (std::size_t c = 0; c < counters.size(); ++c) counters[c].merge(other.counters[c]);
  for (std::size_t p = 0; p < diverging.size(); ++p) diverging[p].merge(other.diverging[p]);
  max_abs_error = std::max(max_abs_error, other.max_abs_error);
  max_rel_error = std::max(max_rel_error, other.max_rel_error);
}

ArrayAnalysis prepare_analysis(const ArrayView& array, std::span<const CastRequest> requests) {
  ArrayAnalysis analysis;
  if (array.dtype == DType::Object) return analysis;  // never read: nothing to cast
  analysis.casts.reserve(requests.size());
  for (const CastRequest& request : requests) {
    CastStats stats;
    stats.target = request.target;
    stats.rtol = request.rtol;
    stats.atol = request.atol;
    // A scaled cast is never the identity: x·2^k can leave the target's range.
    stats.lossless =
        request.scale_exponent == 0 && !request.amax_scale && is_lossless(array.dtype, request.target);
    stats.semantics = request.semantics;
    stats.declared_only = request.declared_only;
    stats.scale_exponent = request.scale_exponent;
    stats.kind_default = request.kind_default;
    stats.amax_scale = request.amax_scale;
    analysis.casts.push_back(stats);
  }
  return analysis;
}

void ArrayAnalysis::shift_indices(std::uint64_t offset) {
  auto shift = [offset](Counter& c) {
    if (c.first.found()) c.first.index += offset;
  };
  for (Counter* c : {&source.nan, &source.pos_inf, &source.neg_inf, &source.non_integral}) shift(*c);
  for (std::vector<CastStats>* list : {&casts, &scaled}) {
    for (CastStats& stats : *list) {
      for (Counter& c : stats.counters) shift(c);
      for (Counter& c : stats.diverging) shift(c);
    }
  }
}

void ArrayAnalysis::merge(const ArrayAnalysis& other) {
  source.merge(other.source);
  for (std::size_t i = 0; i < casts.size(); ++i) casts[i].merge(other.casts[i]);
  for (std::size_t i = 0; i < scaled.size() && i < other.scaled.size(); ++i) scaled[i].merge(other.scaled[i]);
}

void analyse_range_with(RangeKernel kernel, const ArrayView& array, Semantics semantics,
                        ArrayAnalysis& partial, std::uint64_t begin, std::uint64_t end) {
  // A cast's own profile matters only where the profiles can round differently
  // (float64 → float16, say); elsewhere it joins the scan's pass.
  const auto profile = [&](const CastStats& c) {
    return c.semantics && profiles_may_diverge(array.dtype, c.target) ? *c.semantics : semantics;
  };
  // Casts awaiting their amax scale are simulated by the scan's follow-up pass.
  const auto pending = [](const CastStats& c) { return c.amax_scale && !c.lossless; };
  std::vector<CastStats>& casts = partial.casts;
  if (casts.size() <= kMaxKernelTargets && std::all_of(casts.begin(), casts.end(), [&](const CastStats& c) {
        return profile(c) == semantics && c.scale_exponent == 0 && !pending(c);
      })) {
    kernel(array, semantics, partial, begin, end);  // the usual case: one pass for everything
    return;
  }
  // The scan's profile unscaled first: its pass takes the source statistics;
  // the other passes count their casts only.
  using PassKey = std::pair<Semantics, int>;
  const auto key = [&](std::size_t i) { return PassKey{profile(casts[i]), casts[i].scale_exponent}; };
  const PassKey usual{semantics, 0};
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < casts.size(); ++i) {
    if (!pending(casts[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const PassKey ka = key(a), kb = key(b);
    return (ka != usual) != (kb != usual) ? ka == usual : ka < kb;
  });
  bool source_taken = false;
  for (std::size_t first = 0; first < order.size() || (!source_taken && !partial.casts_only);) {
    const PassKey pass_key = first < order.size() ? key(order[first]) : usual;
    std::size_t last = first;
    while (last < order.size() && last - first < kMaxKernelTargets && key(order[last]) == pass_key) ++last;
    ArrayAnalysis pass;
    pass.casts_only = source_taken || partial.casts_only;
    for (std::size_t k = first; k < last; ++k) pass.casts.push_back(casts[order[k]]);
    kernel(array, pass_key.first, pass, begin, end);  // no casts at all: the source statistics alone
    for (std::size_t k = first; k < last; ++k) casts[order[k]] = std::move(pass.casts[k - first]);
    if (!source_taken) partial.source.merge(pass.source);
    source_taken = true;
    first = last;
  }
}

ArrayAnalysis analyse_array(const ArrayView& array, Semantics semantics,
                            std::span<const CastRequest> requests, KernelIsa isa) {
  ArrayAnalysis analysis = prepare_analysis(array, requests);
  if (array.dtype != DType::Object)
    analyse_range_with(range_kernel(isa), array, semantics, analysis, 0, array.elements);
  return analysis;
}

std::vector<std::uint64_t> unravel_index(std::uint64_t flat, std::span<const std::uint64_t> shape,
                                         bool fortran_order) {
  std::vector<std::uint64_t> index(shape.size(), 0);
  auto place = [&](std::size_t d) {
    if (shape[d] == 0) return;
    index[d] = flat % shape[d];
    flat /= shape[d];
  };
  if (fortran_order) {
    for (std::size_t d = 0; d < shape.size(); ++d) place(d);
  } else {
    for (std::size_t d = shape.size(); d-- > 0;) place(d);
  }
  return index;
}

}  // namespace dtlint
