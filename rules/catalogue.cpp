// The rule catalogue of DESIGN.md §3. Every number quoted in these documents
// was checked against NumPy/PyTorch on x86-64; keep it that way when editing.
#include "rules/catalogue.h"

#include <array>
#include <cstddef>

namespace dtlint {
namespace {

// Documentation text is wrapped at 88 columns; raw strings start at column 0
// so that no source indentation leaks into the text.
constexpr std::array<RuleDoc, 28> kRules{{
    // ------------------------------------------------------------------ DT1xx
    {
        .code = "DT101",
        .name = "cast-overflow",
        .default_severity = Severity::Error,
        .summary = "A finite value becomes ±inf when cast to a float target.",
        .what = R"doc(Counts the finite source values whose cast to a floating-point target is ±inf:
their magnitude, after rounding, exceeds the target's largest finite value.)doc",
        .why = R"doc(float16's largest finite value is 65504; everything that rounds above it, from
65520 up, becomes inf (float8_e5m2 stops at 57344, bfloat16 at ≈ 3.39e38, float32 at ≈
3.40e38). One inf turns every sum, mean and matrix product it touches into inf, or into
NaN as soon as inf - inf or 0 × inf occurs. NumPy only emits a RuntimeWarning; tf.cast
and Tensor.to say nothing.)doc",
        .example = R"doc(>>> x = np.array([70000.0, 65504.0, 65519.0, 65520.0])
>>> x.astype(np.float16)
array([   inf, 65504., 65504.,    inf], dtype=float16)

DT101 counts 2 of 4 values: 70000 and 65520, which rounds up past 65504.)doc",
        .fix = R"doc(Rescale before the cast (normalise, or store a scale factor beside float16
data), clip with np.clip(x, -65504, 65504) where saturation is acceptable, or choose a
target with more range: bfloat16 has float32's exponent range at the cost of precision.)doc",
        .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT102",
        .name = "int-out-of-range",
        .default_severity = Severity::Error,
        .summary = "A value, truncated toward zero, lies outside the integer target's range.",
        .what = R"doc(Counts the finite values whose truncation toward zero lies outside the integer
target's range, for integer and float sources alike. Negative values cast to an unsigned
target are included (DT108 reports them as well).)doc",
        .why = R"doc(The result is not saturated. Integer sources wrap modulo 2^n: 3000000000 as
int64 becomes -1294967296 in int32. Float-to-int conversion out of range is undefined in
C, and x86 answers with the "integer indefinite" value, -2147483648 for int32, while
narrower targets keep the low bits of the int32 conversion (300.0 becomes 44 in uint8).
Either way an unrelated number of plausible size replaces the value and nothing
downstream notices.)doc",
        .example = R"doc(>>> np.array([3_000_000_000]).astype(np.int32)
array([-1294967296], dtype=int32)
>>> np.array([3e9, -3e9]).astype(np.int32)
array([-2147483648, -2147483648], dtype=int32)
>>> np.array([255.9, 256.0, 300.0, -1.0]).astype(np.uint8)
array([255,   0,  44, 255], dtype=uint8)

255.9 truncates to 255 and fits; DT102 counts the other three (x86 results).)doc",
        .fix = R"doc(Check the range before the cast and clip explicitly if saturation is the intent
(info = np.iinfo(np.int32); np.clip(x, info.min, info.max)), use a wider integer type
such as int64, or keep the values as floats. Ids and counts that grew past 2147483647
need a wider column.)doc",
        .options = R"doc(--targets selects the integer targets checked (int32 is in the default
set); --fail-on decides whether the finding fails the run. Configuration: `severity`
changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT103",
        .name = "nonfinite-to-int",
        .default_severity = Severity::Error,
        .summary = "NaN or ±inf is cast to an integer target.",
        .what = R"doc(Counts the NaN, +inf and -inf source values cast to an integer target.)doc",
        .why = R"doc(No integer represents NaN or infinity, and C leaves the conversion undefined.
On x86 NumPy yields the "integer indefinite" value whatever the input: -2147483648 for
int32, -9223372036854775808 for int64, and its low bits, 0, for int16 and uint8. A
missing value silently becomes a huge negative label, index or count - or a plausible
zero.)doc",
        .example = R"doc(>>> np.array([np.nan, np.inf, -np.inf]).astype(np.int32)
array([-2147483648, -2147483648, -2147483648], dtype=int32)
>>> np.array([np.nan, np.inf]).astype(np.int16)
array([0, 0], dtype=int16)

DT103 counts all 5 values (x86 results).)doc",
        .fix = R"doc(Decide what a missing value means and encode it before the cast, e.g.
np.nan_to_num(x, nan=-1, posinf=..., neginf=...), keep a separate mask, or drop the
rows. Find where the NaN comes from first: DT201 reports it in the source.)doc",
        .options = R"doc(--targets selects the integer targets checked; --fail-on decides whether
the finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
    },
    {
        .code = "DT104",
        .name = "underflow-to-zero",
        .default_severity = Severity::Warning,
        .summary = "A nonzero finite value becomes ±0 in a float target.",
        .what = R"doc(Counts the nonzero finite values that become +0 or -0 when cast to a
floating-point target.)doc",
        .why = R"doc(float16's smallest positive value is the subnormal 2^-24 ≈ 5.96e-8, so every
magnitude up to half of it, 2^-25 ≈ 2.98e-8, rounds to zero; bfloat16 stops at 2^-133 ≈
9.18e-41 and float32 at 2^-149 ≈ 1.40e-45. Small gradients, probabilities, variances and
epsilons become exactly 0, which turns divisions into inf and logarithms into -inf and
silently stops updates - the reason mixed-precision training scales the loss.)doc",
        .example = R"doc(>>> np.array([1e-8, 2**-25, 3e-8]).astype(np.float16)
array([0.e+00, 0.e+00, 6.e-08], dtype=float16)

DT104 counts 2 of 3 values: 2^-25 is a tie and rounds to even, 0; 3e-8 rounds up to
2^-24.)doc",
        .fix = R"doc(Scale the values into the target's normal range before the cast (loss scaling,
a power-of-two factor, or log-values), keep small quantities such as epsilons and
variances in float32, or use bfloat16, whose exponent range is float32's.)doc",
        .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT105",
        .name = "subnormal-result",
        .default_severity = Severity::Warning,
        .summary = "A value lands in the target's subnormal range, below its normal precision.",
        .what = R"doc(Counts the nonzero results that land in the target's subnormal range, below
its smallest normal value (float16: 2^-14 ≈ 6.10e-5; bfloat16 and float32: 2^-126 ≈
1.18e-38).)doc",
        .why = R"doc(Subnormals trade precision for range: float16 subnormals are spaced a fixed
2^-24 ≈ 5.96e-8 apart, so 1e-6 becomes 1.013e-6 (1.3% off) and 1e-7 becomes 1.19e-7 (19%
off), where normal float16 values are within 2^-11 ≈ 0.05%. Hardware running in
flush-to-zero / denormals-are-zero mode treats them as 0, so results also depend on the
device.)doc",
        .example = R"doc(>>> x = np.array([1e-6, 1e-7, 6e-5])
>>> x.astype(np.float16).astype(np.float64)
array([1.01327896e-06, 1.19209290e-07, 6.00218773e-05])

DT105 counts all 3 values for float16: each is below 2^-14 ≈ 6.10e-5.)doc",
        .fix = R"doc(Rescale into the normal range before the cast (multiplying by a power of two is
exact), keep small-magnitude quantities in float32, or use bfloat16, whose smallest
normal value is float32's, 2^-126 ≈ 1.18e-38.)doc",
        .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT106",
        .name = "tolerance-exceeded",
        .default_severity = Severity::Warning,
        .summary = "An element fails |cast(x) - x| ≤ atol + rtol × |x| for its target's tolerance.",
        .what = R"doc(Counts the finite values with a finite result for which
|cast(x) - x| > atol + rtol × |x|, i.e. numpy.isclose(cast(x), x) fails, with atol and
rtol set per target and per array.)doc",
        .why = R"doc(By default rtol is the target's unit roundoff (2^-11 ≈ 4.88e-4 for float16,
2^-8 ≈ 3.91e-3 for bfloat16, 2^-24 for float32, 2^-53 for float64) and atol is 0, so
ordinary rounding in the normal range never fires; what does is error beyond the
format's normal precision: subnormal results and values flushed to zero. Integer targets
default to atol = 1, rtol = 0, leaving truncated fractions to DT107. Tighten rtol to
what the pipeline needs: float16 keeps about 3.3 decimal digits, bfloat16 about 2.4.)doc",
        .example = R"doc(>>> np.array([0.1, 1e-7]).astype(np.float16).astype(np.float64)
array([9.99755859e-02, 1.19209290e-07])

0.1 is off by 2.4e-5, 2.4e-4 relative, within the default rtol 2^-11: silent.
1e-7 is off by 1.9e-8, 19% relative: DT106 (and DT105). With a pipeline entry
    - source: data/features.npy
      cast: float16
      rtol: 1.0e-4
0.1 fires too: 2.4e-5 > 1.0e-4 × 0.1.)doc",
        .fix = R"doc(Choose a target whose unit roundoff is below the tolerance needed (float32
keeps about 7 decimal digits), rescale values out of the subnormal range, or loosen
rtol/atol where the pipeline tolerates the error.)doc",
        .options = R"doc(Configuration: per-target `rtol` and `atol` (defaults: rtol = the target's
