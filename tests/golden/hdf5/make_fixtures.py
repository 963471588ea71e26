#!/usr/bin/python3
"""HDF5 and Keras fixtures for dtlint's HDF5 reader, written by h5py + NumPy.

Run with Debian's interpreter (h5py 3.7, NumPy, PyTorch 1.13):

    /usr/bin/python3 tests/golden/hdf5/make_fixtures.py

TensorFlow/Keras are not in Debian, so the files reproduce Keras's on-disk
layouts with h5py:
  keras2_weights.h5  Keras 2 `model.save_weights("x.h5")`: root attributes
                     layer_names, backend, keras_version; a group per layer
                     with the attribute weight_names; datasets at
                     <layer>/<layer>/<weight>:0.
  keras2_model.h5    Keras 2 `model.save("x.h5")`: root attributes
                     model_config, training_config, keras_version, backend; the
                     weights under model_weights/ (same layout), the optimizer's
                     under optimizer_weights/.
  keras3.keras       Keras 3 `model.save("x.keras")`: a zip of config.json,
                     metadata.json and model.weights.h5, whose datasets are
                     layers/<name>/vars/<i> and optimizer/vars/<i>.
Among them: a chunked gzip+shuffle dataset larger than the reader's inline
budget (it is streamed), a big-endian dataset, int64 ids above 2^24, values
above 65504, float16, bfloat16 (a custom HDF5 float type), bool (h5py's enum),
a scalar, an empty dataset, strings and a compound dataset (skipped).

expected.json: per file, "arrays" maps each dataset path (the member) to its
dtype, shape and, per target, counts computed from the NumPy values:
  X = source values as np.longdouble (exact), fin = isfinite(X);
  float16: Y = x.astype(float16) (NumPy); bfloat16: Y rounded to nearest even
  once, via round-to-odd into float32 then torch's float32 -> bfloat16 (as
  tests/golden/generate.py explains); both: overflow = fin & isinf(Y),
  underflow_to_zero = fin & (X != 0) & (Y == 0), inexact = ~isnan(X) & (Y != X),
  integer_not_exact = fin & (X == trunc(X)) & (Y != X).
  int32: T = trunc(X), inr = fin & (lo <= T <= hi); out_of_range = fin & ~inr,
  truncated = inr & (T != X), nonfinite_to_int = ~fin,
  inexact = ~isnan(X) & ~(inr & (T == X)).
"skipped" maps each skipped dataset to a phrase its reason contains.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261201)


def bf16_bits(values):
    """float32 values -> bfloat16 bits, rounded to nearest even (by torch)."""
    t = torch.from_numpy(np.asarray(values, dtype=np.float32)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().view(np.uint16)


def bf16_values(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def round_bf16_once(x):
    """Values of x rounded once to bfloat16 (nearest even), as np.longdouble."""
    X = x.astype(np.longdouble)
    with np.errstate(all="ignore"):
        f = np.array(x, dtype=np.float32, copy=True).reshape(-1)
    Xf = X.reshape(-1)
    fin = np.isfinite(Xf)
    fl = f.astype(np.longdouble)
    fix = fin & np.isfinite(f) & (fl != Xf) & ((f.view(np.uint32) & 1) == 0)
    toward = np.where(Xf > fl, np.float32(np.inf), np.float32(-np.inf)).astype(np.float32)
    f[fix] = np.nextafter(f[fix], toward[fix])
    big = fin & ~np.isfinite(f)
    f[big] = np.copysign(np.finfo(np.float32).max, Xf[big].astype(np.float64)).astype(np.float32)
    y = torch.from_numpy(f).to(torch.bfloat16).to(torch.float32).numpy()
    return y.astype(np.longdouble).reshape(x.shape)


def counts(x):
    """The expected counts for source values x (NumPy array; bool as 0/1)."""
    if x.dtype == np.bool_:
        x = x.astype(np.uint8)
    X = x.astype(np.longdouble)
    fin = np.isfinite(X)
    nan = np.isnan(X)
    out = {}
    with np.errstate(all="ignore"):
        y16 = x.astype(np.float16).astype(np.longdouble)
    for name, Y in (("float16", y16), ("bfloat16", round_bf16_once(x))):
        out[name] = {
            "overflow": int(np.sum(fin & np.isinf(Y))),
            "underflow_to_zero": int(np.sum(fin & (X != 0) & (Y == 0))),
            "inexact": int(np.sum(~nan & (Y != X))),
            "integer_not_exact": int(np.sum(fin & (X == np.trunc(X)) & (Y != X))),
        }
    lo, hi = np.iinfo(np.int32).min, np.iinfo(np.int32).max
    with np.errstate(all="ignore"):
        T = np.trunc(X)
        inr = fin & (T >= lo) & (T <= hi)
    out["int32"] = {
        "out_of_range": int(np.sum(fin & ~inr)),
        "truncated": int(np.sum(inr & (T != X))),
        "nonfinite_to_int": int(np.sum(~fin)),
        "inexact": int(np.sum(~nan & ~(inr & (T == X)))),
    }
    return out


def record(expected, name, values, dtype_name=None):
    expected[name] = {
        "dtype": dtype_name or str(values.dtype.newbyteorder("=")),
        "shape": list(values.shape),
        "counts": counts(values),
    }


def string_attr(values):
    return np.array([v.encode() for v in values], dtype="S%d" % max(1, max((len(v) for v in values), default=1)))


def write_layer(root, layer, weights, expected, prefix=""):
    """A Keras 2 layer group: attribute weight_names, datasets <layer>/<weight>."""
    group = root.create_group(layer)
    group.attrs["weight_names"] = string_attr([f"{layer}/{w}" for w, _ in weights]) if weights else np.array([], dtype="S1")
    for weight, (values, options) in weights:
        path = f"{layer}/{weight}"
        if options.get("bfloat16"):
            write_bfloat16(group, path, values)
            record(expected, prefix + f"{layer}/{path}", bf16_values(values), "bfloat16")
            continue
        group.create_dataset(path, data=values, **{k: v for k, v in options.items() if k != "dtype_name"})
        if values.dtype.kind in "SUO":
            continue
        record(expected, prefix + f"{layer}/{path}", values.astype(values.dtype.newbyteorder("=")))


def write_bfloat16(group, path, bits):
    """A dataset of bfloat16 elements: an HDF5 float type with bfloat16's fields."""
    tid = h5py.h5t.IEEE_F32LE.copy()
    tid.set_fields(15, 7, 8, 0, 7)
    tid.set_size(2)
    tid.set_ebias(127)
    space = h5py.h5s.create_simple(bits.shape)
    parent, _, leaf = path.rpartition("/")
    target = group.require_group(parent) if parent else group
    dset = h5py.h5d.create(target.id, leaf.encode(), tid, space)
    dset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(bits), mtype=tid)


