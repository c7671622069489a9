"""readylint's secrets rules (`--select RL5`) against detect-secrets, on the same trees.

    python bench/secrets_vs_detect_secrets.py TREE [TREE ...] [--runs 3] [--list]

For each tree: both tools run cold, alternately (readylint, detect-secrets,
readylint, …) so that machine noise hits both alike; the medians are
compared. Both run as users run them: `readylint check TREE --select RL5
--no-cache` and `detect-secrets scan --all-files TREE`, each with its default
parallelism (all CPUs). Then the findings side by side, by file and line:
found by both, by readylint only, by detect-secrets only (`--list` prints
every one of them, to triage).

Needs detect-secrets: `pip install ".[bench]"` (or `pip install detect-secrets`).
Run from the repository root; readylint is run from `src/` with the current
interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readylint_command(tree: Path) -> list[str]:
    return [sys.executable, "-m", "readylint", "check", str(tree), "--select", "RL5",
            "--format", "json", "--no-cache", "--exit-zero"]


def detect_secrets_command(tree: Path) -> list[str]:
    executable = shutil.which("detect-secrets") or str(Path(sys.executable).with_name("detect-secrets"))
    return [executable, "scan", "--all-files", "."]


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}) on {cwd}:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def text_lines(tree: Path) -> int:
    """Lines of the files readylint read (its json `summary` says which were checked)."""
    total = 0
    for path in tree.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if b"\0" not in data[:8192]:
                total += data.count(b"\n")
    return total


def readylint_findings(output: str) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = {}
    for finding in json.loads(output)["findings"]:
        if finding["code"].startswith("RL5"):
            label = f"{finding['code']} {finding['message'].split(':')[0]}"
            found.setdefault((finding["path"], finding["line"]), []).append(label)
    return found


def detect_secrets_findings(output: str) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = {}
    for path, secrets in json.loads(output)["results"].items():
        for secret in secrets:
            found.setdefault((path, secret["line_number"]), []).append(secret["type"])
    return found


def compare(tree: Path, runs: int, listing: bool) -> dict:
    ours_times, theirs_times = [], []
    ours_out = theirs_out = ""
    for _ in range(runs):
        elapsed, ours_out = timed(readylint_command(tree), tree)
        ours_times.append(elapsed)
        elapsed, theirs_out = timed(detect_secrets_command(tree), tree)
        theirs_times.append(elapsed)
    ours = readylint_findings(ours_out)
    theirs = detect_secrets_findings(theirs_out)
    lines = text_lines(tree)
    ours_median, theirs_median = statistics.median(ours_times), statistics.median(theirs_times)
    both = sorted(set(ours) & set(theirs))
    only_ours = sorted(set(ours) - set(theirs))
    only_theirs = sorted(set(theirs) - set(ours))

    print(f"## {tree.name}  ({lines:,} lines in text files, {runs} alternating runs each)")
    print(f"  readylint --select RL5 : median {ours_median:6.2f} s  ({lines / ours_median:,.0f} lines/s)"
          f"  runs {', '.join(f'{t:.2f}' for t in ours_times)}")
    print(f"  detect-secrets scan    : median {theirs_median:6.2f} s  ({lines / theirs_median:,.0f} lines/s)"
          f"  runs {', '.join(f'{t:.2f}' for t in theirs_times)}")
    print(f"  speed-up               : {theirs_median / ours_median:.1f}x")
    ours_by_rule = Counter(label.split()[0] for labels in ours.values() for label in labels)
    theirs_by_type = Counter(kind for kinds in theirs.values() for kind in kinds)
    print(f"  findings (locations)   : readylint {len(ours)} {dict(sorted(ours_by_rule.items()))}")
    print(f"                           detect-secrets {len(theirs)} {dict(theirs_by_type.most_common())}")
    print(f"  same line              : {len(both)}; readylint only: {len(only_ours)}; "
          f"detect-secrets only: {len(only_theirs)}")
    if listing:
        for title, locations in (("both", both), ("readylint only", only_ours), ("detect-secrets only", only_theirs)):
            if locations:
                print(f"  -- {title}")
            for location in locations:
                left = "; ".join(ours.get(location, ["-"]))
                right = ", ".join(theirs.get(location, ["-"]))
                print(f"    {location[0]}:{location[1]}  readylint: {left}  |  detect-secrets: {right}")
    print()
    return {"tree": str(tree), "speedup": theirs_median / ours_median}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per tool (default 3)")
    parser.add_argument("--list", action="store_true", help="list every finding location side by side")
    args = parser.parse_args()
    results = [compare(tree.resolve(), args.runs, args.list) for tree in args.trees]
    speedups = [r["speedup"] for r in results]
    print(f"speed-up over {len(results)} tree(s): min {min(speedups):.1f}x, median {statistics.median(speedups):.1f}x")


if __name__ == "__main__":
    main()