unit roundoff - 2^-11 float16, 2^-8 bfloat16, 2^-24 float32, 2^-53 float64 - and atol =
0; integer targets atol = 1, rtol = 0); `rtol`/`atol` on a pipeline entry override them
for that array; `severity` changes this rule's level, `off` disables it. --targets
selects the targets checked; --semantics the rounding path; --fail-on whether the
finding fails the run.)doc",
    },
    {
        .code = "DT107",
        .name = "fraction-truncated",
        .default_severity = Severity::Warning,
        .summary = "A non-integral value is cast to an integer target.",
        .what = R"doc(Counts the in-range, non-integral values cast to an integer target; values out
of range are DT102's. It fires on integer data with stray fractions: when at most half
of the array's finite values have a fractional part. Real-valued arrays (weights,
features), where an integer target truncates everything by design, keep the count in
the report's `truncated` field without a finding.)doc",
        .why = R"doc(Float-to-int casts truncate toward zero, they do not round: 2.7 becomes 2, -2.7
becomes -2 and 0.999 becomes 0. Probabilities, normalised features, and values meant to
be integers that picked up rounding error (2.9999999 from a float computation) are
changed by up to 1 without a warning from NumPy, TensorFlow or PyTorch.)doc",
        .example = R"doc(>>> np.array([2.7, -2.7, 0.999, 2.9999999]).astype(np.int32)
array([ 2, -2,  0,  2], dtype=int32)

DT107 counts all 4 values.)doc",
        .fix = R"doc(Round explicitly before the cast - np.rint(x).astype(np.int32) rounds half to
even; np.floor and np.ceil give the other conventions - or keep the data in a float type
if the fraction matters.)doc",
        .options = R"doc(--targets selects the integer targets checked; --fail-on decides whether
the finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
    },
    {
        .code = "DT108",
        .name = "sign-lost",
        .default_severity = Severity::Error,
        .summary = "A negative value is cast to an unsigned target.",
        .what = R"doc(Counts the values whose truncation toward zero is negative cast to an unsigned
target. Values between -1 and 0 truncate to 0 and are not counted.)doc",
        .why = R"doc(Negative values wrap modulo 2^n: -1 becomes 255 in uint8, 65535 in uint16 and
4294967295 in uint32, so a -1 "missing" sentinel or a negative offset becomes the
largest value of the type, and PyTorch's -100 ignore-index becomes class 156 in uint8.
These values are also out of range (DT102); this rule names the cause.)doc",
        .example = R"doc(>>> np.array([-1, -100]).astype(np.uint8)
array([255, 156], dtype=uint8)
>>> np.array([-1.0, -0.5]).astype(np.uint32)
array([4294967295,          0], dtype=uint32)

DT108 counts -1, -100 and -1.0; -0.5 truncates to 0 (x86 results).)doc",
        .fix = R"doc(Use a signed target (int16 holds labels with a -100 ignore-index), or map the
negative sentinel to an explicit unsigned value before the cast.)doc",
        .options = R"doc(--targets selects the integer targets checked; --fail-on decides whether
the finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
    },
    {
        .code = "DT109",
        .name = "imaginary-discarded",
        .default_severity = Severity::Error,
        .summary = "A complex value with nonzero imaginary part is cast to a real target.",
        .what = R"doc(Counts the complex values with a nonzero imaginary part cast to a real target;
the cast keeps only the real part.)doc",
        .why = R"doc(NumPy (ComplexWarning) and PyTorch (UserWarning) warn once and go on; tf.cast
keeps the real part silently. For FFT outputs, phases or complex weights this drops half
the information: 1+2j and 1-2j both become 1.0, and neither the magnitude sqrt(5) ≈
2.236 nor the phase survives.)doc",
        .example = R"doc(>>> np.array([1+2j, 1-2j, 3+0j]).astype(np.float32)
array([1., 1., 3.], dtype=float32)

DT109 counts 2 of 3 values; 3+0j loses nothing.)doc",
        .fix = R"doc(Take the quantity meant explicitly: np.abs(z) for the magnitude, np.angle(z)
for the phase, z.real when the imaginary part is known to be noise; or keep a complex
type, or store real and imaginary parts as two channels.)doc",
        .options = R"doc(--targets selects the targets checked; --fail-on decides whether the
finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
    },
    {
        .code = "DT110",
        .name = "integer-not-exact",
        .default_severity = Severity::Error,
        .summary = "An integer-valued source value is no longer exact in a float target.",
        .what = R"doc(Counts the finite, integer-valued source values whose float result differs
from them: token ids, labels, counts or timestamps that the target cannot hold exactly.
It fires for integer arrays, and for float arrays whose every finite value is an
integer; a float measurement that merely happens to be integral is ordinary rounding.)doc",
        .why = R"doc(A float with p significant bits holds every integer only up to 2^p: 2^24 =
