#!/usr/bin/python3
"""Small example arrays for `dtlint scan examples/`.

Run with Debian's interpreter (it has NumPy):

    /usr/bin/python3 examples/make_examples.py

Deterministic (fixed seed); rewrites the examples/*.npy files next to it.
See README.md for what each file shows.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, arr):
    np.save(os.path.join(HERE, name), arr, allow_pickle=False)


def main():
    rng = np.random.default_rng(20240501)

    # Barometric readings in pascals: ~1e5 > 65504, every value overflows float16.
    pressure = np.round(101325.0 + rng.normal(0.0, 800.0, 48), 1)
    save("pressure_pa.npy", pressure)

    # Tiny gradients: float16 flushes |g| < 2**-25 to zero, the rest is subnormal.
    mag = 10.0 ** rng.uniform(-9.0, -6.0, 64)
    grads = np.where(rng.integers(0, 2, 64) == 1, -mag, mag)
    save("gradients.npy", grads)

    # User ids above 2**24 stop being exact integers in float32.
    ids = np.sort(rng.integers(2 ** 24, 2 ** 26, 40, dtype=np.int64))
    ids[0] = 2 ** 24 + 1
    save("user_ids.npy", ids)

    # Class labels stored as float64 with one missing value (NaN) -> int32.
    labels = rng.integers(0, 10, 50).astype(np.float64)
    labels[17] = np.nan
    save("labels.npy", labels)

    # Embeddings: one element sits just above a float16 rounding tie.
    # astype(float16) rounds it once (1.0009765625); tf.cast and
    # Tensor.to go through float32 first and give 1.0.
    emb = np.round(rng.normal(0.0, 0.25, (8, 4)), 4)
    emb[3, 2] = 1 + 2 ** -11 + 2 ** -40
    save("embeddings.npy", emb)

    # A clean image: uint8 pixels are exact in float16 (and everywhere else).
    pixels = rng.integers(0, 256, (16, 16), dtype=np.uint8)
    save("pixels.npy", pixels)

    # A corrupt file: the header declares 100 float64 (800 bytes), 40 follow.
    with open(os.path.join(HERE, "broken.npy"), "wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (100,)})
        fh.write(np.arange(5, dtype="<f8").tobytes())


if __name__ == "__main__":
    main()
