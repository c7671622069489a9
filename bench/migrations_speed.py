"""Time RL401 and RL402 on a project: `python bench/migrations_speed.py PATH`.

Prints the CPU time the migration rules add to a bare run (RL001 only) and
the SQL lines per second that makes. Measured numbers live in
bench/REAL_WORLD.md (RL401/RL402 section); this is how to reproduce them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from readylint.catalog import Catalog
from readylint.config import load_config
from readylint.engine import RunOptions, run


def cpu_seconds(path: Path, select: list[str], repeat: int = 3) -> float:
    config = load_config(None, path)
    catalog = Catalog.load(extensions=config.extend_rules)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run(config, catalog, RunOptions(paths=[path], select=select, jobs=1), cwd=path)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    path = Path(sys.argv[1]).resolve()
    sql_lines = sum(p.read_bytes().count(b"\n") for p in path.rglob("*.sql") if p.is_file())
    bare = cpu_seconds(path, ["RL001"])
    for select in (["RL401"], ["RL402"], ["RL401", "RL402"]):
        extra = cpu_seconds(path, select) - bare
        rate = sql_lines / extra if extra > 0 else float("inf")
        print(f"{'+'.join(select):12} +{extra:5.2f} s CPU over a bare run; {rate:,.0f} SQL lines/s ({sql_lines:,} lines)")


if __name__ == "__main__":
    main()