16777216 in float32, 2^11 = 2048 in float16, 2^8 = 256 in bfloat16. Above that,
neighbouring ids merge: 16777217 becomes 16777216 in float32, 2049 becomes 2048 in
float16 and 257 becomes 256 in bfloat16. The relative error is tiny, so tolerance checks
pass, but an id or label that changes is a different id or label.)doc",
        .example = R"doc(>>> np.array([2049, 16777217]).astype(np.float32).tolist()
[2049.0, 16777216.0]
>>> np.array([2049, 2051]).astype(np.float16).tolist()
[2048.0, 2052.0]
>>> torch.tensor([257, 16777217]).to(torch.bfloat16).tolist()
[256.0, 16777216.0])doc",
        .fix = R"doc(Keep ids, labels and counts in an integer dtype (int32 or int64) and cast only
real-valued features; if a float is required, choose one whose significand covers the
largest value (float64 is exact up to 2^53).)doc",
        .options = R"doc(--targets selects the float targets checked; --semantics selects the
rounding path (numpy, tensorflow, torch); --fail-on decides whether the finding fails
the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT111",
        .name = "cast-path-divergence",
        .default_severity = Severity::Note,
        .summary = "astype, tf.cast and Tensor.to give different results for some elements.",
        .what = R"doc(Counts the elements for which the other cast profiles give a different result
from the selected one: NumPy's astype rounds once, directly, while tf.cast and Tensor.to
round to float32 first. It arises for 64-bit and 32-bit integer sources and float64
sources cast to float16 or bfloat16.)doc",
        .why = R"doc(Rounding twice is not rounding once: a value just above the midpoint of two
float16 values is rounded onto the midpoint in float32, then to even - down. So
1 + 2^-11 + 2^-40 becomes 1.0009765625 with astype but 1.0 with tf.cast and Tensor.to,
and 16842753 becomes 16908288 in bfloat16 directly but 16777216 through float32. The
differences are small, but data cast in NumPy and data cast inside the model no longer
agree bit for bit, which breaks golden tests and reproducibility.)doc",
        .example = R"doc(>>> x = np.array([1 + 2**-11 + 2**-40])
>>> x.astype(np.float16).item()
1.0009765625
>>> torch.tensor(x).to(torch.float16).item()
1.0

tf.cast(x, tf.float16) gives 1.0 as well: Eigen::half rounds through float.)doc",
        .fix = R"doc(Cast once, in the framework that consumes the data; to reproduce the
frameworks' result in NumPy cast through float32
(x.astype(np.float32).astype(np.float16)); and run dtlint with the --semantics of the
path actually used.)doc",
        .options = R"doc(--semantics selects the reference profile the others are compared with;
--targets selects the targets checked. Configuration: `severity` changes this rule's
level, `off` disables it.)doc",
    },
    // ------------------------------------------------------------------ DT2xx
    {
        .code = "DT201",
        .name = "nonfinite-in-source",
        .default_severity = Severity::Warning,
        .summary = "NaN or ±inf is already present in the source array.",
        .what = R"doc(Counts the NaN, +inf and -inf values already present in the source array,
before any cast.)doc",
        .why = R"doc(NaN propagates through every arithmetic operation: one NaN in a feature column
makes a mean, a normalisation statistic or a loss NaN. Casts keep NaN and ±inf in float
targets and turn them into -2147483648 in int32 (DT103). Non-finite values usually come
from a failed division, log(0), or a missing value encoded as NaN and forgotten.)doc",
        .example = R"doc(>>> x = np.array([1.0, np.nan, 3.0])
>>> float(x.mean())
nan
>>> x.astype(np.float16)
array([ 1., nan,  3.], dtype=float16)

DT201 counts 1 of 3 values.)doc",
        .fix = R"doc(Fix the step that produced the values, or handle them deliberately:
np.nan_to_num, NaN-aware statistics (np.nanmean), an explicit mask, or dropping the
rows.)doc",
        .options = R"doc(--fail-on decides whether the finding fails the run. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT202",
        .name = "lossless-narrowing",
        .default_severity = Severity::Note,
        .summary = "Every value is exactly representable in a narrower requested target.",
        .what = R"doc(Reports arrays whose every value is exactly representable in a narrower
requested target, naming the narrowest such target.)doc",
        .why = R"doc(A float64 array of 0/1 masks or an int64 array of small labels takes 4 to 8
times the memory, disk space and I/O it needs. Because every value is exact in the
narrower type, that cast loses nothing and needs no precision review.)doc",
        .example = R"doc(>>> labels = np.arange(100, dtype=np.int64).repeat(10_000)
>>> labels.nbytes, labels.astype(np.int8).nbytes
(8000000, 1000000)
>>> np.array_equal(labels.astype(np.int8), labels)
True

With --targets int8,int32, DT202 names int8: the same labels in an eighth of the
space.)doc",
        .fix = R"doc(Store the array in the narrower type (np.save(path, x.astype(np.int8))), after
