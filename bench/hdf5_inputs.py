#!/usr/bin/python3
"""Inputs for measuring the HDF5 reader's child processes (bench/README.md):

    /usr/bin/python3 bench/hdf5_inputs.py DIR

writes DIR/keras300.h5 (a Keras 2 weights layout with 300 small float32
datasets, 64 to 4096 elements, ~2.5 MB), DIR/one.h5 (a single small dataset:
the fixed cost of a file), DIR/big.h5 and DIR/big.npy (the same 100 MB of
float32, contiguous in HDF5), DIR/big_gzip.h5 (the same, chunked 1 MiB + gzip
+ shuffle). Time `build/dtlint scan --format json FILE` on each.
"""
import os
import sys

import h5py
import numpy as np


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    with h5py.File(os.path.join(out, "keras300.h5"), "w") as f:
        names = []
        for i in range(150):
            layer = "dense_%d" % i
            names.append(layer.encode())
            g = f.create_group(layer)
            n = int(rng.integers(8, 64))
            g.attrs["weight_names"] = [f"{layer}/kernel:0".encode(), f"{layer}/bias:0".encode()]
            g.create_dataset(f"{layer}/kernel:0", data=rng.normal(size=(n, 64)).astype(np.float32))
            g.create_dataset(f"{layer}/bias:0", data=rng.normal(size=(64,)).astype(np.float32))
        f.attrs["layer_names"] = names
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.11.0"
    with h5py.File(os.path.join(out, "one.h5"), "w") as f:
        f["w"] = np.ones(16, dtype=np.float32)
    big = rng.normal(size=(25 * 1024 * 1024,)).astype(np.float32).reshape(-1, 1024)
    np.save(os.path.join(out, "big.npy"), big)
    with h5py.File(os.path.join(out, "big.h5"), "w") as f:
        f["w"] = big
    with h5py.File(os.path.join(out, "big_gzip.h5"), "w") as f:
        f.create_dataset("w", data=big, chunks=(256, 1024), compression="gzip", shuffle=True)


if __name__ == "__main__":
    main()
