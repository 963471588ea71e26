#!/usr/bin/python3
"""A tiny Keras model for `dtlint scan examples/` (issue 13: Keras dtype
policies): examples/keras-model/model.json, as Keras 3's
`model.to_json(indent=2)` writes it, beside model.weights.h5, as
`model.save_weights("model.weights.h5")` writes it (layers/<snake_case class
name>/vars/<i>).

Run with /usr/bin/python3 (h5py, NumPy; deterministic). TensorFlow/Keras are
not in Debian, so the files are written with json and h5py, following the
layouts of Keras's source (keras/src/saving/saving_lib.py,
keras/src/dtype_policies/): nothing here comes from Keras itself.

The model runs under mixed_float16: a Normalization layer adapted on raw
pressures in Pa keeps mean 101325 and variance 640000, both inf once Keras
casts them to the float16 compute dtype (PL304 at the layer's "dtype" line);
the Dense layer's weights survive; the float32 output layer declares nothing.
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras-model")


def policy(name):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


def layer(class_name, name, dtype, **config):
    return {"module": "keras.layers", "class_name": class_name,
            "config": {"name": name, "trainable": True, "dtype": policy(dtype), **config},
            "registered_name": None}


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = np.random.default_rng(20261213)
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "pressure_model", "trainable": True, "dtype": policy("mixed_float16"), "layers": [
            {"module": "keras.layers", "class_name": "InputLayer",
             "config": {"batch_shape": [None, 1], "dtype": "float32", "sparse": False, "name": "pressure"},
             "registered_name": None},
            layer("Normalization", "normalize_pa", "mixed_float16", axis=[-1], mean=None, variance=None,
                  invert=False),
            layer("Dense", "hidden", "mixed_float16", units=8, activation="relu", use_bias=True),
            layer("Dense", "logits", "float32", units=2, activation="linear", use_bias=True),
        ], "build_input_shape": [None, 1]}, "registered_name": None,
        "build_config": {"input_shape": [None, 1]}, "compile_config": None}
    with open(os.path.join(HERE, "model.json"), "w") as f:
        f.write(json.dumps(config, indent=2) + "\n")
    weights = {
        "layers/normalization/vars/0": np.array([101325.0], dtype=np.float32),  # mean
        "layers/normalization/vars/1": np.array([640000.0], dtype=np.float32),  # variance
        "layers/normalization/vars/2": np.array(4096, dtype=np.int64),  # count
        "layers/dense/vars/0": (rng.normal(0, 0.3, (1, 8))).astype(np.float32),
        "layers/dense/vars/1": np.zeros(8, dtype=np.float32),
        "layers/dense_1/vars/0": (rng.normal(0, 0.3, (8, 2))).astype(np.float32),
        "layers/dense_1/vars/1": np.zeros(2, dtype=np.float32),
    }
    with h5py.File(os.path.join(HERE, "model.weights.h5"), "w") as f:
        for name, value in weights.items():
            f.create_dataset(name, data=value)


if __name__ == "__main__":
    main()