checking that future data will stay in its range; or ignore the note where a consumer
dictates the width.)doc",
        .options = R"doc(--targets lists the candidates (only requested targets are considered).
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT203",
        .name = "object-array",
        .default_severity = Severity::Warning,
        .summary = "The array holds pickled objects and cannot be analysed; it is never unpickled.",
        .what = R"doc(Reports arrays of object dtype (pickled Python objects in .npy and .npz
files). dtlint never unpickles them, so their values are not analysed.)doc",
        .why = R"doc(Unpickling runs code chosen by whoever wrote the file, which is why np.load
refuses object arrays unless allow_pickle=True (the default has been False since NumPy
1.16.3). An object array also escapes every numeric check: its elements can be of any
type, and a cast on it converts element by element in Python.)doc",
        .example = R"doc(>>> x = np.array([1.5, "n/a", None], dtype=object)
>>> x.dtype.str
'|O'
>>> np.save("mixed.npy", x)
>>> np.load("mixed.npy")
Traceback (most recent call last):
  ...
ValueError: Object arrays cannot be loaded when allow_pickle=False)doc",
        .fix = R"doc(Convert to a numeric dtype before saving (missing values as NaN, or a separate
mask), store text as a fixed-width 'U' or 'S' dtype, or use a format that does not
pickle.)doc",
        .options = "Configuration: `severity` changes this rule's level, `off` disables it.",
    },
    {
        .code = "DT204",
        .name = "skipped-input",
        .default_severity = Severity::Note,
        .summary = "An input or container member holds no array dtlint reads and was skipped.",
        .what = R"doc(Notes inputs that are skipped on purpose: FIFOs, sockets and devices (never
opened, so a scan cannot hang on them), and members of an .npz archive that are not
.npy arrays (a README or metadata file stored beside the arrays).)doc",
        .why = R"doc(A skipped input is not checked. The note says so, so that a gate that passes
has not silently ignored something that was meant to be data - an .npz whose arrays
were saved under other names, or a pipe left where a file was expected.)doc",
        .example = R"doc($ mkfifo data/stream.npy
$ dtlint scan data/
data/stream.npy: note DT204 skipped: a FIFO is never opened [skipped-input])doc",
        .fix = R"doc(Nothing, when the skip is intended. Otherwise store the arrays as .npy members
(np.savez names them NAME.npy) or replace the special file with a regular one.)doc",
        .options = R"doc(--exclude GLOB keeps paths out of the scan altogether. Configuration:
`severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "DT205",
        .name = "unused-suppression",
        .default_severity = Severity::Note,
        .summary = "An `ignore` entry in the configuration matched no finding.",
        .what = R"doc(Notes each `ignore` entry of the configuration (path glob, optional member glob,
rule codes, reason) that hid nothing in this scan, pointing at the line that declares
it.)doc",
        .why = R"doc(A suppression outlives the problem it was written for: once the data is fixed
or renamed, it silently waits to hide the next, unrelated finding on a path that
happens to match. Like ruff's unused-noqa, the note says when an entry can go.)doc",
        .example = R"doc(# .dtlint.yaml
ignore:
  - path: data/old_labels.npy      # the file was deleted last week
    rules: [DT107]
    reason: labels are rounded on purpose
$ dtlint scan .
.dtlint.yaml:3: note DT205 ignore entry (path 'data/old_labels.npy', rules DT107)
matched no finding; remove it or correct it (reason given: labels are rounded on
purpose) [unused-suppression])doc",
        .fix = R"doc(Remove the entry, or correct its path, member or rule codes so that it matches
what it was meant to hide.)doc",
        .options = R"doc(Judged only where the scan could have matched the entry: every entry when the
scan covers the configuration's whole folder (`dtlint scan .`), otherwise only the
entries whose path glob matches a scanned input (a pre-commit run that passes a few
files does not call the others unused). Configuration: `severity` changes this
rule's level, `off` disables it.)doc",
    },
    // ------------------------------------------------------------------ PL3xx
    {
        .code = "PL301",
        .name = "declared-cast-unsafe",
        .default_severity = Severity::Error,
        .summary = "A cast declared in a pipeline config produces a DT1xx error on its data.",
        .what = R"doc(Simulates each cast declared in a pipeline config on the data it points at and
reports any DT1xx error the cast produces there at the config line that declares it.)doc",
        .why = R"doc(The config is where the cast is decided, so it is where the fix belongs:
pointing at the `cast: float16` line shows which declaration breaks which data. A
declared cast that overflows (values above 65504 into float16), merges integer ids or
turns NaN into -2147483648 does so on every run of the pipeline.)doc",
        .example = R"doc(# .dtlint.yaml
pipeline:
  - source: data/features.npz:pixels   # float64, max 70000.0
    cast: float16                      # PL301: 70000.0 overflows to inf (DT101))doc",
        .fix = R"doc(Change the declared cast (bfloat16 or float32), rescale or clip the data before
the cast, or correct the data; the DT1xx rule named in the message says which values
fail and why.)doc",
        .options = R"doc(The pipeline entries themselves (`source`, `cast`, and `rtol`/`atol` per
entry); --semantics selects the rounding path; --fail-on decides whether the finding
fails the run. Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "PL302",
        .name = "dtype-mismatch",
        .default_severity = Severity::Warning,
        .summary = "A declared input dtype differs from the stored dtype.",
        .what = R"doc(Compares the dtype a config declares for an input with the dtype stored in the
file and reports where they differ.)doc",
        .why = R"doc(The declared dtype is what code, memory budgets and reviews assume; when the
stored one differs, a cast happens that nobody declared. A model folder whose
config.json says "torch_dtype": "bfloat16" while its shards store F32 takes twice the
disk space expected, and loading it in the declared dtype casts every weight from 24
significant bits to 8.)doc",
        .example = R"doc(model/config.json        "torch_dtype": "bfloat16"
model/model.safetensors  every tensor stored as F32

PL302 points at the torch_dtype line of config.json.)doc",
        .fix = R"doc(Make the config and the files agree: convert the stored data to the declared
dtype (and review what that cast does, which dtlint reports), or correct the
declaration.)doc",
        .options = "Configuration: `severity` changes this rule's level, `off` disables it.",
    },
    {
        .code = "PL303",
        .name = "source-missing",
        .default_severity = Severity::Error,
        .summary = "A declared source is missing or matches no file.",
        .what = R"doc(Reports a source declared in a pipeline config or a model index that names a
missing file or archive member, or a glob that matches no file.)doc",
        .why = R"doc(An entry that matches nothing is checked vacuously: the scan passes while the
data it was meant to guard goes unexamined. It usually means a renamed file, a typo in a
glob or a shard that was never uploaded, all of which fail later, at load time.)doc",
        .example = R"doc(pipeline:
  - source: checkpoints/*.safetensors   # PL303: the glob matches no file
    cast: bfloat16
  - source: data/features.npz:pixel     # PL303: the archive has no member "pixel"
    cast: float16)doc",
        .fix = "Correct the path, glob or member name, or remove the entry if the data is gone.",
        .options = "Configuration: `severity` changes this rule's level, `off` disables it.",
    },
    {
        .code = "PL304",
        .name = "precision-policy-overflow",
        .default_severity = Severity::Error,
        .summary = "A model's declared precision overflows or corrupts its stored weights.",
        .what = R"doc(Simulates the precision a model declares - `torch_dtype` in a Hugging Face
config.json, a Keras `dtype` or DTypePolicy such as mixed_float16 - on every stored
weight, and reports at the declaration when the cast overflows or corrupts them.)doc",
        .why = R"doc(Loading the model in its declared precision casts every weight. A checkpoint
trained in float32 or bfloat16 can hold values that their range (max ≈ 3.4e38) allows
and float16's (max 65504) does not; one inf weight makes every activation behind it inf
or NaN.)doc",
        .example = R"doc(model/config.json        "torch_dtype": "float16"
model/model.safetensors  "encoder.scale": F32, max |w| = 1.0e5

PL304 points at the torch_dtype line: encoder.scale overflows to inf in
float32→float16.)doc",
        .fix = R"doc(Declare bfloat16 or float32 for the model, keep the offending tensors in
float32, or rescale them (fold the scale into a neighbouring layer) before converting.)doc",
        .options = R"doc(--semantics selects the rounding path; --fail-on decides whether the
finding fails the run. Configuration: `severity` changes this rule's level, `off`
disables it.)doc",
    },
    // ------------------------------------------------------------------ CX4xx
    {
        .code = "CX401",
        .name = "narrowing-float-conversion",
        .default_severity = Severity::Warning,
        .summary = "Implicit conversion to a narrower floating type.",
        .what = R"doc(Finds implicit conversions in C and C++ sources to a narrower floating type:
double→float, and float or double→half, bfloat16 or float8 types (_Float16, __fp16,
__bf16, CUDA __half / __nv_bfloat16, ...).)doc",
        .why = R"doc(An implicit conversion hides the precision loss in ordinary-looking code: float
keeps 24 of double's 53 significant bits (0.1 becomes 0.100000001490116...), half keeps
11 and overflows above 65504, bfloat16 keeps 8. Nothing in the code shows that the range
was considered.)doc",
        .example = R"doc(double scale = 0.1;
float s = scale;      // CX401: double→float, s == 0.100000001490116119384765625
_Float16 h = s;       // CX401: float→_Float16, inf for |s| above 65504)doc",
        .fix = R"doc(Keep the wider type, or make the conversion explicit (static_cast<float>(x))
after checking the range; explicit casts to 16- and 8-bit types are still noted by
CX402.)doc",
        .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX401]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "CX402",
        .name = "low-precision-cast",
        .default_severity = Severity::Note,
        .summary = "Explicit cast to a 16- or 8-bit floating type.",
        .what = R"doc(Notes explicit casts in C and C++ sources to a 16- or 8-bit floating type
(Eigen::half, Eigen::bfloat16, _Float16, __bf16, CUDA __half, c10::Half, ...).)doc",
        .why = R"doc(An explicit cast shows intent, not that the values fit: half has 11 significant
bits and a maximum of 65504, bfloat16 8 bits, float8_e4m3fn 4 bits and a maximum of 448.
The note marks each place where data enters a low-precision type so that its range can
be reviewed; constant operands are checked exactly by CX403 and CX404.)doc",
        .example = R"doc(float x = load();
auto h = static_cast<Eigen::half>(x);   // CX402: explicit cast to Eigen::half
auto b = __nv_bfloat16(x);              // CX402: explicit cast to __nv_bfloat16)doc",
        .fix = R"doc(Check or clamp the range at the cast (std::clamp(x, -65504.f, 65504.f)) or
scale the values, then suppress the note with `// dtlint: ignore[CX402]` once reviewed.)doc",
        .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX402]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "CX403",
        .name = "constant-overflow",
        .default_severity = Severity::Error,
        .summary = "A compile-time constant overflows its destination type.",
        .what = R"doc(Evaluates constant operands with Clang's constant evaluator, runs them through
