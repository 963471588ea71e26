#!/usr/bin/python3
"""Golden PyTorch checkpoints for dtlint's torch reader, written by torch itself.

Run it with Debian's interpreter (python3-torch, 1.13):

    /usr/bin/python3 tests/golden/torch/make_fixtures.py

It rewrites tests/golden/torch/data/ and data/expected.json. Everything is
seeded; the C++ test (tests/torch_reader_test.cpp) reads only the files.

Fixtures (a few KB each)
------------------------
tiny_transformer.pt   a tiny transformer's state_dict: the embedding and the
                      lm_head share one parameter (tied weights: one storage,
                      two tensors), plus a transposed view (strided, saved as
                      itself) and a row slice (an offset into the same storage),
                      values of 1e5 that overflow float16.
optimizer.pt          {"model": state_dict, "optimizer": Adam state after a step}.
lightning.ckpt        a Lightning-style dict: epoch, global_step, state_dict,
                      optimizer_states, lr_schedulers, hyper_parameters.
pytorch_model.bin     ids beyond 2^24 in int64, bfloat16 and float16 tensors
                      (a .bin that is a checkpoint by its content).
single_tensor.pt      a float64 tensor saved by itself (named "tensor").
scripted.pt           a TorchScript module (torch.jit.trace): its parameters in
                      data.pkl, a tensor constant in constants.pkl.
big_endian.pt         pytorch_model.bin's tensors stored big-endian, with the
                      `byteorder` record ("big") that newer torch writes and
                      honours: the same tensors, the same counts.
legacy.pt             the pre-1.6 format (_use_new_zipfile_serialization=False;
                      its bytes differ per run: torch keys its storages by id()):
                      skipped with a note.
random.bin            bytes that are no checkpoint: never read from a folder.

It also copies five of them to tests/fuzz/corpus/torch/ as fuzz seeds.

expected.json
-------------
{"files": {file: {"tensors": {name: {dtype, shape, shared: {views, with} | null,
                                      source: {nan, pos_inf, neg_inf, zero},
                                      casts: {target: counts}}}}}}
Counts are torch's own: y = t.to(target) (torch rounds int64 through float32,
float64 through float32 for 16-bit targets, as dtlint's torch profile), with
X = t.double() and Y = y.double() (exact for every value here: the int64 ids
are below 2^53), fin = isfinite(X):
  overflow           fin & isinf(Y)
  underflow_to_zero  fin & X != 0 & Y == 0
  to_subnormal       isfinite(Y) & Y != 0 & |Y| < smallest normal of target
  inexact            ~isnan(X) & Y != X
  integer_not_exact  fin & X == trunc(X) & Y != X
  first_overflow     the row-major index of the first overflow, or null
  max_abs_error      max |Y - X| over fin & isfinite(Y) (exact in float64 here)
and for int64 sources the int32 target (t.to(torch.int32) wraps):
  out_of_range, inexact  values outside int32's range (the others are kept exactly)
  first_out_of_range     the row-major index of the first, or null
"""
import io
import json
import os
import shutil
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
FLOAT_TARGETS = ("float16", "bfloat16", "float32")
TARGETS = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "int32": torch.int32}
SMALLEST_NORMAL = {"float16": 2.0 ** -14, "bfloat16": 2.0 ** -126, "float32": 2.0 ** -126}
DTYPE_NAMES = {torch.float64: "float64", torch.float32: "float32", torch.float16: "float16",
               torch.bfloat16: "bfloat16", torch.int64: "int64", torch.int32: "int32",
               torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8", torch.bool: "bool"}


def counts(t, target):
    X = t.double()
    Y = t.to(TARGETS[target]).double()
    fin = torch.isfinite(X)
    over = fin & torch.isinf(Y)
    ok = fin & torch.isfinite(Y)
    flat_over = over.reshape(-1).nonzero()
    return {
        "overflow": int(over.sum()),
        "underflow_to_zero": int((fin & (X != 0) & (Y == 0)).sum()),
        "to_subnormal": int((torch.isfinite(Y) & (Y != 0) & (Y.abs() < SMALLEST_NORMAL[target])).sum()),
        "inexact": int((~torch.isnan(X) & (Y != X)).sum()),
        "integer_not_exact": int((fin & (X == torch.trunc(X)) & (Y != X)).sum()),
        "first_overflow": int(flat_over[0]) if flat_over.numel() else None,
        "max_abs_error": float((Y[ok] - X[ok]).abs().max()) if ok.any() else 0.0,
    }


def int_counts(t, target):
    """t.to(int32) wraps; dtlint counts the values outside int32's range (its other counts are zero here)."""
    X = t.long()
    info = torch.iinfo(TARGETS[target])
    out = (X < info.min) | (X > info.max)
    assert bool((t.to(TARGETS[target]).long() == X)[~out].all())  # the rest are kept exactly
    flat = out.reshape(-1).nonzero()
    return {"out_of_range": int(out.sum()), "inexact": int(out.sum()),
            "first_out_of_range": int(flat[0]) if flat.numel() else None}


def describe(obj, prefix=""):
    """name -> tensor, as dtlint names the tensors of a torch.save'd object."""
    out = {}
    if isinstance(obj, torch.Tensor):
        out[prefix or "tensor"] = obj  # a tensor saved by itself is named "tensor"
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.update(describe(v, (prefix + "." if prefix else "") + str(k)))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out.update(describe(v, (prefix + "." if prefix else "") + str(i)))
    return out


def expected_for(named):
    # Storages shared by several tensors, in file (insertion) order.
    by_storage = {}
    for name, t in named.items():
        by_storage.setdefault(t.storage().data_ptr(), []).append(name)
    result = {}
    for name, t in named.items():
        assert t.dtype != torch.int64 or int(t.abs().max()) < 2 ** 53
        sharers = by_storage[t.storage().data_ptr()]
        entry = {
            "dtype": DTYPE_NAMES[t.dtype],
            "shape": list(t.shape),
            "contiguous": t.is_contiguous(),
            "shared": {"views": len(sharers), "with": [n for n in sharers if n != name]}
            if len(sharers) > 1 else None,
            "source": {
                "nan": int(torch.isnan(t.double()).sum()),
                "pos_inf": int(torch.isposinf(t.double()).sum()),
                "neg_inf": int(torch.isneginf(t.double()).sum()),
                "zero": int((t.double() == 0).sum()),
            },
            "casts": {target: counts(t, target) for target in FLOAT_TARGETS
                      if DTYPE_NAMES[t.dtype] != target and t.dtype != torch.bool},
        }
        if t.dtype in (torch.int64,):
            entry["casts"]["int32"] = int_counts(t, "int32")
        result[name] = entry
    return result


class TinyTransformer(torch.nn.Module):
    def __init__(self, vocab=16, dim=8):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, dim)
        self.encoder = torch.nn.ModuleDict({"layer": torch.nn.ModuleList([
            torch.nn.ModuleDict({"attn": torch.nn.Linear(dim, dim), "norm": torch.nn.LayerNorm(dim)})])})
        self.lm_head = torch.nn.Linear(dim, vocab, bias=False)
        self.lm_head.weight = self.embed.weight  # tied

    def forward(self, ids):
        x = self.embed(ids)
        layer = self.encoder["layer"][0]
        return self.lm_head(layer["norm"](layer["attn"](x)))


