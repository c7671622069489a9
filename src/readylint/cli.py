"""The `readylint` command: check, baseline, rules, explain, server.

Exit codes (fixed): 0 no findings at or above the fail threshold, 1 findings,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

import click

from readylint import __version__
from readylint.baseline import BASELINE_FILENAME, Baseline, BaselineError
from readylint.catalog import Catalog, CatalogError
from readylint.changes import ChangesError
from readylint.config import ConfigError, load_config
from readylint.diagnostics import RunResult, Severity
from readylint.discovery import PathNotFound
from readylint.engine import RunOptions, run
from readylint.report import FORMATS, plural, render

EXIT_ERROR = 2
# Runs with fewer files finish before a progress bar would be worth drawing.
PROGRESS_MIN_FILES = 200


class UserError(Exception):
    """A problem the user can fix, reported as one line and exit code 2."""


def _split(values: tuple[str, ...]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@contextmanager
def _errors_exit_2() -> Iterator[None]:
    try:
        yield
    except (ConfigError, CatalogError, PathNotFound, BaselineError, ChangesError, UserError) as exc:
        click.echo(f"readylint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("readylint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in readylint: one clear line, the trace only on request
        if os.environ.get("READYLINT_DEBUG"):
            import traceback

            traceback.print_exc()
        click.echo(
            f"readylint: internal error: {type(exc).__name__}: {exc} "
            "(set READYLINT_DEBUG=1 for the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="readylint", message="%(prog)s %(version)s")
def main() -> None:
    """Production-readiness linter for backend code."""


def _run_options(function):
    """Options shared by `check` and `baseline`: what to lint, with which rules."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--select", multiple=True, metavar="RULES", help="Only these rules: codes, prefixes (RL1) or names; comma-separated. Replaces the configured selection."),
        click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (added to the configured ignores)."),
        click.option("--config", "config_path", type=click.Path(path_type=Path), help="Configuration file (pyproject.toml, readylint.yaml)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: the CPUs this process may use, container quota included]."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the results cache (in the user cache directory, or $READYLINT_CACHE_DIR)."),
        click.option("--force-exclude", is_flag=True, help="Apply excludes even to files named on the command line (for pre-commit)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _prepare(paths, select, ignore, config_path, jobs, no_cache, force_exclude, **extra):
    targets = list(paths) or [Path(".")]
    config = load_config(config_path, targets[0])
    catalog = Catalog.load(extensions=config.extend_rules)
    options = RunOptions(
        paths=targets,
        select=_split(select) if select else None,
        ignore=_split(ignore),
        jobs=jobs,
        force_exclude=force_exclude,
        no_cache=no_cache,
        **extra,
    )
    return config, catalog, options


@main.command()
@_run_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), help="Lowest severity that makes the run fail [config: fail-on; default: warning].")
@click.option("--strict-suppressions", is_flag=True, help="Report suppressions that name no rule or an unknown rule (RL003).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), help="Hide findings recorded in this baseline file [config: baseline].")
@click.option("--show-fixed", is_flag=True, help="With a baseline: list entries that no longer match any finding.")
@click.option("--diff-base", metavar="REF", help="Only report findings on lines added or changed since this git ref.")
@click.option("--quiet", "-q", is_flag=True, help="Only the findings: no source lines, no summary, no progress.")
@click.option("--statistics", is_flag=True, help="Add a table of findings per rule.")
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also apply fixes that change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them; exit 1 if there are any.")
def check(fmt, output, exit_zero, fail_on, strict_suppressions, baseline_path, show_fixed, diff_base, quiet, statistics, fix, unsafe_fixes, diff, **run_options) -> None:
    """Lint PATHS (default: the current directory)."""
    with _errors_exit_2():
        config, catalog, options = _prepare(strict_suppressions=strict_suppressions, diff_base=diff_base, **run_options)
        if fail_on:
            config.fail_on = Severity(fail_on)
        options.baseline = baseline_path or config.baseline
        if show_fixed and not options.baseline:
            raise UserError("--show-fixed needs a baseline (--baseline FILE or `baseline` in the configuration)")
        with _progress(enabled=not quiet) as on_progress:
            options.on_progress = on_progress
            result = run(config, catalog, options)
        _print_notices(result)
        if diff or fix:
            from readylint.fix import fix_run

            fixed = fix_run(result, config, catalog, options, unsafe=unsafe_fixes, write=not diff)
            if diff:
                for file_fix in fixed:
                    click.echo(file_fix.diff(), nl=False)
                click.echo(f"{plural(sum(f.applied for f in fixed), 'fix')} would be applied to {plural(len(fixed), 'file')}", err=True)
                sys.exit(1 if fixed else 0)
            if fixed:
                click.echo(f"fixed {plural(sum(f.applied for f in fixed), 'finding')} in {plural(len(fixed), 'file')}", err=True)
                options.on_progress = None
                result = run(config, catalog, options)
        if not show_fixed:
            result.fixed_baseline_entries = []
        with _open_output(output) as stream:
            render(fmt, result, catalog, stream, statistics=statistics, quiet=quiet,
                   color=False if output else None)
        for problem in result.internal_errors:
            click.echo(f"readylint: internal error on {problem.path}: {problem.reason}", err=True)
    sys.exit(0 if exit_zero and result.exit_code == 1 else result.exit_code)


@main.command()
@_run_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help=f"Baseline file to write [default: `baseline` from the configuration, else {BASELINE_FILENAME} at the project root].")
def baseline(output, **run_options) -> None:
    """Record today's findings, so `check --baseline` reports only new ones."""
    with _errors_exit_2():
        config, catalog, options = _prepare(**run_options)
        with _progress(enabled=True) as on_progress:
            options.on_progress = on_progress
            result = run(config, catalog, options)
        _print_notices(result)
        target = output or config.baseline or result.root / BASELINE_FILENAME
        recorded = Baseline.from_findings(result.findings)
        try:
            recorded.write(target)
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
        click.echo(
            f"Recorded {len(result.findings)} findings ({len(recorded.entries)} entries) in {target}; "
            f"`readylint check --baseline {target}` now reports only new findings."
        )
        if result.internal_errors:
            sys.exit(EXIT_ERROR)