the cast kernels used for arrays, and reports constants that overflow their destination:
±inf in a floating type, outside the range of an integer type.)doc",
        .why = R"doc(The value is fixed at compile time, so every run gets it: 70000.0f as
Eigen::half is inf, 1e39 as float is inf. Converting 3e9 to int32_t is undefined
behaviour in C++: GCC folds the constant to 2147483647 while the same conversion at run
time on x86 gives -2147483648.)doc",
        .example = R"doc(const Eigen::half kMax(70000.0f);   // CX403: inf, half's maximum is 65504
const float kHuge = 1e39;           // CX403: inf, float's maximum is ≈ 3.40e38
const int32_t kBig = 3e9;           // CX403: above 2147483647)doc",
        .fix = R"doc(Use a constant that fits (std::numeric_limits<T>::max(); 65504 for half), a
wider destination type, or compute in the wider type and convert the result after a
range check.)doc",
        .options = R"doc(--semantics selects the rounding path (Eigen types always use
tensorflow's); -p BUILD_DIR names the compile_commands.json; `// dtlint: ignore[CX403]`
on the line or the line above suppresses one site. Configuration: `severity` changes
this rule's level, `off` disables it.)doc",
    },
    {
        .code = "CX404",
        .name = "constant-precision-loss",
        .default_severity = Severity::Warning,
        .summary = "A compile-time constant changes value beyond tolerance in its destination type.",
        .what = R"doc(Reports compile-time constants whose value in the destination type differs
from the written value by more than the tolerance |cast(x) - x| ≤ atol + rtol × |x| of
DT106, constants flushed to zero included.)doc",
        .why = R"doc(Epsilons, learning rates and scale factors are written in decimal for a wide
type; in half, 1e-7 becomes 1.19e-7 (19% larger) and 1e-8 becomes 0, so an epsilon meant
to prevent a division by zero no longer does. Being a constant, the error affects every
run and no change of data fixes it.)doc",
        .example = R"doc(const _Float16 kEps = 1e-7;    // CX404: becomes 1.1920928955078125e-07
const _Float16 kTiny = 1e-8;   // CX404: becomes 0)doc",
        .fix = R"doc(Use a constant the destination represents within tolerance (float16's smallest
normal value is 2^-14 ≈ 6.10e-5), or keep the constant and the computation using it in
float.)doc",
        .options = R"doc(Configuration: per-target `rtol` and `atol` as for DT106; `severity`
changes this rule's level, `off` disables it. -p BUILD_DIR names the
compile_commands.json; `// dtlint: ignore[CX404]` on the line or the line above
suppresses one site.)doc",
    },
    {
        .code = "CX405",
        .name = "float-to-int-truncation",
        .default_severity = Severity::Warning,
        .summary = "Implicit floating to integer conversion.",
        .what = R"doc(Finds implicit conversions in C and C++ sources from a floating type to an
integer type.)doc",
        .why = R"doc(The conversion truncates toward zero (2.7 becomes 2, -2.7 becomes -2) and is
undefined behaviour when the truncated value does not fit or is NaN; x86 then gives
-2147483648 for int32. Written implicitly it is easily mistaken for rounding: 0.29 * 100
is 28.999999999999996 in double, and becomes 28.)doc",
        .example = R"doc(double rate = 0.29;
int percent = rate * 100;   // CX405: 28, not 29)doc",
        .fix = R"doc(Round explicitly (std::lround, std::floor, std::ceil) after checking the range,
or write static_cast<int>(x) where truncation is intended.)doc",
        .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX405]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "CX406",
        .name = "eigen-narrowing-cast",
        .default_severity = Severity::Warning,
        .summary = "Eigen .cast<T>() to a narrower scalar type.",
        .what = R"doc(Finds Eigen `.cast<T>()` calls whose scalar type T is narrower than the
