"""RL502: private key blocks (PEM, OpenSSH, PGP, PuTTY), never public keys or certificates.

A header alone is not a key: code that parses keys mentions
`-----BEGIN RSA PRIVATE KEY-----` too. A finding needs the matching END
marker and, between them, enough base64 with the randomness of key material,
so placeholders (`...`, `<your key>`) and truncated examples stay silent.
The body may be spread over lines, or on one line with `\\n` escapes (a
service-account JSON file, a Python string). A block that is a form field's
placeholder or an example (on its BEGIN line) is not a key.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from readylint.catalog import RuleSpec
from readylint.diagnostics import Severity
from readylint.secrets.base import FilePlace, Hit, skip_matcher, test_matcher
from readylint.secrets.context import in_example
from readylint.secrets.values import shannon_entropy
from readylint.sources import SourceFile

BASE64_RUN_RE = re.compile(r"[A-Za-z0-9+/=]{16,}")
ENCRYPTED_RE = re.compile(r"ENCRYPTED|Encryption: (?!none)", re.IGNORECASE)


class PrivateKeyBlock:
    code = "RL502"

    def __init__(self, entry: dict[str, Any], min_body: int, min_entropy: float):
        self.id = str(entry["id"])
        self.description = str(entry["description"])
        self.begin = re.compile(entry["begin"])
        self.end = re.compile(entry["end"])
        self.keywords = tuple(str(k).lower() for k in entry["keywords"])
        self.min_body = min_body
        self.min_entropy = min_entropy
        self.max_span = int(entry.get("max_span", 16384))

    def scan(self, text: str, start: int, end: int, state: FilePlace) -> Iterable[Hit]:
        for begin in self.begin.finditer(text, start, end):
            if in_example(text, begin.start()):
                continue  # `placeholder={`-----BEGIN RSA PRIVATE KEY-----…`}`: a form's hint
            if state.in_tests:
                return  # a test's throwaway key (quiet-in-tests)
            finish = self.end.search(text, begin.end(), begin.end() + self.max_span)
            if finish is None:
                continue
            body = text[begin.end():finish.start()]
            key_material = "".join(BASE64_RUN_RE.findall(body.replace("\\n", "\n")))
            if len(key_material) < self.min_body or shannon_entropy(key_material) < self.min_entropy:
                continue
            encrypted = bool(ENCRYPTED_RE.search(begin.group()) or ENCRYPTED_RE.search(body[:200]))
            description = self.description
            if encrypted:
                description = f"passphrase-encrypted {description}"
            yield Hit(
                self.code, self.id, begin.start(), finish.end(), body,
                f"{description} is committed: anyone with a clone holds the key; revoke it, "
                "then load it from a secret manager or a file outside the repository",
                Severity.WARNING if encrypted else None,
            )


class PrivateKeyFamily:
    code = "RL502"

    def __init__(self, rule: RuleSpec, options: dict[str, Any]):
        catalog = rule.catalog
        self.skip = skip_matcher(catalog)
        self.tests = test_matcher(catalog, options)
        self.probes = [
            PrivateKeyBlock(entry, int(catalog.get("min_body_chars", 64)), float(catalog.get("min_entropy", 4.5)))
            for entry in catalog.get("blocks") or ()
        ]

    def file_state(self, file: SourceFile) -> FilePlace | None:
        return None if self.skip.matches(file.path) else FilePlace(file.path, self.tests)
