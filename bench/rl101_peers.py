"""RL101 against its peers on readylint's own RL101 fixtures.

Runs bandit B113, ruff S113 and pylint W3101 (missing-timeout) and readylint
RL101 on `fixtures/RL101/` and prints, per tool, how many of the annotated
defects it finds (recall) and how many lines it flags that are not annotated
(false alarms). Ground truth: the `# expect: RL101` annotations.

    pip install ".[bench]"   # bandit, ruff, pylint, requests (pylint infers through it)
    python bench/rl101_peers.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "RL101"
EXPECT_RE = re.compile(r"#\s*expect:.*\bRL101\b")
BIN = Path(sys.executable).parent

Line = tuple[str, int]  # (path relative to FIXTURES, line)


def cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if ".fixed." not in p.name)


def python_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.py") if ".fixed." not in p.name)


def ground_truth() -> set[Line]:
    return {
        (path.relative_to(FIXTURES).as_posix(), number)
        for path in python_files()
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if EXPECT_RE.search(text)
    }


def relative(path: str) -> str:
    return Path(path).resolve().relative_to(FIXTURES).as_posix()


def run_readylint() -> set[Line]:
    sys.path.insert(0, str(ROOT / "src"))
    from readylint.catalog import Catalog
    from readylint.config import load_config
    from readylint.engine import RunOptions, run

    found = set()
    for case in cases():  # each case with its own configuration, as the fixture test runs it
        cwd = case if case.is_dir() else case.parent
        config = load_config(None, case)
        catalog = Catalog.load(extensions=config.extend_rules)
        result = run(config, catalog, RunOptions(paths=[case], select=["RL101"], jobs=1), cwd=cwd)
        found |= {(relative(str(result.root / f.path)), f.line) for f in result.findings if f.code == "RL101"}
    return found


def run_bandit() -> set[Line]:
    out = subprocess.run(
        [str(BIN / "bandit"), "-q", "-t", "B113", "-f", "json", *map(str, python_files())],
        capture_output=True, text=True,
    ).stdout
    return {(relative(r["filename"]), r["line_number"]) for r in json.loads(out)["results"]}


def run_ruff() -> set[Line]:
    out = subprocess.run(
        [str(BIN / "ruff"), "check", "--isolated", "--no-cache", "--select", "S113",
         "--output-format", "json", *map(str, python_files())],
        capture_output=True, text=True,
    ).stdout
    return {(relative(r["filename"]), r["location"]["row"]) for r in json.loads(out)}


def run_pylint() -> set[Line]:
    out = subprocess.run(
        [str(BIN / "pylint"), "--disable=all", "--enable=missing-timeout", "--output-format=json",
         "--persistent=n", "--score=n", *map(str, python_files())],
        capture_output=True, text=True, cwd=FIXTURES,
    ).stdout
    return {(relative(str(FIXTURES / r["path"])), r["line"]) for r in json.loads(out or "[]")}


TOOLS = {
    "readylint RL101": run_readylint,
    "bandit B113": run_bandit,
    "ruff S113": run_ruff,
    "pylint W3101": run_pylint,
}


def main() -> int:
    truth = ground_truth()
    print(f"{len(truth)} annotated defects in {len(python_files())} files under {FIXTURES.relative_to(ROOT)}\n")
    print(f"{'tool':<18} {'found':>6} {'recall':>7} {'false alarms':>13}")
    scores = {}
    for name, runner in TOOLS.items():
        found = runner()
        hits = found & truth
        false_alarms = sorted(found - truth)
        scores[name] = (len(hits) / len(truth), len(false_alarms))
        print(f"{name:<18} {len(hits):>6} {len(hits) / len(truth):>7.2f} {len(false_alarms):>13}")
        for path, line in false_alarms:
            print(f"{'':<20}false alarm: {path}:{line}")
    ours = scores["readylint RL101"]
    ahead = all(ours[0] > recall and ours[1] <= alarms for name, (recall, alarms) in scores.items()
                if name != "readylint RL101")
    print(f"\nreadylint: recall {ours[0]:.2f}, {ours[1]} false alarms; ahead of every peer: {ahead}")
    return 0 if ours == (1.0, 0) and ahead else 1


if __name__ == "__main__":
    sys.exit(main())
