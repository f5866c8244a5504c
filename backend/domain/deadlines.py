"""When a claimed job must be followed up, and whether a deadline is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class DeadlinePolicy:
    contact_reminder: timedelta = timedelta(hours=8)
    contact_deadline: timedelta = timedelta(hours=12)
    rating_reminder: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.contact_reminder < self.contact_deadline:
            raise ValueError("the contact reminder must come before the contact deadline")


def contact_deadlines(claimed_at: datetime, policy: DeadlinePolicy) -> tuple[datetime, datetime]:
    """(reminder_at, deadline_at) for a job claimed at `claimed_at`."""
    return claimed_at + policy.contact_reminder, claimed_at + policy.contact_deadline


def is_due(deadline: datetime | None, now: datetime) -> bool:
    """A deadline fires at its moment or any time later (after downtime: at once)."""
    return deadline is not None and deadline <= now
