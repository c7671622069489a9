"""How one file's check time grows with the file: `python bench/file_size.py [--runs 3]`.

Generates files of 1,000, 2,000 and 5,000 lines in shapes that give every
line or statement a finding or a fact (the cost that once grew with the
square of the file: RL101 re-split the whole file for each call it fixed,
the SQL splitter counted newlines from the top for each statement, and every
finding masked every secret of its file), and SQL migrations of 0.5, 1 and
2 MB. Each is checked alone, as a user runs it (`readylint check --no-cache
--jobs 1`, text report included); the best of `--runs` is reported, with
what each line past the previous size added. Linear growth shows as a flat
cost per added line (quadratic growth as one that climbs with the size);
the results are in bench/RESULTS.md ("One file's size").
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from _common import bench_environment

LINE_COUNTS = (1_000, 2_000, 5_000)
SQL_MEGABYTES = (0.5, 1, 2)


def outbound_calls(lines: int) -> tuple[str, str]:
    """RL101 on every line: each finding builds a fix from the call's tokens."""
    body = "".join(f'    requests.post(url + "/{i}", json=payload)\n' for i in range(lines - 4))
    return "calls.py", f"import requests\n\n\ndef send(url, payload):\n{body}"


def related_writes(lines: int) -> tuple[str, str]:
    """RL201 on every function: two related Django writes outside a transaction."""
    functions = lines // 4
    body = "".join(
        f"def place_{i}(customer):\n    order = Order.objects.create(customer=customer)\n"
        f"    Item.objects.create(order=order, position={i})\n\n"
        for i in range(functions)
    )
    return "orders.py", f"from shop.models import Item, Order\n{body}"


def settings_secrets(lines: int) -> tuple[str, str]:
    """RL504 on every line: a secret-looking name bound to a generated-looking literal."""
    body = "".join(f'SERVICE_{i}_PASSWORD = "q8V{i:05}zR3mWx7Lp2Kd9TnY"\n' for i in range(lines))
    return "settings.py", body


def script_fetches(lines: int) -> tuple[str, str]:
    """RL101 in TypeScript: `fetch` without an AbortSignal on every line."""
    body = "".join(f"  await fetch(`${{base}}/items/{i}`);\n" for i in range(lines - 2))
    return "sync.ts", f"export async function sync(base: string) {{\n{body}}}\n"


def suppressed_calls(lines: int) -> tuple[str, str]:
    """RL101 on every line, each silenced by an inline suppression."""
    body = "".join(f'    requests.get(url + "/{i}")  # readylint: ignore[RL101]\n' for i in range(lines - 4))
    return "calls.py", f"import requests\n\n\ndef fetch(url):\n{body}"


def foreign_keys(lines: int) -> tuple[str, str]:
    """RL402 on every statement: a chain of tables, each with an unindexed foreign key."""
    tables = "".join(
        f"CREATE TABLE t{i} (id int PRIMARY KEY, parent_id int REFERENCES t{i - 1}(id));\n"
        for i in range(1, lines)
    )
    return "migrations/0001_tables.up.sql", f"CREATE TABLE t0 (id int PRIMARY KEY);\n{tables}"


def data_migration(megabytes: float) -> tuple[str, str]:
    """One INSERT per line, as a data migration or a dump has them."""
    line = "INSERT INTO items (id, name, price) VALUES ({0}, 'item number {0}', {0}.99);\n"
    rows, size = [], 0
    while size < megabytes * 1_000_000:
        rows.append(line.format(len(rows)))
        size += len(rows[-1])
    return "migrations/0001_items.up.sql", "".join(rows)


def check(name: str, text: str, runs: int) -> tuple[float, int]:
    """Best wall time of `readylint check` over a tree of this one file, and its findings."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if name.endswith(".up.sql"):  # the down migration the convention wants
            path.with_name(path.name.replace(".up.", ".down.")).write_text("SELECT 1;\n")
        command = [sys.executable, "-m", "readylint", "check", "--no-cache", "--jobs", "1", str(root)]
        for _ in range(runs):
            start = time.perf_counter()
            completed = subprocess.run(command, capture_output=True, text=True, env=bench_environment())
            best = min(best, time.perf_counter() - start)
            if completed.returncode not in (0, 1):
                raise SystemExit(f"readylint failed: {completed.stderr}")
        found = re.search(r"Found ([\d,]+) finding", completed.stdout)
        findings = int(found.group(1).replace(",", "")) if found else 0
    return best, findings


def report(make: Callable[[float], tuple[str, str]], sizes, runs: int) -> None:
    print(f"\n{make.__doc__.splitlines()[0]}")
    previous: tuple[int, float] | None = None
    for size in sizes:
        name, text = make(size)
        lines = text.count("\n")
        seconds, findings = check(name, text, runs)
        line = f"  {lines:>7,} lines {len(text) / 1e6:5.2f} MB {findings:>6,} findings  {seconds:6.2f} s"
        if previous:  # what each line past the previous size cost: flat when growth is linear
            marginal = (seconds - previous[1]) / (lines - previous[0]) * 1e6
            line += f"  {marginal:6.0f} us per added line"
        print(line)
        previous = (lines, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    for make in (outbound_calls, suppressed_calls, related_writes, settings_secrets, script_fetches, foreign_keys):
        report(make, LINE_COUNTS, runs)
    report(data_migration, SQL_MEGABYTES, runs)


if __name__ == "__main__":
    main()
