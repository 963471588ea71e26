#!/usr/bin/python3
"""End-to-end benchmark: `dtlint scan` against the NumPy peer and a plain read
pass, in one run on one machine (DESIGN §8). See bench/README.md.

    /usr/bin/python3 bench/compare.py [--build build] [--runs 5] [--size-mb 400]
        [--small 1000] [--peer ../shared/bench/numpy_peer.py] [--data DIR]

Prints a Markdown table of medians and one PASS/FAIL line per acceptance
criterion. Always exits 0 (it is a report), unless a program cannot be run.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREE = "float16,float32,int32"
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def make_big(path, size_mb):
    """A float64 .npy of size_mb MiB: normal × 1e3, a few 1e5 and NaN; fixed seed."""
    import numpy as np
    n = size_mb * 2**20 // 8
    if path.exists() and path.stat().st_size == 128 + 8 * n:
        return
    tmp = path.with_suffix(".tmp")
    out = np.lib.format.open_memmap(tmp, mode="w+", dtype="<f8", shape=(n,))
    chunk = 1 << 22
    for i, start in enumerate(range(0, n, chunk)):
        stop = min(n, start + chunk)
        out[start:stop] = np.random.default_rng([2024, i]).standard_normal(stop - start) * 1e3
    rng = np.random.default_rng(7)
    out[rng.integers(0, n, 50)] = 1e5
    out[rng.integers(0, n, 50)] = np.nan
    out.flush()
    del out
    tmp.rename(path)


def make_small(folder, count):
    """`count` float64/float32 .npy files of 2–8 KiB each; fixed seed."""
    import numpy as np
    if folder.is_dir() and len(list(folder.glob("*.npy"))) == count:
        return
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(99)
    for i in range(count):
        dtype = np.float64 if i % 2 == 0 else np.float32
        x = rng.standard_normal(int(rng.integers(256, 1024))) * 1e3
        if i % 10 == 0:
            x[rng.integers(0, x.size)] = 1e5
        np.save(tmp / f"{i:04d}.npy", x.astype(dtype))
    tmp.rename(folder)


def own_rss_kib():
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0])


def timed(cmd, env=None):
    """Wall-clock seconds and peak RSS (KiB) of one child process.

    Linux hands a child the high-water RSS of the process that forked it (it is
    kept across exec), so this script never imports NumPy itself (the data is
    made in a child) and resets its own high-water mark before each spawn: the
    floor is then this script's own small RSS, printed with the results."""
    Path("/proc/self/clear_refs").write_text("5")
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))[:300]}\n{err.read().decode()}")
    return elapsed, usage.ru_maxrss


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"), help="CMake build dir (default: build)")
    ap.add_argument("--runs", type=int, default=5, help="runs per case (the big-file peer: at most 3)")
    ap.add_argument("--size-mb", type=int, default=400, help="size of the big float64 .npy in MiB")
    ap.add_argument("--small", type=int, default=1000, help="number of small .npy files")
    ap.add_argument("--peer", default=str(ROOT.parent / "shared/bench/numpy_peer.py"))
    ap.add_argument("--data", default="/tmp/dtlint-bench-data", help="data cache (reused)")
    ap.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)  # internal: make the data
    return ap.parse_args()


def measure(cases, runs, peer_runs):
    """Interleaved runs of every case; median seconds and max peak RSS (KiB) per case."""
    times = {name: [] for name in cases}
    rss = {name: 0 for name in cases}
    for run in range(runs):
        for name, (cmd, env) in cases.items():
            if name == "numpy peer, 3 targets" and run >= peer_runs:
                continue
            print(f"run {run + 1}/{runs}: {name}", file=sys.stderr)
            seconds, kib = timed(cmd, env)
            times[name].append(seconds)
            rss[name] = max(rss[name], kib)
    return {name: statistics.median(t) for name, t in times.items()}, rss


