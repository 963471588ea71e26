#!/usr/bin/python3
"""Speed on data shaped like real data: `dtlint scan` against a plain read
pass over the same bytes and the NumPy peer, in one run. See bench/README.md.

    /usr/bin/python3 bench/real_data.py [--build build] [--runs 9] [--size-mb 400]
        [--peer-runs 1] [--only NAME,...] [--data DIR]

Each input is made once (fixed seeds) in --data and reused:

- normal_f64: float64, standard normal × 10³, a few 10⁵ and NaN (compare.py's data);
- weights_f32: float32, N(0, 0.02) as a transformer is initialised, a few 10⁵:
  float16 gives subnormal results and flushes to zero in nearly every block;
- activations_f64: float64 over ~50 binades (|x| = 2^U(-40, 12)), signs mixed,
  one in 10⁴ ±inf and one in 10⁴ NaN: overflow, flush to zero and subnormal
  results in every block;
- ids_i64: int64 ids, log-uniform below 2⁴⁰, 20 of them at 2⁶²;
- labels_i32: int32 class labels in [0, 1000), one in 10³ = −1;
- weights_bf16: a bfloat16 .safetensors checkpoint (half the size), N(0, 0.02);
- weights_f16: a float16 .npy (half the size), N(0, 0.02);
- weights_npz: float32 N(0, 0.02) weights in a deflated .npz of four members
  (np.savez_compressed, a quarter of the size before compression), scanned
  with 1 and 2 threads against inflating its members with zlib alone (Python's
  zipfile, one thread), in a child process.

Every scan is `dtlint scan FILE --format json --threads 2 --fail-on never`
with the default four targets, and weights_f32 once more with
`--targets float8_e4m3fn,float8_e5m2`; the read pass is `dtlint_read_pass FILE
--threads 2`, in a fresh process like the scan. The peer runs on the .npy
inputs only (NumPy has no bfloat16), --peer-runs times. Prints a Markdown
table of medians; always exits 0 (it is a report).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import OPENBLAS_VARS, ROOT, cpu_model, timed  # noqa: E402

# name → (file name, fraction of --size-mb, description)
INPUTS = {
    "normal_f64": ("normal_f64.npy", 1, "float64, normal × 10³"),
    "weights_f32": ("weights_f32.npy", 1, "float32 weights, N(0, 0.02)"),
    "activations_f64": ("activations_f64.npy", 1, "float64 activations, ~50 binades, ±inf, NaN"),
    "ids_i64": ("ids_i64.npy", 1, "int64 ids below 2⁴⁰, a few at 2⁶²"),
    "labels_i32": ("labels_i32.npy", 1, "int32 labels in [−1, 1000)"),
    "weights_bf16": ("weights_bf16.safetensors", 0.5, "bfloat16 .safetensors, N(0, 0.02)"),
    "weights_f16": ("weights_f16.npy", 0.5, "float16 weights, N(0, 0.02)"),
    "weights_npz": ("weights.npz", 0.25, "float32 weights, deflated .npz, 4 members"),
}

# Inflates every member of the .npz named by argv[1] with zlib (through zipfile) and nothing else.
INFLATE_ONLY = """
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        with z.open(info) as member:
            while member.read(1 << 22):
                pass
