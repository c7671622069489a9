"""Rules on a TypeScript/JavaScript tree (RL101 by default): lines per second on
one core, peak memory, and semgrep with an equivalent local RL101 rule on the same tree.

    python bench/ts_speed.py <tree> [--select RL101,RL201,RL202] [--semgrep PATH_TO_SEMGREP]

Counts the TS/JS lines readylint reads (its default excludes apply: no
node_modules, build output, .d.ts or minified files), runs
`readylint check --no-cache --select RL101 --jobs 1` and reports wall time and
peak RSS. Issue 13's target: >= 40k lines/s, < 500 MB at 1M lines.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _common import bench_environment  # noqa: E402
from readylint.config import load_config  # noqa: E402
from readylint.discovery import DEFAULT_EXCLUDES, discover  # noqa: E402
from readylint.sources import SCRIPT_KINDS, kind_of  # noqa: E402

SEMGREP_RULES = Path(__file__).resolve().parent / "semgrep" / "rl101-typescript.yaml"


def script_lines(tree: Path) -> int:
    config = load_config(None, tree)
    discovery = discover([tree], tree, exclude=config.exclude or DEFAULT_EXCLUDES, extend_exclude=config.extend_exclude)
    return sum(
        candidate.abs_path.read_bytes().count(b"\n")
        for candidate in discovery.files if kind_of(candidate.path) in SCRIPT_KINDS
    )


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the child, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.run(command, capture_output=True, text=True, env=bench_environment())
    elapsed = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return elapsed, peak, process.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--select", default="RL101", help="the rules to run (comma-separated codes)")
    parser.add_argument("--semgrep", help="a semgrep executable, to run the equivalent RL101 rule beside")
    args = parser.parse_args()
    lines = script_lines(args.tree)
    readylint = [sys.executable, "-m", "readylint", "check", "--no-cache", "--select", args.select, "--jobs", "1",
                 "--format", "json", str(args.tree)]
    seconds, peak, out = timed(readylint)
    codes = set(args.select.split(","))
    findings = sum(f["code"] in codes for f in json.loads(out)["findings"])
    print(f"{args.tree.name}: {lines:,} TS/JS lines")
    print(f"  readylint {args.select}, 1 job: {seconds:.2f} s, {lines / seconds:,.0f} lines/s, "
          f"peak {peak:.0f} MB, {findings} findings")
    if args.semgrep:
        semgrep = [args.semgrep, "scan", "--config", str(SEMGREP_RULES), "--jobs", "1", "--metrics", "off",
                   "--json", "--quiet", str(args.tree)]
        seconds, _, out = timed(semgrep)
        print(f"  semgrep (equivalent rule), 1 job: {seconds:.2f} s, {len(json.loads(out)['results'])} results")


if __name__ == "__main__":
    main()
