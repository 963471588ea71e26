#!/usr/bin/python3
"""Model formats benchmark: the same trained-weights-shaped float32 checkpoint
stored as .npy files, .safetensors, .gguf, a PyTorch .pt, ONNX and HDF5, each
scanned by dtlint, against a plain read pass over the same bytes and the NumPy
peer over the .npy files, in one run on one machine. See bench/README.md.

    /usr/bin/python3 bench/formats.py [--build build] [--runs 5] [--size-mb 400]
        [--peer ../shared/bench/numpy_peer.py] [--data DIR]

A format is left out (and the output says so) when this Python cannot write it
(torch, onnx, h5py are Debian's python3-torch, python3-onnx, python3-h5py) or
when this dtlint build has no reader for it. Always exits 0 (it is a report).
"""
import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (timed, cpu_model, own_rss_kib)

ROOT = Path(__file__).resolve().parent.parent
THREE = "float16,float32,int32"


def layer_shapes(size_mb):
    """A transformer's weights (hidden 1024, MLP 4096, vocabulary 32000), with
    as many layers as fit in size_mb MiB of float32."""
    hidden, mlp, vocab = 1024, 4096, 32000
    shapes = [("embed.weight", (vocab, hidden))]
    per_layer = [("attn.q.weight", (hidden, hidden)), ("attn.k.weight", (hidden, hidden)),
                 ("attn.v.weight", (hidden, hidden)), ("attn.o.weight", (hidden, hidden)),
                 ("mlp.up.weight", (mlp, hidden)), ("mlp.down.weight", (hidden, mlp)),
                 ("norm1.weight", (hidden,)), ("norm2.weight", (hidden,))]
    budget = size_mb * 2**20 // 4 - vocab * hidden
    layer_elems = sum(math.prod(shape) for _, shape in per_layer)
    for i in range(max(1, budget // layer_elems)):
        shapes += [(f"layers.{i}.{name}", shape) for name, shape in per_layer]
    return shapes


def make_weights(size_mb):
    """Trained-looking weights: normal × 0.02 (norms near 1), a few outliers of
    1e5 in one tensor (they overflow float16); fixed seed."""
    import numpy as np
    tensors = {}
    for i, (name, shape) in enumerate(layer_shapes(size_mb)):
        rng = np.random.default_rng([2026, i])
        if name.endswith("norm1.weight") or name.endswith("norm2.weight"):
            x = 1 + rng.standard_normal(shape, dtype=np.float32) * 0.05
        else:
            x = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
        tensors[name] = x
    tensors["layers.0.mlp.down.weight"].reshape(-1)[::1_000_003] = 1e5
    return tensors


FORMAT_FILES = (("safetensors", "model.safetensors"), ("gguf", "model.gguf"), ("torch", "model.pt"),
                ("onnx", "model.onnx"), ("hdf5", "model.h5"))


def formats_in(folder):
    """{format: path} of what write_all wrote: the .npy folder and each model file."""
    found = {"npy": folder / "npy"}
    found.update({fmt: folder / name for fmt, name in FORMAT_FILES if (folder / name).exists()})
    return found


def write_all(out, size_mb):
    """Writes the weights in every format this Python can write into `out` (once)."""
    import numpy as np
    done = out / "done"
    if not done.exists():
        if out.exists():
            shutil.rmtree(out)
        (out / "npy").mkdir(parents=True)
        tensors = make_weights(size_mb)
        for name, x in tensors.items():
            np.save(out / "npy" / f"{name}.npy", x)
        sys.path.insert(0, str(ROOT / "tests"))
        import gguf_write
        with open(out / "model.gguf", "wb") as fh:
            fh.write(gguf_write.gguf_bytes([gguf_write.array_tensor(n, x) for n, x in tensors.items()]))
        try:
            import torch
            torch.save({n: torch.from_numpy(x) for n, x in tensors.items()}, out / "model.pt")
        except ImportError:
            pass
        try:
            import safetensors.numpy  # not in Debian; written by hand below otherwise
            safetensors.numpy.save_file(tensors, str(out / "model.safetensors"))
        except ImportError:
            import json
            import struct
            header, offset = {}, 0
            for n, x in tensors.items():
                header[n] = {"dtype": "F32", "shape": list(x.shape), "data_offsets": [offset, offset + x.nbytes]}
                offset += x.nbytes
            text = json.dumps(header).encode()
            text += b" " * (-len(text) % 8)
            with open(out / "model.safetensors", "wb") as fh:
                fh.write(struct.pack("<Q", len(text)) + text)
                for x in tensors.values():
                    fh.write(x.tobytes())
        try:
            import onnx
            from onnx import helper, numpy_helper
            inits = [numpy_helper.from_array(x, n) for n, x in tensors.items()]
            graph = helper.make_graph([], "weights", [], [], initializer=inits)
            onnx.save(helper.make_model(graph), str(out / "model.onnx"))
        except ImportError:
            pass
        try:
            import h5py
            with h5py.File(out / "model.h5", "w") as fh:
                for n, x in tensors.items():
                    fh.create_dataset(n.replace(".", "/"), data=x)
        except ImportError:
            pass
        done.write_text("ok\n")


def reader_of(dtlint, path):
    """The reader this dtlint build would use for `path`, from scan --show-files."""
    out = subprocess.run([dtlint, "scan", "--show-files", str(path)], capture_output=True, text=True).stdout
    first = out.splitlines()[0] if out else ""
    return first.split("  ")[-1].strip() if "  " in first else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size-mb", type=int, default=400)
    ap.add_argument("--peer", default=str(ROOT.parent / "shared/bench/numpy_peer.py"))
    ap.add_argument("--data", default="/tmp/dtlint-bench-data")
    ap.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    folder = Path(args.data) / f"weights_{args.size_mb}mb"
    if args.generate:
        write_all(folder, args.size_mb)
        return 0

    build = Path(args.build)
    print(f"preparing data in {folder} …", file=sys.stderr)
    subprocess.run([sys.executable, __file__, "--generate", "--data", args.data, "--size-mb", str(args.size_mb)],
                   check=True)
    files = formats_in(folder)
    bins = Path(tempfile.mkdtemp(prefix="dtlint-bench-"))
    dtlint = str(shutil.copy2(build / "dtlint", bins))
    for helper in build.glob("dtlint-*"):  # helper executables beside dtlint (e.g. the HDF5 reader)
        if helper.is_file() and os.access(helper, os.X_OK):
            shutil.copy2(helper, bins)
    read_pass = str(shutil.copy2(build / "bench" / "dtlint_read_pass", bins))
    left_out = []
    for fmt in list(files):
        probe = files[fmt] if fmt != "npy" else next(files[fmt].glob("*.npy"))
        if reader_of(dtlint, probe) != fmt:
            left_out.append(f"{fmt} (no reader in this build)")
            del files[fmt]
    npy_files = sorted(str(p) for p in files["npy"].glob("*.npy"))

    scan = [dtlint, "scan", "--format", "json", "--fail-on", "never", "--no-progress", "--targets", THREE,
            "--threads", "2"]
    cases = {}
    for fmt, path in files.items():
        cases[f"{fmt}: read pass"] = ([read_pass] + (npy_files if fmt == "npy" else [str(path)]), None)
        cases[f"{fmt}: dtlint"] = (scan + [str(path)], None)
    cases["npy: numpy peer"] = ([sys.executable, args.peer, "--targets", THREE] + npy_files, None)
    print("warming the page cache …", file=sys.stderr)
    for fmt in files:
        compare.timed(cases[f"{fmt}: read pass"][0])
    times = {name: [] for name in cases}
    rss = {name: 0 for name in cases}
    for run in range(args.runs):
        for name, (cmd, env) in cases.items():
            if "peer" in name and run >= min(3, args.runs):
                continue
            print(f"run {run + 1}/{args.runs}: {name}", file=sys.stderr)
            seconds, kib = compare.timed(cmd, env)
            times[name].append(seconds)
            rss[name] = max(rss[name], kib)
    med = {name: statistics.median(t) for name, t in times.items()}
    shutil.rmtree(bins)

    total = sum(p.stat().st_size for p in files["npy"].glob("*.npy"))
    print(f"\n## dtlint model formats — {total / 2**20:.0f} MiB of float32 weights "
          f"({len(npy_files)} tensors), targets {THREE}, 2 threads\n")
    print(f"- machine: nproc {len(os.sched_getaffinity(0))}, {compare.cpu_model()}; load average "
          f"{os.getloadavg()[0]:.2f} after the runs")
    print(f"- medians of {args.runs} runs (3 for the peer), interleaved, page cache warm; peak RSS floor "
          f"{compare.own_rss_kib() / 1024:.1f} MiB")
    if left_out:
        print(f"- left out: {', '.join(left_out)}")
    print("\n| format | file MiB | read pass s | dtlint s | × its read pass | × .npy scan | "
          "speed-up vs peer | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    npy = med["npy: dtlint"]
    peer = med["npy: numpy peer"]
    for fmt, path in files.items():
        size = total if fmt == "npy" else path.stat().st_size
        d, r = med[f"{fmt}: dtlint"], med[f"{fmt}: read pass"]
        print(f"| {fmt} | {size / 2**20:.0f} | {r:.3f} | {d:.3f} | {d / r:.2f} | {d / npy:.2f} | {peer / d:.0f}× | "
              f"{rss[f'{fmt}: dtlint'] / 1024:.1f} |")
    print(f"| npy: numpy peer | | | {peer:.3f} | | | | {rss['npy: numpy peer'] / 1024:.1f} |")
    if "torch" in files:
        ratio = med["torch: dtlint"] / npy
        print(f"\n- {'PASS' if ratio <= 1.3 else 'FAIL'}: a .pt checkpoint scans within 1.3× the time of the "
              f"same data as .npy ({ratio:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
