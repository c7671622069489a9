"""The secrets scanner shared by the RL5xx rules.

One pass per file serves all four rules: a single prefilter regex finds the
lines that mention any detector's keyword (a token prefix such as `sk_live_`,
a name such as `password`, a `://`), and only the detectors whose keywords
appear run, on those lines only. What each rule looks for is data in its
catalog (`rules/RL501-provider-token.yaml` … `RL504-generic-secret.yaml`); how
a value is judged (entropy, checksums, JWT claims, placeholders) lives here.

    scanner.py      SecretScanner: catalogs -> probes, the per-file pass, ranking
    base.py         Hit (a found secret), the Probe and Family interfaces
    providers.py    RL501 known-format tokens (regex, entropy, checksum, JWT claims)
    private_keys.py RL502 PEM / OpenSSH / PGP / PuTTY private key blocks
    urls.py         RL503 connection strings with a literal password
    assignments.py  RL504 secret-looking names bound to literal values
    values.py       shared value judgements: entropy, placeholders, shapes
    context.py      shared judgements of where a value lives: examples, stand-ins, sample modules
    checksums.py    token checksums (GitHub / npm CRC32 in base62)
    jwt.py          JWT payload decoding
"""

from readylint.secrets.base import Hit
from readylint.secrets.scanner import SecretScanner

__all__ = ["Hit", "SecretScanner"]
