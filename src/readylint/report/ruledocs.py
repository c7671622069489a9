"""A rule's documentation as plain text (`readylint explain`) and as Markdown
(SARIF `help.markdown`, generated docs).

Both show the same things in the same order: the summary, why the pattern
hurts in production, a flagged example, what to write instead, and the rule's
options.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import PurePosixPath
from typing import Callable

from readylint.catalog import RuleSpec
from readylint.report import FIX_FLAGS

# Fence languages by file suffix; anything else is shown as plain text.
LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".ts": "typescript", ".tsx": "tsx", ".mts": "typescript", ".cts": "typescript",
    ".js": "javascript", ".jsx": "jsx", ".mjs": "javascript", ".cjs": "javascript",
    ".go": "go",
    ".sql": "sql",
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".ini": "ini",
    ".cfg": "ini",
    ".sh": "shell",
}
INDENT = "    "


def rule_markdown(rule: RuleSpec) -> str:
    """The rule's docs as Markdown, examples in fenced blocks tagged with their language."""
    parts = [
        f"# {rule.code}: {rule.name}",
        rule.summary,
        f"Severity: {rule.severity.value}. {_fix_sentence(rule)}",
        "## Why it matters",
        rule.why,
        "## Example",
        *_markdown_files(rule, rule.example),
        "## Use instead",
        *_markdown_files(rule, rule.use_instead),
    ]
    if rule.options:
        lines = _option_lines(rule, lambda name, default: f"- `{name}` (default: `{default}`)")
        parts += ["## Options", "\n".join(lines)]
    return "\n\n".join(parts) + "\n"


def rule_text(rule: RuleSpec) -> str:
    """The rule's docs as plain text for a terminal or pipe, examples indented."""
    parts = [
        f"{rule.code} {rule.name} ({rule.severity.value})",
        rule.summary,
        _fix_sentence(rule),
        "Why it matters:\n" + textwrap.indent(rule.why, INDENT),
        "Example:\n" + _text_files(rule, rule.example),
        "Use instead:\n" + _text_files(rule, rule.use_instead),
    ]
    if rule.options:
        lines = _option_lines(rule, lambda name, default: f"{INDENT}{name} (default: {default})")
        parts.append("Options:\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _fix_sentence(rule: RuleSpec) -> str:
    if rule.fix is None:
        return "No automatic fix."
    return f"Fix: {rule.fix.value} (run with {FIX_FLAGS[rule.fix]})."


def _option_lines(rule: RuleSpec, format_head: Callable[[str, str], str]) -> list[str]:
    """One line per option: its name and default as `format_head` lays them out,
    then its description. Defaults are shown as JSON, which reads like the TOML
    or YAML users write them in."""
    lines = []
    for name, option in rule.options.items():
        head = format_head(name, json.dumps(option.default, default=str))
        lines.append(f"{head}: {option.description}" if option.description else head)
    return lines


def _files(rule: RuleSpec, example: str | dict[str, str]) -> list[tuple[str, str]]:
    """(path, text) pairs: a single-file example is named by `example_path`."""
    if isinstance(example, str):
        return [(rule.example_path, example)]
    return list(example.items())


def _markdown_files(rule: RuleSpec, example: str | dict[str, str]) -> list[str]:
    # A project example spans several files, so each needs its name; a single
    # file's name is an invented `example.py` that tells the reader nothing.
    show_paths = isinstance(example, dict)
    blocks = []
    for path, text in _files(rule, example):
        body = text.rstrip("\n")
        # The fence must be longer than any run of backticks in the example.
        longest_run = max((len(run) for run in re.findall(r"`+", body)), default=0)
        fence = "`" * max(3, longest_run + 1)
        block = f"{fence}{_language(path)}\n{body}\n{fence}"
        blocks.append(f"`{path}`:\n\n{block}" if show_paths else block)
    return blocks


def _text_files(rule: RuleSpec, example: str | dict[str, str]) -> str:
    show_paths = isinstance(example, dict)
    blocks = []
    for path, text in _files(rule, example):
        body = textwrap.indent(text.rstrip("\n"), INDENT)
        blocks.append(f"{INDENT}{path}:\n{textwrap.indent(body, INDENT)}" if show_paths else body)
    return "\n\n".join(blocks)


def _language(path: str) -> str:
    return LANGUAGES.get(PurePosixPath(path).suffix.lower(), "")
