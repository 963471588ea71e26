"""A GGUF writer, written by hand from GGML's specification (docs/gguf.md),
for the test generators (tests/golden/generate.py, tests/fuzz/make_seeds.py,
tests/hostile/make_corpus_gguf.py): Debian packages no GGUF library.

Layout: magic "GGUF", u32 version, u64 tensor count, u64 metadata count; the
metadata (key string, u32 value type, value); one record per tensor (name
string, u32 dimension count, u64 dimensions with the fastest-varying first,
u32 GGML type, u64 offset into the data section); zero padding to the
alignment; the data section, each tensor at a multiple of the alignment.
A string is a u64 byte length and the bytes. A big-endian file (version 3)
writes every number, tensor data included, in big-endian order.
"""
import struct

import numpy as np

# gguf_metadata_value_type
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
SCALAR_FORMATS = {UINT8: "B", INT8: "b", UINT16: "H", INT16: "h", UINT32: "I", INT32: "i",
                  FLOAT32: "f", BOOL: "?", UINT64: "Q", INT64: "q", FLOAT64: "d"}

# ggml_type codes of the plain (not quantized) types, by NumPy dtype name.
GGML_TYPES = {"float32": 0, "float16": 1, "int8": 24, "int16": 25, "int32": 26, "int64": 27, "float64": 28}
GGML_BF16 = 30
GGML_Q8_0 = 8  # blocks of 32 elements in 34 bytes: a float16 scale and 32 int8


class Writer:
    def __init__(self, big_endian=False):
        self.order = ">" if big_endian else "<"
        self.out = bytearray()

    def number(self, fmt, value):
        self.out += struct.pack(self.order + fmt, value)

    def string(self, text):
        data = text.encode() if isinstance(text, str) else text
        self.number("Q", len(data))
        self.out += data

    def value(self, vtype, value):
        if vtype == STRING:
            self.string(value)
        elif vtype == ARRAY:
            element_type, items = value
            self.number("I", element_type)
            self.number("Q", len(items))
            for item in items:
                self.value(element_type, item)
        else:
            self.number(SCALAR_FORMATS[vtype], value)


def gguf_bytes(tensors, metadata=(), version=3, big_endian=False, alignment=32, offsets=None):
    """tensors: (name, ggml_type, dims in GGUF order, data bytes) in file order.
    metadata: (key, value_type, value); an ARRAY value is (element_type, items).
    Offsets are assigned in order, each padded to the alignment, unless
    `offsets` gives the declared offset of each tensor (the data is still
    written in order): for hostile files."""
    w = Writer(big_endian)
    w.out += b"GGUF"
    w.number("I", version)
    w.number("Q", len(tensors))
    w.number("Q", len(metadata))
    for key, vtype, value in metadata:
        w.string(key)
        w.number("I", vtype)
        w.value(vtype, value)
    offset, blobs = 0, []
    for i, (name, ggml_type, dims, data) in enumerate(tensors):
        w.string(name)
        w.number("I", len(dims))
        for d in dims:
            w.number("Q", d)
        w.number("I", ggml_type)
        w.number("Q", offset if offsets is None else offsets[i])
        padded = data + b"\0" * (-len(data) % alignment)
        blobs.append(padded)
        offset += len(padded)
    w.out += b"\0" * (-len(w.out) % alignment)
    for blob in blobs:
        w.out += blob
    return bytes(w.out)


def array_tensor(name, x, big_endian=False):
    """A NumPy array as a GGUF tensor record: its C-order elements, dimensions
    reversed (GGUF lists the fastest-varying first)."""
    dtype = x.dtype.newbyteorder(">" if big_endian else "<")
    data = np.ascontiguousarray(x.astype(dtype)).tobytes()
    return (name, GGML_TYPES[x.dtype.name], list(reversed(x.shape)), data)
