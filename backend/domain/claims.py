"""Who may claim a job. The database enforces "first claim wins"; this says who may try."""

from __future__ import annotations

from enum import Enum

from backend.domain.statuses import FriendStatus


class ClaimOutcome(Enum):
    WON = "won"
    ALREADY_TAKEN = "already_taken"
    NOT_OFFERED = "not_offered"
    NOT_ACTIVE = "not_active"
    NO_SUCH_JOB = "no_such_job"


CLAIMABLE_FRIEND_STATUSES = (FriendStatus.ACTIVE,)


def may_try_to_claim(friend_status: str, was_offered: bool) -> ClaimOutcome | None:
    """None when the Friend may race for the job, else the reason they may not."""
    if friend_status not in CLAIMABLE_FRIEND_STATUSES:
        return ClaimOutcome.NOT_ACTIVE
    if not was_offered:
        return ClaimOutcome.NOT_OFFERED
    return None
