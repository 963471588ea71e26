#!/usr/bin/python3
"""Keras dtype-policy fixtures for dtlint (analyzer/pipeline/keras.h), written
by h5py + NumPy + json. Run with Debian's interpreter:

    /usr/bin/python3 tests/golden/keras/make_fixtures.py

TensorFlow/Keras are not in Debian, so these files are not written by Keras:
they follow the layouts Keras's own source writes (read from keras-team/keras
keras/src/saving/saving_lib.py, keras/src/dtype_policies/, and tf-keras
tf_keras/saving/legacy/hdf5_format.py):
  keras3_json/model.json + model.weights.h5
      Keras 3 `model.to_json()` of a Sequential (one line, as json.dumps
      writes it) and `model.save_weights("model.weights.h5")`: each layer of
      the model's list under layers/<snake_case class name, made unique>/vars/<i>
      (the second Dense is layers/dense_1 whatever its name).
      Policies as Keras 3 serializes them: {"module": "keras", "class_name":
      "DTypePolicy", "config": {"name": ...}, "registered_name": null}.
  keras2_json/model.json + model.h5
      Keras 2 `model.to_json()` of a Functional model with a nested Sequential
      (tf-keras: "keras_version", {"class_name": "Policy", ...}) and
      `model.save_weights("model.h5")`: a group per top-level layer, named by
      the layer, holding <variable name> datasets (dense/dense/kernel:0,
      block/block_dense/kernel:0).
  functional.keras
      Keras 3 `model.save("functional.keras")`: a zip of metadata.json,
      config.json (a Functional model, older Keras 3's FloatDTypePolicy,
      a nested Sequential and a TimeDistributed wrapper) and model.weights.h5
      (layers/sequential/layers/dense/vars/0, layers/time_distributed/layer/vars/0,
      optimizer/vars/<i>).
  keras2_model.h5
      Keras 2 `model.save("keras2_model.h5")`: root attribute model_config
      (the JSON as bytes: a fixed-length string), weights under
      model_weights/<layer>/<layer>/<weight>:0.
  missing/model.json
      a Keras 3 config with no weights file beside it (PL303).

expected.json, per file: "declarations": each declared layer's policy, cast
and the line and column of its `dtype` key (found in the JSON text by string
search); "members": each weight member bound to a layer's policy with the
counts of its cast as Keras computes it: tf.cast of float32 rounds once to
nearest even, as numpy's astype(float16) does and as torch's
float32 -> bfloat16 does: overflow = finite & isinf(Y), underflow_to_zero =
finite & X != 0 & Y == 0, inexact = ~isnan(X) & Y != X; "unbound": members no
policy covers (float32 layers, optimizer variables).
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261213)


def cast_counts(x, target):
    X = x.astype(np.float64)
    if target == "float16":
        with np.errstate(all="ignore"):
            Y = x.astype(np.float16).astype(np.float64)
    else:
        Y = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(torch.bfloat16).to(torch.float64).numpy()
    fin = np.isfinite(X)
    return {
        "overflow": int(np.sum(fin & np.isinf(Y))),
        "underflow_to_zero": int(np.sum(fin & (X != 0) & (Y == 0))),
        "inexact": int(np.sum(~np.isnan(X) & (Y != X))),
    }


def policy3(name, class_name="DTypePolicy"):
    return {"module": "keras", "class_name": class_name, "config": {"name": name}, "registered_name": None}


def policy2(name):
    return {"class_name": "Policy", "config": {"name": name}, "__passive_serialization__": True}


def layer3(class_name, name, dtype, **config):
    return {"module": "keras.layers", "class_name": class_name,
            "config": {"name": name, "trainable": True, "dtype": dtype, **config}, "registered_name": None}


def position(text, layer_name, nth=0):
    """Line and column (1-based) of the "dtype" key after the layer's "name"."""
    at = -1
    for _ in range(nth + 1):
        at = text.index('"name": "%s"' % layer_name, at + 1)
    key = text.index('"dtype"', at)
    line = text.count("\n", 0, key) + 1
    column = key - (text.rfind("\n", 0, key) + 1) + 1
    return [line, column]


def weights(shape, scale=1.0, big=()):
    values = rng.normal(0, scale, shape).astype(np.float32)
    flat = values.reshape(-1)
    for i, v in enumerate(big):
        flat[(i * 5 + 1) % flat.size] = v
    return values


def write_datasets(f, arrays):
    for name, values in arrays.items():
        f.create_dataset(name, data=values)


def members(arrays, bound):
    """bound: member -> (layer, target)."""
    out, unbound = {}, []
    for name, values in arrays.items():
        if name in bound:
            layer, target = bound[name]
            out[name] = {"layer": layer, "target": target, "counts": cast_counts(values, target)}
        else:
            unbound.append(name)
    return out, sorted(unbound)


