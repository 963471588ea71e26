#!/usr/bin/python3
"""Golden fixtures for dtlint's cast simulation, written by the real peers.

Run it with Debian's interpreter (the one that has NumPy and PyTorch):

    /usr/bin/python3 tests/golden/generate.py

It deletes tests/golden/data/ and writes it again. Everything is seeded, so a
rerun with the same NumPy/PyTorch gives byte-identical files. The C++ tests
read only the files; they never need Python.

Output
------
data/<case>.npy          the source arrays (np.save; C or Fortran order,
                         little- or big-endian, 0-d, empty, longdouble '<f16').
data/results/<case>__<target>__<profile>.npy
                         per-element results as raw bits, little-endian:
                         uint16 for float16/bfloat16, uint32 for float32.
                         Same shape and memory order as the source, so the
                         i-th element in file order of the result belongs to
                         the i-th element in file order of the source.
data/expected.json       per case: dtype, shape, order, source_stats and, per
                         profile and target, the counts defined below.

Profiles
--------
numpy  targets float16 bfloat16 float32 float64 int8 int16 int32 int64 uint8
       uint16 uint32 uint64.
       float16/float32/float64 and int targets: y = x.astype(target) under
       np.errstate(all="ignore").  Complex sources: astype drops the
       imaginary part; the script checks that x.astype(t) == x.real.astype(t).
       bfloat16: NumPy has no bfloat16. The numpy profile means "rounded once,
       directly, round-to-nearest-even". It is obtained from the peers with the
       round-to-odd theorem (Boldo & Melquiond, "Emulation of FMA and correctly
       rounded sums: proved algorithms using rounding to odd", IEEE TC 2008):
       if a real x is first rounded to odd into a binary format with p' >= p+2
       bits of precision (same or wider exponent range) and that result is then
       rounded to nearest-even into p bits, the result equals rounding x to
       nearest-even into p bits directly. float32 (p'=24) and bfloat16 (p=8)
       satisfy this, and their subnormal grids are nested (2^-149 vs 2^-133).
       Round-to-odd into float32 is built from NumPy's correctly rounded
       float32 cast f = x.astype(float32): where f != x exactly (compared in
       np.longdouble, exact for every source) and f's last mantissa bit is 0,
       f becomes np.nextafter(f, toward x); where x is finite but f = +-inf,
       f becomes +-FLT_MAX (odd mantissa). NaN, inf and exact values stay.
       Then torch.from_numpy(f).to(torch.bfloat16) rounds float32 -> bfloat16
       to nearest-even. The script checks the result against an independent
       exact (fractions.Fraction) round-once reference and fails if they differ.
torch  targets float16 bfloat16 float32 float64: y = torch.from_numpy(x).to(t)
       (x.real for complex, native byte order first; uint16/uint32 sources go
       through int64, which is exact). Skipped (with "skipped": reason) for
       uint64 and longdouble sources, which torch 1.13 cannot hold.

Definitions (X = x, real part for complex, bool as 0/1, as np.longdouble -
exact for every source on x86-64; Y = result as np.longdouble, exact;
fin = isfinite(X); nz = X != 0)

source_stats  nan, pos_inf, neg_inf counts; zero = count(X == 0);
       non_integral = count(fin & (X != trunc(X)));
       finite_min, finite_max, abs_max over finite X, abs_min_nonzero over
       finite nonzero X; null when there is none. Integer and bool sources give
       exact JSON integers, float sources floats (longdouble rounded to float64).
float targets
       overflow = fin & isinf(Y)
       underflow_to_zero = fin & nz & (Y == 0)
       to_subnormal = isfinite(Y) & (Y != 0) & (|Y| < smallest normal of the
                      target: f16 2^-14, bf16 2^-126, f32 2^-126, f64 2^-1022)
       inexact = ~isnan(X) & (Y != X)
       integer_not_exact = fin & (X == trunc(X)) & (Y != X)
       imag_dropped = count(x.imag != 0) for complex sources (NaN counts), else 0
       out_of_range = nonfinite_to_int = truncated = sign_lost = 0
       ok = fin & isfinite(Y); E = |Y - X| (exact in longdouble)
       max_abs_error = max E over ok (0.0 if none)
       max_rel_error = max float64(E)/float64(|X|) over ok & nz (0.0 if none)
       tolerance_exceeded = ok & (E > rtol*|X|), atol = 0, rtol = 2^-11 (f16),
                      2^-8 (bf16), 2^-24 (f32), 2^-53 (f64)
       diverging_torch (numpy profile only, omitted when torch is skipped) =
                      elements whose numpy and torch results differ in bits,
                      any NaN being equal to any NaN.
int targets (numpy profile only). T = trunc(X); lo, hi = np.iinfo(target);
       inr = fin & (lo <= T <= hi)
       nonfinite_to_int = ~fin; out_of_range = fin & ~inr;
       truncated = inr & (T != X); sign_lost = fin & (T < 0) for unsigned
       targets else 0; inexact = ~isnan(X) & ~(inr & (T == X));
       max_abs_error = max |T - X| over inr; max_rel_error = max
       float64(|T-X|)/float64(|X|) over inr & nz; imag_dropped as above;
       overflow = underflow_to_zero = to_subnormal = integer_not_exact =
       tolerance_exceeded = 0. The script asserts x.astype(target) == T for
       every in-range element (out-of-range results are undefined in C).

single_rounding_check (per case, beside "profiles"): for every float target
and profile, the number of elements whose peer result differs in value from
an exact round-to-nearest-even-once reference (Fraction arithmetic), with the
first file-order indices. numpy/bfloat16 must be 0 (the script asserts it);
torch float64 -> float16/bfloat16 and int -> bfloat16 go through float32
(double rounding), and NumPy's longdouble -> float16 does too (see notes).
"""
import json
import struct
import os
import shutil
import subprocess
import sys
import warnings
from fractions import Fraction

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import gguf_write  # noqa: E402  (tests/gguf_write.py: GGUF by hand, from its specification)
import safetensors_write  # noqa: E402  (tests/safetensors_write.py: likewise)

