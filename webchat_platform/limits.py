"""What a public chat accepts: origins, message size, locale tags, and the rate limits.

The rate limit is two token buckets. Each session may send WEBCHAT_RATE_PER_MINUTE messages a
minute (a burst of as many, refilled evenly); each client address may send several sessions'
worth (IP_SESSIONS_FACTOR times as many: a care home or an office shares one address), and
every session request costs the address a token too: opening new sessions does not get around
the per-session limit, and resuming one over and over (each reads the history) has its price.
A message the session's own bucket refuses costs the address nothing: one customer's flood
never uses up the budget of the others behind the same address.

An over-eager client hears a polite "slow down" at most once per WINDOW_SECONDS; every other
refused message is dropped without running the bot.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_RATE_PER_MINUTE = 20
IP_SESSIONS_FACTOR = 5
WINDOW_SECONDS = 60.0
# Buckets that have refilled completely carry no information; forget them now and then so
# the table does not grow with every visitor.
PRUNE_EVERY_SECONDS = 60.0
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
MAX_LOCALE_CHARS = 35
_EPSILON = 1e-9


def allowed_origins(value: str) -> list[str]:
    """WEBCHAT_ALLOWED_ORIGINS ("https://a.example, http://127.0.0.1:8090") as socket.io's
    cors_allowed_origins list; a malformed entry is a ValueError (a typo must not open or
    close the chat silently)."""
    origins = []
    for part in value.split(","):
        origin = part.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise ValueError(f"WEBCHAT_ALLOWED_ORIGINS: {origin!r} is not scheme://host[:port]")
        origins.append(origin)
    return origins


class TextCheck(enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    TOO_LONG = "too_long"


def check_text(text: object, max_chars: int) -> TextCheck:
    if not isinstance(text, str) or not text.strip():
        return TextCheck.EMPTY
    return TextCheck.TOO_LONG if len(text) > max_chars else TextCheck.OK


def locale_of(custom_data: object) -> str | None:
    """The customer's locale from socket.io `customData`: `language` (the browser's
    navigator.language), else `page_language` (the page's <html lang>); None when neither
    is a language tag."""
    if not isinstance(custom_data, dict):
        return None
    for key in ("language", "page_language"):
        value = custom_data.get(key)
        if (
            isinstance(value, str)
            and len(value) <= MAX_LOCALE_CHARS
            and _LOCALE.fullmatch(value.strip())
        ):
            return value.strip()
    return None


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: frozenset[str]) -> str:
    """The address a request came from: the connection's peer, unless that is one of our own
    proxies, whose X-Forwarded-For names it (the last hop not ours: earlier ones are whatever
    the client wrote)."""
    if peer not in trusted_proxies or not forwarded_for:
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a hop we cannot read: do not trust what came before it
        if hop not in trusted_proxies:
            return hop
    return peer


class Verdict(enum.Enum):
    ALLOW = "allow"
    # Refused; say "slow down" (the first refusal in this window).
    WARN = "warn"
    # Refused; already told in this window.
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One bucket per key: `capacity` tokens, refilled at `per_minute` a minute."""

    def __init__(self, per_minute: float, capacity: float) -> None:
        if per_minute <= 0 or capacity < 1:
            raise ValueError("a rate limit needs a positive rate and room for one message")
        self.rate = per_minute / 60.0
        self.capacity = float(capacity)
        self._buckets: dict[str, _Bucket] = {}
        self._pruned = 0.0

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.rate)
            bucket.updated = now
        return bucket

    def take(self, key: str, now: float) -> bool:
        self._prune(now)
        bucket = self._bucket(key, now)
        if bucket.tokens < 1.0 - _EPSILON:  # 20/60 a second does not add up to 1.0 exactly
            return False
        bucket.tokens -= 1.0
        return True

    def give_back(self, key: str, now: float) -> None:
        bucket = self._bucket(key, now)
        bucket.tokens = min(self.capacity, bucket.tokens + 1.0)

    def __len__(self) -> int:
        return len(self._buckets)

    def _prune(self, now: float) -> None:
        if now - self._pruned < PRUNE_EVERY_SECONDS:
            return
        self._pruned = now
        full_after = self.capacity / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]


class RateLimiter:
    """The per-session and per-address limits of the web chat (see the module's docstring)."""

    def __init__(self, per_minute: int, ip_factor: int = IP_SESSIONS_FACTOR) -> None:
        self.sessions = TokenBuckets(per_minute, per_minute)
        self.addresses = TokenBuckets(per_minute * ip_factor, per_minute * ip_factor)
        self._warned: dict[str, float] = {}

    def session_request(self, address: str, now: float) -> bool:
        """Whether this address may be given (or resume) one more session now."""
        return self.addresses.take(address, now)

    def message(self, session: str, address: str, now: float) -> Verdict:
        if self.sessions.take(session, now):
            if self.addresses.take(address, now):
                return Verdict.ALLOW
            # The address is over its limit: this session's token was not used.
            self.sessions.give_back(session, now)
        return self._refused(session, now)

    def _refused(self, session: str, now: float) -> Verdict:
        warned = self._warned.get(session)
        if warned is not None and now - warned < WINDOW_SECONDS:
            return Verdict.DROP
        if len(self._warned) > 10_000:
            self._warned = {k: t for k, t in self._warned.items() if now - t < WINDOW_SECONDS}
        self._warned[session] = now
        return Verdict.WARN
