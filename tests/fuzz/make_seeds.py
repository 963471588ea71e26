#!/usr/bin/python3
"""Writes the fuzzers' seed corpus (tests/fuzz/corpus/): a few small, valid files
of each format, made by NumPy (and the safetensors layout by hand, per its spec),
and hand-written configuration files in every spelling for fuzz_config.
Run with Debian's /usr/bin/python3; deterministic."""
import io
import json
import os
import struct

import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import gguf_write  # noqa: E402  (tests/gguf_write.py)
CORPUS = os.path.join(HERE, "corpus")

# fuzz_config: the first byte picks the spelling, the rest is the file's text.
CONFIG_SPELLINGS = {".dtlint.yaml": 0, ".dtlint.toml": 1, "pyproject.toml": 2}

CONFIG_SEEDS = {
    # every key, block and flow style
    "yaml_every_key": (".dtlint.yaml", """\
# every key
targets: [float16, bf16, float16]
semantics: torch
fail_on: warning
exclude: ["build/**", "*.tmp", /abs/only/, ./rel/*.npy]
rules:
  DT104: off
  dt105: note
  DT107: {severity: warning, fraction: .25}
  DT201: error
tolerances:
  float16: {rtol: 1e-3, atol: 0}
  bfloat16:
    rtol: 0x10
    atol: 0o7
  int32: {atol: 1}
per_path:
  - paths: ["data/**", "**/labels.npy"]
    targets: [float32, int8]
    rules: {DT101: warning}
    tolerances:
      float16: {atol: 1.5e-5}
  - paths: legacy/*.npy
    rules:
      DT107: {severity: off}
ignore:
  - path: weights/*.safetensors
    member: "layer.*.bias"
    rules: [DT101, dt102]
    reason: "biases are re-computed: see #12"
  - path: old.npy
    rules: DT104
    reason: frozen file
"""),
    # anchors and aliases
    "yaml_anchors": (".dtlint.yaml", """\
targets: &t [float16, bfloat16]
rules:
  DT107: &r {severity: warning, fraction: 0.5}
  DT106: &s note
per_path:
  - {paths: "a/**", targets: *t, rules: {DT107: *r, DT105: *s}}
  - {paths: [b, "c/[!x]?.np[yz]"], targets: *t}
"""),
    # quoting, escapes, block scalars and non-ASCII text
    "yaml_strings": (".dtlint.yaml", """\
%YAML 1.2
---
semantics: 'numpy'
exclude:
  - "ünïcödé/日本/**"
  - 'it''s #not a comment'
  - "tab\\there\\x01\\u00e9\\U0001F600"
  - !!str 123
ignore:
  - path: "weights/[[:digit:]]*.npz"
    member: "emb\\\\*"
    rules: [DT101]
    reason: |
      multi-line
      reason: kept
  - path: x
    rules: DT103
    reason: >-
      folded
      text
...
"""),
    # numbers in every YAML spelling
    "yaml_numbers": (".dtlint.yaml", """\
tolerances:
  float16: {rtol: +2.5E-1, atol: 1.5e-5}
  float32: {rtol: 12, atol: 3.}
  float64: {rtol: -0, atol: 5e-324}
  uint8: {rtol: 0x7fffffffffffffff, atol: 99999999999999999999}
  int64: {rtol: 0o17, atol: -0.0}
  int16: {rtol: .5, atol: 1.7976931348623157e308}
rules:
  DT107: {fraction: 1}
"""),
    # mistakes YAML lets through to the validator: a merge key, specials, a misplaced fraction
    "yaml_specials": (".dtlint.yaml", """\
base: &b {severity: note}
rules:
  DT106:
    <<: *b
  DT104: {severity: note, fraction: 0.5}
tolerances:
  float16: {rtol: .NaN, atol: .inf}
exclude: [? complex, {a: b}, ~, null, "", true]
"""),
    # mistakes: unknown keys, duplicates, wrong types, two documents
    "yaml_errors": (".dtlint.yaml", """\
targets: [float16, float12, complex64]
colour: red
pipeline:
  - [float32, float16]
rules:
  DT999: note
  cast-overflow: off
  DT104: fatal
  DT104: note
ignore: {path: a}
per_path:
  - targets: [float16]
  - paths: []
---
semantics: jax
"""),
    # nested flow collections and a complex key
    "yaml_nested_flow": (".dtlint.yaml", """\
{per_path: [{paths: [a, [b, {c: d}]], rules: {DT101: {severity: [note]}}}], ignore: [[{}]], x: {? a : b}}
"""),
    # every key in TOML, with array tables, inline tables and dotted keys
    "toml_every_key": (".dtlint.toml", """\
targets = ["float16", "bf16", "float16"]
semantics = "torch"
fail_on = "warning"
exclude = ["build/**", '*.tmp']

[rules]
DT104 = "off"
dt105 = "note"
DT107 = { severity = "warning", fraction = 0.25 }

[tolerances]
float16 = { rtol = 1e-3, atol = 0 }
bfloat16 = { rtol = 16 }
int32.atol = 1

[[per_path]]
paths = ["data/**"]
targets = ["float32"]
rules = { DT101 = "warning" }
tolerances = { float16 = { atol = 1.5e-5 } }

[[per_path]]
paths = "legacy/*.npy"
rules.DT107.severity = "off"

[[ignore]]
path = "weights/*.safetensors"
member = "layer.*.bias"
rules = ["DT101", "dt102"]
reason = "biases are re-computed: see #12"

[[ignore]]
path = "old.npy"
rules = "DT104"
reason = "frozen file"
"""),
    # TOML strings: literal, multi-line, escapes and non-ASCII text
    "toml_strings": (".dtlint.toml", """\
exclude = [
  \"\"\"
multi\\
  line\"\"\",
  '''raw\\path''',
  "ünïcödé/日本/**",
  "esc \\t \\u00e9 \\U0001F600",
]

[[ignore]]
path = 'C:\\data\\*.npz'
rules = ["DT205"]
reason = \"\"\"
frozen\"\"\"
"""),
    # TOML mistakes: dates, wrong types, unknown keys, a redefined table
    "toml_errors": (".dtlint.toml", """\
fail_on = 1979-05-27T07:32:00Z
semantics = 3
targets = [1.5, true]
"quoted key" = "red"

[tolerances.float16]
rtol = inf
atol = -nan
reltol = 0.1

[rules]
DT104 = { level = "note" }

[rules]
DT105 = "off"
"""),
    # pyproject.toml with other tools' tables around [tool.dtlint]
    "pyproject_every_key": ("pyproject.toml", """\
[project]
name = "demo"
version = "0.1.0"

[tool.black]
line-length = 100

[tool.dtlint]
targets = ["float16", "bfloat16"]
semantics = "numpy"
fail_on = "error"
exclude = ["build/**"]

[tool.dtlint.rules]
DT104 = "off"
DT107 = { severity = "note", fraction = 0.1 }

[tool.dtlint.tolerances]
float16 = { rtol = 1e-3, atol = 1e-5 }

[[tool.dtlint.per_path]]
paths = ["data/**"]
targets = ["int32"]

[[tool.dtlint.ignore]]
path = "weights/*.safetensors"
member = "*.bias"
rules = ["DT101"]
reason = "recomputed"
"""),
    # the table written inline, with an array of inline tables
    "pyproject_inline": ("pyproject.toml", """\
[tool]
dtlint = { semantics = "tensorflow", per_path = [{ paths = "a/*", rules = { DT106 = "warning" } }] }
"""),
    # a value instead of the table
    "pyproject_errors": ("pyproject.toml", """\
[project]
name = "x"

[tool]
dtlint = 3
"""),
}


