#!/usr/bin/python3
"""Golden data for dtlint's pipeline plans (declared casts in .dtlint.yaml).

Run it with Debian's interpreter (python3-numpy, python3-torch 1.13):

    /usr/bin/python3 tests/golden/pipeline/make_fixtures.py

It rewrites tests/golden/pipeline/data/ and data/expected.json; the C++ test
(tests/pipeline_test.cpp) reads only the files and writes the configurations
itself, so that it knows every line and column.

Fixtures
--------
features.npz   pixels (float64: values above float16's 65504, tiny ones that
               flush to zero), edge (±65519.99999: below float16's overflow
               threshold 65520, so astype rounds it to ±65504, but Tensor.to
               rounds it to float32's 65520 first and then, ties to even, to
               ±inf) and labels (int64 ids above 2^24).
shard_0.npz,   two shards with a `pixels` member each, for a glob entry.
shard_1.npz
plain.npy      float32 that fits float16: a declared cast that breaks nothing.

expected.json
-------------
{"casts": {"FILE:MEMBER": {"PROFILE": {"TARGET": {overflow, underflow_to_zero,
 inexact, integer_not_exact, tolerance_exceeded_rtol_1e-4}}}}}: counted from
what ndarray.astype (numpy) and torch.Tensor.to (torch) give on the data.
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
rng = np.random.default_rng(13)

TORCH = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}


def cast(x, target, profile):
    """The cast's result as float64, by the named framework."""
    if profile == "numpy":
        if target == "bfloat16":  # NumPy has no bfloat16: torch's direct float64 path is astype's rounding
            raise ValueError("numpy bfloat16 is not simulated here")
        return x.astype(target).astype(np.float64)
    return torch.from_numpy(x).to(TORCH[target]).to(torch.float64).numpy()


def counts(x, target, profile):
    y = cast(x, target, profile)
    finite = np.isfinite(x)
    with np.errstate(invalid="ignore"):
        integral = finite & (np.trunc(x) == x)
        changed = ~np.isnan(x) & (y != x)
        err = np.abs(y - x)
        tol = finite & np.isfinite(y) & changed & (err > 0.0 + 1e-4 * np.abs(x))
    return {
        "overflow": int(np.sum(finite & np.isinf(y))),
        "underflow_to_zero": int(np.sum(finite & (x != 0) & (y == 0))),
        "inexact": int(np.sum(changed)),
        "integer_not_exact": int(np.sum(integral & changed)),
        "tolerance_exceeded_rtol_1e-4": int(np.sum(tol)),
    }


def main():
    os.makedirs(DATA, exist_ok=True)
    pixels = rng.normal(0, 100, 64)
    pixels[3] = 70000.0
    pixels[9] = -1.0e6
    pixels[12] = 1e-9
    edge = np.array([65519.99999, 1.0, 2.0, -65519.99999])
    labels = rng.integers(0, 1000, 32).astype(np.int64)
    labels[5] = 2**24 + 1
    labels[6] = 2**31 + 7
    np.savez(os.path.join(DATA, "features.npz"), pixels=pixels, edge=edge, labels=labels)
    shards = []
    for i in range(2):
        shard = rng.normal(0, 1000 * (i + 1), 16)
        shard[i] = 1.0e5 * (i + 1)
        np.savez(os.path.join(DATA, f"shard_{i}.npz"), pixels=shard)
        shards.append(shard)
    plain = rng.normal(0, 1, 8).astype(np.float32)
    np.save(os.path.join(DATA, "plain.npy"), plain)

    expected = {}
    for key, x in [("features.npz:pixels", pixels), ("features.npz:edge", edge), ("shard_0.npz:pixels", shards[0]),
                   ("shard_1.npz:pixels", shards[1]), ("plain.npy", plain.astype(np.float64))]:
        expected[key] = {
            "numpy": {"float16": counts(x, "float16", "numpy")},
            "torch": {t: counts(x, t, "torch") for t in ("float16", "bfloat16")},
        }
    ids = labels.astype(np.float64)
    expected["features.npz:labels"] = {"numpy": {"float32": counts(ids, "float32", "numpy")}}
    # int64 ids through astype(float32): the cast NumPy does on the int64 data itself
    direct = labels.astype(np.float32).astype(np.float64)
    assert counts(ids, "float32", "numpy")["integer_not_exact"] == int(np.sum(direct != ids))
    with open(os.path.join(DATA, "expected.json"), "w") as f:
        json.dump({"casts": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
