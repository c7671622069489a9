"""How readylint grows with repository size: time and peak memory on three sizes.

    python bench/scale.py [--source DIR] [--sizes 250000,500000,1000000] [--jobs N] [--runs 3]

Builds corpora of the requested sizes (in lines of Python) by copying the
source tree (default: the CPython standard library) as many times as needed
into a temporary directory, then runs a cold, uncached `readylint check` on
each, several times (the median time is reported). Peak memory is the largest total resident size of readylint and its
worker processes together, sampled every 20 ms from /proc (Linux), since a
process pool's memory is the sum of its processes, not the largest one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import bench_environment

DEFAULT_SOURCE = Path(os.__file__).parent
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def python_files(source: Path) -> list[tuple[Path, int]]:
    files = []
    for path in sorted(source.rglob("*.py")):
        if "site-packages" in path.parts or "__pycache__" in path.parts:
            continue
        try:
            files.append((path, path.read_bytes().count(b"\n")))
        except OSError:
            continue
    return files


def build_corpus(files: list[tuple[Path, int]], source: Path, target: Path, lines: int) -> int:
    """Copies of the source's Python files until `lines` lines; returns the count."""
    total, copy = 0, 0
    while total < lines:
        for path, count in files:
            destination = target / f"copy{copy}" / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            total += count
            if total >= lines:
                break
        copy += 1
    return total


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_KB
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.02)
    return time.perf_counter() - start, peak // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--sizes", default="250000,500000,1000000")
    parser.add_argument("--jobs")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = python_files(args.source.resolve())
    command = [sys.executable, "-m", "readylint", "check", "--quiet", "--exit-zero", "--no-cache"]
    if args.jobs:
        command += ["--jobs", args.jobs]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; source: {args.source}")
    print(f"{'lines':>10} {'seconds':>8} {'lines/s':>9} {'s per 100k lines':>17} {'peak MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as directory:
            lines = build_corpus(files, args.source.resolve(), Path(directory), size)
            runs = [measure([*command, directory], bench_environment()) for _ in range(args.runs)]
            seconds, peak_mb = statistics.median(t for t, _ in runs), max(m for _, m in runs)
        print(f"{lines:10,} {seconds:8.2f} {lines / seconds:9,.0f} {seconds / lines * 1e5:17.3f} {peak_mb:8d}")


if __name__ == "__main__":
    main()