def npy_bytes(x, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, x)
    else:
        np.lib.format.write_array(buf, x, version=version)
    return buf.getvalue()


def main():
    rng = np.random.default_rng(5)
    arrays = {
        "f64": np.array([1.0, 70000.0, 1e-9, np.nan, -np.inf, 2.5]),
        "f32_2d_fortran": np.asfortranarray(rng.standard_normal((3, 4)).astype(np.float32)),
        "f16": np.array([1, 65504, 6e-8], dtype=np.float16),
        "i64": np.array([16777217, -1, 2**62], dtype=np.int64),
        "u8_be": np.arange(5, dtype=">u2"),
        "c128": np.array([1 + 2j, 3 - 0j]),
        "bool": np.array([True, False]),
        "scalar": np.array(3.5),
        "empty": np.zeros((0, 3)),
    }
    for name, x in arrays.items():
        data = npy_bytes(x)
        for target in ("npy_header", "npy_data"):
            with open(os.path.join(CORPUS, target, name + ".npy"), "wb") as fh:
                fh.write(data)
    with open(os.path.join(CORPUS, "npy_header", "v2.npy"), "wb") as fh:
        fh.write(npy_bytes(arrays["f64"], version=(2, 0)))
    with open(os.path.join(CORPUS, "npy_header", "v3.npy"), "wb") as fh:
        fh.write(npy_bytes(arrays["i64"], version=(3, 0)))

    small = {k: arrays[k] for k in ("f64", "i64", "f16", "scalar")}
    for name, save in (("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)):
        buf = io.BytesIO()
        save(buf, **small)
        with open(os.path.join(CORPUS, "npz", name), "wb") as fh:
            fh.write(buf.getvalue())

    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, dtype, x in (("w", "F32", np.array([1.5, -2.0], "<f4")), ("ids", "I64", np.array([7], "<i8")),
                           ("h", "F16", np.array([1, 2, 3], "<f2"))):
        data = x.tobytes()
        header[name] = {"dtype": dtype, "shape": list(x.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(CORPUS, "safetensors", "model.safetensors"), "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

    os.makedirs(os.path.join(CORPUS, "gguf"), exist_ok=True)
    g = gguf_write
    tensors = [g.array_tensor("token_embd.weight", arrays["f32_2d_fortran"]),
               g.array_tensor("ids", arrays["i64"]), g.array_tensor("norm", arrays["f16"]),
               g.array_tensor("scalar", arrays["scalar"]),
               ("blk.0.attn_q.weight", g.GGML_Q8_0, [32], struct.pack("<e", 0.25) + bytes(32)),
               ("bf16", g.GGML_BF16, [2], struct.pack("<HH", 0x3F80, 0x7F7F))]
    metadata = [("general.architecture", g.STRING, "llama"), ("llama.context_length", g.UINT32, 2048),
                ("general.alignment", g.UINT32, 16),
                ("tokenizer.ggml.scores", g.ARRAY, (g.FLOAT32, [0.0, -1.5])),
                ("nested", g.ARRAY, (g.ARRAY, [(g.INT8, [1, 2]), (g.STRING, ["x"])]))]
    seeds = {"v3.gguf": g.gguf_bytes(tensors, metadata, alignment=16),
             "v2.gguf": g.gguf_bytes(tensors[:3], version=2),
             "bigendian.gguf": g.gguf_bytes([g.array_tensor("w", arrays["f64"], big_endian=True)], metadata[:2],
                                            big_endian=True)}
    for name, data in seeds.items():
        with open(os.path.join(CORPUS, "gguf", name), "wb") as fh:
            fh.write(data)

    os.makedirs(os.path.join(CORPUS, "config"), exist_ok=True)
    for name, (spelling, text) in CONFIG_SEEDS.items():
        with open(os.path.join(CORPUS, "config", name), "wb") as fh:
            fh.write(bytes([CONFIG_SPELLINGS[spelling]]) + text.encode())


if __name__ == "__main__":
    main()
