"""Reading a JWT's claims (no signature check: only the claims say what the key grants)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The payload of `header.payload.signature`, or None if it is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = _decode_segment(parts[0])
        payload = _decode_segment(parts[1])
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or "alg" not in header or not isinstance(payload, dict):
        return None
    return payload


def _decode_segment(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def claims_match(claims: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(str(claims.get(name)) == str(value) for name, value in wanted.items())
