#!/usr/bin/python3
"""Tiny model files for `dtlint scan examples/`, one per model format, each
written by its own library (Debian's python3-torch, python3-onnx, python3-h5py;
GGUF by hand from its specification with tests/gguf_write.py):

    /usr/bin/python3 examples/make_models.py

Deterministic (fixed seeds); rewrites examples/models/. See README.md there
for what each file shows.
"""
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import gguf_write  # noqa: E402


def weights(rng, *shape, scale=0.02):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def bert_onnx(rng):
    """A classifier head exported to ONNX whose attention mask constant is
    -1e30 and whose bias holds 1e30 padding values: both become -inf/inf in
    float16, as after onnxconverter_common's convert_float_to_float16."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    bias = np.zeros(4, dtype=np.float32)
    bias[3] = 1e30
    inits = [numpy_helper.from_array(weights(rng, 16, 8), "embeddings.word_embeddings.weight"),
             numpy_helper.from_array(weights(rng, 8, 4), "classifier.weight"),
             numpy_helper.from_array(bias, "classifier.bias")]
    mask = helper.make_node("Constant", [], ["mask_value"],
                            value=numpy_helper.from_array(np.array([-1e30], dtype=np.float32), "mask_value"))
    matmul = helper.make_node("MatMul", ["hidden", "classifier.weight"], ["logits_raw"])
    add = helper.make_node("Add", ["logits_raw", "classifier.bias"], ["logits"])
    graph = helper.make_graph([mask, matmul, add], "classifier",
                              [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [1, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4])],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(MODELS, "bert_classifier.onnx"))


def llama_torch(rng):
    """A small decoder's state_dict saved with torch.save as pytorch_model.bin:
    lm_head tied to the embedding (one storage), rotary inverse frequencies down
    to 1e-4 (subnormal in float16) and position ids (int64)."""
    import torch
    embed = torch.from_numpy(weights(rng, 32, 16))
    dims = torch.arange(0, 16, 2, dtype=torch.float32)
    state = {
        "model.embed_tokens.weight": embed,
        "model.layers.0.self_attn.rotary_emb.inv_freq": 1.0 / (1e8 ** (dims / 16)),
        "model.layers.0.mlp.up_proj.weight": torch.from_numpy(weights(rng, 32, 16)),
        "model.norm.weight": torch.ones(16),
        "model.position_ids": torch.arange(64, dtype=torch.int64),
        "lm_head.weight": embed,  # tied: the same storage as the embedding
    }
    torch.save(state, os.path.join(MODELS, "pytorch_model.bin"))


def keras_h5(rng):
    """Keras 2 save_weights layout (h5py): a Normalization layer adapted on raw
    pressures keeps their variance (~6e5), which mixed_float16 makes inf."""
    import h5py
    path = os.path.join(MODELS, "keras_weights.h5")
    layers = {
        "normalization": {"mean:0": np.array([101325.0], dtype=np.float32),
                          "variance:0": np.array([640000.0], dtype=np.float32),
                          "count:0": np.array(4096, dtype=np.int64)},
        "dense": {"kernel:0": weights(rng, 1, 8, scale=0.3), "bias:0": np.zeros(8, dtype=np.float32)},
    }
    with h5py.File(path, "w") as fh:
        fh.attrs["layer_names"] = np.array([name.encode() for name in layers])
        fh.attrs["backend"] = b"tensorflow"
        fh.attrs["keras_version"] = b"2.11.0"
        for layer, variables in layers.items():
            group = fh.create_group(layer)
            group.attrs["weight_names"] = np.array([f"{layer}/{v}".encode() for v in variables])
            for name, value in variables.items():
                group.create_dataset(f"{layer}/{name}", data=value)


def tiny_gguf(rng):
    """A llama.cpp GGUF: float32 norms, a float16 embedding, a Q8_0 block
    (quantized: skipped) and an attention scale of 1e5 stored as float32."""
    g = gguf_write
    q8 = struct.pack("<e", 0.01) + bytes(range(32))
    tensors = [g.array_tensor("token_embd.weight", weights(rng, 8, 16).astype(np.float16)),
               g.array_tensor("blk.0.attn_norm.weight", np.ones(16, dtype=np.float32)),
               g.array_tensor("blk.0.attn_scale", np.array([1e5], dtype=np.float32)),
               ("blk.0.attn_q.weight", g.GGML_Q8_0, [32], q8)]
    metadata = [("general.architecture", g.STRING, "llama"), ("general.name", g.STRING, "tiny"),
                ("llama.context_length", g.UINT32, 128)]
    with open(os.path.join(MODELS, "tiny.gguf"), "wb") as fh:
        fh.write(g.gguf_bytes(tensors, metadata))


def main():
    os.makedirs(MODELS, exist_ok=True)
    for name in os.listdir(MODELS):
        if name != "README.md":
            os.remove(os.path.join(MODELS, name))
    rng = np.random.default_rng(20261201)
    bert_onnx(rng)
    llama_torch(rng)
    keras_h5(rng)
    tiny_gguf(rng)


if __name__ == "__main__":
    main()
