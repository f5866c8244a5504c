"""Issue 21, point 6: the replay window of Meta's webhook events (freshness.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.services import deadlines
from bot.messenger_store import KEEP_HANDLED
from messenger_platform import freshness
from messenger_platform.freshness import MAX_AGE, MAX_AHEAD, stale_reason, stale_reason_seconds

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_events_inside_the_window_are_fresh() -> None:
    for offset in (timedelta(0), -MAX_AGE, MAX_AHEAD, -timedelta(hours=36), timedelta(seconds=5)):
        assert stale_reason(ms(NOW + offset), NOW) == "", offset
    assert stale_reason_seconds(int((NOW - timedelta(hours=47)).timestamp()), NOW) == ""


def test_old_future_and_missing_timestamps_are_stale() -> None:
    assert "hours old" in stale_reason(ms(NOW - MAX_AGE - timedelta(seconds=1)), NOW)
    assert "hours old" in stale_reason(ms(NOW - timedelta(days=31)), NOW)
    assert "in the future" in stale_reason(ms(NOW + MAX_AHEAD + timedelta(seconds=1)), NOW)
    assert "in the future" in stale_reason_seconds(2**34, NOW)
    assert stale_reason(0, NOW) == "no timestamp" and stale_reason(-5, NOW) == "no timestamp"
    assert stale_reason_seconds(int((NOW - timedelta(hours=49)).timestamp()), NOW)


def test_the_window_is_inside_every_de_duplication_retention() -> None:
    # Meta retries for at most 36 hours; a redelivery must still find its de-duplication row.
    assert timedelta(hours=36) < MAX_AGE < min(deadlines.RETENTION, KEEP_HANDLED)
    assert freshness.wall_clock().tzinfo is not None
