"""How to react to the Send API: what to retry, how long to wait, when not to send at all.

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
from datetime import datetime, timedelta
from enum import Enum

WINDOW = timedelta(hours=24)
RATE_PER_SECOND = 300  # Meta's text limit per page
OUTSIDE_WINDOW = (10, 2018278)
RETRYABLE_CODES = {1200, 2, 4, 17, 32, 613, 80006}
PERMANENT_CODES = {10, 100, 190, 200, 551}


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