DATA = os.path.join(HERE, "data")
RESULTS = os.path.join(DATA, "results")

L = np.longdouble
assert np.finfo(L).nmant == 63, "needs x86-64 80-bit long double"

FLOAT_TARGETS = ["float16", "bfloat16", "float32", "float64"]
INT_TARGETS = ["int8", "int16", "int32", "int64",
               "uint8", "uint16", "uint32", "uint64"]
NUMPY_TARGETS = FLOAT_TARGETS + INT_TARGETS
TORCH_TARGETS = FLOAT_TARGETS
RESULT_TARGETS = ["float16", "bfloat16", "float32"]

# (precision p including the implicit bit, emin, emax)
FORMAT = {"float16": (11, -14, 15), "bfloat16": (8, -126, 127),
          "float32": (24, -126, 127), "float64": (53, -1022, 1023)}
RTOL = {"float16": L(2) ** -11, "bfloat16": L(2) ** -8,
        "float32": L(2) ** -24, "float64": L(2) ** -53}
SMALLEST_NORMAL = {t: L(2) ** FORMAT[t][1] for t in FLOAT_TARGETS}
TORCH_DTYPE = {"float16": torch.float16, "bfloat16": torch.bfloat16,
               "float32": torch.float32, "float64": torch.float64}
BITS_DTYPE = {"float16": np.uint16, "bfloat16": np.uint16,
              "float32": np.uint32, "float64": np.uint64}

NAN, INF = float("nan"), float("inf")

NOTES = [
    "NumPy 1.24 longdouble -> float16 astype rounds through float32 (double "
    "rounding), e.g. 1 + 2**-11 + 2**-40 as longdouble gives 1.0 (0x3c00) "
    "while float64 -> float16 of the same value gives 1.0009765625 (0x3c01). "
    "longdouble -> float32 and -> float64 round once. The numpy-profile "
    "float16 results of ld_mixed are the peer's (double rounded); "
    "single_rounding_check lists the elements.",
    "torch 1.13 float64 -> float16/bfloat16 and int -> bfloat16 go through "
    "float32 (double rounding); the generator asserts that every torch "
    "float16/bfloat16 result equals torch(x.astype(float32)).to(target).",
    "torch bfloat16 conversion returns 0x7fc0 for every NaN (sign and payload "
    "dropped); the numpy-profile bfloat16 results come from torch too, so "
    "their NaNs are 0x7fc0. Compare NaN results as 'any NaN'.",
]


# ----------------------------------------------------------------- helpers

def f16_from_bits(b):
    return float(np.array([b], dtype=np.uint16).view(np.float16)[0])


def bf16_from_bits(b):
    return float(np.array([b << 16], dtype=np.uint32).view(np.float32)[0])


def bf16_bits_to_longdouble(bits):
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32).astype(L)


def midpoint_values(pairs_lo_bits, decode, succ, rel):
    """Exact midpoints m of adjacent target values, and m*(1 -+ rel)."""
    out = []
    for bits in pairs_lo_bits:
        a = Fraction(decode(bits))
        b = Fraction(succ(bits))
        m = (a + b) / 2
        for v in (m, m * (1 - rel), m * (1 + rel)):
            fv = float(v)
            assert Fraction(fv) == v, (bits, v)
            out.extend([fv, -fv])
    return out


def f16_succ(bits):
    return 65536.0 if bits == 0x7BFF else f16_from_bits(bits + 1)


def bf16_succ(bits):
    return 2.0 ** 128 if bits == 0x7F7F else bf16_from_bits(bits + 1)


F16_PAIR_LO = [0x0000, 0x0001, 0x0002, 0x03FF, 0x2E66, 0x3C00, 0x3C01,
               0x4000, 0x6800, 0x6801, 0x7BFE, 0x7BFF]
