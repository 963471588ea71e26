#!/usr/bin/python3
"""Writes the .npz fixtures of tests/npz_reader_test.cpp with NumPy itself.

NumPy writes every member with ZIP64 extra fields (zipfile's force_zip64), so
these are the archives users actually have. The test rebuilds the same values
and compares them element by element; keep both in step.

    /usr/bin/python3 tests/data/npz/make_npz.py    (NumPy 1.24.2 wrote the files)
"""
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent


def arrays():
    return {
        "weights": np.arange(12, dtype="<f8").reshape(3, 4) / 8 - 0.5,
        "labels": np.arange(-5, 5, dtype=">i4"),
        "half": np.array([1.5, -2.25, 65504.0], dtype="<f2"),
        "fortran": np.asfortranarray(np.arange(6, dtype="<i2").reshape(2, 3)),
        "scalar": np.array(7, dtype="<u8"),
        "empty": np.zeros((0, 3), dtype="<f4"),
    }


def main():
    np.savez(HERE / "numpy_stored.npz", **arrays())
    np.savez_compressed(HERE / "numpy_compressed.npz", **arrays(),
                        objects=np.array([None, "x"], dtype=object))


if __name__ == "__main__":
    main()
