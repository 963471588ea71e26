#!/usr/bin/python3
"""Writes the fuzzers' seed corpus (tests/fuzz/corpus/): a few small, valid files
of each format, made by NumPy (and the safetensors layout by hand, per its spec).
Run with Debian's /usr/bin/python3; deterministic."""
import io
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def npy_bytes(x, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, x)
    else:
        np.lib.format.write_array(buf, x, version=version)
    return buf.getvalue()


def main():
    rng = np.random.default_rng(5)
    arrays = {
        "f64": np.array([1.0, 70000.0, 1e-9, np.nan, -np.inf, 2.5]),
        "f32_2d_fortran": np.asfortranarray(rng.standard_normal((3, 4)).astype(np.float32)),
        "f16": np.array([1, 65504, 6e-8], dtype=np.float16),
        "i64": np.array([16777217, -1, 2**62], dtype=np.int64),
        "u8_be": np.arange(5, dtype=">u2"),
        "c128": np.array([1 + 2j, 3 - 0j]),
        "bool": np.array([True, False]),
        "scalar": np.array(3.5),
        "empty": np.zeros((0, 3)),
    }
    for name, x in arrays.items():
        data = npy_bytes(x)
        for target in ("npy_header", "npy_data"):
            with open(os.path.join(CORPUS, target, name + ".npy"), "wb") as fh:
                fh.write(data)
    with open(os.path.join(CORPUS, "npy_header", "v2.npy"), "wb") as fh:
        fh.write(npy_bytes(arrays["f64"], version=(2, 0)))
    with open(os.path.join(CORPUS, "npy_header", "v3.npy"), "wb") as fh:
        fh.write(npy_bytes(arrays["i64"], version=(3, 0)))

    small = {k: arrays[k] for k in ("f64", "i64", "f16", "scalar")}
    for name, save in (("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)):
        buf = io.BytesIO()
        save(buf, **small)
        with open(os.path.join(CORPUS, "npz", name), "wb") as fh:
            fh.write(buf.getvalue())

    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, dtype, x in (("w", "F32", np.array([1.5, -2.0], "<f4")), ("ids", "I64", np.array([7], "<i8")),
                           ("h", "F16", np.array([1, 2, 3], "<f2"))):
        data = x.tobytes()
        header[name] = {"dtype": dtype, "shape": list(x.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(CORPUS, "safetensors", "model.safetensors"), "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


if __name__ == "__main__":
    main()
