#!/usr/bin/python3
"""Writes the ONNX hostile-input corpus (tests/hostile/corpus_onnx/) and its
manifest (tests/hostile/expected_onnx.json), for issue 12. Run with
/usr/bin/python3 (onnx 1.12); deterministic.

Each model holds one good initializer ("good", 3 float32 values) beside one
bad tensor, so the test sees both: one E901 with its specific reason, and the
good tensor still scanned. Models broken as a whole (truncated, wrong wire
types, nested too deep) give one E901 and no arrays.

The symbolic-link and FIFO cases cannot live in a repository portably: the
test makes corpus_onnx/escape.data a link to a file outside the folder
(ext_symlink.onnx names it) and corpus_onnx/pipe.data a FIFO (ext_fifo.onnx)
before scanning.

manifest: {"unreadable": {file: phrase}, "readable": {file: {"arrays": n[, "skipped": reason]}}}
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from corpus import Corpus

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = Corpus(os.path.join(HERE, "corpus_onnx"))
put = CORPUS.put

GOOD = numpy_helper.from_array(np.array([1.0, 2.0, 1e5], np.float32), "good")


def model_bytes(initializers, nodes=(), ir_version=8):
    graph = helper.make_graph(list(nodes), "g", [], [], list(initializers))
    model = helper.make_model(graph, producer_name="dtlint-hostile", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = ir_version
    return model.SerializeToString()


def bad_tensor(name="bad", dims=(4,), data_type=TensorProto.FLOAT):
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    return t


def external(location, offset=None, length=None, dims=(4,)):
    t = bad_tensor(dims=dims)
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    return t


def one_bad(name, tensor, phrase):
    put(name, model_bytes([GOOD, tensor]), phrase, arrays=1)


def main():
    CORPUS.create()
    # A data file inside the folder, for the external-data cases that reach it: 32 bytes.
    with open(CORPUS.path("weights.data"), "wb") as fh:
        fh.write(np.arange(8, dtype="<f4").tobytes())

    # External data that leaves the model's folder, or does not fit its file.
    one_bad("ext_dotdot.onnx", external("../secret.data"), "climbs out of the model's folder with '..'")
    one_bad("ext_dotdot_inner.onnx", external("sub/../../secret.data"), "climbs out of the model's folder with '..'")
    one_bad("ext_absolute.onnx", external("/etc/passwd"), "is an absolute path; external data must lie in the model's folder")
    one_bad("ext_symlink.onnx", external("escape.data"), "resolves (through a symbolic link) to a file outside the model's folder")
    one_bad("ext_missing.onnx", external("missing.data"), "cannot be opened")
    one_bad("ext_past_end.onnx", external("weights.data", offset=24, length=16), "offset 24 + length 16 extends past its end (32 bytes)")
    one_bad("ext_offset_past_end.onnx", external("weights.data", offset=40), "offset 40 is past its end (32 bytes)")
    one_bad("ext_length_mismatch.onnx", external("weights.data", offset=0, length=8), "length 8 bytes, but dims [4] of FLOAT need 16")
    one_bad("ext_short_without_length.onnx", external("weights.data", offset=20), "need 16 bytes from offset 20, 12 remain")
    one_bad("ext_bad_offset.onnx", external("weights.data", offset="12abc"), "external data 'offset' is not a non-negative decimal integer")
    one_bad("ext_no_location.onnx", external(None, offset=0), "external_data has no 'location'")
    one_bad("ext_directory.onnx", external("."), "not a regular file (directory)")
    one_bad("ext_fifo.onnx", external("pipe.data"), "not a regular file (FIFO)")

    # Sizes and storage forms.
    t = bad_tensor(dims=(1 << 32, 1 << 32, 1 << 32))
    t.raw_data = b"\0" * 16
    one_bad("dims_overflow.onnx", t, "the product of dims overflows 64 bits")
    t = bad_tensor(dims=(2, -3))
    one_bad("dims_negative.onnx", t, "dims[1] is negative (-3)")
    t = bad_tensor()
    t.raw_data = b"\0" * 12
    one_bad("raw_size_mismatch.onnx", t, "raw_data holds 12 bytes, but dims [4] of FLOAT need 16")
    t = bad_tensor()
    t.float_data.extend([1.0, 2.0, 3.0])
    one_bad("typed_count_mismatch.onnx", t, "float_data holds 3 values, but dims [4] of FLOAT need 4")
    t = bad_tensor(data_type=TensorProto.INT64)
    t.float_data.extend([1.0, 2.0, 3.0, 4.0])
    one_bad("wrong_field.onnx", t, "INT64 values stored in float_data (ONNX keeps them in raw_data or int64_data)")
    t = bad_tensor()
    t.raw_data = b"\0" * 16
    t.float_data.extend([1.0, 2.0, 3.0, 4.0])
    one_bad("two_storage_forms.onnx", t, "holds its values in both raw_data and float_data")
    t = bad_tensor(data_type=TensorProto.INT8)
    t.int32_data.extend([1, -128, 300, 4])
    one_bad("int8_out_of_range.onnx", t, "int32_data[2] is 300, outside the range of INT8 [-128, 127]")
    t = bad_tensor(data_type=TensorProto.FLOAT16)
    t.int32_data.extend([0, 1, 70000, 3])
    one_bad("float16_bits_out_of_range.onnx", t, "outside the range of FLOAT16 bit patterns [0, 65535]")
    t = bad_tensor(data_type=99)
    t.raw_data = b"\0" * 16
    one_bad("unknown_dtype.onnx", t, "data_type 99 is not an ONNX tensor type")
    t = bad_tensor(data_type=0)
    one_bad("undefined_dtype.onnx", t, "data_type is not set (UNDEFINED)")
    t = bad_tensor()
    one_bad("no_data.onnx", t, "declare 4 elements, but the tensor holds no data")
    t = numpy_helper.from_array(np.array([5.0, 6.0], np.float32), "good")
    one_bad("duplicate_name.onnx", t, "a second tensor with this name")
    t = bad_tensor(dims=(1,) * 65)
    one_bad("rank_65.onnx", t, "65 dims, more than the 64 dtlint reads")

    # Skipped on purpose (a DT204 note), the good tensor still scanned.
    s = helper.make_tensor("text", TensorProto.STRING, [1], [b"x"])
    put("string_tensor.onnx", model_bytes([GOOD, s]), arrays=1, skipped="a STRING tensor holds text, not numbers")
    t = bad_tensor(data_type=22)  # INT4
    t.raw_data = b"\0\0"
    put("int4_tensor.onnx", model_bytes([GOOD, t]), arrays=1,
        skipped="INT4 holds packed 4-bit integers (quantized; not a cast source)")

    # Broken as a whole.
    good_model = model_bytes([GOOD, numpy_helper.from_array(np.zeros(64, np.float32), "zeros")])
    put("truncated.onnx", good_model[: len(good_model) // 2], "truncated: field 7 (graph) at byte")
    put("invalid_wire_type.onnx", good_model + b"\x4f", "invalid wire type 7 for field 9 at byte")
    # The graph (field 7) written as a varint: protobuf keeps it as an unknown field, so the model has none.
    put("graph_as_varint.onnx", b"\x08\x08\x38\x05", "field 7 (graph) has wire type 0")
    put("unmatched_group_end.onnx", good_model + b"\x4c", "field 9 at byte")
    put("not_protobuf.onnx", b"this is plain text, not a model\n", "not a valid ONNX model")
    put("empty.onnx", b"", "it has no graph")

    # Subgraphs nested 30 deep: 3 messages a level, past the bound of 64.
    leaf = helper.make_graph([], "leaf", [], [], [GOOD])
    inner = leaf
    for level in range(30):
        node = helper.make_node("If", ["c"], ["o"], name="if%d" % level, then_branch=inner, else_branch=leaf)
        inner = helper.make_graph([node], "level%d" % level, [], [])
    deep = helper.make_model(inner, opset_imports=[helper.make_opsetid("", 13)])
    put("deep_nesting.onnx", deep.SerializeToString(), "messages nested deeper than 64 levels")
    # Nested 8 deep: within the bound, its leaf initializer is read with its graph path.
    inner = helper.make_graph([], "leaf", [], [], [GOOD])
    for level in range(8):
        node = helper.make_node("Loop", [], ["o"], name="loop%d" % level, body=inner)
        inner = helper.make_graph([node], "level%d" % level, [], [])
    put("nested_8.onnx", helper.make_model(inner).SerializeToString(), arrays=1)

    # .pb files: an ONNX tensor is read; a TensorFlow SavedModel-like message is skipped as a whole.
    put("tensor_ok.pb", numpy_helper.from_array(np.array([1.0, 7e4], np.float32), "pb").SerializeToString(), arrays=1)
    saved_model_like = b"\x08\x01\x12\x08\x0a\x06\x0a\x04serv"  # schema version 1, a meta graph
    put("saved_model.pb", saved_model_like, arrays=0,
        skipped="not an ONNX TensorProto (no valid data_type): a .pb file is read only when it holds one tensor "
                "as onnx.numpy_helper writes it (TensorFlow GraphDefs and SavedModels are not read)")

    CORPUS.write_expected(os.path.join(HERE, "expected_onnx.json"))


if __name__ == "__main__":
    main()