expression's: double→float, float or double→Eigen::half or Eigen::bfloat16,
floating→integer.)doc",
        .why = R"doc(`.cast<T>()` converts a whole matrix or tensor at once, so one out-of-range
coefficient goes unnoticed among millions: above 65504 Eigen::half gives inf. Eigen
converts double to Eigen::half through float, rounding twice like tf.cast, so even
in-range results can differ by one unit in the last place from NumPy's astype.)doc",
        .example = R"doc(Eigen::MatrixXd w = load_weights();
auto h = w.cast<Eigen::half>();   // CX406: double→Eigen::half, via float
Eigen::MatrixXi i = w.cast<int>();   // CX406: double→int, truncates)doc",
        .fix = R"doc(Check the range first (w.cwiseAbs().maxCoeff() <= 65504), scale the values, or
cast to a wider scalar type; run dtlint on the data with --semantics tensorflow to see
the exact effect of the cast.)doc",
        .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX406]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    {
        .code = "CX407",
        .name = "tensorflow-cast-op",
        .default_severity = Severity::Note,
        .summary = "TensorFlow C++ cast to a narrower dtype (ops::Cast, DT_HALF, DT_BFLOAT16).",
        .what = R"doc(Notes TensorFlow C++ casts to a narrower dtype: ops::Cast nodes whose
destination is DT_HALF, DT_BFLOAT16 or another narrower DataType.)doc",
        .why = R"doc(A Cast node built in C++ runs inside the graph, where no reviewer sees the
values: it rounds float64 to float32 first and then to 16 bits, overflows to inf above
65504 in half and keeps 8 significant bits in bfloat16. The note marks each such place
so that the data reaching it can be checked with the array rules under --semantics
tensorflow.)doc",
        .example = R"doc(auto x16 = ops::Cast(scope, x, DT_HALF);        // CX407: cast to DT_HALF
auto xbf = ops::Cast(scope, x, DT_BFLOAT16);    // CX407: cast to DT_BFLOAT16)doc",
        .fix = R"doc(Check the range of the tensors that reach the cast (scan them with --semantics
tensorflow), keep numerically sensitive ops in float32, then suppress the note with
`// dtlint: ignore[CX407]` once reviewed.)doc",
        .options = R"doc(-p BUILD_DIR names the compile_commands.json used to parse the sources;
`// dtlint: ignore[CX407]` on the line or the line above suppresses one site.
Configuration: `severity` changes this rule's level, `off` disables it.)doc",
    },
    // ------------------------------------------------------------------ E9xx
    {
        .code = "E901",
        .name = "unreadable-input",
        .default_severity = Severity::Error,
        .summary = "An input cannot be read or parsed; the scan goes on with the others.",
        .what = R"doc(Reports an input that cannot be read or parsed - a truncated or malformed
.npy, .npz or .safetensors file, an unknown dtype, a zip bomb, out-of-bounds offsets, a
FIFO, device or symlink loop. The message names the file and the reason, and the scan
goes on with the other inputs.)doc",
        .why = R"doc(A file dtlint cannot read is a file whose casts were not checked, so a clean
report would mislead; the pipeline will fail on it too, or worse, misread it. Every
reader treats its input as hostile and checks declared sizes and offsets against the
file before allocating anything, so a corrupt or malicious file gives this finding, not
a crash.)doc",
        .example = R"doc($ python3 -c 'import numpy as np; np.save("data/bad.npy", np.zeros(1000))'
$ truncate -s 140 data/bad.npy      # 128-byte header + 12 of 8000 data bytes
$ dtlint scan data/

E901 names data/bad.npy with the reason "truncated: header declares 8000 data
bytes, 12 present"; the other files in data/ are still scanned, and the run exits
with 1.)doc",
        .fix = R"doc(Re-create or re-download the file (check its size and checksum), convert
unsupported formats, or move files that are not data out of the scanned paths. The
message says which check failed.)doc",
        .options = R"doc(None.)doc",
    },
}};

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";  // unreachable for valid enumerators
}

std::optional<Severity> severity_from_string(std::string_view text) {
  for (Severity severity : {Severity::Note, Severity::Warning, Severity::Error}) {
    if (text == to_string(severity)) return severity;
  }
  return std::nullopt;
}

std::span<const RuleDoc> rule_catalogue() {
  return kRules;
}

// Accepts a code ("DT101", "dt101") and, for `dtlint explain`, a name
// ("cast-overflow"); both case-insensitive.
const RuleDoc* find_rule(std::string_view code) {
  for (const RuleDoc& rule : kRules) {
    if (equals_ignoring_case(rule.code, code) || equals_ignoring_case(rule.name, code)) {
      return &rule;
    }
  }
  return nullptr;
}

}  // namespace dtlint
