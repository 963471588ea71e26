#!/usr/bin/python3
"""A tiny Hugging Face model folder for `dtlint scan examples/`: hf-model/.

Run with Debian's interpreter (it has NumPy):

    /usr/bin/python3 examples/make_hf_model.py

Deterministic; rewrites examples/hf-model/. What it holds, as transformers
writes it (json.dumps(indent=2, sort_keys=True)):

  config.json                        a tiny Llama config, "torch_dtype": "float16"
  model.safetensors.index.json       the weight map over the two shards
  model-00001-of-00002.safetensors   float32 embeddings and one layer; one weight
                                     is 1.0e5 > 65504: loading the model in float16
                                     turns it into inf (PL304 at the torch_dtype line)
  model-00002-of-00002.safetensors   float32 norm and lm_head, all exact in float16

safetensors is not packaged for Debian: the shards are written from its
specification (8-byte little-endian header length, JSON header padded to a
multiple of 8, then the tensors' little-endian bytes).
"""
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "hf-model")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import safetensors_write  # noqa: E402  (tests/safetensors_write.py: by hand, from the specification)


def write_json(name, value):
    with open(os.path.join(FOLDER, name), "w") as fh:
        fh.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def main():
    if os.path.isdir(FOLDER):
        shutil.rmtree(FOLDER)
    os.makedirs(FOLDER)
    # Multiples of 1/8 in [-2, 2): exact in float16, so only the planted value overflows.
    grid = (np.arange(32, dtype=np.float32) - 16) / 8
    embed = grid.reshape(8, 4).copy()
    embed[3, 1] = 1.0e5
    shards = {
        "model-00001-of-00002.safetensors": {
            "model.embed_tokens.weight": embed,
            "model.layers.0.mlp.up_proj.weight": grid[::-1].reshape(8, 4).copy(),
        },
        "model-00002-of-00002.safetensors": {
            "lm_head.weight": grid.reshape(8, 4).copy(),
            "model.norm.weight": np.ones(4, dtype=np.float32),
        },
    }
    weight_map, total = {}, 0
    for shard, tensors in shards.items():
        total += safetensors_write.write(os.path.join(FOLDER, shard), tensors)
        weight_map.update({name: shard for name in tensors})
    write_json("model.safetensors.index.json", {"metadata": {"total_size": total}, "weight_map": weight_map})
    write_json("config.json", {
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": 4,
        "intermediate_size": 8,
        "model_type": "llama",
        "num_attention_heads": 1,
        "num_hidden_layers": 1,
        "rms_norm_eps": 1e-06,
        "tie_word_embeddings": False,
        "torch_dtype": "float16",
        "transformers_version": "4.46.2",
        "vocab_size": 8,
    })


if __name__ == "__main__":
    main()
