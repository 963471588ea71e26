#!/usr/bin/python3
"""Small .safetensors fixtures for dtlint's reader, written with NumPy and PyTorch.

Run it with Debian's interpreter (the one that has NumPy and PyTorch):

    /usr/bin/python3 tests/data/safetensors/make_safetensors.py

It rewrites the *.safetensors files and expected.json next to itself. Everything
is seeded, so a rerun gives byte-identical files. The C++ tests read only the
files; they never need Python.

Debian packages no `safetensors` module, so the files are written by hand from
the format's specification, the way the reference writer (huggingface/safetensors,
`serialize`) lays them out:

- 8 bytes: N, the header length, unsigned little-endian;
- N bytes: compact UTF-8 JSON (no spaces, non-ASCII written as is), with
  "__metadata__" first, then the tensors in data order, each as
  {"dtype": ..., "shape": [...], "data_offsets": [begin, end]};
  padded with spaces (0x20) to a multiple of 8 bytes;
- the data section: each tensor's bytes, little-endian, C order, back to back.

Tensors are ordered as the reference writer orders them: by dtype, in
descending order of the reference's Dtype enum (widest alignment first:
U64, I64, F64, F32, U32, I32, BF16, F16, U16, I16, F8_E4M3, F8_E5M2, I8, U8,
BOOL), then by name. With the 8-byte padding this keeps every tensor aligned
to its element size.

Files
-----
model.safetensors      a model-like file: F32 weights, an F16 bias, BF16
                       weights (bytes from torch.bfloat16 tensors), I64 token
                       ids, a 0-d F32 scalar, an empty BOOL mask, and
                       __metadata__ {"format": "pt"}.
all_dtypes.safetensors one small tensor of each of the 15 dtypes dtlint reads.
                       torch 1.13 has no float8 types, so the F8_E4M3 (the
                       "fn" variant: no infinities) and F8_E5M2 tensors are
                       written from explicit bit patterns listed below.
unaligned.safetensors  NOT as the reference writer would write it: the header
                       is left unpadded (odd length) so that the F64 and I32
                       data start at odd addresses. The reference reader
                       accepts such files; so must dtlint.

expected.json, per file: header_length and, per tensor in data order, name,
dtype, shape, data_offsets, first_bits (the raw little-endian bits of the first
elements as unsigned integers, from NumPy's .view) and, except for F8,
first_values (the element values from NumPy/PyTorch's .tolist()).
"""

import json
import struct
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
FIRST = 4  # how many leading elements expected.json records per tensor

# The reference's Dtype enum order ("increasing alignment order").
DTYPE_RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
              "I32", "U32", "F32", "F64", "I64", "U64"]
ITEM_SIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2,
             "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
NUMPY_DTYPE = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "U16": np.uint16,
               "F16": np.float16, "I32": np.int32, "U32": np.uint32, "F32": np.float32,
               "F64": np.float64, "I64": np.int64, "U64": np.uint64}
BITS_VIEW = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


class Tensor:
    """One tensor: its format dtype, shape, raw little-endian bytes and what the test expects."""

    def __init__(self, dtype, shape, data, first_bits, first_values):
        self.dtype = dtype
        self.shape = list(shape)
        self.data = data
        self.first_bits = first_bits
        self.first_values = first_values
        count = int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1
        assert len(data) == count * ITEM_SIZE[dtype], (dtype, shape, len(data))


def from_numpy(dtype, array):
    # np.array(..., order="C") rather than np.ascontiguousarray, which turns 0-d arrays into 1-d.
    array = np.array(array, dtype=np.dtype(NUMPY_DTYPE[dtype]).newbyteorder("<"), order="C")
    flat = array.reshape(-1)
    bits = flat.view(BITS_VIEW[array.itemsize])[:FIRST].tolist() if array.dtype != np.bool_ else \
        flat.view(np.uint8)[:FIRST].tolist()
    values = flat[:FIRST].tolist()
    if dtype == "BOOL":
        values = [int(v) for v in values]
    return Tensor(dtype, array.shape, array.tobytes(), bits, values)


def from_bfloat16(values, shape):
    t = torch.tensor(values, dtype=torch.float32).to(torch.bfloat16).reshape(shape)
    raw = t.reshape(-1).view(torch.int16).numpy().astype("<i2").view("<u2")
    return Tensor("BF16", shape, raw.tobytes(), raw[:FIRST].tolist(),
                  t.reshape(-1)[:FIRST].to(torch.float32).tolist())


def from_bits8(dtype, bits, shape):
    raw = np.array(bits, dtype=np.uint8)
    return Tensor(dtype, shape, raw.tobytes(), raw[:FIRST].tolist(), None)


