"""How to react to the Send API: what to retry, how long to wait, when not to send at all.

Both outboxes (backend/services/outbox.py for the Friends' page, bot/messenger_outbox.py for
the customers' page) record an attempt by `outcome` and pause between rounds by `pause`: they
differ only in where the message rows live (SQLAlchemy in the backend's database, the bot's own
store), which is why the rows are not shared.

Meta's error codes (Send API reference): 1200 (temporary send failure), 2 (service
temporarily unavailable) and the throttling codes 4 (app), 17 (user), 32 (page), 613 and
80006 (Messenger) are worth retrying with backoff; 10 with
subcode 2018278 (outside the 24-hour window), 100 (invalid parameter), 190 (bad token),
200 (permission) and 551 (person unavailable) are not: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal

WINDOW = timedelta(hours=24)
RATE_PER_SECOND = 300  # Meta's text limit per page
OUTSIDE_WINDOW = (10, 2018278)
RETRYABLE_CODES = {1200, 2, 4, 17, 32, 613, 80006}
PERMANENT_CODES = {10, 100, 190, 200, 551}
MAX_ATTEMPTS = 12  # with the 5-minute cap, about half an hour of Meta being down
# An outbox looks for due messages at least this often, also when nobody woke it: a retry fell
# due, or another process stored a message.
IDLE_ROUND_SECONDS = 5.0


class Verdict(Enum):
    SENT = "sent"
    RETRY = "retry"
    PERMANENT = "permanent"


def classify(status: int, code: int | None, subcode: int | None = None) -> Verdict:
    """What a Send API answer means for this message (status 0: no answer at all)."""
    if 200 <= status < 400 and code is None:
        return Verdict.SENT
    if code in RETRYABLE_CODES:
        return Verdict.RETRY
    if code in PERMANENT_CODES:
        return Verdict.PERMANENT
    # No Graph error at all: network trouble, a timeout or a 5xx from a proxy. Worth retrying.
    if code is None and (status == 0 or status >= 500 or status == 429):
        return Verdict.RETRY
    return Verdict.PERMANENT


def backoff_seconds(attempt: int, base: float = 1.0, cap: float = 300.0) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return random.uniform(0, min(cap, base * 2 ** max(0, attempt)))


def within_window(last_inbound: datetime | None, now: datetime) -> bool:
    """May the page message this person freely (RESPONSE) right now?"""
    return last_inbound is not None and now - last_inbound < WINDOW


def graph_error(data: dict[str, Any]) -> tuple[int | None, int | None, str]:
    """(code, subcode, message) of a Graph API error answer."""
    error = data.get("error") if isinstance(data.get("error"), dict) else None
    if error is None:
        return None, None, ""
    code = error.get("code")
    subcode = error.get("error_subcode")
    return (
        int(code) if isinstance(code, int) else None,
        int(subcode) if isinstance(subcode, int) else None,
        str(error.get("message") or ""),
    )


@dataclass(frozen=True)
class Outcome:
    """What an outbox records after one Send API attempt."""

    result: Literal["sent", "retry", "failed"]
    error: str = ""  # "status code/subcode: message" of what Meta (or the network) answered
    retry_in: timedelta = timedelta(0)


def outcome(
    status: int,
    data: dict[str, Any],
    earlier_attempts: int,
    backoff: Callable[[int], float] = backoff_seconds,
) -> Outcome:
    """The Send API's answer `(status, data)` to a message tried `earlier_attempts` times
    before: sent, retried after a backoff, or failed for good (permanent, or MAX_ATTEMPTS)."""
    code, subcode, message = graph_error(data)
    verdict = classify(status, code, subcode)
    if verdict is Verdict.SENT:
        return Outcome("sent")
    error = f"{status} {code}/{subcode}: {message}"
    if verdict is Verdict.RETRY and earlier_attempts + 1 < MAX_ATTEMPTS:
        return Outcome("retry", error, timedelta(seconds=backoff(earlier_attempts)))
    return Outcome("failed", error)


async def pause(wakeup: asyncio.Event, stopping: asyncio.Event, next_due_in: float | None) -> None:
    """Between two delivery rounds: until a message is stored (`wakeup`), the outbox stops,
    the next retry is due (`next_due_in` seconds) or IDLE_ROUND_SECONDS have passed."""
    timeout = IDLE_ROUND_SECONDS if next_due_in is None else min(IDLE_ROUND_SECONDS, next_due_in)
    waiters = {asyncio.ensure_future(wakeup.wait()), asyncio.ensure_future(stopping.wait())}
    await asyncio.wait(waiters, timeout=max(0.0, timeout), return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()


class OutsideWindowError(Exception):
    """Refused before sending: the person wrote last more than 24 hours ago (or never)."""


class RateLimiter:
    """Token bucket: at most `rate` sends per second per page, bursts up to `rate`."""

    def __init__(
        self,
        rate: float = RATE_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate, self._clock, self._sleep = rate, clock, sleep
        self._tokens = rate
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self.rate, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                # A hair of slack: float rounding must not leave 0.999… tokens forever short.
                if self._tokens >= 1 - 1e-9:
                    self._tokens -= 1
                    return
                await self._sleep((1 - self._tokens) / self.rate)
