#!/usr/bin/python3
"""Writes fuzz_huggingface's seeds (tests/fuzz/corpus/huggingface/): the first
byte picks the file (0 config.json, 1 model.safetensors.index.json), the rest
is its text. The golden folder's files (tests/golden/huggingface/) and a few
hand-written ones. Deterministic; run with /usr/bin/python3."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(os.path.dirname(HERE), "golden", "huggingface", "sharded")
OUT = os.path.join(HERE, "corpus", "huggingface")

SEEDS = {
    "config_nested": (0, '{"model_type": "x", "torch_dtype": "auto", "text_config": {"torch_dtype": "bfloat16"}, '
                         '"vision_config": {"dtype": "torch.float32"}, "quantization_config": {"dtype": "int4"}}'),
    "config_both_keys": (0, '{"architectures": ["A"], "torch_dtype": "float16", "dtype": "half"}'),
    "index_hostile": (1, '{"weight_map": {"a": "model-00001-of-00003.safetensors", "b": "../x", "c": ""}}'),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, file in (("config_golden", "config.json"), ("index_golden", "model.safetensors.index.json")):
        with open(os.path.join(GOLDEN, file)) as fh:
            SEEDS[name] = (0 if file == "config.json" else 1, fh.read())
    for name, (which, text) in sorted(SEEDS.items()):
        with open(os.path.join(OUT, name), "wb") as fh:
            fh.write(bytes([which]) + text.encode())


if __name__ == "__main__":
    main()
