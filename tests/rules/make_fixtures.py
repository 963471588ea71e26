#!/usr/bin/python3
"""Per-rule fixtures for tests/rule_fixtures_test.cpp, written by NumPy.

Run with Debian's interpreter (apt package python3-numpy):

    /usr/bin/python3 tests/rules/make_fixtures.py

It deletes every case folder below tests/rules/ and writes them again; the
data is fixed or seeded, so a rerun gives byte-identical files. The C++ test
reads only the files; it never needs Python.

Each case folder tests/rules/<case>/ holds
  *.npy / *.npz      the arrays (np.save, or zip archives of np.lib.format
                     members with a fixed timestamp: np.savez stamps the time)
  config.json and *.safetensors   a Hugging Face model folder (PL304's case)
  .dtlint.yaml       where the case needs a configuration (DT107's fraction,
                     DT106's tolerance, DT205's ignore entries)
  case.json          "rule": the rule the case exists for;
                     "args": the scan's options, appended to
                             `dtlint scan tests/rules/<case> --no-progress`;
                     "expect": what NumPy says, below;
                     "suppressed" (optional): findings the ignore entries hide.
The text report's expected snapshot is tests/snapshots/rules/<case>.txt.

"expect" lists, for every array the case holds, EVERY finding NumPy predicts
for the array rules (DT101-DT111, DT201, DT202), each as
{"rule", "path", "member", "target", "count", "first_index", "first_value"}
(the first counted element in file order, unravelled in the array's order, and
its source value): the test requires exactly this set of findings for those
rules. For the input rules
(DT203, DT204, DT205, E901) an entry has "findings" instead of "count": how
many findings of the rule the path gets (NumPy decides which files it cannot
load, which archive members are not arrays; the generator decides which
ignore entries match nothing, from NumPy's counts), and, for DT205, "line".

How NumPy's counts are defined (x the source, real part for complex; r the
cast under the case's semantics: numpy = x.astype(t); torch and tensorflow =
x.astype(float32).astype(t) for float16, i.e. through float32, and x.astype(t)
for float32 and float64; exact comparisons use
fractions.Fraction; casts the catalogue calls lossless - every source value
representable - are judged only by DT105, their result being the source;
integer results truncate toward zero):
  DT101  finite x with inf r                     (float targets)
  DT102  finite x, trunc(x) outside iinfo(t)     (integer targets)
  DT103  NaN or +-inf x                          (integer targets)
  DT104  finite nonzero x with r == 0
  DT105  finite nonzero r with |r| < finfo(t).tiny
  DT106  finite x, finite r != x, |r - x| > atol + rtol*|x| (the bound in
         double, as numpy.isclose); integers: in range, |trunc(x) - x| > atol
  DT107  finite in-range x != trunc(x), when the array's non-integral count
         is at most fraction (default 0.5) times its finite count
  DT108  finite x with trunc(x) < 0, unsigned targets
  DT109  complex x with imag != 0, reported once at the first target
  DT110  finite integral x with r != x, when every finite x is integral
  DT111  float16 targets: x.astype(t) differs (bits) from
         x.astype(float32).astype(t): the
         count of elements where the other profiles differ from the chosen one
  DT201  NaN or +-inf x
  DT202  every value round-trips exactly through a target narrower than the
         source (integers: integral and in range): the narrowest such target,
         the first in --targets order among equals; count = all elements
"""
import glob
import json
import os
import shutil
import sys
import zipfile
from fractions import Fraction

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import safetensors_write  # noqa: E402  (tests/safetensors_write.py: by hand, from the specification)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

