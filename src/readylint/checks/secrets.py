"""RL501-RL504: committed secrets.

The four rules share one scanner (`readylint.secrets`) and one scan per
file; each check here only reports its own rule's share of the hits. What
they look for is in `rules/RL501-provider-token.yaml`, `RL502-private-key`,
`RL503-password-in-url` and `RL504-generic-secret`.
"""

from __future__ import annotations

from typing import Any, Iterable

from readylint.catalog import Catalog
from readylint.checks.base import Check
from readylint.diagnostics import Finding
from readylint.secrets import SecretScanner
from readylint.sources import SourceFile

# Every worker builds its checks once; the four secrets checks of one
# analyzer share the scanner built for the first of them.
_shared: tuple[Catalog, dict[str, Any], SecretScanner] | None = None


def shared_scanner(catalog: Catalog, options: dict[str, dict[str, Any]]) -> SecretScanner:
    global _shared
    if _shared is None or _shared[0] is not catalog or _shared[1] is not options:
        _shared = (catalog, options, SecretScanner.from_catalog(catalog, options))
    return _shared[2]


class SecretCheck(Check):
    scanner: SecretScanner

    def prepare(self, catalog: Catalog, options: dict[str, dict[str, Any]]) -> None:
        self.scanner = shared_scanner(catalog, options)

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
