#!/usr/bin/python3
"""Scaled casts, cast(x * 2^k), with the expected numbers from the peers.

Run it with Debian's interpreter (the one that has NumPy and PyTorch):

    /usr/bin/python3 tests/golden/scaled/make_fixtures.py

It writes the .npy arrays, two of them deflated in streamed.npz, and
expected.json here (seeded: a rerun with the same NumPy/PyTorch gives the same
numbers; the .npz differs only in its members' timestamps).
tests/scaled_test.cpp scans the arrays and compares; it needs no Python.

The scale dtlint should choose is the amax scale: the largest integer k with
amax * 2^k <= the target's largest finite value, found here with exact
Fractions. For each case and profile the cast is the peer's own:

  numpy  y = (x.astype(np.float64) * 2.0**k).astype(float16)   (x*2^k is exact in float64)
  torch  y = (torch.from_numpy(x) * 2.0**k).to(torch.float16)   (in x's own dtype: exact here)

float8: neither NumPy (Debian's) nor torch 1.13 has float8 types. Like
tests/golden/contract, the float8 results come from the format's definition:
every float8_e4m3fn value is decoded from its 256 bit patterns, and x * 2^k is
rounded to the nearest of them in exact Fractions (ties to the even pattern).

Counts and errors (X = x as np.longdouble, exact; XS = X * 2^k, exact;
Y = the result as np.longdouble; fin = isfinite(X)):
  overflow = fin & ~isfinite(Y); underflow_to_zero = fin & (X != 0) & (Y == 0)
  to_subnormal = isfinite(Y) & (Y != 0) & (|Y| < the target's smallest normal)
  inexact = ~isnan(X) & (Y != XS); integer_not_exact = fin & (XS == trunc(XS)) & (Y != XS)
  E = |Y * 2^-k - X| over fin & isfinite(Y) (exact in long double)
  max_abs_error = max E; max_rel_error = max float64(E) / float64(|X|) over X != 0
  tolerance_exceeded = E > 2^-11 * |X| (float16's default rtol, atol 0;
                       e4m3fn's default rtol 2^-4)
"""
import json
import math
import os
from fractions import Fraction

import numpy as np
import torch

L = np.longdouble
HERE = os.path.dirname(os.path.abspath(__file__))
MAX_FINITE = {"float16": Fraction(65504), "float8_e4m3fn": Fraction(448)}
MIN_NORMAL = {"float16": 2.0 ** -14, "float8_e4m3fn": 2.0 ** -6}
RTOL = {"float16": 2.0 ** -11, "float8_e4m3fn": 2.0 ** -4}


def amax_scale(x, target):
    amax = Fraction(float(np.max(np.abs(x[np.isfinite(x)]))))
    k = 0
    while amax * Fraction(2) ** k > MAX_FINITE[target]:
        k -= 1
    while amax * Fraction(2) ** (k + 1) <= MAX_FINITE[target]:
        k += 1
    return k


def e4m3fn_table():
    """(value, bits) of every finite non-negative float8_e4m3fn, from its definition."""
    out = []
    for b in range(0x7F):  # 0x7F is NaN
        e, m = b >> 3, b & 7
        v = Fraction(m, 8) * Fraction(2) ** -6 if e == 0 else (1 + Fraction(m, 8)) * Fraction(2) ** (e - 7)
        out.append((v, b))
    return out


E4M3FN = e4m3fn_table()


def round_e4m3fn(value):
    """Round to nearest, ties to even, of an exact value that fits (no NaN here)."""
    a = abs(Fraction(value))
    best = min(E4M3FN, key=lambda vb: (abs(vb[0] - a), vb[1] & 1))
    assert a <= 464, "out of range: the amax scale keeps every value in range"
    r = best[0]
    return float(r if value >= 0 else -r)


