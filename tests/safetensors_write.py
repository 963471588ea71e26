"""A safetensors writer, written by hand from the format's specification
(Debian packages no safetensors library), for the fixture generators
(tests/golden/generate.py, tests/golden/huggingface/make_fixtures.py,
tests/rules/make_fixtures.py, examples/make_hf_model.py).

Layout: an 8-byte little-endian header length; the JSON header
{name: {dtype, shape, data_offsets: [begin, end]}}, compact, padded with
spaces to a multiple of 8; then the tensors' little-endian C-order bytes, back
to back, in name order.
"""
import json
import struct

import numpy as np

DTYPES = {"float64": "F64", "float32": "F32", "float16": "F16", "int64": "I64", "int32": "I32",
          "int16": "I16", "int8": "I8", "uint8": "U8", "uint16": "U16", "uint32": "U32",
          "uint64": "U64", "bool": "BOOL"}


class Bits:
    """A tensor of a dtype NumPy lacks, given as its bit patterns: Bits("BF16", uint16 array)."""

    def __init__(self, tag, bits):
        self.tag, self.bits = tag, bits


def write(path, tensors):
    """Writes {name: NumPy array or Bits} to `path`; returns the data section's size."""
    header, blobs, offset = {}, [], 0
    for name, x in sorted(tensors.items()):
        tag = x.tag if isinstance(x, Bits) else DTYPES[x.dtype.name]
        x = x.bits if isinstance(x, Bits) else x
        data = np.ascontiguousarray(x.astype(x.dtype.newbyteorder("<"))).tobytes()
        header[name] = {"dtype": tag, "shape": list(x.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return offset