BF16_PAIR_LO = [0x0000, 0x0001, 0x007F, 0x0080, 0x3DCC, 0x3F80, 0x3F81,
                0x4780, 0x4B80, 0x4B81, 0x7F7E, 0x7F7F]

SPECIALS_F64 = [
    0.0, -0.0, NAN, INF, -INF, 65504.0, -65504.0, 65519.99, 65520.0, -65520.0,
    70000.0, -70000.0, 1e5, 3.4028234663852886e38, -3.4028234663852886e38,
    3.4028235677973366e38, 3.5e38, -3.5e38, 1e300, -1e300, 6.1e-5, 6e-8,
    2.98e-8, 2.9802322387695312e-08, -2.9802322387695312e-08, 5.96e-8, 1e-40,
    -1e-40, 1e-46, 1e-320, -1e-320, 16777217.0, 16842753.0, 2.0 ** 53, -5.0,
    2.5, -2.5, -0.5, 0.5, 255.7, -129.2, 3e9, -3e9, 1e19, 2.0 ** 63,
    1 + 2 ** -11 + 2 ** -40, -(1 + 2 ** -11 + 2 ** -40), 1234567.0,
    -1234567.0, 100.0, 65535.0, 2147483647.0, 2147483648.0, -2147483649.0,
    4294967296.0, 9007199254740993.0, 1.5, 127.5, -128.5, 0.1, 1.0, -1.0,
]


def log_uniform(rng, n, lo_exp, hi_exp):
    mag = 10.0 ** rng.uniform(lo_exp, hi_exp, n)
    sign = np.where(rng.integers(0, 2, n) == 1, -1.0, 1.0)
    return mag * sign


def int_boundaries(dtype):
    """Boundary values of every integer target that fit in dtype."""
    info = np.iinfo(dtype)
    vals = [0, 1, -1, 2, 127, 2049, 65519, 65520, 65521, 70000, -70000,
            2 ** 24 + 1, 2 ** 24 + 3, 16842753, 2 ** 53 + 1,
            2 ** 63 + 2 ** 39 + 1, 2 ** 64 - 2 ** 39]
    for t in INT_TARGETS:
        ti = np.iinfo(t)
        vals += [ti.min, ti.max, ti.min - 1, ti.max + 1]
    out = []
    for v in vals:
        if info.min <= v <= info.max and v not in out:
            out.append(v)
    return out