def with_overflow(values, *extra):
    flat = values.reshape(-1)
    for i, v in enumerate(extra):
        flat[(i * 7 + 3) % flat.size] = v
    return values


def keras2_weights(expected):
    path = os.path.join(HERE, "keras2_weights.h5")
    arrays, skipped = {}, {}
    # A compressible embedding larger than the inline budget of this small file: streamed.
    embeddings = np.full((4096, 128), 0.25, dtype=np.float32)
    embeddings[::97, 5] = rng.normal(0, 1, embeddings[::97, 5].shape).astype(np.float32)
    embeddings[100, 7] = 70000.0
    embeddings[3000, 1] = -1.0e-9
    ids = (np.int64(1) << 24) + np.arange(40, dtype=np.int64) * 3
    ids[5] = 3_000_000_000
    ids[6] = -7
    layers = [
        ("dense", [("kernel:0", (with_overflow(rng.normal(0, 3, (8, 16)).astype(np.float32), 7.0e4, -1.0e5, 65520.0), {})),
                   ("bias:0", (with_overflow(rng.normal(0, 1e-3, 16).astype(np.float32), 1e-8, -3e-9), {}))]),
        ("embedding", [("embeddings:0", (embeddings, {"chunks": (256, 128), "compression": "gzip", "shuffle": True}))]),
        ("conv", [("kernel:0", (rng.normal(0, 2, (3, 3, 2, 4)).astype(">f8"), {}))]),
        ("lookup", [("ids:0", (ids, {}))]),
        ("norm", [("gamma:0", (np.array([0.5, 1.0, 1e-5, 60000, -65504, 3.140625, 0, -0.0] * 2, dtype=np.float16),
                               {}))]),
        ("bf", [("kernel:0", (bf16_bits(np.array([1.0, 3.0e38, 1e5, 7.0e4, -2.5, 1.0078125, 1e-30, 0] * 2,
                                                  dtype=np.float32)).reshape(4, 4), {"bfloat16": True}))]),
        ("mask", [("flags:0", (np.array([True, False, True, True, False] * 2), {}))]),
        ("vocab", [("vocabulary:0", (np.array([b"[UNK]", b"the", b"cat"]), {}))]),
    ]
    skipped["vocab/vocab/vocabulary:0"] = "strings"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = string_attr([name for name, _ in layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.11.0"
        for name, weights in layers:
            write_layer(f, name, weights, arrays)
    expected["keras2_weights.h5"] = {"arrays": arrays, "skipped": skipped}


def keras2_model(expected):
    path = os.path.join(HERE, "keras2_model.h5")
    arrays, skipped = {}, {}
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"}},
        {"class_name": "Dense", "config": {"name": "dense_1", "units": 3, "activation": "relu"}}]}}
    training = {"loss": "mse", "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}}}
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config).encode()
        f.attrs["training_config"] = json.dumps(training).encode()
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = string_attr(["input_1", "dense_1"])
        weights.attrs["backend"] = b"tensorflow"
        weights.attrs["keras_version"] = b"2.11.0"
        write_layer(weights, "input_1", [], arrays, "model_weights/")
        write_layer(weights, "dense_1", [
            ("kernel:0", (with_overflow(rng.normal(0, 1, (4, 3)).astype(np.float32), 1.0e5), {})),
            ("bias:0", (np.array([0.1, -0.2, 1e-9], dtype=np.float32), {}))], arrays, "model_weights/")
        opt = f.create_group("optimizer_weights")
        opt.attrs["weight_names"] = string_attr(["Adam/iter:0", "Adam/dense_1/kernel/m:0"])
        it = np.array(1200, dtype=np.int64)
        opt.create_dataset("Adam/iter:0", data=it)
        record(arrays, "optimizer_weights/Adam/iter:0", it)
        m = rng.normal(0, 1e-6, (4, 3)).astype(np.float32)
        opt.create_dataset("Adam/dense_1/kernel/m:0", data=m)
        record(arrays, "optimizer_weights/Adam/dense_1/kernel/m:0", m)
        # A complex-valued diagnostic: h5py stores it as a compound {r, i}.
        f.create_dataset("diagnostics/spectrum", data=np.array([1 + 2j, 3 - 1j], dtype=np.complex64))
        skipped["diagnostics/spectrum"] = "compound"
    expected["keras2_model.h5"] = {"arrays": arrays, "skipped": skipped}