def keras3_json(expected):
    folder = os.path.join(HERE, "keras3_json")
    os.makedirs(folder, exist_ok=True)
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "sequential", "trainable": True, "dtype": policy3("float32"), "layers": [
            {"module": "keras.layers", "class_name": "InputLayer",
             "config": {"batch_shape": [None, 8], "dtype": "float32", "sparse": False, "name": "input_layer"},
             "registered_name": None},
            layer3("Dense", "hidden", policy3("mixed_float16"), units=16, activation="relu", use_bias=True),
            layer3("BatchNormalization", "norm", policy3("mixed_float16"), axis=-1, momentum=0.99),
            layer3("Dense", "logits", policy3("float32"), units=4, activation="linear", use_bias=True),
        ], "build_input_shape": [None, 8]}, "registered_name": None,
        "build_config": {"input_shape": [None, 8]}, "compile_config": None}
    text = json.dumps(config)
    with open(os.path.join(folder, "model.json"), "w") as f:
        f.write(text)
    arrays = {
        "layers/dense/vars/0": weights((8, 16), 2.0, (7.0e4, -9.0e4, 65520.0)),
        "layers/dense/vars/1": weights((16,), 1e-3, (1e-8, -3e-9)),
        "layers/batch_normalization/vars/0": np.ones(16, np.float32),
        "layers/batch_normalization/vars/1": np.zeros(16, np.float32),
        "layers/batch_normalization/vars/2": weights((16,), 1e3, (101325.0,)),
        "layers/batch_normalization/vars/3": np.full(16, 6.4e5, np.float32),
        "layers/dense_1/vars/0": weights((16, 4), 1e5),
        "layers/dense_1/vars/1": np.zeros(4, np.float32),
    }
    with h5py.File(os.path.join(folder, "model.weights.h5"), "w") as f:
        write_datasets(f, arrays)
    bound = {k: ("hidden", "float16") for k in arrays if k.startswith("layers/dense/")}
    bound.update({k: ("norm", "float16") for k in arrays if k.startswith("layers/batch_normalization/")})
    found, unbound = members(arrays, bound)
    expected["keras3_json/model.weights.h5"] = {
        "config": "keras3_json/model.json",
        "declarations": {"hidden": {"policy": "mixed_float16", "target": "float16", "at": position(text, "hidden")},
                         "norm": {"policy": "mixed_float16", "target": "float16", "at": position(text, "norm")}},
        "members": found, "unbound": unbound}


def keras2_json(expected):
    folder = os.path.join(HERE, "keras2_json")
    os.makedirs(folder, exist_ok=True)
    block = {"class_name": "Sequential", "config": {"name": "block", "layers": [
        {"class_name": "Dense", "config": {"name": "block_dense", "trainable": True, "dtype": policy2("mixed_bfloat16"),
                                           "units": 4}}]}}
    block["name"] = "block"
    block["inbound_nodes"] = [[["dense", 0, 0, {}]]]
    config = {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "x"},
         "name": "x", "inbound_nodes": []},
        {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": policy2("mixed_float16"),
                                           "units": 8}, "name": "dense", "inbound_nodes": [[["x", 0, 0, {}]]]},
        block,
        {"class_name": "Dense", "config": {"name": "out", "trainable": True, "dtype": "float32", "units": 2},
         "name": "out", "inbound_nodes": [[["block", 0, 0, {}]]]},
    ], "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]},
        "keras_version": "2.13.1", "backend": "tensorflow"}
    text = json.dumps(config)
    with open(os.path.join(folder, "model.json"), "w") as f:
        f.write(text)
    arrays = {
        "dense/dense/kernel:0": weights((4, 8), 3.0, (7.0e4,)),
        "dense/dense/bias:0": weights((8,), 0.1),
        "block/block_dense/kernel:0": weights((8, 4), 1.0, (3.4e38, -3.395e38, 1e-40)),
        "block/block_dense/bias:0": weights((4,), 0.1),
        "out/out/kernel:0": weights((4, 2), 1e6),
    }
    with h5py.File(os.path.join(folder, "model.h5"), "w") as f:
        f.attrs["layer_names"] = np.array([b"x", b"dense", b"block", b"out"])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.13.1"
        write_datasets(f, arrays)
    bound = {k: ("dense", "float16") for k in arrays if k.startswith("dense/")}
    bound.update({k: ("block_dense", "bfloat16") for k in arrays if k.startswith("block/")})
    found, unbound = members(arrays, bound)
    expected["keras2_json/model.h5"] = {
        "config": "keras2_json/model.json",
        "declarations": {"dense": {"policy": "mixed_float16", "target": "float16", "at": position(text, "dense")},
                         "block_dense": {"policy": "mixed_bfloat16", "target": "bfloat16",
                                         "at": position(text, "block_dense")}},
        "members": found, "unbound": unbound}