def int_case(rng, dtype, n=300):
    info = np.iinfo(dtype)
    b = int_boundaries(dtype)
    k = n - len(b)
    small = rng.integers(max(info.min, -1000), min(info.max, 1000),
                         k // 2, dtype=dtype, endpoint=True)
    big = rng.integers(info.min, info.max, k - k // 2, dtype=dtype,
                       endpoint=True)
    x = np.concatenate([np.array(b, dtype=dtype), small, big])
    return x


# ------------------------------------------------------------------- cases

def build_cases():
    cases = []

    def add(name, arr):
        cases.append((name, arr))

    # f64_mixed
    rng = np.random.default_rng(1001)
    mids = (midpoint_values(F16_PAIR_LO, f16_from_bits, f16_succ,
                            Fraction(1, 2 ** 40))
            + midpoint_values(BF16_PAIR_LO, bf16_from_bits, bf16_succ,
                              Fraction(1, 2 ** 40)))
    fixed = SPECIALS_F64 + mids
    rand = log_uniform(rng, 1200 - len(fixed), -12, 7)
    add("f64_mixed", np.array(fixed + list(rand), dtype=np.float64))

    # f64_fortran
    rng = np.random.default_rng(1002)
    a = rng.normal(size=(7, 9)) * 1e3
    a[0, 3] = 1e5
    a[4, 1] = -1e5
    a[6, 8] = 1e5
    a[2, 2] = NAN
    a[5, 7] = NAN
    add("f64_fortran", np.asfortranarray(a))

    # f64_bigendian
    rng = np.random.default_rng(1003)
    fixed = [0.0, -0.0, NAN, INF, -INF, 65520.0, 1e39, -1e39, 1e-46, 1e-320,
             2.0 ** -25, 16842753.0]
    rand = log_uniform(rng, 200 - len(fixed), -50, 50)
    add("f64_bigendian", np.array(fixed + list(rand), dtype=">f8"))

    # f32_mixed
    rng = np.random.default_rng(1004)
    with np.errstate(all="ignore"):
        spec32 = [float(np.float32(v)) for v in SPECIALS_F64]
    f32max = float(np.finfo(np.float32).max)
    extra = [f32max, -f32max, 2.0 ** -149, -2.0 ** -149, 2.0 ** -126,
             2.0 ** -126 - 2.0 ** -149, 16777218.0, 16842752.0, 16842754.0,
             16908288.0, 2.0 ** 24, 2.0 ** 31, 2.0 ** 63, 2.0 ** 64]
    # exact midpoints (ties) of adjacent float16 / bfloat16 values and their
    # float32 neighbours on both sides
    mids = []
    for m in (midpoint_values(F16_PAIR_LO, f16_from_bits, f16_succ, 0)[::6]
              + midpoint_values(BF16_PAIR_LO[:-1], bf16_from_bits, bf16_succ,
                                0)[::6]):
        m32 = np.float32(m)
        assert float(m32) == m
        for s in (1, -1):
            mids += [s * m, s * float(np.nextafter(m32, np.float32(np.inf))),
                     s * float(np.nextafter(m32, np.float32(-np.inf)))]
    # the bf16 overflow midpoint (2 - 2^-8) * 2^127 and its float32 neighbours
    bm = np.float32((2 - 2.0 ** -8) * 2.0 ** 127)
    extra += [float(bm), float(np.nextafter(bm, np.float32(0))),
              float(np.nextafter(bm, np.float32(np.inf)))]
    fixed = spec32 + extra + mids
    for v in fixed:
        assert v != v or abs(v) == INF or float(np.float32(v)) == v, v
    rand = log_uniform(rng, 1000 - len(fixed), -12, 7)
    add("f32_mixed", np.array(fixed + list(rand), dtype=np.float32))

    # f16_sample
    rng = np.random.default_rng(1005)
    special_bits = [0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01,
                    0x7FFF, 0x0001, 0x8001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF,
                    0x3C00, 0x3C01, 0xBC00]
    bits = rng.integers(0, 65536, 1500 - len(special_bits), dtype=np.uint16)
    bits = np.concatenate([np.array(special_bits, dtype=np.uint16), bits])
    add("f16_sample", bits.view(np.float16))

    # i64_ids
    rng = np.random.default_rng(1006)
    fixed = [0, 1, 2 ** 24 + 1, 2 ** 24 + 3, 16842753, 2 ** 31, -2 ** 31 - 1,
             2 ** 53 + 1, 2 ** 63 - 1, -2 ** 63, 65519, 65520, -70000,
             2 ** 24, 2 ** 53, 2 ** 62 + 1, -(2 ** 53 + 1), 123456789]
    ids = rng.integers(0, 100000, 500, dtype=np.int64)
    big = rng.integers(-2 ** 63, 2 ** 63 - 1, 600 - len(fixed) - 500,
                       dtype=np.int64, endpoint=True)
    add("i64_ids", np.concatenate([np.array(fixed, dtype=np.int64), ids, big]))

    # integer and bool cases
    seed = 1100
    for name, dt in [("i32_mixed", "<i4"), ("i32_bigendian", ">i4"),
                     ("i16_mixed", np.int16), ("i8_mixed", np.int8),
                     ("u8_mixed", np.uint8), ("u16_mixed", np.uint16),
                     ("u32_mixed", np.uint32), ("u64_mixed", np.uint64)]:
        seed += 1
        rng = np.random.default_rng(seed)
        base = np.dtype(dt).newbyteorder("=")
        add(name, int_case(rng, base).astype(dt))
    rng = np.random.default_rng(1200)
    add("bool_mixed", rng.integers(0, 2, 300).astype(bool))

    # complex
    rng = np.random.default_rng(1300)
    real = np.array(SPECIALS_F64 + list(log_uniform(rng, 300 - len(SPECIALS_F64), -12, 7)))
    imag = np.where(np.arange(300) % 2 == 0, 0.0, log_uniform(rng, 300, -3, 3))
    imag[1] = NAN
    imag[3] = -0.0
    c = np.empty(300, dtype=np.complex128)
    c.real = real
    c.imag = imag
    add("c128_mixed", c)
    with np.errstate(all="ignore"):
        c64 = np.empty(300, dtype=np.complex64)
        c64.real = real.astype(np.float32)
        c64.imag = imag.astype(np.float32)
    add("c64_mixed", c64)

    # longdouble
    rng = np.random.default_rng(1400)
    two = L(2)
    ld = [L(1) + two ** -11 + two ** -60, L(1) + two ** -11 - two ** -60,
          L(1) + two ** -11 + two ** -40, L(1) + two ** -24 + two ** -60,
          L(1) + two ** -24 - two ** -60, L(1) + two ** -53 + two ** -60,
          L(1) + two ** -53, L(1) + two ** -53 - two ** -62,
          two ** -25 * (1 + two ** -60), two ** -150 * (1 + two ** -60),
          L(65520) * (1 - two ** -60), L(16842752) + two ** -20,
          *np.array([2 ** 64 - 1, 2 ** 63 + 1], dtype=np.uint64).astype(L),
          -L(2.0 ** 63), L(0.0), -L(0.0),
          L(NAN), L(INF), -L(INF), L(1e39), L(1e-46), L(2.5), L(-2.5),
          L(255.7), L(-129.2)]
    for bits in F16_PAIR_LO[3:10]:
        m = (L(f16_from_bits(bits)) + L(f16_succ(bits))) / 2
        ld += [m * (1 + two ** -60), m * (1 - two ** -60)]
    for bits in BF16_PAIR_LO[3:10]:
        m = (L(bf16_from_bits(bits)) + L(bf16_succ(bits))) / 2
        ld += [m * (1 + two ** -60), m * (1 - two ** -60)]
    n = 200 - len(ld)
    base = log_uniform(rng, n, -8, 8).astype(L)
    jitter = rng.integers(1, 2 ** 11, n).astype(L) * two ** -63
    arr = np.array(ld, dtype=L)
    add("ld_mixed", np.concatenate([arr, base * (1 + jitter)]))

    add("f64_scalar", np.array(70000.0))
    add("f64_empty", np.zeros((0, 3), dtype=np.float64))
    return cases


# ----------------------------------------------------------- computations

def is_fortran(x):
    return x.ndim > 1 and x.flags.f_contiguous and not x.flags.c_contiguous


def file_order(x):
    return "F" if is_fortran(x) else "C"


def flat(x, like=None):
    """1-D copy in the file order of `like` (default x itself)."""
    return np.ravel(x, order=file_order(x if like is None else like))


def np_astype(x, dt):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x.astype(dt)


def bits_of(y, target):
    """Result array (numpy dtype, or uint16 bits for bfloat16) -> bits."""
    if target == "bfloat16":
        return y.astype(np.uint16)
    return y.view(BITS_DTYPE[target])


def to_ld(y, target):
    if target == "bfloat16":
        return bf16_bits_to_longdouble(y)
    return y.astype(L)


def nan_equal_bits(a_bits, a_ld, b_bits, b_ld):
    both_nan = np.isnan(a_ld) & np.isnan(b_ld)
    return (a_bits == b_bits) | both_nan


def numpy_bf16(xs):
    """numpy-profile bfloat16 via round-to-odd into float32 (see docstring)."""
    X = xs.astype(L) if xs.dtype != np.bool_ else xs.astype(np.int8).astype(L)
    f = np_astype(xs, np.float32).copy()
    F = f.astype(L)
    with np.errstate(all="ignore"):
        inexact = ~np.isnan(X) & (F != X)
        ovf = np.isfinite(X) & np.isinf(F)
    f[ovf] = np.copysign(np.float32(np.finfo(np.float32).max), f[ovf])
    even = (f.view(np.uint32) & np.uint32(1)) == 0
    fix = inexact & ~ovf & even
    toward = np.where(X[fix] > F[fix], np.float32(np.inf), np.float32(-np.inf))
    f[fix] = np.nextafter(f[fix], toward.astype(np.float32))
    t = torch.from_numpy(f).to(torch.bfloat16)
    return t.view(torch.int16).numpy().view(np.uint16).copy()


def torch_input(xs):
    """native-byte-order array torch can hold, same values."""
    a = xs.astype(xs.dtype.newbyteorder("="))
    if a.dtype in (np.uint16, np.uint32):
        a = a.astype(np.int64)
    return a


def torch_result(xs_native, target):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.from_numpy(np.ascontiguousarray(xs_native)).to(TORCH_DTYPE[target])
    if target == "bfloat16":
        return t.view(torch.int16).numpy().view(np.uint16).copy()
    return t.numpy().copy()


def round_once(q, target):
    """Exact round-to-nearest-even of Fraction q into target; float inf on overflow."""
    p, emin, emax = FORMAT[target]
    if q == 0:
        return Fraction(0)
    s = -1 if q < 0 else 1
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    assert Fraction(2) ** e <= a < Fraction(2) ** (e + 1)
    e = max(e, emin)
    quantum = Fraction(2) ** (e - p + 1)
    r = round(a / quantum) * quantum  # round() on Fraction: half to even
    max_finite = (2 - Fraction(2) ** (1 - p)) * Fraction(2) ** emax
    if r > max_finite:
        return s * INF
    return s * r


def ld_fraction(v):
    return Fraction(*v.as_integer_ratio())


def single_rounding_check(X, Y, target):
    """indices where Y differs in value from the exact round-once result."""
    bad = []
    for i in range(X.size):
        xv, yv = X[i], Y[i]
        if np.isnan(xv):
            ok = bool(np.isnan(yv))
        elif np.isinf(xv):
            ok = yv == xv
        else:
            ref = round_once(ld_fraction(xv), target)
            if isinstance(ref, float):
                ok = bool(np.isinf(yv)) and (yv > 0) == (ref > 0)
            else:
                ok = bool(np.isfinite(yv)) and ld_fraction(yv) == ref
        if ok and not np.isnan(xv):
            # the sign of a float result is the sign of the source, zeros too
            assert np.signbit(yv) == np.signbit(xv), (i, xv, yv, target)
        if not ok:
            bad.append(i)
    return bad


def zero_counts():
    return {k: 0 for k in ("overflow", "underflow_to_zero", "to_subnormal",
                           "inexact", "out_of_range", "nonfinite_to_int",
                           "truncated", "sign_lost", "imag_dropped",
                           "integer_not_exact", "tolerance_exceeded")}


def max_rel_error(E, X, mask):
    """max |cast(x) - x| / |x| over mask, divided in float64 as a NumPy user would."""
    if not mask.any():
        return 0.0
    return float((E[mask].astype(np.float64) / np.abs(X[mask]).astype(np.float64)).max())


def float_counts(X, Y, target, imag_dropped):
    c = zero_counts()
    with np.errstate(all="ignore"):
        fin = np.isfinite(X)
        nz = X != 0
        c["overflow"] = int(np.sum(fin & np.isinf(Y)))
        c["underflow_to_zero"] = int(np.sum(fin & nz & (Y == 0)))
        c["to_subnormal"] = int(np.sum(np.isfinite(Y) & (Y != 0) &
                                       (np.abs(Y) < SMALLEST_NORMAL[target])))
        c["inexact"] = int(np.sum(~np.isnan(X) & (Y != X)))
        c["integer_not_exact"] = int(np.sum(fin & (X == np.trunc(X)) & (Y != X)))
        c["imag_dropped"] = imag_dropped
        ok = fin & np.isfinite(Y)
        E = np.where(ok, np.abs(Y - X), L(0))
        c["max_abs_error"] = float(np.float64(E[ok].max())) if ok.any() else 0.0
        c["max_rel_error"] = max_rel_error(E, X, ok & nz)
        c["tolerance_exceeded"] = int(np.sum(ok & (E > RTOL[target] * np.abs(X))))
    return c


def int_counts(X, target, y_peer, imag_dropped):
    c = zero_counts()
    info = np.iinfo(target)
    lo, hi = L(info.min), L(info.max)
    assert int(lo) == info.min and int(hi) == info.max
    with np.errstate(all="ignore"):
        fin = np.isfinite(X)
        nz = X != 0
        T = np.trunc(X)
        inr = fin & (T >= lo) & (T <= hi)
        c["nonfinite_to_int"] = int(np.sum(~fin))
        c["out_of_range"] = int(np.sum(fin & ~inr))
        c["truncated"] = int(np.sum(inr & (T != X)))
        c["sign_lost"] = int(np.sum(fin & (T < 0))) if info.min == 0 else 0
        c["inexact"] = int(np.sum(~np.isnan(X) & ~(inr & (T == X))))
        c["imag_dropped"] = imag_dropped
        E = np.where(inr, np.abs(T - X), L(0))
        c["max_abs_error"] = float(np.float64(E[inr].max())) if inr.any() else 0.0
        c["max_rel_error"] = max_rel_error(E, X, inr & nz)
        # the definition must match the peer on every in-range element
        peer = y_peer.astype(L)
        mism = inr & (peer != T)
        if mism.any():
            i = int(np.argmax(mism))
            raise AssertionError("astype(%s) disagrees with trunc at %d: x=%r astype=%r T=%r"
                                 % (target, i, X[i], y_peer[i], T[i]))
    return c


def source_stats(xs, X):
    s = {}
    with np.errstate(all="ignore"):
        s["nan"] = int(np.sum(np.isnan(X)))
        s["pos_inf"] = int(np.sum(np.isposinf(X)))
        s["neg_inf"] = int(np.sum(np.isneginf(X)))
        s["zero"] = int(np.sum(X == 0))
        s["non_integral"] = int(np.sum(np.isfinite(X) & (X != np.trunc(X))))
    if xs.dtype.kind in "biu":
        vals = [int(v) for v in xs.tolist()]
        nzv = [abs(v) for v in vals if v != 0]
        s["finite_min"] = min(vals) if vals else None
        s["finite_max"] = max(vals) if vals else None
        s["abs_max"] = max(abs(v) for v in vals) if vals else None
        s["abs_min_nonzero"] = min(nzv) if nzv else None
    else:
        fv = X[np.isfinite(X)]
        nzv = np.abs(fv[fv != 0])
        f = lambda v: float(np.float64(v))
        s["finite_min"] = f(fv.min()) if fv.size else None
        s["finite_max"] = f(fv.max()) if fv.size else None
        s["abs_max"] = f(np.abs(fv).max()) if fv.size else None
        s["abs_min_nonzero"] = f(nzv.min()) if nzv.size else None
    return s


def save_result(bits_flat, x, case, target, profile):
    dt = "<u2" if target in ("float16", "bfloat16") else "<u4"
    r = bits_flat.astype(dt).reshape(x.shape, order=file_order(x))
    if is_fortran(x):
        r = np.asfortranarray(r)
    name = "%s__%s__%s.npy" % (case, target, profile)
    np.save(os.path.join(RESULTS, name), r, allow_pickle=False)


def process(case, x):
    np.save(os.path.join(DATA, case + ".npy"), x, allow_pickle=False)
    # the file must read back as the same array and layout
    back = np.load(os.path.join(DATA, case + ".npy"))
    assert back.dtype == x.dtype and back.shape == x.shape
    assert is_fortran(back) == is_fortran(x)

    complex_src = x.dtype.kind == "c"
    xf = flat(x)                       # file order, 1-D
    xs = xf.real.copy() if complex_src else xf
    imag_dropped = int(np.sum(xf.imag != 0)) if complex_src else 0
    X = xs.astype(np.int8).astype(L) if xs.dtype == np.bool_ else xs.astype(L)
    if xs.dtype.kind in "iu":
        assert all(int(a) == b for a, b in zip(X, xs.tolist())), "longdouble not exact"

    entry = {"name": case, "file": case + ".npy", "dtype": x.dtype.name,
             "descr": x.dtype.str, "shape": list(x.shape),
             "order": file_order(x), "elements": int(x.size),
             "source_stats": source_stats(xs, X), "profiles": {},
             "single_rounding_check": {}}

    # ---- numpy profile
    np_res = {}
    prof = {}
    for t in NUMPY_TARGETS:
        if t == "bfloat16":
            y = numpy_bf16(xs)
        else:
            y = np_astype(xf, t)      # the peer on the actual source
            if complex_src:
                yr = np_astype(xs, t)
                if t in FLOAT_TARGETS:
                    assert nan_equal_bits(bits_of(y, t), y.astype(L),
                                          bits_of(yr, t), yr.astype(L)).all()
                y = yr
        np_res[t] = y
        if t in FLOAT_TARGETS:
            prof[t] = float_counts(X, to_ld(y, t), t, imag_dropped)
        else:
            prof[t] = int_counts(X, t, y, imag_dropped)
        # the whole-array astype (original shape/order/endianness) must agree
        if t != "bfloat16":
            yw = flat(np_astype(x, t), x)
            if t in FLOAT_TARGETS:
                assert nan_equal_bits(bits_of(yw, t), yw.astype(L),
                                      bits_of(y, t), y.astype(L)).all()
    entry["profiles"]["numpy"] = prof

    # ---- torch profile
    skip = None
    if xs.dtype.newbyteorder("=") == np.uint64:
        skip = "torch 1.13 has no uint64 tensor"
    elif xs.dtype.newbyteorder("=") == L:
        skip = "torch 1.13 has no float128/longdouble tensor"
    torch_res = {}
    if skip:
        entry["profiles"]["torch"] = {"skipped": skip}
    else:
        tin = torch_input(xs)
        tprof = {}
        for t in TORCH_TARGETS:
            y = torch_result(tin, t)
            # shape/stride/complex independence: the whole array must agree
            whole = torch_input(x)
            if complex_src:
                yc = torch_result(whole, t)
                assert nan_equal_bits(bits_of(flat(yc, x), t), to_ld(flat(yc, x), t),
                                      bits_of(y, t), to_ld(y, t)).all(), (case, t)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tw = torch.from_numpy(whole).to(TORCH_DTYPE[t])
            if t == "bfloat16":
                tw = tw.view(torch.int16)
            yw = flat(np.asarray(tw.numpy()), x)
            if t == "bfloat16":
                yw = yw.view(np.uint16)
            assert nan_equal_bits(bits_of(yw, t), to_ld(yw, t),
                                  bits_of(y, t), to_ld(y, t)).all(), (case, t)
            if t in ("float16", "bfloat16"):
                # documented peer behaviour: torch rounds through float32
                v = torch_result(np_astype(xs, np.float32), t)
                assert nan_equal_bits(bits_of(v, t), to_ld(v, t),
                                      bits_of(y, t), to_ld(y, t)).all(), (case, t)
            torch_res[t] = y
            tprof[t] = float_counts(X, to_ld(y, t), t, imag_dropped)
        entry["profiles"]["torch"] = tprof
        for t in FLOAT_TARGETS:
            a, b = np_res[t], torch_res[t]
            eq = nan_equal_bits(bits_of(a, t), to_ld(a, t), bits_of(b, t), to_ld(b, t))
            prof[t]["diverging_torch"] = int(np.sum(~eq))

    # ---- independent round-once reference
    chk = {}
    for pname, res in (("numpy", np_res), ("torch", torch_res)):
        if not res:
            continue
        chk[pname] = {}
        for t in FLOAT_TARGETS:
            bad = single_rounding_check(X, to_ld(res[t], t), t)
            chk[pname][t] = {"count": len(bad), "first_indices": bad[:20]}
    entry["single_rounding_check"] = chk
    assert chk["numpy"]["bfloat16"]["count"] == 0, (case, chk["numpy"]["bfloat16"])
    for t in ("float32", "float64"):
        assert chk["numpy"][t]["count"] == 0, (case, t, chk["numpy"][t])

    # ---- per-element result files
    for t in RESULT_TARGETS:
        save_result(bits_of(np_res[t], t), x, case, t, "numpy")
        if torch_res:
            save_result(bits_of(torch_res[t], t), x, case, t, "torch")
    return entry


# Containers: the same arrays inside the formats that hold several. Their
# expected counts are the cases' own (the values are the same), keyed by member.
CONTAINERS = os.path.join(DATA, "containers")
NPZ_CASES = ["f64_mixed", "f64_fortran", "f64_bigendian", "f32_mixed", "f16_sample", "i64_ids",
             "u8_mixed", "bool_mixed", "c64_mixed", "f64_scalar", "f64_empty"]


def write_containers(cases):
    os.makedirs(CONTAINERS)
    arrays = dict(cases)
    members = {name: arrays[name] for name in NPZ_CASES}
    np.savez(os.path.join(CONTAINERS, "cases.npz"), **members)
    np.savez_compressed(os.path.join(CONTAINERS, "cases_compressed.npz"), **members)
    tensors = {name: x for name, x in cases if x.dtype.name in safetensors_write.DTYPES}
    safetensors_write.write(os.path.join(CONTAINERS, "cases.safetensors"), tensors)
    # GGUF: every case of a plain GGML type, and one block-quantized (Q8_0)
    # tensor, which the reader skips; the same cases once more big-endian, at a
    # wider alignment.
    plain = [(name, x) for name, x in cases if x.dtype.name in gguf_write.GGML_TYPES]
    q8_block = struct.pack("<e", 0.5) + bytes(range(32))
    records = [gguf_write.array_tensor(name, x) for name, x in plain]
    records.append(("blk.0.q8", gguf_write.GGML_Q8_0, [32], q8_block))
    metadata = [("general.architecture", gguf_write.STRING, "dtlint-golden"),
                ("tokenizer.ggml.tokens", gguf_write.ARRAY, (gguf_write.STRING, ["<s>", "</s>", "a"]))]
    with open(os.path.join(CONTAINERS, "cases.gguf"), "wb") as fh:
        fh.write(gguf_write.gguf_bytes(records, metadata))
    records = [gguf_write.array_tensor(name, x, big_endian=True) for name, x in plain[:6]]
    metadata = [("general.alignment", gguf_write.UINT32, 64)]
    with open(os.path.join(CONTAINERS, "cases_bigendian.gguf"), "wb") as fh:
        fh.write(gguf_write.gguf_bytes(records, metadata, big_endian=True, alignment=64))


def main():
    if os.path.isdir(DATA):
        shutil.rmtree(DATA)
    os.makedirs(RESULTS)
    torch.set_num_threads(1)
    np.seterr(all="ignore")  # NaN/sNaN/overflow casts are data, not warnings
    cases = build_cases()
    entries = [process(name, x) for name, x in cases]
    write_containers(cases)
    doc = {"generator": "tests/golden/generate.py", "numpy": np.__version__,
           "torch": torch.__version__, "notes": NOTES, "cases": entries}
    with open(os.path.join(DATA, "expected.json"), "w") as fh:
        json.dump(doc, fh, indent=2, sort_keys=True, allow_nan=False)
        fh.write("\n")

    # ---- summary
    cols = ["overflow", "underflow_to_zero", "to_subnormal", "inexact",
            "integer_not_exact", "tolerance_exceeded", "diverging_torch"]
    print("%-14s %-8s %-9s" % ("case", "profile", "target")
          + "".join("%8s" % c[:8] for c in cols) + "  single-rounding-diffs")
    for e in entries:
        for pname, prof in e["profiles"].items():
            if "skipped" in prof:
                print("%-14s %-8s skipped: %s" % (e["name"], pname, prof["skipped"]))
                continue
            for t in FLOAT_TARGETS[:3]:
                c = prof[t]
                srd = e["single_rounding_check"][pname][t]["count"]
                print("%-14s %-8s %-9s" % (e["name"], pname, t)
                      + "".join("%8s" % c.get(k, "-") for k in cols)
                      + "  %d" % srd)
        p = e["profiles"]["numpy"]["int32"]
        print("%-14s %-8s %-9s nonfinite=%d out_of_range=%d truncated=%d inexact=%d"
              % (e["name"], "numpy", "int32", p["nonfinite_to_int"],
                 p["out_of_range"], p["truncated"], p["inexact"]))
    total = 0
    nfiles = 0
    for root, _, files in os.walk(DATA):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
            nfiles += 1
    print("\n%d files, %.1f KB of data (apparent size)" % (nfiles, total / 1024))
    sys.stdout.flush()
    subprocess.call(["du", "-sh", DATA])


if __name__ == "__main__":
    main()
