"""Checksums that some token formats carry, so a look-alike is not a finding.

GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens end in
six base62 characters: the CRC32 of the 30 random characters between the
four-character prefix and the checksum. A string of the right shape whose
checksum does not match was not issued by GitHub or npm (a hand-typed
placeholder, a truncated copy), so it is not reported.
"""

from __future__ import annotations

import string
import zlib
from typing import Callable

BASE62_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
CHECKSUM_LENGTH = 6
PREFIX_LENGTH = 4


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(BASE62_ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(width, "0")


def crc32_base62(random_part: str) -> str:
    return base62(zlib.crc32(random_part.encode("ascii")), CHECKSUM_LENGTH)


def github_crc32(token: str) -> bool:
    """`ghp_` + 30 random characters + base62(CRC32(random)), and npm's `npm_` twin."""
    if len(token) <= PREFIX_LENGTH + CHECKSUM_LENGTH or not token.isascii():
        return False
    random_part = token[PREFIX_LENGTH:-CHECKSUM_LENGTH]
    return crc32_base62(random_part) == token[-CHECKSUM_LENGTH:]


CHECKSUMS: dict[str, Callable[[str], bool]] = {
    "github-crc32": github_crc32,
}