def write(name, tensors, metadata=None, pad=True):
    order = sorted(tensors, key=lambda n: (-DTYPE_RANK.index(tensors[n].dtype), n))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    layout = []
    for tensor_name in order:
        t = tensors[tensor_name]
        header[tensor_name] = {"dtype": t.dtype, "shape": t.shape,
                               "data_offsets": [offset, offset + len(t.data)]}
        layout.append((tensor_name, offset, offset + len(t.data)))
        offset += len(t.data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    blob = struct.pack("<Q", len(text)) + text + b"".join(tensors[n].data for n in order)
    (HERE / name).write_bytes(blob)
    return {
        "header_length": len(text),
        "tensors": [{"name": n, "dtype": tensors[n].dtype, "shape": tensors[n].shape,
                     "data_offsets": [b, e], "first_bits": tensors[n].first_bits,
                     "first_values": tensors[n].first_values} for n, b, e in layout],
    }


def main():
    rng = np.random.default_rng(20240611)
    expected = {}

    model = {
        "encoder.weight": from_numpy("F32", rng.standard_normal((4, 3)).astype(np.float32)),
        "encoder.bias": from_numpy("F16", np.array([0.1, -65504.0, 6.1035e-05], dtype=np.float16)),
        # 1 + 2^-8 is a tie in bfloat16 (rounds to even: 1.0); 3.140625 is exact.
        "decoder.weight": from_bfloat16([1.0 + 2.0 ** -8, -3.140625, 1e-3, 65504.0, 3.0e38, -0.0], [2, 3]),
        "token_ids": from_numpy("I64", np.array([0, 1, 50256, -1, 2 ** 62], dtype=np.int64)),
        "logit_scale": from_numpy("F32", np.array(2.6592600345611572, dtype=np.float32)),  # 0-d
        "attention.mask": from_numpy("BOOL", np.zeros((0, 4), dtype=np.bool_)),  # empty
    }
    expected["model.safetensors"] = write("model.safetensors", model, metadata={"format": "pt"})

    all_dtypes = {
        "bool": from_numpy("BOOL", np.array([True, False, True])),
        "u8": from_numpy("U8", np.array([0, 255, 7], dtype=np.uint8)),
        "i8": from_numpy("I8", np.array([-128, 127, -1], dtype=np.int8)),
        "i16": from_numpy("I16", np.array([-32768, 32767, -2], dtype=np.int16)),
        "u16": from_numpy("U16", np.array([0, 65535, 4660], dtype=np.uint16)),
        "f16": from_numpy("F16", np.array([1.0, -2.5, 65504.0], dtype=np.float16)),
        "bf16": from_bfloat16([1.0, -2.5, 1.0e38], [3]),
        "i32": from_numpy("I32", np.array([-2 ** 31, 2 ** 31 - 1, 16777217], dtype=np.int32)),
        "u32": from_numpy("U32", np.array([0, 2 ** 32 - 1, 305419896], dtype=np.uint32)),
        "f32": from_numpy("F32", np.array([1.5, -3.4028234663852886e38, 1e-45], dtype=np.float32)),
        "f64": from_numpy("F64", np.array([1e300, -0.1, 5e-324], dtype=np.float64)),
        "i64": from_numpy("I64", np.array([-2 ** 63, 2 ** 63 - 1, 9007199254740993], dtype=np.int64)),
        "u64": from_numpy("U64", np.array([0, 2 ** 64 - 1, 2 ** 53 + 1], dtype=np.uint64)),
        # F8_E4M3 (fn): 0x38 = 1.0, 0x7e = 448 (largest finite), 0x7f = NaN, 0x01 = 2^-9.
        "f8_e4m3": from_bits8("F8_E4M3", [0x38, 0x7E, 0x7F, 0x01], [4]),
        # F8_E5M2: 0x3c = 1.0, 0x7b = 57344 (largest finite), 0x7c = +inf, 0x80 = -0.0.
        "f8_e5m2": from_bits8("F8_E5M2", [0x3C, 0x7B, 0x7C, 0x80], [2, 2]),
    }
    expected["all_dtypes.safetensors"] = write("all_dtypes.safetensors", all_dtypes)

    unaligned = {
        "x": from_numpy("F64", np.array([[0.5, -1.25], [1e-300, 123456789.0]])),
        "y": from_numpy("I32", np.array([7, -8, 9], dtype=np.int32)),
    }
    # The note's length is chosen so that the header length comes out odd.
    note = "header left unpadded"
    result = write("unaligned.safetensors", unaligned, metadata={"note": note}, pad=False)
    if result["header_length"] % 2 == 0:
        note += "!"
        result = write("unaligned.safetensors", unaligned, metadata={"note": note}, pad=False)
    assert result["header_length"] % 2 == 1, "header must stay odd"
    expected["unaligned.safetensors"] = result

    with open(HERE / "expected.json", "w", encoding="utf-8") as out:
        json.dump(expected, out, indent=1, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