def functional_keras(expected):
    inner = layer3("Dense", "block_dense", policy3("mixed_float16", "FloatDTypePolicy"), units=4)
    wrapped = layer3("Dense", "step_dense", policy3("mixed_bfloat16", "FloatDTypePolicy"), units=2)
    config = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {
        "name": "functional", "trainable": True, "layers": [
            {"module": "keras.layers", "class_name": "InputLayer",
             "config": {"batch_shape": [None, 3, 4], "dtype": "float32", "name": "x"},
             "registered_name": None, "name": "x", "inbound_nodes": []},
            {**layer3("Dense", "encoder", policy3("mixed_float16", "FloatDTypePolicy"), units=4),
             "name": "encoder", "inbound_nodes": []},
            {"module": "keras", "class_name": "Sequential", "config": {
                "name": "block", "trainable": True, "dtype": policy3("float32", "FloatDTypePolicy"),
                "layers": [inner]}, "registered_name": None, "name": "block", "inbound_nodes": []},
            {**layer3("TimeDistributed", "steps", policy3("mixed_bfloat16", "FloatDTypePolicy"), layer=wrapped),
             "name": "steps", "inbound_nodes": []},
        ], "input_layers": [["x", 0, 0]], "output_layers": [["steps", 0, 0]]},
        "registered_name": "Functional", "build_config": {"input_shape": None}, "compile_config": None}
    text = json.dumps(config)
    metadata = json.dumps({"keras_version": "3.3.3", "date_saved": "2026-12-01@00:00:00"})
    arrays = {
        "layers/dense/vars/0": weights((4, 4), 2.0, (1.0e5,)),
        "layers/dense/vars/1": weights((4,), 0.1),
        "layers/sequential/layers/dense/vars/0": weights((4, 4), 1.0, (65504.0, 65519.0, 65520.0)),
        "layers/sequential/layers/dense/vars/1": weights((4,), 0.1),
        "layers/time_distributed/layer/vars/0": weights((4, 2), 1.0, (3.4e38,)),
        "layers/time_distributed/layer/vars/1": weights((2,), 0.1),
        "optimizer/vars/0": np.array([7.0e4], np.float32),
    }
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_datasets(f, arrays)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in (("metadata.json", metadata), ("config.json", text), ("model.weights.h5", buffer.getvalue())):
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    with open(os.path.join(HERE, "functional.keras"), "wb") as f:
        f.write(out.getvalue())
    bound = {k: ("encoder", "float16") for k in arrays if k.startswith("layers/dense/")}
    bound.update({k: ("block_dense", "float16") for k in arrays if k.startswith("layers/sequential/")})
    bound.update({k: ("step_dense", "bfloat16") for k in arrays if k.startswith("layers/time_distributed/")})
    found, unbound = members(arrays, bound)
    expected["functional.keras"] = {
        "config": "functional.keras:config.json",
        "declarations": {
            "encoder": {"policy": "mixed_float16", "target": "float16", "at": position(text, "encoder")},
            "block_dense": {"policy": "mixed_float16", "target": "float16", "at": position(text, "block_dense")},
            "step_dense": {"policy": "mixed_bfloat16", "target": "bfloat16", "at": position(text, "step_dense")}},
        "members": found, "unbound": unbound}


def keras2_model(expected):
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"}},
        {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": policy2("mixed_float16"),
                                           "units": 3}},
        {"class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "dtype": "float32", "units": 3}},
    ]}, "keras_version": "2.13.1", "backend": "tensorflow"}
    text = json.dumps(config)
    arrays = {
        "model_weights/dense/dense/kernel:0": weights((4, 3), 1.0, (7.0e4, 1e-9)),
        "model_weights/dense/dense/bias:0": weights((3,), 0.1),
        "model_weights/dense_1/dense_1/kernel:0": weights((3, 3), 1e5),
        "optimizer_weights/Adam/iter:0": np.array([70000.0], np.float32),
    }
    with h5py.File(os.path.join(HERE, "keras2_model.h5"), "w") as f:
        f.attrs["model_config"] = text.encode()
        f.attrs["keras_version"] = b"2.13.1"
        f.attrs["backend"] = b"tensorflow"
        write_datasets(f, arrays)
    bound = {k: ("dense", "float16") for k in arrays if k.startswith("model_weights/dense/")}
    found, unbound = members(arrays, bound)
    expected["keras2_model.h5"] = {
        "config": "keras2_model.h5:model_config",
        "declarations": {"dense": {"policy": "mixed_float16", "target": "float16", "at": position(text, "dense")}},
        "members": found, "unbound": unbound}


def missing(expected):
    folder = os.path.join(HERE, "missing")
    os.makedirs(folder, exist_ok=True)
    config = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": [
        layer3("Dense", "dense", policy3("mixed_float16"), units=2)]}, "registered_name": None}
    with open(os.path.join(folder, "model.json"), "w") as f:
        f.write(json.dumps(config, indent=2) + "\n")


def main():
    expected = {}
    keras3_json(expected)
    keras2_json(expected)
    functional_keras(expected)
    keras2_model(expected)
    missing(expected)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
