"""Writes the calibration corpus (tests/calibration/) and what NumPy and
PyTorch say about it (expected.json). Run with Debian's /usr/bin/python3
(python3-numpy, python3-torch); the tests only read the files.

healthy/   tensors shaped like a trained model's: a GPT-2-like float32
           checkpoint (embeddings, attention and MLP weights with heavy tails,
           biases with exact zeros, layer-norm scales around 1, a causal mask,
           GPT-2's -1e4 masked bias), a Llama-like bfloat16 shard, activations.
           What every practitioner casts to float16 or bfloat16 without harm:
           the default scan must give no warning and no error.
damaging/  one file per way a cast breaks data, each with the cast it would get
           (damaging/.dtlint.yaml gives each its targets: that cast and the
           candidates a fix is chosen from). Each must give exactly one warning
           or error, of the rule and count the peers compute, and a suggestion
           naming the dtype the peers find fits, with the counts they give.

A dtype "fits" (the documented criterion of rules/suggestion.h, implemented
here independently): nothing overflows, flushes to zero, leaves an integer
range, loses NaN or truncates; integer data stays exact; fewer than 5% of the
values turn subnormal; data away from zero (|mean| > σ) keeps its largest
error below 5% of σ.
"""
import json
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import safetensors_write  # noqa: E402  (tests/safetensors_write.py: by hand, from the specification)

rng = np.random.default_rng(20261201)


def heavy(shape, sigma, df=5):
    """Trained weights are heavier-tailed than a Gaussian: Student's t, scaled to σ."""
    t = rng.standard_t(df, size=shape)
    return (t * sigma / np.sqrt(df / (df - 2))).astype(np.float32)


def bf16_bits(x):
    """bfloat16 bit patterns of x as torch rounds float32 to bfloat16."""
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(torch.bfloat16).view(torch.int16) \
        .numpy().view(np.uint16)


def cast(x, target):
    """The cast as dtlint's numpy profile simulates it, back in float64 (NaN kept)."""
    if target == "float16":
        return x.astype(np.float16).astype(np.float64)
    if target == "float32":
        return x.astype(np.float32).astype(np.float64)
    if target == "bfloat16":
        return torch.from_numpy(np.asarray(x, dtype=np.float64)).to(torch.bfloat16).double().numpy()
    raise ValueError(target)


def outcome(x, target):
    """What the cast does, as the peers count it."""
    x = np.asarray(x)
    if target in ("int32", "int16", "int8"):
        info = np.iinfo(target)
        xf = x.astype(np.float64)
        fin = np.isfinite(xf)
        t = np.trunc(np.where(fin, xf, 0))
        return {"nonfinite_to_int": int(np.sum(~fin)),
                "out_of_range": int(np.sum(fin & ((t < info.min) | (t > info.max)))),
                "truncated": int(np.sum(fin & (t != xf)))}
    xf = x.astype(np.float64)
    with np.errstate(over="ignore"):
        r = cast(xf, target)
    fin = np.isfinite(xf)
    tiny = float(torch.finfo(torch.bfloat16).tiny) if target == "bfloat16" else float(np.finfo(target).tiny)
    ok = fin & np.isfinite(r)
    integral = fin & (xf == np.trunc(xf))
    err = np.abs(np.where(ok, r - xf, 0.0))
    return {"overflow": int(np.sum(fin & ~np.isfinite(r))),
            "underflow_to_zero": int(np.sum(fin & (xf != 0) & (r == 0))),
            "to_subnormal": int(np.sum(ok & (r != 0) & (np.abs(r) < tiny))),
            "inexact": int(np.sum(~np.isnan(xf) & (r != xf))),
            "integer_changed": int(np.sum(integral & np.isfinite(r) & (r != xf))),
            "max_abs_error": float(err.max()) if err.size else 0.0}


