#!/usr/bin/python3
"""Writes the ONNX golden fixtures (tests/golden/onnx/) and what the peers say
about them (expected.json). Run with /usr/bin/python3 (onnx 1.12, NumPy, and
PyTorch for bfloat16); deterministic.

- model.onnx: a small model with raw_data initializers, typed initializers
  (float_data, int64_data, FLOAT16 bit patterns in int32_data, double_data),
  a BFLOAT16 initializer, Constant nodes (a tensor, value_floats, value_int),
  an If node whose then_branch holds an initializer and whose else_branch holds
  a Constant, a STRING initializer (skipped), and one initializer in external
  data (model.onnx.data, beside the model, at a non-zero offset).
- tensor.pb: one TensorProto, as onnx.numpy_helper.from_array writes it.
- casts.onnx: Cast and CastLike nodes over initializers and Constants (declared
  casts, DESIGN §5): named and unnamed, CastLike taking its type from a graph
  input and from an initializer, a chain (only its first Cast declares), a Cast
  in a subgraph over the main graph's initializer, and Casts that declare
  nothing (to STRING, to BOOL, of a graph input).

Values that overflow float16 (1e5, and 1e30 as in the DistilBERT case), that
underflow, and int64 values beyond 2^31 are there on purpose.

expected.json: {"arrays": {"file:member": {"dtype", "shape", "casts":
{target: {"overflow", "underflow_to_zero", "inexact", "out_of_range"}}}},
"skipped": ["file:member", ...], "declared": [{"file", "member", "name",
"node", "target", "counts"}, ...]} (declared: every declaration casts.onnx
makes, in node order, with NumPy's astype counts of that cast: ONNX Runtime's
Cast rounds a float32 once, as astype does). float16, float32 and int32 counts come from
NumPy's astype; bfloat16 from torch's Tensor.to for float32, float16 and
bfloat16 sources (one rounding from those, as NumPy's profile rounds).
"""
import json
import os
import struct
from fractions import Fraction

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = {"arrays": {}, "skipped": [], "declared": []}


def counts(x, target):
    """The peer's counts for x (a NumPy array) cast to target."""
    flat = x.reshape(-1)
    if target == "bfloat16":
        y = torch.from_numpy(flat.astype(np.float32)).to(torch.bfloat16).to(torch.float64).numpy()
    else:
        with np.errstate(all="ignore"):
            y = flat.astype(getattr(np, target))
    out = {"overflow": 0, "underflow_to_zero": 0, "inexact": 0, "out_of_range": 0}
    integer_target = target.startswith("int") or target.startswith("uint")
    info = np.iinfo(getattr(np, target)) if integer_target else None
    for xv, yv in zip(flat.tolist(), y.tolist()):
        if isinstance(xv, float) and xv != xv:
            continue  # NaN is never inexact
        if integer_target:
            if xv < info.min or xv > info.max:
                out["out_of_range"] += 1
            if int(yv) != xv:
                out["inexact"] += 1
            continue
        finite_x = not (isinstance(xv, float) and (xv in (float("inf"), float("-inf"))))
        if finite_x and yv in (float("inf"), float("-inf")):
            out["overflow"] += 1
        if finite_x and xv != 0 and yv == 0:
            out["underflow_to_zero"] += 1
        if yv in (float("inf"), float("-inf")) or xv in (float("inf"), float("-inf")):
            differs = yv != xv
        else:
            differs = Fraction(yv) != Fraction(xv)
        if differs:
            out["inexact"] += 1
    return out


def expect(file, member, values, onnx_dtype_name, dtype_name, bf16_peer=True):
    """Records the peer's counts for one array (values: NumPy array as its dtype decodes)."""
    targets = ["float16", "float32"]
    if values.dtype.kind in "iu":
        targets = ["float16", "float32", "int32"]
    elif bf16_peer:
        targets.append("bfloat16")
    if values.dtype.kind in "iu" and values.dtype.itemsize <= 4:
        targets.append("bfloat16")
    EXPECTED["arrays"][file + ":" + member] = {
        "dtype": dtype_name,
        "stored_dtype": onnx_dtype_name,
        "shape": list(values.shape),
        "casts": {t: counts(values, t) for t in targets},
    }


