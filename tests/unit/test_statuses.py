"""The lifecycle tables of backend/domain/statuses.py and the names derived from them."""

from __future__ import annotations

import json

from backend.domain import jobs
from backend.domain.statuses import (
    JOB_TRANSITIONS,
    LIVE_OFFERS,
    OFFER_TRANSITIONS,
    WITH_FRIEND,
    JobStatus,
    OfferStatus,
    can_move,
    sources_of,
)
from backend.services.dispatch import REOFFERABLE


def test_every_status_has_its_row_and_finished_jobs_stay_finished() -> None:
    assert set(JOB_TRANSITIONS) == set(JobStatus)
    assert set(OFFER_TRANSITIONS) == set(OfferStatus)
    assert not JOB_TRANSITIONS[JobStatus.COMPLETED] and not JOB_TRANSITIONS[JobStatus.CANCELLED]
    assert all(s not in targets for s, targets in JOB_TRANSITIONS.items())
    assert all(s not in targets for s, targets in OFFER_TRANSITIONS.items())


def test_the_guards_come_from_the_table() -> None:
    assert sources_of(JobStatus.ASSIGNED) == {JobStatus.OPEN}
    assert sources_of(JobStatus.CONTACTED) == {JobStatus.ASSIGNED}
    assert sources_of(JobStatus.COMPLETED) == set(WITH_FRIEND)
    assert sources_of(JobStatus.CANCELLED) == set(JobStatus) - {
        JobStatus.COMPLETED,
        JobStatus.CANCELLED,
    }
    # Only a Friend who holds the job gives it back or misses its deadline.
    assert set(WITH_FRIEND) <= sources_of(JobStatus.OPEN)
    assert sources_of(OfferStatus.DECLINED) == sources_of(OfferStatus.WITHDRAWN) == set(LIVE_OFFERS)
    assert {OfferStatus.WITHDRAWN, OfferStatus.NOT_REACHABLE} == REOFFERABLE
    # Who missed the deadline, gave the job back or was never reached may not claim it.
    assert not sources_of(OfferStatus.WON) & {
        OfferStatus.MISSED,
        OfferStatus.HANDED_BACK,
        OfferStatus.NOT_REACHABLE,
    }
    assert can_move(JobStatus.OPEN, JobStatus.ASSIGNED)
    assert not can_move(JobStatus.COMPLETED, JobStatus.OPEN)
    assert not can_move(OfferStatus.WON, OfferStatus.DECLINED)


def test_stored_and_sent_values_stay_the_words() -> None:
    assert jobs.STATUSES == (
        "open",
        "assigned",
        "contacted",
        "completed",
        "cancelled",
        "unassigned",
    )
    assert jobs.WITH_FRIEND == ("assigned", "contacted")
    assert json.dumps({"status": JobStatus.OPEN}) == '{"status": "open"}'
    assert f"{OfferStatus.NOT_REACHABLE}" == "not_reachable"
