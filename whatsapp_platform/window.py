"""The 24-hour customer-service window: free-form messages (text, buttons, lists, media) may
reach a person only within 24 hours of their last message to this number; outside it only
approved templates (Meta answers error 131047 otherwise). The window is per person and per
business number: the customers' and the Friends' numbers each keep their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from messenger_platform.send_policy import WINDOW, within_window

__all__ = ["WINDOW", "closes_at", "last_inbound_at", "may_send_free_text", "remaining"]


def may_send_free_text(last_inbound: datetime | None, now: datetime) -> bool:
    """True while less than 24 hours have passed since the person last wrote (23:59 h: yes,
    24:00 h: no); never for someone who has not written at all."""
    return within_window(last_inbound, now)


def closes_at(last_inbound: datetime | None) -> datetime | None:
    """When free text stops being allowed (None: it is not allowed now)."""
    return None if last_inbound is None else last_inbound + WINDOW


def last_inbound_at(timestamp: int) -> datetime:
    """A webhook message's `timestamp` (Unix seconds) as an aware UTC time."""
    return datetime.fromtimestamp(timestamp, UTC)


def remaining(last_inbound: datetime | None, now: datetime) -> timedelta:
    """How long the window stays open (zero when it is closed)."""
    end = closes_at(last_inbound)
    return max(timedelta(0), end - now) if end is not None else timedelta(0)
