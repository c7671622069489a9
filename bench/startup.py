"""Where a run's start-up goes: imports, the catalog, building the checks, the text reporter.

    python bench/startup.py [--runs 15] [SRC ...]

Start-up is paid once per process, by every run, however few files it
checks (pre-commit). Each sample is a fresh process that times the phases
of an empty `readylint check` with `perf_counter`; medians are printed.
Given several source directories (say `src` of two worktrees), the runs
alternate between them, so load from other sessions hits each alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import bench_environment

PHASES = r"""
import json, time
from pathlib import Path
mark = time.perf_counter()
import readylint.cli
imported = time.perf_counter()
from readylint.catalog import Catalog
from readylint.config import load_config
from readylint.engine import FileAnalyzer, RunOptions, select_rules
config = load_config(None, Path("."))
catalog = Catalog.load(extensions=config.extend_rules)
loaded = time.perf_counter()
FileAnalyzer(catalog, select_rules(catalog, config, RunOptions()), config.max_file_size)
built = time.perf_counter()
import readylint.report.text
reporter = time.perf_counter()
print(json.dumps({
    "import readylint.cli": imported - mark,
    "load the catalog": loaded - imported,
    "build the checks": built - loaded,
    "import the text reporter": reporter - built,
}))
"""


def sample(src: Path, cwd: Path) -> dict[str, float]:
    env = {**bench_environment(), "PYTHONPATH": str(src)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PHASES], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    phases = json.loads(done.stdout)
    phases["process, wall"] = time.perf_counter() - started
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("srcs", nargs="*", type=Path, default=[Path(__file__).resolve().parents[1] / "src"])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    samples: dict[Path, list[dict[str, float]]] = {src: [] for src in args.srcs}
    with tempfile.TemporaryDirectory() as empty:
        for src in args.srcs:
            sample(src.resolve(), Path(empty))  # warm-up: bytecode written, files cached
        for _ in range(args.runs):
            for src in args.srcs:
                samples[src].append(sample(src.resolve(), Path(empty)))
    for src, runs in samples.items():
        print(f"{src} (median of {len(runs)} processes)")
        for phase in runs[0]:
            print(f"  {phase:<26} {1000 * statistics.median(run[phase] for run in runs):7.1f} ms")


if __name__ == "__main__":
    main()
