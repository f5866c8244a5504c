"""Rate limits of the JSON API: token buckets per bearer token and per client address.

In memory, per process: with two backends behind the proxy a caller gets twice the rate, and a
restart forgets the buckets. Enough to stop a flood of guesses or a runaway caller; not an
accounting of partners.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

# The least recently seen keys are forgotten beyond this many (a flood of fresh addresses).
MAX_KEYS = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class TokenBuckets:
    """`rate` tokens a second up to `burst`, one bucket per key; `rate` 0 or less: no limit."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    max_keys: int = MAX_KEYS
    _buckets: OrderedDict[str, _Bucket] = field(default_factory=OrderedDict)

    def _bucket(self, key: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        return bucket

    def wait(self, key: str) -> int:
        """Seconds until `key` has a token (0: it has one now); nothing is taken."""
        if self.rate <= 0:
            return 0
        bucket = self._bucket(key)
        if bucket.tokens >= 1:
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self.rate))

    def take(self, key: str) -> int:
        """Take a token for `key`: 0 when there was one, else the seconds to wait."""
        waiting = self.wait(key)
        if waiting == 0 and self.rate > 0:
            self._buckets[key].tokens -= 1
        return waiting


@dataclass
class ApiLimits:
    per_token: TokenBuckets
    failures_per_address: TokenBuckets

    @classmethod
    def of(
        cls,
        rate_per_second: float,
        burst: int,
        failures_per_minute: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> ApiLimits:
        return cls(
            per_token=TokenBuckets(rate_per_second, burst, clock),
            # A burst as large as a minute's allowance: 10 wrong tokens, then one every 6 s.
            failures_per_address=TokenBuckets(
                failures_per_minute / 60, max(1.0, failures_per_minute), clock
            ),
        )


def token_key(token: str) -> str:
    """The bucket's key for a token (not the token itself: dumps of memory show no secret)."""
    return hashlib.sha256(token.encode()).hexdigest()
