"""RL501-RL504: committed secrets.

The four rules share one scanner (`readylint.secrets`) and one scan per
file; each check here only reports its own rule's share of the hits. What
they look for is in `rules/RL501-provider-token.yaml`, `RL502-private-key`,
`RL503-password-in-url` and `RL504-generic-secret`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from readylint.catalog import Catalog
from readylint.checks.base import Check
from readylint.diagnostics import Finding
from readylint.secrets import SecretScanner
from readylint.sources import SourceFile

if TYPE_CHECKING:
    from readylint.engine import Selection

# Every worker builds its checks once; the secrets checks of one analyzer
# share the scanner built for the first of them (and so one scan per file).
_shared: tuple[Catalog, "Selection", SecretScanner] | None = None


def shared_scanner(catalog: Catalog, selection: "Selection") -> SecretScanner:
    global _shared
    if _shared is None or _shared[0] is not catalog or _shared[1] is not selection:
        _shared = (catalog, selection, SecretScanner.from_catalog(catalog, selection.rules, selection.options))
    return _shared[2]


SECRET_CODES = ("RL501", "RL502", "RL503", "RL504")
_redacting: tuple[Catalog, "Selection", SecretScanner] | None = None


def redaction_scanner(catalog: Catalog, selection: "Selection") -> SecretScanner:
    """A scanner for every secrets rule, whichever are selected: the secrets it
    finds are masked in the source lines of every finding (an RL101 on a line
    that also holds an API key must not print the key). With all four rules
    selected it is the checks' own scanner, so a file is scanned once."""
    global _redacting
    if all(code in selection.rules for code in SECRET_CODES):
        return shared_scanner(catalog, selection)
    if _redacting is None or _redacting[0] is not catalog or _redacting[1] is not selection:
        _redacting = (catalog, selection, SecretScanner.from_catalog(catalog, SECRET_CODES, selection.options))
    return _redacting[2]


class SecretCheck(Check):
    scanner: SecretScanner
    reads_syntax_tree = False

    def prepare(self, catalog: Catalog, selection: "Selection") -> None:
        self.scanner = shared_scanner(catalog, selection)

    def check(self, file: SourceFile) -> Iterable[Finding]:
        for hit in self.scanner.scan(file):
            if hit.code != self.code:
                continue
            line, column = file.position(hit.start)
            end_line, end_column = file.position(hit.end)
            yield self.finding(
                file, line, column, hit.message,
                end_line=end_line, end_column=end_column, severity=hit.severity, secret=hit.secret,
            )


class ProviderToken(SecretCheck):
    code = "RL501"


class PrivateKey(SecretCheck):
    code = "RL502"


class PasswordInUrl(SecretCheck):
    code = "RL503"


class GenericSecret(SecretCheck):
    code = "RL504"