def main():
    args = parse_args()
    data = Path(args.data)
    big, small = data / f"float64_{args.size_mb}mb.npy", data / f"small_{args.small}"
    if args.generate:
        data.mkdir(parents=True, exist_ok=True)
        make_big(big, args.size_mb)
        make_small(small, args.small)
        return 0

    build = Path(args.build)
    for program in (build / "dtlint", build / "bench" / "dtlint_read_pass", Path(args.peer)):
        if not program.exists():
            sys.exit(f"missing {program} (build: cmake --build {build} --target dtlint dtlint_read_pass)")
    print(f"preparing data in {data} …", file=sys.stderr)
    subprocess.run([sys.executable, __file__, "--generate", "--data", str(data), "--size-mb", str(args.size_mb),
                    "--small", str(args.small)], check=True)
    small_files = sorted(str(p) for p in small.glob("*.npy"))
    # Snapshots of the binaries, so that a concurrent rebuild cannot change them mid-run.
    bins = Path(tempfile.mkdtemp(prefix="dtlint-bench-"))
    dtlint = str(shutil.copy2(build / "dtlint", bins))
    read_pass = str(shutil.copy2(build / "bench" / "dtlint_read_pass", bins))

    peer_env = dict(os.environ)
    unset = [v for v in OPENBLAS_VARS if peer_env.pop(v, None) is not None]
    peer = [sys.executable, args.peer, "--targets", THREE]
    scan = [dtlint, "scan", "--format", "json", "--fail-on", "never", "--no-progress"]
    text_scan = [dtlint, "scan", "--fail-on", "never", "--no-progress"]  # the default text report
    cases = {  # name → (command, environment); the order is the run order
        "read pass, 1 thread": ([read_pass, str(big)], None),
        "read pass, 2 threads": ([read_pass, str(big), "--threads", "2"], None),
        "dtlint, 3 targets, 2 threads": (scan + [str(big), "--targets", THREE, "--threads", "2"], None),
        "dtlint, 4 targets, 2 threads": (scan + [str(big), "--threads", "2"], None),  # the default targets
        "numpy peer, 3 targets": (peer + [str(big)], peer_env),
        "small: dtlint, 3 targets, 2 threads": (scan + [str(small), "--targets", THREE, "--threads", "2"], None),
        "small: dtlint text report, 3 targets, 2 threads":
            (text_scan + [str(small), "--targets", THREE, "--threads", "2"], None),
        "small: numpy peer, 3 targets": (peer + small_files, peer_env),
    }
    print("warming the page cache …", file=sys.stderr)
    timed(cases["read pass, 1 thread"][0])
    peer_runs = min(3, args.runs)
    load_before = os.getloadavg()[0]
    med, rss = measure(cases, args.runs, peer_runs)
    load_after = os.getloadavg()[0]
    floor = own_rss_kib()

    # The JSON report must not depend on --threads (default targets).
    identical = {}
    for label, target in (("big file", big), ("small files", small)):
        outs = [subprocess.run(scan + [str(target), "--threads", n], capture_output=True, check=True).stdout
                for n in ("1", "2")]
        identical[label] = outs[0] == outs[1] and len(outs[0]) > 0

    version = subprocess.run([dtlint, "--version"], capture_output=True, text=True).stdout.strip()
    numpy_version = subprocess.run([sys.executable, "-c", "import numpy; print(numpy.__version__)"],
                                   capture_output=True, text=True, env=peer_env).stdout.strip()
    shutil.rmtree(bins)
    kernel = os.environ.get("DTLINT_KERNEL")
    print(f"\n## dtlint benchmark — {args.size_mb} MiB float64 .npy, {args.small} small files\n")
    print(f"- machine: nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, Linux {platform.release()}; "
          f"load average {load_before:.2f} before the runs, {load_after:.2f} after")
    print(f"- {version}; kernel: " + (f"DTLINT_KERNEL={kernel} (forced)" if kernel else
                                      "dtlint's own choice, the fastest this CPU runs (DTLINT_KERNEL not set)"))
    print(f"- peer: {args.peer} with {sys.executable}, numpy {numpy_version}")
    print(f"- medians of {args.runs} runs ({peer_runs} for the peer on the big file), interleaved, page cache "
          f"warm; time = wall clock of the child process; peak RSS = max ru_maxrss (floor {floor / 1024:.1f} "
          "MiB: the RSS a child inherits from this script)")
    if unset:
        print(f"- unset for the peer's process only: {', '.join(unset)} (they slow NumPy down)")

    base, base2 = med["read pass, 1 thread"], med["read pass, 2 threads"]
    peer_big, peer_small = med["numpy peer, 3 targets"], med["small: numpy peer, 3 targets"]
    print("\n| case | median s | × read pass | speed-up vs peer | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for name in cases:
        small_case = name.startswith("small")
        ratio = "" if small_case else f"{med[name] / base:.2f}"
        speedup = "" if "peer" in name or "read pass" in name else \
            f"{(peer_small if small_case else peer_big) / med[name]:.0f}×"
        print(f"| {name} | {med[name]:.3f} | {ratio} | {speedup} | {rss[name] / 1024:.1f} |")

    d3, d4, ds = med["dtlint, 3 targets, 2 threads"], med["dtlint, 4 targets, 2 threads"], \
        med["small: dtlint, 3 targets, 2 threads"]
    dt = med["small: dtlint text report, 3 targets, 2 threads"]
    rss3 = rss["dtlint, 3 targets, 2 threads"] / 1024
    checks = [
        (f"3 targets: ≥ 100× faster than the NumPy peer ({peer_big / d3:.0f}×)", peer_big >= 100 * d3),
        (f"3 targets: ≤ 2× the read pass ({d3 / base:.2f}×; {d3 / base2:.2f}× the 2-thread pass)", d3 <= 2 * base),
        (f"4 targets: ≤ 3× the read pass ({d4 / base:.2f}×; {d4 / base2:.2f}× the 2-thread pass)", d4 <= 3 * base),
        (f"3 targets: peak RSS < 96 MiB ({rss3:.1f} MiB)", rss3 < 96),
        (f"{args.small} small files, JSON report: ≥ 20× faster than the peer in one process ({peer_small / ds:.0f}×)",
         peer_small >= 20 * ds),
        (f"{args.small} small files, text report: ≥ 20× faster than the peer in one process ({peer_small / dt:.0f}×)",
         peer_small >= 20 * dt),
        ("JSON byte-identical for --threads 1 and 2 (" +
         ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in identical.items()) + ")", all(identical.values())),
    ]
    print("\n### Acceptance\n")
    for text, ok in checks:
        print(f"- {'PASS' if ok else 'FAIL'}: {text}")
    print(f"\n{sum(ok for _, ok in checks)} of {len(checks)} criteria pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