def bf16_bits(values):
    """float32 values that bfloat16 holds exactly, as their bfloat16 bit patterns."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    assert np.all((bits & 0xFFFF) == 0)
    return (bits >> 16).astype(np.uint16)


def main():
    # raw_data initializers (numpy_helper.from_array writes raw_data).
    query = np.array([[0.5, -1.25, 1e5, 3.0], [1e-8, -7e4, 65504.0, 2.0e-5], [1.0, 2.0, 3.0, 4.0]], np.float32)
    big = np.array([1e30, -1e30, 1.0, 0.1, 6.0e-8, 1e-40], np.float32)
    double = np.array([1e39, -1e-50, 0.1, 1e5, 3.0, -2.5], np.float64)
    ids = np.array([0, 7, 2**31 - 1, 2**31, -(2**31) - 1, 2**40 + 1, -(2**53) - 3, 65519, 65520], np.int64)
    init_raw = [
        numpy_helper.from_array(query, "encoder.layer.0.attention.self.query.weight"),
        numpy_helper.from_array(big, "distilbert.buffer"),
        numpy_helper.from_array(double, "double_raw"),
    ]
    expect("model.onnx", "encoder.layer.0.attention.self.query.weight", query, "FLOAT", "float32")
    expect("model.onnx", "distilbert.buffer", big, "FLOAT", "float32")
    expect("model.onnx", "double_raw", double, "DOUBLE", "float64", bf16_peer=False)

    # Typed repeated fields.
    typed_float = np.array([1e5, 0.333, -65520.0, 1e-9], np.float32)
    typed_double = np.array([1e300, 0.5, -7.0e4], np.float64)
    f16 = np.array([1.0, 65504.0, 1e-7, -0.0, 0.099975586], np.float16)
    # bfloat16 values (as torch rounds them), some beyond float16's range.
    bf16 = torch.tensor([1.0, 3.0e38, 1.0e-3, -65536.0, 1.0e-6]).to(torch.bfloat16).to(torch.float32).numpy()
    init_typed = [
        helper.make_tensor("typed_float", TensorProto.FLOAT, typed_float.shape, typed_float.tolist()),
        helper.make_tensor("typed_int64", TensorProto.INT64, ids.shape, ids.tolist()),
        helper.make_tensor("typed_double", TensorProto.DOUBLE, typed_double.shape, typed_double.tolist()),
        helper.make_tensor("typed_float16", TensorProto.FLOAT16, f16.shape, f16, raw=False),
        # make_tensor takes the values and stores their bfloat16 bit patterns in int32_data.
        helper.make_tensor("typed_bfloat16", TensorProto.BFLOAT16, bf16.shape, bf16.tolist(), raw=False),
        helper.make_tensor("names", TensorProto.STRING, [2], [b"alpha", b"beta"]),
    ]
    for t in init_typed[:4]:
        assert not t.HasField("raw_data")
    assert len(init_typed[3].int32_data) == 5
    assert list(init_typed[4].int32_data) == bf16_bits(bf16).tolist()
    expect("model.onnx", "typed_float", typed_float, "FLOAT", "float32")
    expect("model.onnx", "typed_int64", ids, "INT64", "int64")
    expect("model.onnx", "typed_double", typed_double, "DOUBLE", "float64", bf16_peer=False)
    expect("model.onnx", "typed_float16", f16, "FLOAT16", "float16")
    expect("model.onnx", "typed_bfloat16", bf16, "BFLOAT16", "bfloat16")
    EXPECTED["skipped"].append("model.onnx:names")

    # One initializer in external data, at a non-zero offset of model.onnx.data.
    external = np.array([[7.0e4, 1.0], [-3.0e5, 1e-6], [0.25, 66000.0]], np.float32)
    external_tensor = TensorProto()
    external_tensor.name = "external.weight"
    external_tensor.data_type = TensorProto.FLOAT
    external_tensor.dims.extend(external.shape)
    external_tensor.data_location = TensorProto.EXTERNAL
    padding = b"\0" * 16
    payload = external.astype("<f4").tobytes()
    for key, value in (("location", "model.onnx.data"), ("offset", str(len(padding))), ("length", str(len(payload)))):
        entry = external_tensor.external_data.add()
        entry.key, entry.value = key, value
    with open(os.path.join(HERE, "model.onnx.data"), "wb") as fh:
        fh.write(padding + payload)
    expect("model.onnx", "external.weight", external, "FLOAT", "float32")

    # Constant nodes: a tensor, value_floats, value_int.
    const_tensor = np.array([1e5, -2.0, 0.5], np.float32)
    const_floats = np.array([1e5, 0.1, 6.0e-8], np.float32)
    const_int = np.array(3_000_000_000, np.int64)
    nodes = [
        helper.make_node("Constant", [], ["const_scale"], name="scale",
                         value=numpy_helper.from_array(const_tensor, "scale_value")),
        helper.make_node("Constant", [], ["const_floats"], name="floats", value_floats=const_floats.tolist()),
        helper.make_node("Constant", [], ["const_int"], name="count", value_int=int(const_int)),
    ]
    expect("model.onnx", "const_scale", const_tensor, "FLOAT", "float32")
    expect("model.onnx", "const_floats", const_floats, "FLOAT", "float32")
    expect("model.onnx", "const_int", const_int, "INT64", "int64")

    # An If node: then_branch holds an initializer, else_branch a Constant.
    sub_w = np.array([7.0e4, 0.5], np.float32)
    sub_c = np.array([1e-30, 2.0], np.float32)
    out_info = helper.make_tensor_value_info("branch_out", TensorProto.FLOAT, [2])
    then_graph = helper.make_graph([helper.make_node("Identity", ["sub_w"], ["branch_out"])], "then",
                                   [], [out_info], [numpy_helper.from_array(sub_w, "sub_w")])
    else_graph = helper.make_graph([helper.make_node("Constant", [], ["branch_out"],
                                                     value=numpy_helper.from_array(sub_c, "sub_c"))],
                                   "else", [], [out_info])
    nodes.append(helper.make_node("If", ["cond"], ["chosen"], name="If_0",
                                  then_branch=then_graph, else_branch=else_graph))
    expect("model.onnx", "If_0/then_branch/sub_w", sub_w, "FLOAT", "float32")
    expect("model.onnx", "If_0/else_branch/branch_out", sub_c, "FLOAT", "float32")

    graph = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("chosen", TensorProto.FLOAT, [2])],
        init_raw + init_typed + [external_tensor])
    model = helper.make_model(graph, producer_name="dtlint-fixtures", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with open(os.path.join(HERE, "model.onnx"), "wb") as fh:
        fh.write(model.SerializeToString())

    # tensor.pb: one TensorProto.
    pb = np.array([1e5, 1.0, 1e30, -3.0, 2.0e-8], np.float32)
    with open(os.path.join(HERE, "tensor.pb"), "wb") as fh:
        fh.write(numpy_helper.from_array(pb, "pb_tensor").SerializeToString())
    expect("tensor.pb", "pb_tensor", pb, "FLOAT", "float32")

    write_casts_model()

    # The peer reads back what was written: the files hold what the counts were computed on.
    loaded = onnx.load(os.path.join(HERE, "model.onnx"), load_external_data=True)
    back = {t.name: numpy_helper.to_array(t) for t in loaded.graph.initializer if t.data_type != TensorProto.STRING}
    assert np.array_equal(back["external.weight"], external)
    assert np.array_equal(back["typed_float16"], f16)
    assert np.array_equal(back["typed_int64"], ids)

    with open(os.path.join(HERE, "expected.json"), "w") as fh:
        json.dump(EXPECTED, fh, indent=1, sort_keys=True)
        fh.write("\n")


def write_casts_model():
    """casts.onnx: declared casts over stored tensors, and Casts that declare nothing."""
    file = "casts.onnx"
    w_big = np.array([1e5, -7.0e4, 1.0, 65504.0, 65520.0, 1e-8, 0.1, 3.0e-5], np.float32)
    w_small = np.array([0.5, -0.25, 1e-3, 2.0], np.float32)
    w_ids = np.array([300, -200, 5, 127, -129], np.int64)
    like_init = np.array([1.0], np.float16)
    c_big = np.array([2.0e5, 1.5, -65536.0], np.float32)
    c_chain = np.array([7.0e4, 1e-9], np.float32)
    names = helper.make_tensor("labels", TensorProto.STRING, [2], [b"cat", b"dog"])
    initializers = [numpy_helper.from_array(w_big, "w_big"), numpy_helper.from_array(w_small, "w_small"),
                    numpy_helper.from_array(w_ids, "w_ids"), numpy_helper.from_array(like_init, "like_init"),
                    names]
    for member, values in (("w_big", w_big), ("w_small", w_small), ("w_ids", w_ids), ("like_init", like_init),
                           ("c_big", c_big), ("c_chain", c_chain)):
        expect(file, member, values, "INT64" if values.dtype == np.int64 else
               "FLOAT16" if values.dtype == np.float16 else "FLOAT", str(values.dtype))
    EXPECTED["skipped"].append(file + ":labels")

    def declared(member, values, name, node, target):
        EXPECTED["declared"].append({"file": file, "member": member, "name": name, "node": node,
                                     "target": target, "counts": counts(values, target)})

    F16 = TensorProto.FLOAT16
    nodes = [
        helper.make_node("Cast", ["w_big"], ["w_big_half"], name="cast_w", to=F16),
        helper.make_node("Cast", ["w_small"], ["w_small_half"], to=F16),  # unnamed: node #1
        helper.make_node("Cast", ["w_ids"], ["w_ids_i8"], name="ids_to_int8", to=TensorProto.INT8),
        helper.make_node("Constant", [], ["c_big"], name="c_big_node", value=numpy_helper.from_array(c_big, "v")),
        helper.make_node("CastLike", ["c_big", "half_input"], ["c_big_half"], name="like_input"),
        helper.make_node("CastLike", ["w_big", "like_init"], ["w_big_like"], name="like_initializer"),
        helper.make_node("Constant", [], ["c_chain"], value=numpy_helper.from_array(c_chain, "v")),
        helper.make_node("Cast", ["c_chain"], ["chain_1"], name="chain_first", to=F16),
        helper.make_node("Cast", ["chain_1"], ["chain_2"], name="chain_second", to=TensorProto.FLOAT),
        helper.make_node("Cast", ["labels"], ["labels_f"], name="from_string", to=TensorProto.FLOAT),
        helper.make_node("Cast", ["w_small"], ["w_small_bool"], name="to_bool", to=TensorProto.BOOL),
        helper.make_node("Cast", ["w_small"], ["w_small_text"], name="to_string", to=TensorProto.STRING),
        helper.make_node("Cast", ["x"], ["x_half"], name="of_input", to=F16),
    ]
    declared("w_big", w_big, "Cast node 'cast_w'", "cast_w", "float16")
    declared("w_small", w_small, "Cast node #1 (output 'w_small_half')", "(Cast 1)", "float16")
    declared("w_ids", w_ids, "Cast node 'ids_to_int8'", "ids_to_int8", "int8")
    declared("c_big", c_big, "CastLike node 'like_input'", "like_input", "float16")
    declared("w_big", w_big, "CastLike node 'like_initializer'", "like_initializer", "float16")
    declared("c_chain", c_chain, "Cast node 'chain_first'", "chain_first", "float16")
    # labels (STRING) is not read: its Cast has no data to be simulated on.

    # A subgraph's Cast of the main graph's initializer (outer scope).
    out_info = helper.make_tensor_value_info("branch_out", F16, [8])
    then_graph = helper.make_graph([helper.make_node("Cast", ["w_big"], ["branch_out"], name="sub_cast", to=F16)],
                                   "then", [], [out_info])
    else_graph = helper.make_graph([helper.make_node("Cast", ["w_big"], ["branch_out"], to=F16)],
                                   "else", [], [out_info])
    nodes.append(helper.make_node("If", ["cond"], ["chosen"], name="If_0",
                                  then_branch=then_graph, else_branch=else_graph))
    # make_node writes attributes sorted by name: else_branch comes first in the file.
    declared("w_big", w_big, "Cast node #0 in 'If_0/else_branch' (output 'branch_out')",
             "If_0/else_branch/(Cast 0)", "float16")
    declared("w_big", w_big, "Cast node 'If_0/then_branch/sub_cast'", "If_0/then_branch/sub_cast", "float16")

    graph = helper.make_graph(
        nodes, "casts",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info("half_input", F16, [1]),
         helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info(name, F16, [n]) for name, n in (("w_big_half", 8), ("w_small_half", 4),
                                                                         ("c_big_half", 3))] +
        [helper.make_tensor_value_info("chosen", F16, [8])],
        initializers)
    model = helper.make_model(graph, producer_name="dtlint-fixtures", opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    with open(os.path.join(HERE, file), "wb") as fh:
        fh.write(model.SerializeToString())


if __name__ == "__main__":
    main()
