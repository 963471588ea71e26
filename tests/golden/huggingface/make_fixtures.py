#!/usr/bin/python3
"""Golden Hugging Face model folders for dtlint's "huggingface" plan loader.

Run it with Debian's interpreter (python3-torch, 1.13):

    /usr/bin/python3 tests/golden/huggingface/make_fixtures.py

It rewrites tests/golden/huggingface/sharded/, pickle/ and expected.json.
Deterministic; the C++ test (tests/huggingface_test.cpp) reads only the files.

Folders (a few KB)
------------------
sharded/   config.json as transformers writes it (json.dumps(indent=2,
           sort_keys=True)) with "torch_dtype": "float16", two safetensors
           shards and model.safetensors.index.json naming them. float32
           weights: some above 65504 (overflow in float16), some below half
           float16's smallest subnormal (flushed to zero), some float16
           subnormals, some exact, some merely rounded.
pickle/    config.json with "dtype": "bfloat16" (newer transformers' key)
           beside pytorch_model.bin, a torch.save of a state_dict: float32
           weights above bfloat16's largest finite value (3.3895e38), float32
           subnormals below bfloat16's smallest, exact and rounded values.

safetensors is not packaged for Debian: the shards are written by hand from
its specification (8-byte little-endian header length, JSON header, data), as
tests/golden/generate.py does.

expected.json
-------------
{folder: {"config": path, "declaration": {"name", "line", "column", "cast"},
          "files": [data files bound, in name order],
          "tensors": [{"file", "tensor", "elements", "overflow",
                       "underflow_to_zero", "to_subnormal", "inexact"}]}}
line/column: of the dtype key's opening quote in config.json, 1-based, found
in the text this script wrote. Counts are torch's own, y = t.to(cast),
X = t.double(), Y = y.double() (exact), fin = isfinite(X):
  overflow           fin & isinf(Y)
  underflow_to_zero  fin & X != 0 & Y == 0
  to_subnormal       isfinite(Y) & Y != 0 & |Y| < torch.finfo(cast).tiny
  inexact            ~isnan(X) & Y != X
"""
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # tests/
import safetensors_write  # noqa: E402  (tests/safetensors_write.py: by hand, from the specification)


def write_config(path, dtype_key, dtype):
    """A tiny Llama-style config as transformers' to_json_file writes it."""
    config = {
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": 4,
        "intermediate_size": 8,
        "model_type": "llama",
        "num_attention_heads": 1,
        "num_hidden_layers": 1,
        "rms_norm_eps": 1e-06,
        "tie_word_embeddings": False,
        dtype_key: dtype,
        "transformers_version": "4.56.0" if dtype_key == "dtype" else "4.46.2",
        "vocab_size": 8,
    }
    text = json.dumps(config, indent=2, sort_keys=True) + "\n"
    with open(path, "w") as fh:
        fh.write(text)
    at = text.index('"%s"' % dtype_key)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1  # ASCII: bytes are characters
    return {"name": dtype_key, "line": line, "column": column, "cast": dtype}


def counts(file, name, t, cast):
    y = t.to(cast)
    x, yd = t.double(), y.double()
    fin = torch.isfinite(x)
    tiny = torch.finfo(cast).tiny
    return {
        "file": file,
        "tensor": name,
        "elements": t.numel(),
        "overflow": int((fin & torch.isinf(yd)).sum()),
        "underflow_to_zero": int((fin & (x != 0) & (yd == 0)).sum()),
        "to_subnormal": int((torch.isfinite(yd) & (yd != 0) & (yd.abs() < tiny)).sum()),
        "inexact": int((~torch.isnan(x) & (yd != x)).sum()),
    }


def f32(values, shape):
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def sharded(folder):
    os.makedirs(folder)
    declaration = write_config(os.path.join(folder, "config.json"), "torch_dtype", "float16")
    shards = {
        "model-00001-of-00002.safetensors": {
            # 70000, -1e5, 65520 (the midpoint above 65504: rounds to inf) overflow; 65504 is exact.
            "model.embed_tokens.weight": f32([70000.0, -1.0e5, 65520.0, 65504.0, 1.0, -2.0, 0.5, 0.1], [2, 4]),
            # 1e-8 and -2e-8 flush to zero; 1e-5 and 3e-7 are float16 subnormals; 0 and 2**-24 exact.
            "model.layers.0.mlp.up_proj.weight": f32([1.0e-8, -2.0e-8, 1.0e-5, 3.0e-7, 0.0, 2.0**-24, 0.25, 3.0],
                                                     [4, 2]),
        },
        "model-00002-of-00002.safetensors": {
            "lm_head.weight": f32([0.25, -2.0, 0.0, 1024.0, 0.125, -0.5, 8.0, 16.0], [2, 4]),  # all exact
            "model.norm.weight": f32([0.1, 0.2, 0.3, 1.0e6], [4]),  # rounded, and one overflow
        },
    }
    weight_map, total, tensors = {}, 0, []
    for shard, members in shards.items():
        assert all(t.dtype == torch.float32 for t in members.values())
        total += safetensors_write.write(os.path.join(folder, shard),
                                         {name: t.contiguous().numpy() for name, t in members.items()})
        for name, t in sorted(members.items()):
            weight_map[name] = shard
            tensors.append(counts(shard, name, t, torch.float16))
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as fh:
        fh.write(json.dumps(index, indent=2, sort_keys=True) + "\n")
    return {"config": "sharded/config.json", "declaration": declaration, "files": sorted(shards), "tensors": tensors}


def pickle_folder(folder):
    os.makedirs(folder)
    declaration = write_config(os.path.join(folder, "config.json"), "dtype", "bfloat16")
    big = torch.finfo(torch.float32).max  # above bfloat16's largest finite: rounds to inf
    state = {
        "model.embed_tokens.weight": f32([big, -big, 3.0e38, 1.0, 0.1, 0.5, -0.25, 2.0], [2, 4]),
        # 1e-44 is below bfloat16's smallest subnormal (9.2e-41): zero; 1e-39 a bfloat16 subnormal.
        "model.layers.0.mlp.down_proj.weight": f32([1.0e-44, -1.0e-44, 1.0e-39, 0.0, 1.0, 3.0, 7.0, 0.3], [8]),
    }
    torch.save(state, os.path.join(folder, "pytorch_model.bin"))
    tensors = [counts("pytorch_model.bin", name, t, torch.bfloat16) for name, t in sorted(state.items())]
    return {"config": "pickle/config.json", "declaration": declaration, "files": ["pytorch_model.bin"],
            "tensors": tensors}


def main():
    torch.manual_seed(0)
    for name in ("sharded", "pickle"):
        if os.path.isdir(os.path.join(HERE, name)):
            shutil.rmtree(os.path.join(HERE, name))
    expected = {"sharded": sharded(os.path.join(HERE, "sharded")),
                "pickle": pickle_folder(os.path.join(HERE, "pickle"))}
    with open(os.path.join(HERE, "expected.json"), "w") as fh:
        fh.write(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
