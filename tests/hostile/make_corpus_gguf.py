#!/usr/bin/python3
"""Writes tests/hostile/corpus_gguf/: GGUF files built to break a reader (huge
counts, lengths and offsets, deep nesting, overlapping or misaligned data,
duplicate names), each with the reason dtlint must give in expected_gguf.json.
Run with /usr/bin/python3; deterministic. The files are written with
tests/gguf_write.py (GGUF by hand, from GGML's specification)."""
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import gguf_write as g  # noqa: E402
from corpus import Corpus  # noqa: E402  (beside this script)

CORPUS = os.path.join(HERE, "corpus_gguf")
GOOD = g.array_tensor("good.weight", np.array([1.0, 70000.0, -3.5], dtype=np.float32))
HUGE = 2**62


def header(version=3, tensors=0, metadata=0):
    return b"GGUF" + struct.pack("<IQQ", version, tensors, metadata)


def key(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def main():
    corpus = Corpus(CORPUS)
    corpus.create()
    bad = corpus.put

    # The whole file is refused: its header cannot be trusted.
    bad("not_gguf.gguf", b"GGML is not GGUF\n" * 4, "does not start with the GGUF magic")
    bad("version1.gguf", b"GGUF" + struct.pack("<III", 1, 0, 0), "GGUF version 1")
    bad("version99.gguf", header(99), "unsupported GGUF version 99 (dtlint reads versions 2 and 3)")
    bad("huge_tensor_count.gguf", header(tensors=HUGE), "tensors, more than the")
    bad("huge_metadata_count.gguf", header(metadata=HUGE), "metadata entries, more than the")
    bad("huge_key.gguf", header(metadata=1) + struct.pack("<Q", HUGE) + b"x" * 16,
        "metadata key at byte 24 declares 4611686018427387904 bytes, more than the 65535")
    bad("huge_array.gguf",
        header(metadata=1) + key("a") + struct.pack("<IIQ", g.ARRAY, g.UINT8, HUGE) + bytes(16),
        "declares 4611686018427387904 elements, more than the")
    bad("huge_string_array.gguf",
        header(metadata=1) + key("tokenizer.ggml.tokens") + struct.pack("<IIQ", g.ARRAY, g.STRING, 2**40)
        + bytes(64), "elements, more than the")
    nested = header(metadata=1) + key("deep") + struct.pack("<I", g.ARRAY)
    nested += struct.pack("<IQ", g.ARRAY, 1) * 40 + struct.pack("<IQ", g.UINT8, 0)
    bad("deep_arrays.gguf", nested, "nests arrays more than 16 deep")
    bad("unknown_value_type.gguf", header(metadata=1) + key("k") + struct.pack("<I", 77) + bytes(8),
        "has unknown value type 77")
    bad("bad_alignment.gguf", g.gguf_bytes([GOOD], [("general.alignment", g.UINT32, 24)], alignment=24),
        "general.alignment is 24; it must be a power of two")
    bad("alignment_twice.gguf", g.gguf_bytes([GOOD], [("general.alignment", g.UINT32, 32)] * 2),
        "declares general.alignment twice")
    bad("truncated_record.gguf", g.gguf_bytes([GOOD])[:50], "truncated: tensor 'good.weight' declares 1 dimension, more than the 3 bytes left")
    many_dims = header(tensors=1) + key("t") + struct.pack("<I", 2**31) + bytes(32)
    bad("huge_dimension_count.gguf", many_dims, "dimensions, more than the")

    # One tensor's record is wrong: that tensor is refused, the good one is read.
    def with_bad(name, record, phrase, offsets=None):
        bad(name, g.gguf_bytes([GOOD, record], offsets=offsets), phrase, arrays=1)

    f32 = np.zeros(4, dtype=np.float32).tobytes()
    with_bad("offset_past_end.gguf", ("far", 0, [4], f32), "extends past the end of the file",
             offsets=[0, 2**40])
    with_bad("offset_wraps.gguf", ("wraps", 0, [4], f32), "extends past the end of the file",
             offsets=[0, 2**64 - 32])
    with_bad("misaligned.gguf", ("odd", 0, [4], f32), "is not a multiple of the alignment, 32",
             offsets=[0, 40])
    with_bad("overlap.gguf", ("alias", 0, [2], f32[:8]), "overlaps that of tensor 'good.weight'",
             offsets=[0, 0])
    with_bad("dims_overflow.gguf", ("vast", 0, [2**32, 2**32, 2**32], f32), "overflows 64 bits")
    with_bad("petabyte.gguf", ("peta", 0, [10**15], f32), "extends past the end of the file")
    with_bad("five_dims.gguf", ("5d", 0, [1, 1, 1, 1, 4], f32), "declares 5 dimensions")
    with_bad("unknown_type.gguf", ("odd", 99, [4], f32), "unknown GGML type 99")
    with_bad("bad_utf8_name.gguf", (b"w\xff\xfe", 0, [4], f32), "the name is not valid UTF-8")
    with_bad("block_misfit.gguf", ("q", g.GGML_Q8_0, [31], bytes(34)), "is not a multiple of Q8_0's block")
    bad("duplicate_names.gguf", g.gguf_bytes([GOOD, ("twin", 0, [4], f32), ("twin", 0, [4], f32)]),
        "the name is used by 2 tensors", arrays=1)

    # Quantized tensors are notes, not errors.
    bad("quantized.gguf", g.gguf_bytes([("blk.0.ffn_up.weight", 12, [256], bytes(144))]), None, arrays=0,
        skipped="quantized (Q4_K); not a cast source")

    corpus.write_expected(os.path.join(HERE, "expected_gguf.json"))


if __name__ == "__main__":
    main()