"""


def fill(out, n, make):
    """out[start:stop] = make(rng, size) in chunks of 4 Mi elements, each with its own seed."""
    import numpy as np
    chunk = 1 << 22
    for i, start in enumerate(range(0, n, chunk)):
        stop = min(n, start + chunk)
        out[start:stop] = make(np.random.default_rng([2026, i]), stop - start)


def make_input(name, path, size_mb):
    import numpy as np
    _, fraction, _ = INPUTS[name]
    nbytes = int(size_mb * fraction) * 2**20
    if path.exists() and (path.stat().st_size >= nbytes or name == "weights_npz"):
        return
    if name == "weights_npz":
        n = nbytes // 4 // 4
        members = {f"layer{i}.weight": (np.random.default_rng([2026, i]).standard_normal(n) * 0.02)
                   .astype("<f4") for i in range(4)}
        np.savez_compressed(path.with_name(path.stem + ".tmp.npz"), **members)
        path.with_name(path.stem + ".tmp.npz").rename(path)
        return
    tmp = path.with_name(path.name + ".tmp")
    if name == "weights_bf16":
        n = nbytes // 2
        header = json.dumps({"weight": {"dtype": "BF16", "shape": [n], "data_offsets": [0, 2 * n]}}).encode()
        header += b" " * (-len(header) % 8)
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header)
            chunk = 1 << 22
            for i, start in enumerate(range(0, n, chunk)):
                x = (np.random.default_rng([2026, i]).standard_normal(min(chunk, n - start)) * 0.02).astype("<f4")
                bits = x.view("<u4")
                rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16  # to nearest even (no NaN here)
                f.write(rounded.astype("<u2").tobytes())
        tmp.rename(path)
        return
    dtype = {"normal_f64": "<f8", "weights_f32": "<f4", "activations_f64": "<f8", "ids_i64": "<i8",
             "labels_i32": "<i4", "weights_f16": "<f2"}[name]
    n = nbytes // np.dtype(dtype).itemsize
    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=(n,))
    if name == "normal_f64":
        fill(out, n, lambda rng, k: rng.standard_normal(k) * 1e3)
    elif name in ("weights_f32", "weights_f16"):
        fill(out, n, lambda rng, k: rng.standard_normal(k) * 0.02)
    elif name == "activations_f64":
        def activations(rng, k):
            x = np.exp2(rng.uniform(-40, 12, k)) * np.where(rng.random(k) < 0.5, -1.0, 1.0)
            x[rng.random(k) < 1e-4] = np.inf
            x[rng.random(k) < 1e-4] = -np.inf
            x[rng.random(k) < 1e-4] = np.nan
            return x
        fill(out, n, activations)
    elif name == "ids_i64":
        fill(out, n, lambda rng, k: np.exp2(rng.uniform(0, 40, k)).astype(np.int64))
    elif name == "labels_i32":
        def labels(rng, k):
            x = rng.integers(0, 1000, k)
            x[rng.random(k) < 1e-3] = -1
            return x
        fill(out, n, labels)
    rng = np.random.default_rng(7)
    if name in ("normal_f64", "weights_f32"):
        out[rng.integers(0, n, 50)] = 1e5
    if name == "normal_f64":
        out[rng.integers(0, n, 50)] = np.nan
    if name == "ids_i64":
        out[rng.integers(0, n, 20)] = 2**62
    out.flush()
    del out
    tmp.rename(path)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"), help="CMake build dir (default: build)")
    ap.add_argument("--runs", type=int, default=9, help="runs per scan and read pass (default 9)")
    ap.add_argument("--peer-runs", type=int, default=1, help="runs of the NumPy peer per input (0: none)")
    ap.add_argument("--size-mb", type=int, default=400, help="size of each full-size input in MiB")
    ap.add_argument("--only", default="", help="comma-separated input names (default: all)")
    ap.add_argument("--threads", default="2", help="dtlint's and the read pass's --threads (default 2)")
    ap.add_argument("--peer", default=str(ROOT.parent / "shared/bench/numpy_peer.py"))
    ap.add_argument("--data", default="/tmp/dtlint-bench-data/real", help="data cache (reused)")
    ap.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)  # internal: make the data
    return ap.parse_args()


def main():
    args = parse_args()
    names = [n for n in args.only.split(",") if n] or list(INPUTS)
    unknown = [n for n in names if n not in INPUTS]
    if unknown:
        sys.exit(f"unknown input {', '.join(unknown)} (inputs: {', '.join(INPUTS)})")
    data = Path(args.data)
    paths = {n: data / INPUTS[n][0] for n in names}
    if args.generate:
        data.mkdir(parents=True, exist_ok=True)
        for n in names:
            make_input(n, paths[n], args.size_mb)
        return 0

    build = Path(args.build)
    for program in (build / "dtlint", build / "bench" / "dtlint_read_pass"):
        if not program.exists():
            sys.exit(f"missing {program} (build: cmake --build {build} --target dtlint dtlint_read_pass)")
    print(f"preparing data in {data} …", file=sys.stderr)
    subprocess.run([sys.executable, __file__, "--generate", "--data", str(data), "--size-mb", str(args.size_mb),
                    "--only", ",".join(names)], check=True)
    bins = Path(tempfile.mkdtemp(prefix="dtlint-bench-"))  # a concurrent rebuild cannot change them mid-run
    dtlint = str(shutil.copy2(build / "dtlint", bins))
    read_pass = str(shutil.copy2(build / "bench" / "dtlint_read_pass", bins))
    peer_env = dict(os.environ)
    for v in OPENBLAS_VARS:
        peer_env.pop(v, None)

    scan = [dtlint, "scan", "--format", "json", "--fail-on", "never", "--no-progress", "--threads", args.threads]
    # row → (input, extra scan arguments, label)
    rows = {n: (n, [], INPUTS[n][2]) for n in names}
    if "weights_npz" in names:
        rows["weights_npz 1 thread"] = ("weights_npz", ["--threads", "1"], INPUTS["weights_npz"][2] + ", 1 thread")
    if "weights_f32" in names:
        rows["weights_f32 fp8"] = ("weights_f32", ["--targets", "float8_e4m3fn,float8_e5m2"],
                                   "float32 weights → float8_e4m3fn, float8_e5m2")
    times = {r: {"read": [], "scan": [], "peer": [], "inflate": []} for r in rows}
    rss = {r: 0 for r in rows}
    for n in names:
        timed([read_pass, str(paths[n])])  # the page cache, warm
    for run in range(args.runs):
        for r, (n, extra, _) in rows.items():
            print(f"run {run + 1}/{args.runs}: {r}", file=sys.stderr)
            times[r]["read"].append(timed([read_pass, str(paths[n]), "--threads", args.threads])[0])
            seconds, kib = timed(scan + extra + [str(paths[n])])
            times[r]["scan"].append(seconds)
            rss[r] = max(rss[r], kib)
            if n == "weights_npz" and not extra:
                times[r]["inflate"].append(timed([sys.executable, "-c", INFLATE_ONLY, str(paths[n])])[0])
            if run < args.peer_runs and not extra and paths[n].suffix == ".npy" and Path(args.peer).exists():
                times[r]["peer"].append(timed([sys.executable, args.peer, str(paths[n])], peer_env)[0])

    version = subprocess.run([dtlint, "--version"], capture_output=True, text=True).stdout.strip()
    shutil.rmtree(bins)
    kernel = os.environ.get("DTLINT_KERNEL")
    print(f"\n## dtlint on real-shaped data — {args.size_mb} MiB inputs, default targets, --threads {args.threads}\n")
    print(f"- machine: nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, Linux {platform.release()}")
    print(f"- {version}; kernel: " + (f"DTLINT_KERNEL={kernel} (forced)" if kernel else "dtlint's own choice"))
    print(f"- medians of {args.runs} runs, interleaved, page cache warm; the peer: {args.peer_runs} run(s), "
          "3 targets (float16, float32, int32), .npy only")
    print("\n| input | MiB | read pass s | dtlint s | × read pass | NumPy peer s | speed-up vs peer | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r, (n, _, label) in rows.items():
        t = times[r]
        read, scan_s = statistics.median(t["read"]), statistics.median(t["scan"])
        peer = statistics.median(t["peer"]) if t["peer"] else None
        mib = paths[n].stat().st_size / 2**20
        print(f"| {label} | {mib:.0f} | {read:.3f} | {scan_s:.3f} | {scan_s / read:.1f} | "
              + (f"{peer:.2f} | {peer / scan_s:.0f}× |" if peer else " | |") + f" {rss[r] / 1024:.1f} |")
    if "weights_npz" in rows and times["weights_npz"]["inflate"]:
        inflate = statistics.median(times["weights_npz"]["inflate"])
        print(f"\nThe deflated .npz: inflating its members with zlib alone (zipfile, 1 thread) takes {inflate:.3f} s; "
              f"dtlint scans it in {statistics.median(times['weights_npz 1 thread']['scan']):.3f} s with 1 thread "
              f"and {statistics.median(times['weights_npz']['scan']):.3f} s with {args.threads}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