FLOAT_TARGETS = {"float16": np.float16, "float32": np.float32, "float64": np.float64}
INT_TARGETS = {n: getattr(np, n) for n in
               ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")}


def rel(path):
    return os.path.relpath(path, REPO).replace(os.sep, "/")


# ------------------------------------------------------------------ NumPy's model


def significand_bits(dtype):
    return np.finfo(dtype).nmant + 1


def is_lossless(source, target):
    """The casts that can lose nothing whatever the values (not judged)."""
    source, target = np.dtype(source), np.dtype(target)
    if source == target or source.kind == "b":
        return True
    if source.kind in "iu" and target.kind in "iu":
        a, b = np.iinfo(source), np.iinfo(target)
        return b.min <= a.min and a.max <= b.max
    if source.kind in "iu" and target.kind == "f":
        limit = 2 ** significand_bits(target)
        a = np.iinfo(source)
        return a.max <= limit and -a.min <= limit
    if source.kind == "f" and target.kind == "f":
        a, b = np.finfo(source), np.finfo(target)
        return b.nmant >= a.nmant and b.max >= a.max and b.smallest_subnormal <= a.smallest_subnormal
    return False


def exact(value):
    """A NumPy scalar or Python number as an exact rational."""
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    return Fraction(float(value))


def same_bits(a, b):
    if np.isnan(a) and np.isnan(b):
        return True
    return a == b and np.signbit(a) == np.signbit(b)


def float_cast(real, target, semantics):
    """The cast under `semantics`, NumPy's direct one, and the frameworks' one:
    tf.cast (Eigen::half) and Tensor.to reach 16-bit floats through float32;
    float32 and float64 they round to directly, as NumPy does."""
    with np.errstate(all="ignore"):
        direct = real.astype(target)
        if np.dtype(target).itemsize >= 4:
            return direct, direct, direct
        via_float32 = real.astype(np.float32).astype(target)
    return (direct if semantics == "numpy" else via_float32), direct, via_float32


class Hits:
    """Per rule: how many elements, and the first (in file order) that counts."""

    def __init__(self):
        self.count, self.first = {}, {}

    def add(self, rule, i):
        self.count[rule] = self.count.get(rule, 0) + 1
        self.first.setdefault(rule, i)

    def drop(self, rule):
        self.count.pop(rule, None)
        self.first.pop(rule, None)


# The array rules whose findings are errors by default: what breaks a declared cast (PL301).
ERROR_RULES = {"DT101", "DT102", "DT103", "DT108", "DT109", "DT110"}


def array_findings(x, targets, semantics="numpy", fraction=0.5, tolerances=None):
    """(rule, target or None, count, first flat index or None) for every
    array-rule finding NumPy predicts; tolerances: {target: (rtol, atol)}."""
    tolerances = tolerances or {}
    flat = x.reshape(-1, order="A")  # file order
    is_complex = flat.dtype.kind == "c"
    real = flat.real.copy() if is_complex else flat
    if real.dtype.kind in "iu":
        values = [int(v) for v in real]
        finite = [True] * len(values)
    else:
        values = [float(v) for v in real]
        finite = [bool(np.isfinite(v)) for v in values]
    finite_count = sum(finite)
    non_integral = sum(1 for v, f in zip(values, finite) if f and v != int(v))
    # Integer data (ids, labels, counts): an integer dtype, or several floats, all
    # integral and within the range the source dtype keeps integers exact in.
    if real.dtype.kind in "iub":
        integer_data = True
    else:
        exact_limit = 2.0 ** significand_bits(real.dtype)
        integer_data = (non_integral == 0 and finite_count >= 2 and
                        max((abs(v) for v, f in zip(values, finite) if f), default=0) <= exact_limit)
    found = []

    narrow_exact = []  # targets narrower than the source that keep every value
    narrow_fitting, fits_all = [], True  # DT112: inexact narrower float targets; every cast fits
    imag_reported = False
    for name in targets:
        target = FLOAT_TARGETS.get(name) or INT_TARGETS[name]
        if is_lossless(flat.dtype, target):
            # The result is the source itself: only DT105 can fire, where a
            # source value lies in the target's subnormal range (float16 -> float16).
            if name in FLOAT_TARGETS and flat.dtype.kind == "f":
                tiny = Fraction(float(np.finfo(target).tiny))
                hits = Hits()
                for i, (v, f) in enumerate(zip(values, finite)):
                    if f and v != 0 and abs(exact(v)) < tiny:
                        hits.add("DT105", i)
                for rule in sorted(hits.count):
                    found.append((rule, name, hits.count[rule], hits.first[rule]))
                fits_all = fits_all and hits.count.get("DT105", 0) < 0.05 * len(values)
            continue
        hits = Hits()
        if is_complex and not imag_reported:
            for i in np.flatnonzero(flat.imag):
                hits.add("DT109", int(i))
            imag_reported = "DT109" in hits.count
        inexact = 0
        max_error = 0.0
        if name in FLOAT_TARGETS:
            r, direct, via = float_cast(real, target, semantics)
            tiny = Fraction(float(np.finfo(target).tiny))
            rtol, atol = tolerances.get(name, (1.0 / 2 ** significand_bits(target), 0.0))
            for i, v in enumerate(values):
                if not same_bits(direct[i], via[i]):
                    hits.add("DT111", i)
                if not finite[i]:
                    continue
                xv, ri = exact(v), r[i]
                if not np.isfinite(ri):
                    hits.add("DT101", i)
                    inexact += 1
                    continue
                rv = exact(ri)
                max_error = max(max_error, float(abs(rv - xv)))
                if xv != 0 and rv == 0:
                    hits.add("DT104", i)
                if rv != 0 and abs(rv) < tiny:
                    hits.add("DT105", i)
                if rv != xv:
                    inexact += 1
                    if xv.denominator == 1:
                        hits.add("DT110", i)
                    if abs(rv - xv) > Fraction(atol + rtol * abs(float(v))):
                        hits.add("DT106", i)
            raw = dict(hits.count)  # before one-finding-per-cause: what DT112's "fits" reads
            if not integer_data:
                hits.drop("DT110")
            elif "DT101" in hits.count and "DT110" in hits.count:
                hits.first["DT110"] = None  # the first changed integer may be an overflowed one
            # Below the normal range is one cause: DT104 reports the subnormal results too.
            below_normal = hits.count.get("DT104", 0) + hits.count.get("DT105", 0)
            if "DT104" in hits.count:
                hits.drop("DT105")
            # Under the default tolerance only values below the normal range fail it: DT104/DT105's.
            if name not in tolerances and hits.count.get("DT106", 0) <= below_normal:
                hits.drop("DT106")
            # DT114: data away from zero (|mean| > σ) whose largest error reaches 5% of σ.
            fin_values = np.array([v for v, f in zip(values, finite) if f], dtype=np.float64)
            if len(fin_values) and max_error > 0:
                sigma, mean = float(np.std(fin_values)), float(np.mean(fin_values))
                if sigma > 0 and abs(mean) > sigma and max_error >= 0.05 * sigma:
                    hits.count["DT114"] = inexact
                    hits.first["DT114"] = None
        else:
            info = np.iinfo(target)
            for i, (v, f) in enumerate(zip(values, finite)):
                if not f:
                    hits.add("DT103", i)
                    inexact += 1
                    continue
                t = int(v)  # truncates toward zero, exactly
                if t < info.min or t > info.max:
                    hits.add("DT102", i)
                    inexact += 1
                    if info.min == 0 and t < 0:
                        hits.add("DT108", i)
                    continue
                if exact(v) != t:
                    hits.add("DT107", i)
                    inexact += 1
                    if abs(exact(v) - t) > 1:  # integer targets: atol 1, rtol 0
                        hits.add("DT106", i)
            raw = dict(hits.count)
            if non_integral > fraction * finite_count:
                hits.drop("DT107")
        for rule in sorted(hits.count):
            found.append((rule, name, hits.count[rule], hits.first[rule]))
        imag_dropped = is_complex and np.count_nonzero(flat.imag)
        # DT112's "fits" (rules/suggestion.h): no damage, few subnormals, within tolerance.
        damage = any(raw.get(r, 0) for r in ("DT101", "DT102", "DT103", "DT104", "DT107", "DT108", "DT109",
                                            "DT106"))
        fits_all = fits_all and not damage and raw.get("DT105", 0) < 0.05 * len(values) and \
            not (integer_data and raw.get("DT110", 0)) and "DT114" not in hits.count
        if name in FLOAT_TARGETS and np.dtype(target).itemsize < flat.dtype.itemsize and inexact:
            narrow_fitting.append((name, inexact))
        if (np.dtype(target).itemsize < flat.dtype.itemsize and inexact == 0 and
                "DT103" not in hits.count and not imag_dropped):
            narrow_exact.append(name)
    nonfinite = [i for i, f in enumerate(finite) if not f]
    # DT103 of an integer target reports them all: DT201 stays silent (one finding per cause).
    dt103_counts = [count for rule, _, count, _ in found if rule == "DT103"]
    if nonfinite and len(nonfinite) not in dt103_counts:
        found.append(("DT201", None, len(nonfinite), nonfinite[0]))
    if flat.dtype == np.float64 and len(values) and fits_all and narrow_fitting:
        best, changed = min(narrow_fitting, key=lambda n: np.dtype(FLOAT_TARGETS[n[0]]).itemsize)
        found.append(("DT112", best, changed, None))
    if narrow_exact and len(values):
        # The same kind as the source first (int32 for int64 ids), then the narrowest.
        source_is_float = flat.dtype.kind in "fc"
        best = min(narrow_exact, key=lambda n: ((n in FLOAT_TARGETS) != source_is_float,
                                                np.dtype(FLOAT_TARGETS.get(n) or INT_TARGETS[n]).itemsize))
        found.append(("DT202", best, len(values), None))
    return found


def first_value(x, flat_index):
    """The source value at a flat file-order index as the JSON report writes it:
    a number (the real part for complex), or "nan", "inf", "-inf"."""
    v = x.reshape(-1, order="A")[flat_index]
    v = v.real if np.iscomplexobj(v) else v
    if isinstance(v, np.integer):
        return int(v)
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


# ------------------------------------------------------------------ cases


class Case:
    def __init__(self, name, rule, targets, semantics=None, config=None, fraction=0.5, tolerances=None):
        self.name, self.rule, self.targets = name, rule, targets
        self.semantics, self.fraction, self.tolerances = semantics, fraction, tolerances
        self.folder = os.path.join(HERE, name)
        os.makedirs(self.folder)
        self.expect = []
        self.extra = {}
        if config is not None:
            with open(os.path.join(self.folder, ".dtlint.yaml"), "w") as f:
                f.write(config)

    def path(self, file_name):
        return os.path.join(self.folder, file_name)

    def expect_array(self, file_name, x, member=None):
        order = "F" if x.flags.f_contiguous and not x.flags.c_contiguous else "C"
        for rule, target, count, first in array_findings(x, self.targets, self.semantics or "numpy",
                                                         self.fraction, self.tolerances):
            entry = {"rule": rule, "path": rel(self.path(file_name)), "member": member, "target": target,
                     "count": count, "first_index": None, "first_value": None}
            if first is not None:
                entry["first_index"] = [int(k) for k in np.unravel_index(first, x.shape, order=order)]
                entry["first_value"] = first_value(x, first)
            self.expect.append(entry)

    def save(self, file_name, x, allow_pickle=False):
        np.save(self.path(file_name), x, allow_pickle=allow_pickle)
        if x.dtype != object:
            self.expect_array(file_name, x)

    def expect_input(self, rule, file_name, findings, member=None, line=None):
        entry = {"rule": rule, "path": rel(self.path(file_name)), "member": member, "findings": findings}
        if line is not None:
            entry["line"] = line
        self.expect.append(entry)

    def write(self):
        args = ["--targets", ",".join(self.targets)]
        if self.semantics:
            args += ["--semantics", self.semantics]
        case = {"rule": self.rule, "args": args, "expect": self.expect, **self.extra}
        if not any(e["rule"] == self.rule and (e.get("count") or e.get("findings")) for e in self.expect):
            raise SystemExit(f"{self.name}: NumPy predicts no {self.rule} finding")
        with open(self.path("case.json"), "w") as f:
            json.dump(case, f, indent=2)
            f.write("\n")


def write_npz(path, members):
    """An .npz as np.savez writes it, but with a fixed timestamp; non-array members as bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            if isinstance(content, np.ndarray):
                with archive.open(info, "w") as member:
                    np.lib.format.write_array(member, content, allow_pickle=False)
            else:
                archive.writestr(info, content)


def numpy_cannot_load(path):
    try:
        np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError):
        return True
    return False


def near_float16_ties(rng, count):
    """float64 values just above or below float16 rounding ties, where rounding
    through float32 first can land on the tie and round to even instead."""
    base = rng.uniform(0.5, 1000.0, count).astype(np.float16)
    upper = np.nextafter(base, np.float16(np.inf))
    midpoint = (base.astype(np.float64) + upper.astype(np.float64)) / 2
    offsets = rng.choice([-1, 1], count) * np.ldexp(midpoint, -rng.integers(20, 45, count))
    return midpoint + offsets


def main():
    for entry in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, entry)) and entry != "__pycache__":
            shutil.rmtree(os.path.join(HERE, entry))
    rng = np.random.default_rng(20261201)
    cases = []

    c = Case("dt101_overflow", "DT101", ["float16"])
    c.save("pressure.npy", np.array([70000.0, 65504.0, 65519.0, 65520.0, -1.0e6, 1.5, -65519.99]))
    cases.append(c)

    c = Case("dt102_out_of_range", "DT102", ["int32"])
    c.save("ids.npy", np.array([3_000_000_000, 2**31 - 1, -2**31, -2**31 - 1, 7], dtype=np.int64))
    c.save("scores.npy", np.array([3e9, -3e9, 2147483647.9, -2147483648.9, -2147483649.0, 12.0]))
    cases.append(c)

    # Narrow integer targets; a big-endian float32 source and an int16 source.
    c = Case("dt102_narrow_targets", "DT102", ["int8", "uint16"])
    c.save("levels.npy", np.array([127.5, 128.0, -128.9, -129.0, 40000.0, 65535.9, 65536.0, 1e10],
                                  dtype=">f4"))
    c.save("deltas.npy", np.array([-129, -128, 127, 128, -1, 30000], dtype=np.int16))
    cases.append(c)

    c = Case("dt103_nonfinite_to_int", "DT103", ["int32"])
    c.save("labels.npy", np.array([1.0, np.nan, 3.0, np.inf, -np.inf, 4.0]))
    cases.append(c)

    c = Case("dt104_underflow", "DT104", ["float16"])
    c.save("gradients.npy", np.array([1e-8, 2.0**-25, 3e-8, -2.0**-26, 0.0, 0.25, -1e-30]))
    cases.append(c)

    c = Case("dt105_subnormal", "DT105", ["float16"])
    # Fortran order: the first hit's index is unravelled in file order.
    c.save("small.npy", np.asfortranarray(np.array([[1.0, 1e-7, 6e-5], [1e-6, 2.0**-14, -3e-5]])))
    cases.append(c)

    c = Case("dt105_lossless_identity", "DT105", ["float16", "float32"])
    # float16 -> float16 keeps every value, subnormal ones too: DT105 still says they are
    # there (float16's normal range starts at 2**-14; float32 holds them all as normals).
    c.save("half_weights.npy", np.array([1.0, 2.0**-24, -3e-6, 6e-5, 2.0**-14, 0.0, -2.0**-15], dtype=np.float16))
    cases.append(c)

    # Under the default tolerance DT106 stays silent: its failures are the values below
    # float16's normal range, which DT104 (flushed, with the subnormal ones) and DT105 report.
    c = Case("dt106_default_tolerance_defers", "DT105", ["float16"])
    c.save("features.npy", np.array([0.1, 1e-7, 1e-6, 0.3333, 1.0, 2.0**-20, -5e-6]))
    cases.append(c)

    c = Case("dt106_configured_rtol", "DT106", ["float16"], tolerances={"float16": (1.0e-4, 0.0)},
             config="# DT106 with a tighter float16 tolerance than the unit roundoff\n"
                    "tolerances:\n  float16: {rtol: 1.0e-4}\n")
    c.save("features.npy", np.array([0.1, 0.3333, 1.0, 0.5, 1000.1, 2.0**-20]))
    cases.append(c)

    # Errors exactly at atol do not exceed it: |r - x| > atol is strict, as in numpy.isclose.
    c = Case("dt106_atol_boundary", "DT106", ["float16"], tolerances={"float16": (0.0, 2.0**-12)},
             config="# DT106 with an absolute tolerance only: 2^-12\n"
                    "tolerances:\n  float16: {rtol: 0, atol: 0.000244140625}\n")
    c.save("features.npy", np.array([1 + 2.0**-12, 1 + 2.0**-12 + 2.0**-20, 1 + 3 * 2.0**-12,
                                     2 + 2.0**-11, 0.1, 1000.1]))
    cases.append(c)

    c = Case("dt107_truncated", "DT107", ["int32"])
    c.save("counts.npy", np.array([1.0, 2.0, 3.0, 2.7, -2.7, 5.0, 6.0, 0.999, 8.0, 9.0]))
    # Real-valued: 4 of 5 fractional, more than half, so truncation is by design.
    c.save("weights.npy", np.array([0.25, -1.5, 3.0, 0.125, 7.75]))
    cases.append(c)

    c = Case("dt107_fraction_option", "DT107", ["int32"], fraction=0.8,
             config="# DT107 fires while at most 80% of the values are fractional\n"
                    "rules:\n  DT107: {fraction: 0.8}\n")
    c.save("mostly_fractional.npy", np.array([0.5, 1.5, 2.5, 3.0, 4.25, 5.75, 6.0, 7.5, 8.5, 9.0]))
    c.save("all_fractional.npy", np.array([0.5, 1.5, 2.5, 3.25, 4.25, 5.75, 6.5, 7.5, 8.5, 9.0]))
    cases.append(c)

    c = Case("dt108_sign_lost", "DT108", ["uint8", "uint32"])
    c.save("labels.npy", np.array([-1, -100, 5, 200, 300, 0, -7], dtype=np.int64))
    c.save("offsets.npy", np.array([-1.0, -0.5, 3.0, -1e10, 1e10, 0.0]))
    cases.append(c)

    c = Case("dt109_imaginary", "DT109", ["float32", "float16"])
    c.save("spectrum.npy", np.array([1 + 2j, 1 - 2j, 3 + 0j, -0.5 + 1e-300j, 2j]))
    cases.append(c)

    c = Case("dt110_integer_not_exact", "DT110", ["float32", "float16"])
    c.save("user_ids.npy", np.array([16777217, 16777216, 33554435, 100, 2049], dtype=np.int64))
    c.save("counts.npy", np.array([16777217.0, 3.0, 2051.0, -4097.0]))
    cases.append(c)

    # 64-bit integers beyond 2^53: float64 no longer holds them all.
    c = Case("dt110_wide_integers", "DT110", ["float64", "float32"])
    c.save("ids.npy", np.array([2**53 + 1, 2**62 + 1, -2**63, 2**53, 3], dtype=np.int64))
    c.save("hashes.npy", np.array([2**64 - 1, 2**63 + 2**11, 2**63 + 2**10, 12345], dtype=np.uint64))
    cases.append(c)

    # Data around an operating point: float32's steps near 1.7e9 s (128 s) are coarser
    # than a minute of event times; float16's near 293 K (0.25 K) are coarse against
    # readings of σ 1 K. Centred data of the same spread is not flagged: near zero the
    # steps shrink with the values.
    c = Case("dt114_resolution_loss", "DT114", ["float16", "float32"])
    own = np.random.default_rng(114)  # its own stream: the other cases' data stays as it was
    c.save("event_times.npy", 1.7e9 + 30.0 * own.standard_normal(200))
    c.save("temperature_k.npy", 293.15 + 1.0 * own.standard_normal(200))
    c.save("centred.npy", 1.0 * own.standard_normal(200))
    cases.append(c)

    # float64 features every target keeps within tolerance: float16 is named (2 bytes, not 8);
    # with a float16 overflow in the array nothing is (its DT101 names the fix).
    c = Case("dt112_narrower_dtype_fits", "DT112", ["float16", "float32"])
    c.save("features.npy", np.random.default_rng(112).standard_normal(64))
    c.save("wide.npy", np.array([0.5, 1.25, 70000.5, -3.75]))
    cases.append(c)

    c = Case("dt111_divergence", "DT111", ["float16"])
    ties = near_float16_ties(rng, 24)
    ties[0] = 1 + 2.0**-11 + 2.0**-40  # the catalogue's example
    c.save("embeddings.npy", ties)
    cases.append(c)

    c = Case("dt111_divergence_torch", "DT111", ["float16"], semantics="torch")
    c.save("embeddings.npy", ties)
    cases.append(c)

    c = Case("dt201_nonfinite_source", "DT201", ["float32"])
    c.save("readings.npy", np.array([np.nan, 1.5, np.inf, -np.inf, 2.25, np.nan], dtype=np.float64))
    c.save("half.npy", np.array([np.inf, 1.0, np.nan], dtype=np.float16))
    cases.append(c)

    c = Case("dt202_lossless_narrowing", "DT202", ["float16", "float32", "int32"])
    c.save("levels.npy", np.array([0.0, 1.0, 0.5, -2.25, 1024.0, 65504.0]))
    c.save("ids.npy", np.array([-5, 100000, 16777217], dtype=np.int64))
    cases.append(c)

    c = Case("dt203_object_array", "DT203", ["float16"])
    objects = np.array([{"a": 1}, None, "text"], dtype=object)
    c.save("records.npy", objects, allow_pickle=True)
    c.expect_input("DT203", "records.npy", int(numpy_cannot_load(c.path("records.npy"))))
    cases.append(c)

    c = Case("dt204_skipped_member", "DT204", ["float16"])
    weights = np.array([0.5, 1.25, -3.0], dtype=np.float32)
    write_npz(c.path("bundle.npz"), [("weights.npy", weights), ("notes.txt", b"not an array\n"),
                                     ("extra/", b"")])
    c.expect_array("bundle.npz", weights, member="weights")
    with zipfile.ZipFile(c.path("bundle.npz")) as archive:
        for name in archive.namelist():
            if not name.endswith(".npy"):
                c.expect_input("DT204", "bundle.npz", 1, member=name)
    cases.append(c)

    # Three ignore entries; an entry is used when NumPy predicts a finding it matches.
    entries = [("overflow.npy", "DT101"), ("overflow.npy", "DT104"), ("gone.npy", "DT107")]
    lines = ["# ignore entries: one hides a finding, two match nothing", "ignore:"]
    entry_lines = []
    for path, rule in entries:
        entry_lines.append(len(lines) + 1)
        lines += [f"  - path: {path}", f"    rules: [{rule}]", "    reason: a fixture for DT205"]
    c = Case("dt205_unused_suppression", "DT205", ["float16"], config="\n".join(lines) + "\n")
    overflow = np.array([1.0e5, 2.0, -7.0e4])
    c.save("overflow.npy", overflow)
    predicted = array_findings(overflow, c.targets)
    hidden = [e for e in c.expect if (os.path.basename(e["path"]), e["rule"]) in entries]
    c.expect = [e for e in c.expect if e not in hidden]
    c.extra["suppressed"] = len(hidden)
    for (path, rule), line in zip(entries, entry_lines):
        used = path == "overflow.npy" and any(f[0] == rule for f in predicted)
        if not used:
            c.expect_input("DT205", ".dtlint.yaml", 1, line=line)
    cases.append(c)

    # Pipeline plans: each entry's declared cast is NumPy's astype on its data; an
    # entry breaks (PL301) when that cast gives a DT1xx error, counted as above.
    def declared_errors(x, target, semantics="numpy"):
        return [f for f in array_findings(x, [target], semantics) if f[0] in ERROR_RULES]

    entries = [("features.npz:pixels", "float16"), ("features.npz:small", "float16"), ("ids.npy", "float32"),
               ("ids.npy", "int8")]
    lines, entry_lines = ["pipeline:"], []
    for source, cast in entries:
        entry_lines.append(len(lines) + 1)
        lines += [f"  - source: {source}", f"    cast: {cast}"]
    c = Case("pl301_declared_cast", "PL301", ["float16"], config="\n".join(lines) + "\n")
    pixels = np.array([0.5, 70000.0, -3.0, 1.0e6])
    small = np.arange(8, dtype=np.float64)
    write_npz(c.path("features.npz"), [("pixels.npy", pixels), ("small.npy", small)])
    c.expect_array("features.npz", pixels, member="pixels")
    c.expect_array("features.npz", small, member="small")
    ids = np.array([3, 2**24 + 1, 2**31 - 1, -5], dtype=np.int64)
    c.save("ids.npy", ids)
    data = {"features.npz:pixels": pixels, "features.npz:small": small, "ids.npy": ids}
    for (source, cast), line in zip(entries, entry_lines):
        if declared_errors(data[source], cast):
            c.expect_input("PL301", ".dtlint.yaml", 1, line=line)
    cases.append(c)

    c = Case("pl302_dtype_mismatch", "PL302", ["float16"],
             config="pipeline:\n  - source: readings.npy\n    cast: float16\n    expect_dtype: float32\n"
                    "  - source: readings.npy\n    cast: bfloat16\n    expect_dtype: float64\n")
    readings = np.linspace(-2.0, 2.0, 9)
    c.save("readings.npy", readings)
    for line, expected in ((2, "float32"), (5, "float64")):
        c.expect_input("PL302", ".dtlint.yaml", int(readings.dtype != np.dtype(expected)), line=line)
    # A model folder whose config.json declares float16 over float32 weights that
    # float16 keeps in range: no PL304, but every load casts them (PL302, once).
    os.makedirs(c.path("model"))
    config = {"architectures": ["BertModel"], "model_type": "bert", "torch_dtype": "float16",
              "transformers_version": "4.46.2"}
    text = json.dumps(config, indent=2, sort_keys=True) + "\n"
    with open(c.path("model/config.json"), "w") as f:
        f.write(text)
    weights = {"embeddings.weight": np.array([[0.5, -0.25], [0.125, 1.5]], dtype=np.float32)}
    safetensors_write.write(c.path("model/model.safetensors"), weights)
    for name, x in sorted(weights.items()):
        c.expect_array("model/model.safetensors", x, member=name)
    assert not any(declared_errors(x, "float16", "torch") for x in weights.values())
    c.expect_input("PL302", "model/config.json", int(any(x.dtype != np.float16 for x in weights.values())),
                   line=text[:text.index('"torch_dtype"')].count("\n") + 1)
    cases.append(c)

    c = Case("pl303_source_missing", "PL303", ["float16"],
             config="pipeline:\n  - source: \"shards/*.npz\"\n    cast: bfloat16\n"
                    "  - source: gone.npy\n    cast: float16\n"
                    "  - source: \"present.npz:pixel\"\n    cast: float16\n"
                    "  - source: present.npz:pixels\n    cast: float16\n")
    present = np.array([1.0, 2.0, 3.0])
    write_npz(c.path("present.npz"), [("pixels.npy", present)])
    c.expect_array("present.npz", present, member="pixels")
    with np.load(c.path("present.npz")) as archive:
        members = set(archive.files)
    for line, exists in ((2, bool(glob.glob(c.path("shards/*.npz")))), (4, os.path.exists(c.path("gone.npy"))),
                         (6, "pixel" in members), (8, "pixels" in members)):
        c.expect_input("PL303", ".dtlint.yaml", int(not exists), line=line)
    cases.append(c)

    # A Keras policy (analyzer/pipeline/keras.h): model.to_json() beside its
    # model.weights.h5 (Keras 3's layout, written with h5py: TensorFlow is not in
    # Debian). Keras casts each mixed_float16 layer's float32 weights to float16
    # with tf.cast, which rounds float32 once as astype does: PL304 at the
    # layer's "dtype" line when that cast gives a DT1xx error on any weight.
    c = Case("pl304_keras_policy", "PL304", ["float16"])
    dense = {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"name": "scores", "trainable": True, "units": 2,
                        "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                  "config": {"name": "mixed_float16"}, "registered_name": None}}}
    model = {"module": "keras", "class_name": "Sequential", "registered_name": None,
             "config": {"name": "sequential", "layers": [dense]}}
    text = json.dumps(model, indent=2) + "\n"
    with open(c.path("model.json"), "w") as f:
        f.write(text)
    kernel = np.array([[0.5, 70000.0], [-2.0, 1.0e-9]], dtype=np.float32)
    bias = np.array([0.25, -1.0], dtype=np.float32)
    with h5py.File(c.path("model.weights.h5"), "w") as f:
        f.create_dataset("layers/dense/vars/0", data=kernel)
        f.create_dataset("layers/dense/vars/1", data=bias)
    c.expect_array("model.weights.h5", kernel, member="layers/dense/vars/0")
    c.expect_array("model.weights.h5", bias, member="layers/dense/vars/1")
    dtype_line = text[:text.index('"dtype"')].count("\n") + 1
    breaks = any(declared_errors(x, "float16", "tensorflow") for x in (kernel, bias))
    c.expect_input("PL304", "model.json", int(breaks), line=dtype_line)
    cases.append(c)

    # A Hugging Face model folder: config.json's torch_dtype is Tensor.to on every
    # weight (the torch profile); PL304 once for the model when that cast gives a
    # DT1xx error on any weight; PL302 once when weights are stored otherwise and
    # the cast breaks none (when it does, PL304 is the one finding for the cause).
    c = Case("pl304_model_precision", "PL304", ["float16"])
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "torch_dtype": "float16",
              "transformers_version": "4.46.2", "vocab_size": 2}
    text = json.dumps(config, indent=2, sort_keys=True) + "\n"
    with open(c.path("config.json"), "w") as f:
        f.write(text)
    dtype_line = text[:text.index('"torch_dtype"')].count("\n") + 1
    weights = {"lm_head.weight": np.array([[0.5, 70000.0], [-1.0e5, 2.0]], dtype=np.float32),
               "model.norm.weight": np.array([1.0, 0.25], dtype=np.float32)}
    safetensors_write.write(c.path("model.safetensors"), weights)
    for name, x in sorted(weights.items()):
        c.expect_array("model.safetensors", x, member=name)
    broken = any(declared_errors(x, "float16", "torch") for x in weights.values())
    c.expect_input("PL304", "config.json", int(broken), line=dtype_line)
    stored_otherwise = any(x.dtype != np.float16 for x in weights.values())
    c.expect_input("PL302", "config.json", int(stored_otherwise and not broken), line=dtype_line)
    cases.append(c)

    c = Case("e901_unreadable", "E901", ["float16"])
    whole = np.arange(100, dtype=np.float64)
    np.save(c.path("full.npy"), whole)
    with open(c.path("full.npy"), "rb") as f:
        data = f.read()
    os.remove(c.path("full.npy"))
    with open(c.path("truncated.npy"), "wb") as f:
        f.write(data[: len(data) - 760])  # the header and 5 of 100 values
    with open(c.path("not_an_array.npy"), "wb") as f:
        f.write(b"this is text, not an array\n")
    for name in ("truncated.npy", "not_an_array.npy"):
        c.expect_input("E901", name, int(numpy_cannot_load(c.path(name))))
    # A member of an archive: the others are still analysed.
    good = np.array([1.0, 70000.0])
    write_npz(c.path("bundle.npz"), [("good.npy", good), ("bad.npy", data[: len(data) - 760])])
    c.expect_array("bundle.npz", good, member="good")
    with np.load(c.path("bundle.npz")) as archive:
        for member in archive.files:
            try:
                archive[member]
            except ValueError:
                c.expect_input("E901", "bundle.npz", 1, member=member)
    cases.append(c)

    for case in cases:
        case.write()


if __name__ == "__main__":
    main()
