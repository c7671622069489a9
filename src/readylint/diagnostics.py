"""What a check reports: findings, their severity, positions and fixes.

Positions are 1-based lines and 1-based columns counted in characters (not
bytes), the convention of every output format readylint writes.
"""

from __future__ import annotations

import enum
import hashlib
from pathlib import Path
from dataclasses import dataclass, field
from typing import Iterable


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(str(value).lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (choose from {choices})") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(str, enum.Enum):
    """How safe a fix is. Safe fixes keep behaviour; unsafe ones change it."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (end exclusive) with `content`."""

    start: Position
    end: Position
    content: str


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    edits: tuple[Edit, ...]
    description: str = ""


@dataclass
class Finding:
    code: str
    name: str
    severity: Severity
    path: str  # posix path relative to the run's root (absolute when outside it)
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None
    # Set by the engine: the offending source line (secrets masked) and a
    # fingerprint that survives edits elsewhere in the file.
    source_line: str = ""
    fingerprint: str = ""
    # What the finding is about, without which occurrence it is: repeated
    # identical findings in one file share it (baselines count them).
    identity: str = ""
    # Set by a check when the finding has an identity better than its line's
    # text (a secret's hash, a function's qualified name).
    fingerprint_key: str | None = None
    # A secret value the finding is about, set by a check and cleared by
    # `redact_secret` (the engine calls it before anything else sees the
    # finding): from then on only its mask and its hash exist, in memory, in
    # the cache and in every output.
    secret: str | None = field(default=None, repr=False)
    masked_secret: str | None = None
    secret_hash: str | None = None

    def redact_secret(self, others: Iterable[str] = ()) -> None:
        """Replace the secret (and any other secret known in the file) by its
        mask in the message and the source line; keep its mask and hash."""
        secrets = {*others, self.secret} - {None, ""}
        if self.secret:
            self.masked_secret = mask_secret(self.secret)
            self.secret_hash = secret_digest(self.secret)
            self.secret = None
        for secret in sorted(secrets, key=len, reverse=True):  # a secret inside another: the longer first
            masked = mask_secret(secret)
            self.message = self.message.replace(secret, masked)
            self.source_line = self.source_line.replace(secret, masked)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)


class ProblemKind(str, enum.Enum):
    ERROR = "error"  # could not be read, decoded or parsed, or too large to read
    PARTIAL = "partial"  # analysed, but some rules could not run on it
    SKIPPED = "skipped"  # left out on purpose: nothing to lint (a binary file)


@dataclass(frozen=True)
class FileProblem:
    """A file that was not analysed, or only in part, and why."""

    path: str
    reason: str
    kind: ProblemKind = ProblemKind.ERROR
    # The engine finding (RL001, RL002) that already reports this problem, so
    # text outputs do not say it twice; json and SARIF list every problem.
    finding_code: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ProblemKind(self.kind))


class UnreadableInput(ValueError):
    """Raised by a check that reads a format of its own (a Liquibase XML or
    YAML changelog) when the file does not parse: the file is then listed as
    partly analysed, with this message, rather than as an internal error."""


def mask_secret(secret: str) -> str:
    """The only form in which a secret is ever shown: first four characters and length."""
    visible = secret[:4] if len(secret) > 8 else ""
    return f"{visible}…[{len(secret)} chars]"


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class RunResult:
    """Everything one `readylint check` run found, ready for a reporter."""

    root: Path
    findings: list[Finding]  # sorted by Finding.sort_key; suppressed ones removed
    problems: list[FileProblem]  # files not analysed (or only in part), and why
    files_checked: int
    fail_on: Severity = Severity.WARNING
    # Internal errors (a check that crashed on a file): the run went on, but
    # the exit code is 2 so nobody mistakes the result for complete.
    internal_errors: list[FileProblem] = field(default_factory=list)
    # Findings hidden because the baseline lists them, and baseline entries
    # that no longer match anything (fixed since), for --show-fixed.
    baselined: int = 0
    fixed_baseline_entries: list = field(default_factory=list)
    # One line each for the user about the run itself (a cache ignored, and why).
    notices: list[str] = field(default_factory=list)

    @property
    def failing_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= self.fail_on.rank]

    @property
    def exit_code(self) -> int:
        if self.internal_errors:
            return 2
        return 1 if self.failing_findings else 0
