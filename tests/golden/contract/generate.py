#!/usr/bin/python3
"""Cases for two parts of DESIGN §7's contract, with the expected numbers from NumPy.

Run it with Debian's interpreter (the one that has NumPy):

    /usr/bin/python3 tests/golden/contract/generate.py

It writes tests/golden/contract/expected.json (seeded: a rerun gives the same file).
The C++ test (tests/cast_stats_test.cpp, CastStatsContract) builds each array from
its element bit patterns and needs no Python.

1. Exact relative errors. max_rel_error = max |cast(x) - x| / |x|, rounded once
   to float64. For 64-bit integers above 2^53, |x| is not a float64: dividing
   by float64(|x|) (what an `np.abs(y - x) / np.abs(x)` on float64 arrays
   gives) can be one ulp off, e.g. 2^53+1 -> float64; for long doubles,
   rounding their quotient (np.float64(E / x) in np.longdouble) to float64
   rounds twice. Here y = x.astype(target) by NumPy, E = |y - x| in Python's
   exact Fractions and the quotient E / |x| is rounded by float() (correctly
   rounded). The long double values are found by a seeded search for ones
   where the two roundings differ.

2. Subnormal results of lossless casts. Where every source value is a target
   value (identity casts, float16 -> float32, bfloat16 -> float32,
   float8_e5m2 -> float16), the result is the source value, and to_subnormal
   counts the nonzero results below the target's smallest normal, as for every
   other cast. bfloat16 and float8 values are decoded with NumPy from their
   bits (a bfloat16 is the top half of a float32, a float8_e5m2 the top byte of
   a float16, a float8_e4m3fn by its definition).

Every case lists its elements as the hexadecimal bit patterns of the element's
width (stored little-endian), separated by spaces, and, per target: to_subnormal (count, first index and
its value), inexact, max_abs_error and max_rel_error.
"""
import json
import os
from fractions import Fraction

import numpy as np

L = np.longdouble
assert np.finfo(L).nmant == 63, "needs x86-64 80-bit long double"

HERE = os.path.dirname(os.path.abspath(__file__))
SMALLEST_NORMAL = {"float16": 2.0 ** -14, "bfloat16": 2.0 ** -126, "float32": 2.0 ** -126,
                   "float64": 2.0 ** -1022}
BITS = {"float16": np.uint16, "float32": np.uint32, "float64": np.uint64, "int64": np.uint64,
        "uint64": np.uint64, "longdouble": np.uint8, "bfloat16": np.uint16, "float8_e5m2": np.uint8,
        "float8_e4m3fn": np.uint8}


def e4m3fn_values(bits):
    """float8_e4m3fn: 1 sign, 4 exponent (bias 7), 3 fraction bits; no inf, S.1111.111 is NaN."""
    b = bits.astype(np.int64)
    sign = np.where(b & 0x80, -1.0, 1.0)
    e, m = (b >> 3) & 0xF, b & 0x7
    mag = np.where(e == 0, m * 2.0 ** -9, (1 + m / 8.0) * np.exp2(e - 7.0))
    mag = np.where((b & 0x7F) == 0x7F, np.nan, mag)
    return sign * mag


def source_values(dtype, bits):
    """The exact source values, as float64 (every float source here is exact in it)."""
    if dtype == "bfloat16":
        return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32).astype(np.float64)
    if dtype == "float8_e5m2":
        return (bits.astype(np.uint16) << np.uint16(8)).view(np.float16).astype(np.float64)
    if dtype == "float8_e4m3fn":
        return e4m3fn_values(bits)
    return bits.view(np.dtype(dtype)).astype(np.float64)


