#!/usr/bin/python3
"""C/C++ sources: dtlint's scan against clang-tidy's narrowing check on the
same sources, in one run on one machine (issue 15). See bench/README.md.

    /usr/bin/python3 bench/cpp_scan.py [--build build] [--runs 3] [--threads N]
        [--clang-tidy clang-tidy-14] [--limit N] [--data DIR]

Two source sets: tests/source/cases (dtlint's own case files) and Eigen's
documentation examples as Debian ships them (libeigen3-doc, fetched once with
`apt-get download` into --data and unpacked there; nothing is installed). Each
set gets one compile_commands.json; files Clang 14 cannot parse are left out
of both tools' runs (and counted). It times, as the median wall clock of
--runs runs:
  - dtlint scan FILES -p DB --format json (with --threads 1 and with --threads N),
  - clang-tidy -checks=-*,bugprone-narrowing-conversions -p DB FILES (one
    process, one thread: clang-tidy has no threads of its own),
prints the ratios and the CPU model, and lists per file the constant overflows
and precision losses (CX403, CX404) dtlint reports on lines where clang-tidy's
check says nothing. Always exits 0 (it is a report), unless a program cannot
be run.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "source" / "cases"
STAND_INS = ROOT / "tests" / "source" / "include"
EIGEN = Path("/usr/include/eigen3")
CLANG = "/usr/lib/llvm-14/bin/clang++"
TIDY_CHECK = "-*,bugprone-narrowing-conversions"


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def directive(path, name):
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(f"// {name}: "):
            return line.split(": ", 1)[1].strip()
    return ""


def command(path, include_dirs):
    """The compile command of one file, as source_checks_test.cpp writes it."""
    c = path.suffix == ".c"
    args = ["/usr/bin/cc" if c else "/usr/bin/c++", "-std=c11" if c else "-std=c++17"]
    for d in include_dirs:
        args += ["-I", str(d)]
    args += ["-isystem", str(EIGEN)] + directive(path, "FLAGS").split() + ["-c", str(path)]
    return {"directory": str(ROOT), "file": str(path), "arguments": args}


def parses(entry):
    """Whether Clang 14 parses the unit (syntax only), so both tools see valid code."""
    args = [CLANG if entry["arguments"][0].endswith("++") else CLANG.replace("clang++", "clang")]
    args += [a for a in entry["arguments"][1:] if a not in ("-c", entry["file"])] + ["-fsyntax-only", entry["file"]]
    return subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def eigen_examples(data):
    """Eigen's documentation examples from Debian's libeigen3-doc, fetched once."""
    folder = data / "libeigen3-doc" / "usr" / "share" / "doc" / "libeigen3-dev" / "examples"
    if not folder.is_dir():
        download = data / "download"
        download.mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", "libeigen3-doc"], cwd=download, check=True,
                       stdout=subprocess.DEVNULL)
        deb = sorted(download.glob("libeigen3-doc_*.deb"))[-1]
        subprocess.run(["dpkg-deb", "-x", str(deb), str(data / "libeigen3-doc")], check=True)
    return folder


def source_set(name, files, include_dirs, folder):
    entries, dropped = [], []
    for f in files:
        if directive(f, "REQUIRES-CLANG"):
            dropped.append(f)
            continue
        if f.suffix in (".h", ".hpp"):
            continue  # reached through their units
        entry = command(f, include_dirs)
        if parses(entry):
            entries.append(entry)
        else:
            dropped.append(f)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "compile_commands.json").write_text(json.dumps(entries, indent=1))
    return {"name": name, "db": folder, "units": [Path(e["file"]) for e in entries], "dropped": dropped,
            "headers": [f for f in files if f.suffix in (".h", ".hpp")]}


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    return time.perf_counter() - start, proc


def dtlint_cmd(binary, s, threads):
    paths = [str(p) for p in s["units"] + s["headers"]]
    return [str(binary), "scan", *paths, "-p", str(s["db"]), "--format", "json", "--fail-on", "never",
            "--no-progress", "--threads", str(threads)]


def tidy_cmd(tidy, s):
    folders = sorted({str(p.parent) for p in s["units"]})
    header_filter = "^(" + "|".join(re.escape(f) for f in folders) + ")/"
    return [tidy, f"-checks={TIDY_CHECK}", "-p", str(s["db"]), f"-header-filter={header_filter}", "--quiet",
            *[str(p) for p in s["units"]]]


def tidy_warnings(output):
    """(file, line) of each bugprone-narrowing-conversions warning."""
    found = set()
    for m in re.finditer(r"^(.+?):(\d+):(\d+): warning: .*\[bugprone-narrowing-conversions\]$", output, re.M):
        found.add((str(Path(m.group(1)).resolve()), int(m.group(2))))
    return found


def dtlint_findings(output):
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        return None
    return [f for f in report.get("findings", []) if f.get("rule", "").startswith("CX")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"), help="CMake build dir (default: build)")
    ap.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="dtlint's threads in the second run")
    ap.add_argument("--clang-tidy", default="clang-tidy-14")
    ap.add_argument("--limit", type=int, default=0, help="only the first N Eigen examples (0: all)")
    ap.add_argument("--data", default="/tmp/dtlint-bench-cpp", help="cache for Debian's Eigen examples")
    args = ap.parse_args()
    binary = Path(args.build) / "dtlint"
    if not binary.exists() or not shutil.which(args.clang_tidy):
        sys.exit(f"needs {binary} and {args.clang_tidy}")
    data = Path(args.data)
    work = Path(tempfile.mkdtemp(prefix="dtlint-cpp-bench-"))
    examples = eigen_examples(data)
    sets = [
        source_set("tests/source/cases", sorted(p for p in CASES.iterdir() if p.suffix in (".cpp", ".c", ".h", ".hpp")),
                   [STAND_INS], work / "cases"),
        source_set("Eigen 3.4 examples (libeigen3-doc)", sorted(examples.glob("*.cpp"))[:args.limit or None], [examples],
                   work / "eigen"),
    ]
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores); runs: {args.runs}, median wall clock")
    version = re.search(r"version (\S+)", subprocess.run([args.clang_tidy, "--version"], capture_output=True,
                                                          text=True).stdout)
    print(f"clang-tidy: {version.group(1) if version else 'unknown version'}; dtlint: {binary}")
    print()
    print("| sources | units | dtlint --threads 1 | dtlint --threads %d | clang-tidy | ratio (1 thread) | ratio (%d threads) |"
          % (args.threads, args.threads))
    print("|---|---:|---:|---:|---:|---:|---:|")
    missed = []
    for s in sets:
        times = {"d1": [], "dn": [], "tidy": []}
        out = {}
        for _ in range(args.runs):  # interleaved, so that load on the machine hits all alike
            for key, cmd in (("d1", dtlint_cmd(binary, s, 1)), ("dn", dtlint_cmd(binary, s, args.threads)),
                             ("tidy", tidy_cmd(args.clang_tidy, s))):
                elapsed, proc = timed(cmd)
                times[key].append(elapsed)
                out[key] = proc
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"| {s['name']} | {len(s['units'])} | {med['d1']:.2f} s | {med['dn']:.2f} s | {med['tidy']:.2f} s | "
              f"{med['d1'] / med['tidy']:.2f} | {med['dn'] / med['tidy']:.2f} |")
        findings = dtlint_findings(out["d1"].stdout.decode(errors="replace"))
        if findings is None:
            reason = " ".join(out["d1"].stderr.decode(errors="replace").split())[:200]
            print(f"|  | dtlint gave no JSON (exit {out['d1'].returncode}): {reason} |")
            continue
        if s["dropped"]:
            print(f"|  | left out (Clang 14 cannot parse them): {', '.join(Path(str(p)).name for p in s['dropped'])} |")
        warned = tidy_warnings(out["tidy"].stdout.decode(errors="replace"))
        for f in findings:
            if f["rule"] not in ("CX403", "CX404"):
                continue
            where = (str((ROOT / f["path"]).resolve()), f.get("line") or 0)
            if where not in warned:
                missed.append((s["name"], f))
        s["counts"] = (len(findings), len(warned))
        print(f"|  | findings: dtlint {len(findings)} CX, clang-tidy {len(warned)} lines |")
    print()
    print("Constant overflows and precision losses dtlint reports where clang-tidy's check is silent:")
    if not missed:
        print("  (none)")
    for name, f in missed:
        print(f"  {f['path']}:{f.get('line')}:{f.get('column')}: {f['rule']} {f['message']}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
