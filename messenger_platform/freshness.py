"""Refuse replays: a webhook event older than the replay window or from the far future.

A signed body stays signed forever. The de-duplication rows that recognise a redelivery are
kept for a while (7 days for the customers' channels, `bot/messenger_store.KEEP_HANDLED`; 30 for
the Friends' inbox, `backend/services/deadlines.RETENTION`); after that a captured body would be
handled again. Meta retries an unacknowledged delivery for at most 36 hours, so an event older
than `MAX_AGE` (48 hours, inside both retentions) is never a genuine delivery, and one more than
`MAX_AHEAD` in the future is not either (Meta's clock is not ten minutes fast).

Used by all four webhooks that take Meta's events: the customers' Messenger and WhatsApp
channels (bot/), the Friends' Messenger and WhatsApp webhooks (backend/web/). A stale event is
skipped and logged; the rest of its batch is handled and the answer stays 200, so Meta never
retries a signed body forever.

Standard library only: this package is imported from both virtual environments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Meta retries for at most 36 hours; the de-duplication retention must stay longer than this.
MAX_AGE = timedelta(hours=48)
MAX_AHEAD = timedelta(minutes=10)


def wall_clock() -> datetime:
    """Meta's timestamps are real time: they are judged by the real clock, also in the backend,
    whose business clock (`Settings.clock`) tests move."""
    return datetime.now(UTC)


def stale_reason(timestamp_ms: int, now: datetime) -> str:
    """Why an event sent at `timestamp_ms` (Unix milliseconds, as Messenger's) is refused at
    `now` (aware); "" when it is fresh. A missing timestamp (0 or below) is stale too."""
    now_ms = int(now.timestamp() * 1000)
    if timestamp_ms <= 0:
        return "no timestamp"
    age_ms = now_ms - timestamp_ms
    if age_ms > MAX_AGE / timedelta(milliseconds=1):
        return f"{age_ms // 3_600_000} hours old (more than {MAX_AGE} ago): a replay"
    if -age_ms > MAX_AHEAD / timedelta(milliseconds=1):
        return f"{-age_ms // 1000} seconds in the future (more than {MAX_AHEAD} ahead)"
    return ""


def stale_reason_seconds(timestamp_s: int, now: datetime) -> str:
    """The same for WhatsApp's timestamps (Unix seconds)."""
    return stale_reason(timestamp_s * 1000, now)