def keras3(expected):
    path = os.path.join(HERE, "keras3.keras")
    arrays = {}
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        dense = f.create_group("layers/dense/vars")
        kernel = with_overflow(rng.normal(0, 1, (4, 3)).astype(np.float32), 1.0e5, -7.0e4)
        bias = np.array([0.5, 1e-9, -2.0], dtype=np.float32)
        dense.create_dataset("0", data=kernel)
        dense.create_dataset("1", data=bias)
        record(arrays, "layers/dense/vars/0", kernel)
        record(arrays, "layers/dense/vars/1", bias)
        empty = np.zeros((0, 4), dtype=np.float32)
        f.create_group("layers/empty_dense/vars").create_dataset("0", data=empty)
        record(arrays, "layers/empty_dense/vars/0", empty)
        opt = f.create_group("optimizer/vars")
        it = np.array(42, dtype=np.int64)
        opt.create_dataset("0", data=it)
        record(arrays, "optimizer/vars/0", it)
        m = rng.normal(0, 1, (4, 3)).astype(np.float32)
        opt.create_dataset("1", data=m)
        record(arrays, "optimizer/vars/1", m)
    config = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential"}}
    metadata = {"keras_version": "3.0.0", "date_saved": "2026-12-01@00:00:00"}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in (("metadata.json", json.dumps(metadata)), ("config.json", json.dumps(config)),
                           ("model.weights.h5", buffer.getvalue())):
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    expected["keras3.keras"] = {"arrays": arrays, "skipped": {}}


def main():
    expected = {}
    keras2_weights(expected)
    keras2_model(expected)
    keras3(expected)
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out, indent=1, sort_keys=True)
        out.write("\n")
    for name in sorted(expected):
        print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")


if __name__ == "__main__":
    main()
