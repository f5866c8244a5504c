"""What may happen to a job and to an offer: their statuses and the moves between them (and
the statuses of a Friend).

The two tables below are the lifecycle, written once. The use cases in backend/services take
the statuses their conditional UPDATEs accept from here (`sources_of`), and
tests/backend/test_status_transitions.py walks both tables: every move listed happens through
a real use case, and every move not listed is refused. The values are StrEnums, so what the
database stores and the API sends stays the plain word ("open", "won").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar, cast


class JobStatus(StrEnum):
    OPEN = "open"  # offers going out in waves
    ASSIGNED = "assigned"  # a Friend claimed it and has to call the customer
    CONTACTED = "contacted"  # the Friend called
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    UNASSIGNED = "unassigned"  # nobody claimed it in the last wave; support takes over


class OfferStatus(StrEnum):
    QUEUED = "queued"  # its message waits in the outbox
    NOT_REACHABLE = "not_reachable"  # the Friend's 24-hour window was closed: no message
    SENT = "sent"
    FAILED = "failed"  # the Send API refused the message
    WON = "won"  # this Friend claimed the job
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # someone else won, or the job was cancelled or given up
    MISSED = "missed"  # the winner let the contact deadline pass
    HANDED_BACK = "handed_back"  # the winner gave the job back


class FriendStatus(StrEnum):
    """Where a Friend stands; support moves them (the console), the chat only between active
    and paused (backend/services/friend_account.py) and through the quiz."""

    APPLICANT = "applicant"  # signed up, quiz not passed yet
    VETTED = "vetted"  # passed the quiz; support checks the documents
    ACTIVE = "active"  # gets offers (when online) and may claim
    PAUSED = "paused"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


# A new job is open (backend/services/jobs.create_job).
JOB_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    # claim (claims.claim_job); the last wave passed (dispatch.advance_wave); cancel_job
    JobStatus.OPEN: frozenset({JobStatus.ASSIGNED, JobStatus.UNASSIGNED, JobStatus.CANCELLED}),
    # mark_contacted; complete_job; hand_back or a missed contact deadline; cancel_job
    JobStatus.ASSIGNED: frozenset(
        {JobStatus.CONTACTED, JobStatus.COMPLETED, JobStatus.OPEN, JobStatus.CANCELLED}
    ),
    JobStatus.CONTACTED: frozenset({JobStatus.COMPLETED, JobStatus.OPEN, JobStatus.CANCELLED}),
    # support dispatches it again or assigns a Friend (backend/console/board.py); cancel_job
    JobStatus.UNASSIGNED: frozenset({JobStatus.OPEN, JobStatus.CANCELLED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}

# A new offer is queued or not_reachable (dispatch), or sent when support assigns the job.
OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    # the outbox sends or gives up; decline_offer; withdraw_offers; claim_job
    OfferStatus.QUEUED: frozenset(
        {
            OfferStatus.SENT,
            OfferStatus.FAILED,
            OfferStatus.DECLINED,
            OfferStatus.WITHDRAWN,
            OfferStatus.WON,
        }
    ),
    OfferStatus.SENT: frozenset({OfferStatus.DECLINED, OfferStatus.WITHDRAWN, OfferStatus.WON}),
    # Whoever was offered the job may still race for it (and is told when it is taken).
    OfferStatus.FAILED: frozenset({OfferStatus.WON, OfferStatus.SENT}),
    OfferStatus.DECLINED: frozenset({OfferStatus.WON, OfferStatus.SENT}),
    # offered again in a later round (dispatch), or claimed all the same
    OfferStatus.WITHDRAWN: frozenset(
        {OfferStatus.QUEUED, OfferStatus.NOT_REACHABLE, OfferStatus.WON, OfferStatus.SENT}
    ),
    OfferStatus.NOT_REACHABLE: frozenset({OfferStatus.QUEUED, OfferStatus.SENT}),
    # release_job: the contact deadline passed, or the Friend gave the job back
    OfferStatus.WON: frozenset({OfferStatus.MISSED, OfferStatus.HANDED_BACK}),
    # Never offered again by dispatch; only support may still assign them (the `sent`s above).
    OfferStatus.MISSED: frozenset({OfferStatus.SENT}),
    OfferStatus.HANDED_BACK: frozenset({OfferStatus.SENT}),
}

# Where a job's life ends: nothing may follow.
FINAL_JOB_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if not JOB_TRANSITIONS[s])
# A Friend holds the job: claimed it, maybe called the customer already.
WITH_FRIEND: tuple[JobStatus, ...] = (JobStatus.ASSIGNED, JobStatus.CONTACTED)
# Offers the Friend may still answer (decline) and that are withdrawn when the job is gone.
LIVE_OFFERS: tuple[OfferStatus, ...] = (OfferStatus.QUEUED, OfferStatus.SENT)

S = TypeVar("S", JobStatus, OfferStatus)


def _table(status: S) -> Mapping[S, frozenset[S]]:
    table = JOB_TRANSITIONS if isinstance(status, JobStatus) else OFFER_TRANSITIONS
    return cast(Mapping[S, frozenset[S]], table)


def can_move(source: S, target: S) -> bool:
    """Whether the table allows `source` → `target` (staying the same is no move)."""
    return target in _table(source)[source]


def sources_of(target: S) -> frozenset[S]:
    """Every status that may move to `target`: the guard of a conditional UPDATE."""
    return frozenset(source for source, targets in _table(target).items() if target in targets)
