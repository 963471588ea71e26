#!/usr/bin/python3
"""Seeds for fuzz_hdf5 (tests/fuzz/corpus/hdf5/): the first byte picks the mode
(even: a helper's answer; 1: an HDF5 file; 3: a .keras archive), as
tests/fuzz/fuzz_hdf5.cpp reads it. Small files written by h5py; answers
written per analyzer/formats/hdf5/protocol.h. Run with /usr/bin/python3."""
import io
import os
import struct
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "hdf5")


def frame(kind, payload=b""):
    return kind + struct.pack("<I", len(payload)) + payload


def text(value):
    return struct.pack("<I", len(value)) + value


def array(name, etype, follows, shape):
    return (text(name) + bytes([0, etype, 0, follows]) + struct.pack("<I", len(shape)) +
            b"".join(struct.pack("<Q", d) for d in shape))


def answer():
    hello = frame(b"H", b"dtlint-hdf5 1")
    return (hello + frame(b"D", array(b"dense/kernel:0", 12, 1, [2, 2])) +
            frame(b"B", np.arange(4, dtype="<f4").tobytes()) + frame(b"O") +
            frame(b"D", array(b"big", 13, 0, [1000])) +
            frame(b"D", text(b"vocab") + b"\x01" + text(b"strings; not analysed")) +
            frame(b"D", text(b"bad") + b"\x02" + text(b"cannot read")) +
            frame(b"Z", struct.pack("<Q", 4)))


KERAS2_CONFIG = (b'{"class_name": "Sequential", "keras_version": "2.13.1", "config": {"name": "s", "layers": ['
                 b'{"class_name": "Dense", "config": {"name": "dense", "dtype": {"class_name": "Policy", '
                 b'"config": {"name": "mixed_float16"}}}}]}}')
KERAS3_CONFIG = (b'{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": ['
                 b'{"class_name": "Dense", "config": {"name": "dense", "dtype": {"module": "keras", '
                 b'"class_name": "DTypePolicy", "config": {"name": "mixed_bfloat16"}}}}]}}')


def model_config_answer():
    """A Keras 2 model's answer: its model_config first (protocol.h's ModelConfig frame)."""
    hello = frame(b"H", b"dtlint-hdf5 1")
    return (hello + frame(b"C", b"\x00" + KERAS2_CONFIG) +
            frame(b"D", array(b"model_weights/dense/dense/kernel:0", 12, 1, [2])) +
            frame(b"B", np.array([1.5, 7e4], dtype="<f4").tobytes()) + frame(b"O") +
            frame(b"Z", struct.pack("<Q", 1)))


def small_file():
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver="earliest") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["model_config"] = KERAS2_CONFIG
        f.create_dataset("dense/dense/kernel:0", data=np.array([[1.5, 7e4], [-2, 0]], dtype="<f4"))
        f.create_dataset("ids", data=np.arange(16, dtype=">i8"), chunks=(4,), compression="gzip", shuffle=True)
        f.create_dataset("flags", data=np.array([True, False]))
        f.create_dataset("half", data=np.float16(3.5))
    return buffer.getvalue()


def keras_file():
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=np.ones((2, 2), dtype=np.float32))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in (("config.json", KERAS3_CONFIG), ("model.weights.h5", buffer.getvalue())):
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in (("answer", b"\x00" + answer()), ("model_config_answer", b"\x00" + model_config_answer()),
                       ("file.h5", b"\x01" + small_file()),
                       ("model.keras", b"\x03" + keras_file())):
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(data)
        print(name, len(data))


if __name__ == "__main__":
    main()
