"""Shared by the bench scripts (run as `python bench/<script>.py`)."""

from __future__ import annotations

import os


def bench_environment() -> dict[str, str]:
    """The environment users have: bytecode caching on (some sandboxes turn it
    off, which makes every start-up recompile readylint), no colour."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "NO_COLOR": "1"}