def float_cast(dtype, bits, target):
    """Per-target statistics of a float source, lossless by construction (checked)."""
    x = source_values(dtype, bits)
    y = x.astype(target).astype(np.float64)
    same = (y == x) | (np.isnan(x) & np.isnan(y))
    assert same.all(), (dtype, target, "not lossless")
    sub = np.isfinite(y) & (y != 0) & (np.abs(y) < SMALLEST_NORMAL[target])
    first = int(np.argmax(sub)) if sub.any() else None
    return {"target": target, "to_subnormal": int(sub.sum()),
            "to_subnormal_first_index": first,
            "to_subnormal_first_value": float(x[first]) if first is not None else None,
            "inexact": 0, "max_abs_error": 0.0, "max_rel_error": 0.0}


def exact_value(v):
    return Fraction(*v.as_integer_ratio()) if isinstance(v, np.longdouble) else Fraction(int(v))


def exact_cast(dtype, bits, target):
    """Per-target statistics of a 64-bit integer or long double source, errors exact."""
    x = bits.view(np.dtype(dtype))
    with np.errstate(all="ignore"):
        y = x.astype(target)
    exact = [exact_value(v) for v in x]
    results = [Fraction(float(v)) for v in y.astype(np.float64).tolist()]
    errors = [abs(r - v) for r, v in zip(results, exact)]
    finite = np.isfinite(y)
    rel = [float(e / abs(v)) for e, v, f in zip(errors, exact, finite) if f and v != 0 and e != 0]
    # What a naive division gives (by float64(|x|); for long doubles, the long double
    # quotient rounded to float64): the test must be able to tell the two apart.
    if dtype == "longdouble":
        naive = [float(np.float64(abs(L(r) - v) / abs(v))) for r, v, f in zip(y, x, finite)
                 if f and v != 0 and r != v]
    else:
        naive = [float(e) / float(abs(v)) for e, v, f in zip(errors, exact, finite)
                 if f and v != 0 and e != 0]
    return {"target": target, "to_subnormal": 0, "to_subnormal_first_index": None,
            "to_subnormal_first_value": None,
            "inexact": int(sum(1 for e in errors if e != 0)),
            "max_abs_error": float(max((e for e, f in zip(errors, finite) if f), default=0)),
            "max_rel_error": max(rel, default=0.0),
            "max_rel_error_naive": max(naive, default=0.0)}


def case(name, dtype, bits, targets):
    bits = np.asarray(bits, dtype=BITS[dtype])
    cast = exact_cast if dtype in ("int64", "uint64", "longdouble") else float_cast
    size = np.dtype(dtype).itemsize if dtype == "longdouble" else bits.itemsize
    raw = bits.tobytes()  # little-endian on x86-64, as stored
    words = [int.from_bytes(raw[i:i + size], "little") for i in range(0, len(raw), size)]
    return {"name": name, "dtype": dtype, "bits": " ".join("%x" % w for w in words),
            "casts": [cast(dtype, bits, t) for t in targets]}


def random_floats(rng, dtype, n, first_subnormal, subnormal_every):
    """n values of dtype: ordinary ones, with a subnormal every `subnormal_every`
    elements from `first_subnormal` on, a zero, NaN and inf."""
    ftype = np.dtype(dtype)
    x = (rng.standard_normal(n) * 100).astype(ftype)
    tiny = np.finfo(ftype).smallest_subnormal
    for i in range(first_subnormal, n, subnormal_every):
        x[i] = tiny * rng.integers(1, 1000) * (1 if i % 2 else -1)
    x[3], x[5], x[7] = 0, np.nan, np.inf
    return x.view(BITS[dtype])


