"""readylint against its peers on the same files: time, throughput, peak memory.

    python bench/speed.py [CORPUS ...] [--runs 5] [--jobs N]

Each round runs every tool once, in turn (alternating, so machine noise
spreads over all of them), and the table reports medians over the rounds.
Peers that are not installed are reported as such and skipped; install them
with `pip install ".[bench]"`. Scenarios:

- readylint cold: every rule, no cache (`--no-cache`).
- readylint warm: every rule, cache primed by a previous run, tree unchanged.
- readylint precommit: ten files named on the command line (`--force-exclude`), warm cache.
- readylint precommit cold: the same with `--no-cache`: the project rules then
  read every module as context, as on a first run or a CI runner without a cache.
- readylint secrets: `--select RL5 --no-cache`, the secrets rules alone.
- bandit: `bandit -r -q` (all its plugins) on the same corpus.
- detect-secrets: `detect-secrets scan --all-files` on the same corpus.

Lines are counted over the Python files readylint checks, so lines/s is
comparable across tools that read Python.
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

DEFAULT_CORPUS = Path(os.__file__).parent  # the CPython standard library


def python_lines(corpus: Path) -> int:
    total = 0
    for path in corpus.rglob("*.py"):
        if "site-packages" in path.parts or "__pycache__" in path.parts:
            continue
        try:
            with path.open("rb") as handle:
                total += sum(1 for _ in handle)
        except OSError:
            continue
    return total


def installed(tool: str) -> str | None:
    """A peer's executable, looked up beside this interpreter first (a venv's bin/)."""
    return shutil.which(tool, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB (the process and the children it waited for), exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def scenarios(corpus: Path, jobs: str | None) -> dict[str, list[str] | None]:
    readylint = [sys.executable, "-m", "readylint", "check", "--quiet", "--exit-zero"]
    if jobs:
        readylint += ["--jobs", jobs]
    bandit, detect_secrets = installed("bandit"), installed("detect-secrets")
    some_files = sorted(str(p) for p in corpus.rglob("*.py") if "site-packages" not in p.parts)[:10]
    return {
        "readylint cold": [*readylint, "--no-cache", str(corpus)],
        "readylint warm": [*readylint, str(corpus)],
        "readylint precommit (10 files)": [*readylint, "--force-exclude", *some_files],
        "readylint precommit cold (10 files)": [*readylint, "--no-cache", "--force-exclude", *some_files],
        "readylint secrets": [*readylint, "--no-cache", "--select", "RL5", str(corpus)],
        "bandit -r": [bandit, "-r", "-q", "-x", "*/site-packages/*", str(corpus)] if bandit else None,
        "detect-secrets scan": [detect_secrets, "scan", "--all-files", str(corpus)] if detect_secrets else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", type=Path, default=[DEFAULT_CORPUS])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", help="passed to readylint --jobs (default: all CPUs)")
    parser.add_argument("--skip", action="append", default=[], metavar="SCENARIO",
                        help="leave out scenarios starting with this (e.g. 'detect-secrets', which takes "
                             "over 15 minutes on the standard library); repeatable")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}")
    for corpus in args.corpus:
        corpus = corpus.resolve()
        lines = python_lines(corpus)
        print(f"\ncorpus: {corpus} ({lines:,} lines of Python)")
        with tempfile.TemporaryDirectory() as cache_dir:
            env = {**bench_environment(), "READYLINT_CACHE_DIR": cache_dir}
            every = scenarios(corpus, args.jobs)
            commands = {
                name: command for name, command in every.items()
                if not any(name.startswith(skipped) for skipped in args.skip)
            }
            # Prime the cache so "warm" means warm from the first round.
            subprocess.run(every["readylint warm"], env=env, stdout=subprocess.DEVNULL, check=False)
            timings: dict[str, list[tuple[float, int]]] = {name: [] for name, cmd in commands.items() if cmd}
            for _ in range(args.runs):
                for name, command in commands.items():
                    if command:
                        seconds, peak_mb, _ = measure(command, corpus, env)
                        timings[name].append((seconds, peak_mb))
        cold_runs = timings.get("readylint cold")
        cold = statistics.median(t for t, _ in cold_runs) if cold_runs else None
        print(f"{'tool':36} {'median s':>9} {'lines/s':>10} {'peak MB':>8} {'vs readylint cold':>18}")
        for name, runs in timings.items():
            seconds = statistics.median(t for t, _ in runs)
            peak = max(m for _, m in runs)
            ratio = f"{seconds / cold:17.2f}x" if cold else f"{'-':>18}"
            print(f"{name:36} {seconds:9.2f} {lines / seconds:10,.0f} {peak:8d} {ratio}")
        for name in commands:
            if commands[name] is None:
                print(f"{name}: not installed (pip install '.[bench]')")


if __name__ == "__main__":
    main()
