#!/usr/bin/python3
"""Writes the Keras-config hostile corpus (tests/hostile/corpus_keras/) and its
manifest (tests/hostile/expected_keras.json), for issue 13 (Keras dtype
policies). Run with /usr/bin/python3 (h5py, NumPy).

A .keras archive's config.json and a Keras 2 .h5's model_config attribute
declare dtype policies over the file's weights (analyzer/pipeline/keras.h).
A config that cannot be used is one E901 at its member (config.json,
model_config) and the weights are still scanned:
  too_large.keras    config.json of 17 MiB (deflated to some 17 KB): past the
                     16 MiB read of a config, never inflated
  invalid.keras      config.json cut short (not JSON)
  deep.keras         config.json nested 100000 lists deep
  bad_policy.keras   a layer whose dtype is a number
  two_configs.keras  two config.json entries
  not_a_string.h5    a model_config attribute that is an integer
readable, each with its two weights: all of the above, and good.keras;
variable_length_config.h5 (a model_config that is a variable-length string).
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

from corpus import Corpus

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = Corpus(os.path.join(HERE, "corpus_keras"))


def weights_h5(build=None):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=np.full((4, 4), 7.0e4, dtype=np.float32))
        f.create_dataset("layers/dense/vars/1", data=np.zeros(4, dtype=np.float32))
        if build:
            build(f)
    return buffer.getvalue()


def keras(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def config(dtype):
    return json.dumps({"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "dtype": dtype}}]}})


def archive(name, config_text, phrase=None, *more):
    members = [("metadata.json", b"{}"), ("config.json", config_text), *more, ("model.weights.h5", weights_h5())]
    CORPUS.put(name, keras(members), phrase, arrays=2)


def main():
    CORPUS.create()
    good = config({"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}})
    archive("good.keras", good)
    archive("too_large.keras", b" " * (17 << 20) + b"{}",
            "the model config holds 17825794 bytes, more than the 16 MiB dtlint reads")
    archive("invalid.keras", good[:40], "line 1, column 41")
    archive("deep.keras", "[" * 100000 + "]" * 100000, "nest")
    archive("bad_policy.keras", config(16), "config.layers[0].config.dtype: a dtype is a string")
    archive("two_configs.keras", good, "config.json", ("config.json", good))

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.attrs["model_config"] = np.int64(7)
        f.create_dataset("model_weights/dense/dense/kernel:0", data=np.full((2, 2), 7.0e4, dtype=np.float32))
        f.create_dataset("model_weights/dense/dense/bias:0", data=np.zeros(2, dtype=np.float32))
    CORPUS.put("not_a_string.h5", buffer.getvalue(), "the model config cannot be read: not one string", arrays=2)

    # Keras 2 writes bytes (a fixed-length string); h5py writes a str as a variable-length one.
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "keras_version": "2.13.1", "config": {
            "name": "s", "layers": [{"class_name": "Dense", "config": {"name": "dense", "dtype": "mixed_float16"}}]}})
        f.create_dataset("model_weights/dense/dense/kernel:0", data=np.full((2, 2), 7.0e4, dtype=np.float32))
    CORPUS.put("variable_length_config.h5", buffer.getvalue(), arrays=1)

    CORPUS.write_expected(os.path.join(HERE, "expected_keras.json"))


if __name__ == "__main__":
    main()