def integer_data(x):
    x = np.asarray(x)
    if x.dtype.kind in "iub":
        return True
    fin = x[np.isfinite(x)]
    limit = 2.0 ** (np.finfo(x.dtype).nmant + 1)
    return fin.size >= 2 and bool(np.all(fin == np.trunc(fin))) and float(np.abs(fin).max()) <= limit


def fits(x, target):
    o = outcome(x, target)
    if target.startswith("int"):
        return o["nonfinite_to_int"] == 0 and o["out_of_range"] == 0 and o["truncated"] == 0
    if o["overflow"] or o["underflow_to_zero"] or o["to_subnormal"] >= 0.05 * np.asarray(x).size:
        return False
    if integer_data(x) and o["integer_changed"]:
        return False
    fin = np.asarray(x, dtype=np.float64)
    fin = fin[np.isfinite(fin)]
    sigma, mean = float(fin.std()), float(fin.mean())
    return not (sigma > 0 and abs(mean) > sigma and o["max_abs_error"] >= 0.05 * sigma)


def main():
    for part in ("healthy", "damaging"):
        shutil.rmtree(os.path.join(HERE, part), ignore_errors=True)
        os.makedirs(os.path.join(HERE, part))

    # ---------------------------------------------------------------- healthy
    d, vocab, positions = 16, 128, 32
    gpt = {"wte.weight": heavy((vocab, d), 0.02), "wpe.weight": heavy((positions, d), 0.01)}
    for layer in range(2):
        p = f"h.{layer}."
        gpt[p + "ln_1.weight"] = (0.9 + 0.15 * rng.standard_normal(d)).astype(np.float32)
        gpt[p + "ln_1.bias"] = heavy((d,), 0.02)
        gpt[p + "attn.c_attn.weight"] = heavy((d, 3 * d), 0.02, df=4)
        bias = heavy((3 * d,), 0.01)
        bias[rng.random(3 * d) < 0.1] = 0.0  # biases that never moved from their zero init
        gpt[p + "attn.c_attn.bias"] = bias
        gpt[p + "attn.c_proj.weight"] = heavy((d, d), 0.02 / np.sqrt(4))
        gpt[p + "attn.bias"] = np.tril(np.ones((positions, positions), dtype=np.float32))[None, None]
        gpt[p + "attn.masked_bias"] = np.array(-1e4, dtype=np.float32)  # GPT-2's own mask value
        gpt[p + "ln_2.weight"] = (0.9 + 0.15 * rng.standard_normal(d)).astype(np.float32)
        gpt[p + "mlp.c_fc.weight"] = heavy((d, 4 * d), 0.02, df=4)
        gpt[p + "mlp.c_proj.weight"] = heavy((4 * d, d), 0.02 / np.sqrt(4), df=4)
    gpt["ln_f.weight"] = (1.0 + 0.1 * rng.standard_normal(d)).astype(np.float32)
    safetensors_write.write(os.path.join(HERE, "healthy/gpt2_tiny.safetensors"), gpt)

    llama = {}
    for name, shape, sigma in [("model.layers.0.self_attn.q_proj.weight", (d, d), 0.02),
                               ("model.layers.0.self_attn.k_proj.weight", (d, d), 0.02),
                               ("model.layers.0.mlp.gate_proj.weight", (2 * d, d), 0.015)]:
        llama[name] = safetensors_write.Bits("BF16", bf16_bits(heavy(shape, sigma, df=4)))
    llama["model.layers.0.input_layernorm.weight"] = safetensors_write.Bits(
        "BF16", bf16_bits(np.abs(0.4 + 0.2 * rng.standard_normal(d))))
    safetensors_write.write(os.path.join(HERE, "healthy/llama_bf16.safetensors"), llama)

    gelu = torch.nn.functional.gelu(torch.from_numpy(rng.standard_normal((64, d)).astype(np.float32) * 2))
    np.save(os.path.join(HERE, "healthy/activations.npy"), gelu.numpy())

    # --------------------------------------------------------------- damaging
    n = 1024
    cases = {}

    def case(file_name, x, targets, rule, target, severity, why, hint=None):
        np.save(os.path.join(HERE, "damaging", file_name), x)
        candidates = [t for t in targets if t != target]
        # The suggestion: the narrowest fitting candidate, the source's kind first.
        source_is_float = x.dtype.kind == "f"

        def size(t):
            return 2 if t == "bfloat16" else np.dtype(t).itemsize

        fitting = [t for t in candidates if size(t) <= x.dtype.itemsize and fits(x, t)]
        fitting.sort(key=lambda t: ((not t.startswith("int")) != source_is_float, size(t)))
        expected = {"targets": targets, "rule": rule, "target": target, "severity": severity, "why": why,
                    "outcome": outcome(x, target), "elements": int(x.size)}
        if hint:
            expected["suggestion_contains"] = hint
        elif fitting:
            expected["suggested"] = fitting[0]
            expected["suggested_outcome"] = outcome(x, fitting[0])
        cases[file_name] = expected

    acts = rng.standard_normal((64, 16)).astype(np.float32) * 3
    acts[:, 5] *= 3e4  # an outlier feature, as T5's feed-forward outputs have: past 65504
    case("outlier_activations.npy", acts, ["float16", "bfloat16", "float32"], "DT101", "float16", "error",
         "an outlier feature overflows float16")
    grads = (np.exp(rng.normal(np.log(3e-9), 1.5, n)) * rng.choice([-1, 1], n)).astype(np.float32)
    case("gradients.npy", grads, ["float16", "bfloat16"], "DT104", "float16", "error",
         "most of a gradient flushes to zero in float16 without loss scaling")
    moments = (grads.astype(np.float64) ** 2 * 0.5).astype(np.float32)
    case("adam_exp_avg_sq.npy", moments, ["float16", "bfloat16"], "DT104", "float16", "error",
         "Adam's second moments are squares of small gradients: gone in float16")
    tokens = rng.integers(0, 50257, n).astype(np.int64)
    case("token_ids.npy", tokens, ["float16", "int32"], "DT110", "float16", "error",
         "GPT-2 token ids above 2048 merge in float16")
    users = rng.integers(0, 50_000_000, n).astype(np.int64)
    case("user_ids.npy", users, ["float32", "int32"], "DT110", "float32", "error",
         "ids above 2^24 merge in float32")
    times = 1.7e9 + rng.uniform(0, 86400, n)
    case("timestamps.npy", times, ["bfloat16", "float32"], "DT114", "bfloat16", "error",
         "a day of unix timestamps collapses in bfloat16")
    pressure = 101325 + 500 * rng.standard_normal(n)
    case("pressure_pa.npy", pressure, ["bfloat16", "float32"], "DT114", "bfloat16", "error",
         "pressure readings around 101325 Pa land on steps of 512 Pa")
    labels = rng.integers(0, 10, n).astype(np.float64)
    labels[rng.random(n) < 0.01] = np.nan
    case("labels_nan.npy", labels, ["int32", "float16"], "DT103", "int32", "error",
         "NaN labels become -2147483648 in int32")
    case("mask_min.npy", np.array(np.finfo(np.float32).min, dtype=np.float32), ["float16"],
         "DT101", "float16", "error", "float32's lowest as a mask fill overflows float16",
         hint=f"fill with float16's own (±{float(np.finfo(np.float16).max):.0f}, finfo(float16).min)")

    with open(os.path.join(HERE, "damaging/.dtlint.yaml"), "w") as f:
        f.write("# Each file with the cast it would get and the candidates a fix is chosen from\n"
                "# (written by tests/calibration/make_corpus.py).\nper_path:\n")
        for file_name, c in sorted(cases.items()):
            f.write(f"  - paths: [{file_name}]\n    targets: [{', '.join(c['targets'])}]\n")
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(cases, f, indent=2, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(HERE) for name in names)
    print(f"calibration corpus: {total} bytes")


if __name__ == "__main__":
    main()