class Traced(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(3, 2)
        self.register_buffer("scale", torch.tensor([1.0, 70000.0]))

    def forward(self, x):
        return self.proj(x) * self.scale + torch.tensor([0.5, 1e-8])


def main():
    shutil.rmtree(DATA, ignore_errors=True)
    os.makedirs(DATA)
    torch.manual_seed(12)
    files = {}

    model = TinyTransformer()
    with torch.no_grad():
        model.embed.weight.mul_(0.02)
        model.embed.weight[3, 5] = 1e5           # overflows float16
        model.encoder["layer"][0]["attn"].weight[1, 2] = -2e5
        model.encoder["layer"][0]["attn"].weight[0, 0] = 1e-9  # underflows float16
    sd = model.state_dict()
    transformer = dict(sd)
    transformer["encoder.layer.0.attn.weight_t"] = model.encoder["layer"][0]["attn"].weight.detach().t()
    transformer["embed.rows"] = model.embed.weight.detach()[2:5]
    assert not transformer["encoder.layer.0.attn.weight_t"].is_contiguous()
    torch.save(transformer, os.path.join(DATA, "tiny_transformer.pt"))
    files["tiny_transformer.pt"] = expected_for(describe(transformer))

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.tensor([[1, 2, 3]])).square().mean().backward()
    opt.step()
    small = {"model": {"lm_head.weight": model.lm_head.weight.detach()},
             "optimizer": opt.state_dict()}
    torch.save(small, os.path.join(DATA, "optimizer.pt"))
    files["optimizer.pt"] = expected_for(describe(small))

    ckpt = {"epoch": 3, "global_step": 120, "pytorch-lightning_version": "1.9.0",
            "state_dict": {"model.attn.bias": model.encoder["layer"][0]["attn"].bias.detach(),
                           "model.norm.weight": model.encoder["layer"][0]["norm"].weight.detach()},
            "optimizer_states": [{"state": {0: {"step": torch.tensor(1.0),
                                                "exp_avg": torch.full((4,), 3e-5)}},
                                  "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0]}]}],
            "lr_schedulers": [], "hyper_parameters": {"lr": 1e-3, "name": "tiny"}}
    torch.save(ckpt, os.path.join(DATA, "lightning.ckpt"))
    files["lightning.ckpt"] = expected_for(describe(ckpt))

    ids = torch.tensor([0, 7, 2 ** 24 + 1, 2 ** 31 + 5, -(2 ** 40) - 3], dtype=torch.int64)
    hf = {"input_ids": ids,
          "bf16.weight": (torch.randn(6) * 100).to(torch.bfloat16),
          "f16.weight": torch.tensor([1.0, 65504.0, 6e-8, -0.0], dtype=torch.float16),
          "f64.scale": torch.tensor([1.0 + 2.0 ** -11 + 2.0 ** -40, 1e300, 1e-300], dtype=torch.float64),
          "mask": torch.tensor([True, False, True])}
    torch.save(hf, os.path.join(DATA, "pytorch_model.bin"))
    files["pytorch_model.bin"] = expected_for(describe(hf))

    # The same checkpoint stored big-endian: every storage byte-swapped by its
    # element size, and a byteorder record saying so (what torch >= 2.1 writes
    # on a big-endian machine and swaps back when loading elsewhere).
    item_size = {}
    for name, t in hf.items():
        item_size[name] = t.element_size()
    with zipfile.ZipFile(os.path.join(DATA, "pytorch_model.bin")) as src, \
            zipfile.ZipFile(os.path.join(DATA, "big_endian.pt"), "w", zipfile.ZIP_STORED) as dst:
        order = list(hf)  # torch numbers storages in pickling order: data/0 is the first tensor's
        for info in src.infolist():
            data = src.read(info)
            record = info.filename.split("/", 1)[1]
            if record.startswith("data/"):
                size = item_size[order[int(record[5:])]]
                data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
            dst.writestr(zipfile.ZipInfo("big_endian/" + record, date_time=info.date_time), data)
            if record == "data.pkl":
                dst.writestr(zipfile.ZipInfo("big_endian/byteorder", date_time=info.date_time), b"big")
    loaded = {k: v for k, v in hf.items()}
    files["big_endian.pt"] = expected_for(describe(loaded))

    single = torch.tensor([[1e5, -3.0], [2.0 ** -30, 0.5]], dtype=torch.float64)
    torch.save(single, os.path.join(DATA, "single_tensor.pt"))
    files["single_tensor.pt"] = expected_for(describe(single))

    traced = torch.jit.trace(Traced(), torch.ones(1, 3))
    torch.jit.save(traced, os.path.join(DATA, "scripted.pt"))
    scripted = {"proj.weight": traced.proj.weight.detach(), "proj.bias": traced.proj.bias.detach(),
                "scale": traced.scale.detach(), "constants.0": torch.tensor([0.5, 1e-8])}
    files["scripted.pt"] = expected_for(scripted)

    torch.save({"w": torch.ones(2)}, os.path.join(DATA, "legacy.pt"), _use_new_zipfile_serialization=False)
    with open(os.path.join(DATA, "random.bin"), "wb") as fh:
        fh.write(bytes(range(256)) * 4)

    # Seeds for the fuzz target (tests/fuzz/fuzz_torch.cpp): the checkpoints themselves.
    seeds = os.path.join(HERE, "..", "..", "fuzz", "corpus", "torch")
    shutil.rmtree(seeds, ignore_errors=True)
    os.makedirs(seeds)
    for name in ("tiny_transformer.pt", "lightning.ckpt", "scripted.pt", "big_endian.pt", "legacy.pt"):
        shutil.copy(os.path.join(DATA, name), os.path.join(seeds, name))

    with open(os.path.join(DATA, "expected.json"), "w") as fh:
        json.dump({"files": {f: {"tensors": t} for f, t in files.items()}}, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