def main():
    rng = np.random.default_rng(2026)
    cases = []

    # 1. 64-bit integers above 2^53 (the blocked kernels hand their blocks to the reference).
    cases.append(case("int64_2p53_plus_1", "int64", np.array([2 ** 53 + 1], dtype=np.int64).view(np.uint64),
                      ["float64", "float32"]))
    big = [2 ** 53 + 1, 2 ** 53 + 3, -(2 ** 53 + 1), 2 ** 62 + 1, -(2 ** 62 + 2 ** 10 + 1), 2 ** 63 - 1,
           -2 ** 63, 123456789012345677]
    ids = list(rng.integers(0, 10 ** 6, 530 - len(big)))
    values = np.array(ids[:520] + big + ids[520:], dtype=np.int64)  # the big ones in the second block
    cases.append(case("int64_ids_and_big", "int64", values.view(np.uint64), ["float64", "float32"]))
    ubig = np.array([2 ** 64 - 1, 2 ** 63 + 2 ** 10 + 1, 2 ** 53 + 1, 2 ** 60 + 3, 7, 0], dtype=np.uint64)
    cases.append(case("uint64_big", "uint64", ubig, ["float64", "float32"]))

    # Long doubles in [1, 2) whose relative error in float64 the long double quotient rounds wrongly.
    found = []
    while len(found) < 3:
        x = L(int(rng.integers(2 ** 63, 2 ** 64, dtype=np.uint64))) * L(2) ** -63
        e = abs(L(x.astype(np.float64)) - x)
        if e != 0 and float(exact_value(e) / exact_value(x)) != float(np.float64(e / x)):
            found.append(x)
    cases.append(case("longdouble_double_rounding", "longdouble", np.array(found, dtype=L).view(np.uint8),
                      ["float64"]))

    # 2. Lossless casts whose results are subnormal.
    cases.append(case("float16_identity", "float16", random_floats(rng, "float16", 600, 40, 37),
                      ["float16", "float32"]))
    cases.append(case("float32_identity", "float32", random_floats(rng, "float32", 600, 530, 23),
                      ["float32", "float64"]))
    f64 = random_floats(rng, "float64", 530, 40, 101)
    f64[520] = np.array([5e-324]).view(np.uint64)[0]
    cases.append(case("float64_identity", "float64", f64, ["float64"]))
    bf16 = np.array([0x0001, 0x8001, 0x007F, 0x0080, 0x3F80, 0x0000, 0x8000, 0x7FC0, 0x7F80, 0x0040,
                     0x4049, 0x00FF], dtype=np.uint16)
    cases.append(case("bfloat16_to_float32", "bfloat16", bf16, ["float32"]))
    e5m2 = np.array([0x3C, 0x01, 0x81, 0x02, 0x03, 0x04, 0x00, 0x7B, 0x7C, 0x7E, 0x83], dtype=np.uint8)
    cases.append(case("float8_e5m2_to_float16", "float8_e5m2", e5m2, ["float16", "float32"]))
    e4m3 = np.array([0x01, 0x81, 0x07, 0x08, 0x38, 0x7E, 0x7F, 0x00], dtype=np.uint8)
    cases.append(case("float8_e4m3fn_to_float16", "float8_e4m3fn", e4m3, ["float16"]))

    # The fixture must show both faults.
    assert cases[0]["casts"][0]["max_rel_error"] == 1.1102230246251564e-16
    assert cases[0]["casts"][0]["max_rel_error_naive"] == 1.1102230246251565e-16
    ld = [c for c in cases if c["name"] == "longdouble_double_rounding"][0]["casts"][0]
    assert ld["max_rel_error"] != ld["max_rel_error_naive"]
    assert cases[-2]["casts"][0]["to_subnormal"] == 5  # ±2^-16 (0x01, 0x81), 2^-15, ±3·2^-16

    doc = {"generator": "tests/golden/contract/generate.py", "numpy": np.__version__, "cases": cases}
    with open(os.path.join(HERE, "expected.json"), "w") as fh:
        json.dump(doc, fh, indent=1, sort_keys=True, allow_nan=False)
        fh.write("\n")
    for c in cases:
        for t in c["casts"]:
            print("%-26s -> %-8s to_subnormal %3d first %-4s max_rel_error %r"
                  % (c["name"], t["target"], t["to_subnormal"], t["to_subnormal_first_index"],
                     t["max_rel_error"]))


if __name__ == "__main__":
    main()
