"""The outbound-call concept, shared by every language: what RL101 judges.

Each language's analysis (`checks/outbound_call_without_timeout.py` for
Python, `typescript/outbound.py` for TS/JS) finds the calls its catalog
section names and reports each one whose timeout is missing or explicitly
unbounded as an `OutboundCall`; the rule's judgement (does it wait forever,
does its bounded default exceed `max-default-seconds`) is written once, over
these facts, in the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from readylint.diagnostics import Fix

FOREVER = "forever"
# No timeout of its own: the process's global socket timeout applies, which is
# none unless someone calls socket.setdefaulttimeout (Python).
SOCKET_DEFAULT = "socket-default"


@dataclass(frozen=True)
class Behaviour:
    """What a library does about timeouts: its default and what means "none"."""

    default: float | None  # seconds; None: waits forever
    unbounded: tuple
    hangs: str
    socket_default: bool = False  # waits as long as the global socket timeout says

    @classmethod
    def from_yaml(cls, entry: dict[str, Any]) -> "Behaviour":
        default = entry.get("default", FOREVER)
        return cls(
            None if default in (FOREVER, SOCKET_DEFAULT) else float(default),
            tuple(entry.get("unbounded", [None])),
            str(entry.get("hangs", "the call can wait forever")),
            socket_default=default == SOCKET_DEFAULT,
        )


class Span(NamedTuple):
    """1-based lines, 1-based character columns, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class OutboundCall:
    """A network call whose timeout is missing (`given` None) or explicitly unbounded."""

    span: Span
    callee: str  # how the message names the call: "`rq.get(...)` (`requests.get`)"
    setting: str  # the missing setting: "timeout", "signal", "connectionTimeoutMillis"
    behaviour: Behaviour
    remedy: str  # "pass `timeout=<seconds>`", "pass `signal: AbortSignal.timeout(10_000)`"
    given: str | None = None  # an explicit "no timeout": "timeout=None", "timeout: 0"
    # Called on a client object that sets no default: "the `requests.Session()`
    # it is called on (line 4)"; the client's own default was judged where it is made.
    via_client: str | None = None
    # A process-wide default bounds calls that rely on the socket default.
    socket_default_set: bool = False
    fix: Fix | None = None

    @property
    def waits_forever(self) -> bool:
        behaviour = self.behaviour
        return behaviour.default is None and not (behaviour.socket_default and self.socket_default_set)
