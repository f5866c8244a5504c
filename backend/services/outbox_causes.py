"""Which inbound event a queued message answers, so that handling an event twice answers once.

The inbox worker marks an event handled in its own commit after the handler's commits: a
process killed between the two leaves the event to be handled again once its lease runs out,
and without this the Friend got every answer to it twice ("already taken" after a claim
storm). While an event is handled (`handling`), each message queued gets the cause
``<event digest>#<n>``, n counting the messages of this handling; the outbox skips a cause
it already holds (a unique index backs that). Messages queued outside a handling (offers
from dispatch, deadlines, the console) have no cause.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class _Handling:
    digest: str
    queued: int = 0


_CURRENT: ContextVar[_Handling | None] = ContextVar("outbox_cause", default=None)


@contextmanager
def handling(event_key: str) -> Iterator[None]:
    """Messages queued inside this block answer the inbound event ``event_key``."""
    digest = hashlib.sha256(event_key.encode()).hexdigest()[:40]
    token = _CURRENT.set(_Handling(digest))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def next_cause() -> str | None:
    """The cause of the next message queued now; None outside a handling."""
    current = _CURRENT.get()
    if current is None:
        return None
    cause = f"{current.digest}#{current.queued}"
    current.queued += 1
    return cause