def stats(x, y, k, target):
    X = x.astype(L)
    XS = np.ldexp(X, k)
    Y = y.astype(L)
    fin = np.isfinite(X)
    ok = fin & np.isfinite(Y)
    E = np.abs(np.ldexp(Y, -k) - X)
    E = np.where(ok, E, L(0))
    nz = ok & (X != 0)
    rel = np.where(nz, E.astype(np.float64) / np.where(nz, np.abs(X).astype(np.float64), 1.0), 0.0)
    assert np.all(E.astype(np.float64).astype(L) == E), "errors are exact in float64"
    changed = ~np.isnan(X) & (Y != XS)
    return {
        "overflow": int(np.sum(fin & ~np.isfinite(Y))),
        "underflow_to_zero": int(np.sum(fin & (X != 0) & (Y == 0))),
        "to_subnormal": int(np.sum(np.isfinite(Y) & (Y != 0) & (np.abs(Y) < MIN_NORMAL[target]))),
        "inexact": int(np.sum(changed)),
        "integer_not_exact": int(np.sum(fin & (XS == np.trunc(XS)) & changed)),
        "tolerance_exceeded": int(np.sum(ok & (E > L(RTOL[target]) * np.abs(X)))),
        "max_abs_error": float(np.max(E)),
        "max_rel_error": float(np.max(rel)),
    }


def main():
    rng = np.random.default_rng(20261201)
    arrays = {
        # A gradient: most values below float16's smallest normal (6.1e-5), many flushed.
        "gradient_f32": (rng.standard_normal(2048) * 3e-7).astype(np.float32),
        # Activations with outliers above float16's largest finite value.
        "outliers_f32": np.concatenate(
            [rng.standard_normal(1500) * 2000.0, [70000.0, -1.5e5, 2.5e5, 65520.0]]).astype(np.float32),
        "outliers_f64": np.concatenate([rng.standard_normal(1000) * 3e4, [9e4, -4e5, 1e6]]).astype(np.float64),
        # A wide float64 array: overflow and flushing at once (the scale fits the top).
        "wide_f64": (rng.standard_normal(1500) * np.exp2(rng.integers(-30, 20, 1500))).astype(np.float64),
        # Weights for float8_e4m3fn (--fp8-scale auto): |x| up to ~0.1, below e4m3fn's normal range in part.
        "weights_f32": (rng.standard_normal(1024) * 0.02).astype(np.float32),
    }
    expected = {"cases": []}
    # The same arrays as deflated .npz members: streamed, so read twice from the archive.
    np.savez_compressed(os.path.join(HERE, "streamed.npz"), gradient_f32=arrays["gradient_f32"],
                        weights_f32=arrays["weights_f32"])
    for name, x in arrays.items():
        np.save(os.path.join(HERE, name + ".npy"), x)
        if name == "weights_f32":
            continue
        k = amax_scale(x, "float16")
        assert k != 0
        scaled64 = x.astype(np.float64) * 2.0 ** k
        assert np.all(np.ldexp(x.astype(L), k) == scaled64.astype(L)), "x*2^k is exact in float64"
        with np.errstate(all="ignore"):
            y_numpy = scaled64.astype(np.float16)
        assert np.isfinite(np.float16(np.max(np.abs(scaled64)))), "the amax scale keeps amax finite"
        case = {"file": name + ".npy", "target": "float16", "scale_exponent": k,
                "numpy": stats(x, y_numpy, k, "float16")}
        t = torch.from_numpy(x) * 2.0 ** k
        assert np.all(t.numpy().astype(L) == np.ldexp(x.astype(L), k)), "exact in the source's dtype"
        case["torch"] = stats(x, t.to(torch.float16).numpy(), k, "float16")
        # Unscaled, for the candidate's reason: the plain cast overflows or flushes.
        with np.errstate(all="ignore"):
            plain = stats(x, x.astype(np.float16), 0, "float16")
        assert plain["overflow"] + plain["underflow_to_zero"] + plain["to_subnormal"] > 0
        case["unscaled_numpy"] = plain
        expected["cases"].append(case)

    x = arrays["weights_f32"]
    k = amax_scale(x, "float8_e4m3fn")
    y = np.array([round_e4m3fn(Fraction(float(v)) * Fraction(2) ** k) for v in x], dtype=np.float64)
    expected["fp8_auto"] = {"file": "weights_f32.npy", "target": "float8_e4m3fn", "scale_exponent": k,
                            "numpy": stats(x, y, k, "float8_e4m3fn")}
    y0 = np.array([round_e4m3fn(Fraction(float(v))) for v in x], dtype=np.float64)
    expected["fp8_auto"]["unscaled_numpy"] = stats(x, y0, 0, "float8_e4m3fn")
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
