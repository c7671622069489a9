"""How fast RL101 is on a tree of Python files, beyond the shared `ast` parse.

    python bench/rl101_speed.py PATH [PATH ...]

Prints the files and lines seen, how many pass the import-line prefilter, and
the time of the prefilter (all files) and of the check (files that pass it),
with lines per second. The `ast` parse is shared by every rule and timed apart.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from readylint.catalog import Catalog  # noqa: E402
from readylint.checks.outbound_call_without_timeout import OutboundCallWithoutTimeout  # noqa: E402
from readylint.sources import SourceFile  # noqa: E402


def main(paths: list[str]) -> None:
    rule = Catalog.load().by_code["RL101"]
    check = OutboundCallWithoutTimeout(rule, rule.option_defaults())
    files = []
    for path in paths:
        for file in sorted(Path(path).rglob("*.py")):
            try:
                files.append(SourceFile(str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    lines = sum(len(f.lines) for f in files)

    started = time.perf_counter()
    for file in files:
        file.python  # the shared parse, paid once whatever the rules
    parse = time.perf_counter() - started

    started = time.perf_counter()
    passing = [f for f in files if check.applies_to(f)]
    prefilter = time.perf_counter() - started

    started = time.perf_counter()
    findings = sum(len(list(check.check(f))) for f in passing)
    checking = time.perf_counter() - started
    passing_lines = sum(len(f.lines) for f in passing)

    print(f"{len(files)} files, {lines:,} lines; shared ast parse {parse:.2f} s")
    print(f"prefilter: {prefilter:.2f} s over all files; {len(passing)} files ({passing_lines:,} lines) pass")
    print(f"check: {checking:.2f} s, {passing_lines / max(checking, 1e-9):,.0f} lines/s on those files; "
          f"{findings} findings")
    print(f"RL101 total: {prefilter + checking:.2f} s, {lines / max(prefilter + checking, 1e-9):,.0f} lines/s overall")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "fixtures" / "RL101")])