def _print_notices(result: RunResult) -> None:
    for notice in result.notices:
        click.echo(f"readylint: notice: {notice}", err=True)


@contextmanager
def _open_output(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    try:
        stream = output.open("w", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    with stream:
        yield stream


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A progress bar on stderr, for long runs on a terminal only."""
    if not enabled or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = None

    def on_progress(done: int, total: int) -> None:
        nonlocal task
        if total < PROGRESS_MIN_FILES:
            return
        if task is None:
            progress.start()
            task = progress.add_task("checking", total=total)
        progress.update(task, completed=done)

    try:
        yield on_progress
    finally:
        progress.stop()


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List every rule: code, name, severity, summary."""
    with _errors_exit_2():
        catalog = Catalog.load()
        if fmt == "json":
            import json

            rows = [
                {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary,
                 "fix": r.fix.value if r.fix else None}
                for r in catalog
            ]
            click.echo(json.dumps(rows, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(box=None, pad_edge=False, show_edge=False)
        for column in ("Code", "Name", "Severity", "Fix", "Summary"):
            table.add_column(column, overflow="fold")
        for rule in catalog:
            table.add_row(rule.code, rule.name, rule.severity.value, rule.fix.value if rule.fix else "", rule.summary)
        Console(soft_wrap=False, highlight=False).print(table)


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show a rule's documentation: what it finds, why it matters, what to write instead."""
    with _errors_exit_2():
        from readylint.config import suggest
        from readylint.report.ruledocs import rule_markdown, rule_text

        catalog = Catalog.load()
        spec = catalog.get(rule)
        if spec is None:
            names = [r.code for r in catalog] + [r.name for r in catalog]
            raise UserError(f"unknown rule '{rule}'{suggest(rule, names)}; see `readylint rules`")
        if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
            from rich.console import Console
            from rich.markdown import Markdown

            Console().print(Markdown(rule_markdown(spec)))
        else:
            click.echo(rule_text(spec))


@main.command()
def server() -> None:
    """Run the language server on stdin/stdout (for editors; needs readylint[server])."""
    try:
        from readylint.server import serve
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        click.echo(
            f"readylint: error: the language server needs pygls and lsprotocol ({exc.name} is missing): "
            'pip install "readylint[server]"',
            err=True,
        )
        sys.exit(EXIT_ERROR)
    serve()


if __name__ == "__main__":  # pragma: no cover
    main()
