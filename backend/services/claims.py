"""First claim wins: one conditional UPDATE decides, never a read-modify-write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Friend, Job, Offer, OutboxMessage, SupportAlert, utcnow
from backend.domain.claims import ClaimOutcome, may_try_to_claim
from backend.domain.deadlines import DeadlinePolicy, contact_deadlines
from backend.domain.jobs import WITH_FRIEND
from backend.observability.metrics import CLAIM_SECONDS
from backend.services.customer_news import assigned_news, first_name, store_notice
from backend.services.jobs import record_event

LIVE_OFFERS = ("queued", "sent")
# The Friend had the job and lost it or gave it back: they may not claim it again.
REFUSED_OFFERS = ("missed", "handed_back")


async def withdraw_offers(
    session: AsyncSession, job_id: int, now: datetime, keep_friend_id: int | None = None
) -> None:
    """Live offers of the job are withdrawn; offer messages still queued are not sent."""
    query = update(Offer).where(Offer.job_id == job_id, Offer.status.in_(LIVE_OFFERS))
    if keep_friend_id is not None:
        query = query.where(Offer.friend_id != keep_friend_id)
    withdrawn = (await session.scalars(query.values(status="withdrawn").returning(Offer.id))).all()
    if withdrawn:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.offer_id.in_(withdrawn),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
            .values(failed_at=now, error="offer withdrawn before it went out")
        )


@dataclass(frozen=True)
class ClaimResult:
    outcome: ClaimOutcome
    job: Job | None
    friend: Friend | None
    # The winner tapped again: tell them the details again, but nobody else anything new.
    repeat: bool = False


async def claim_job(
    session: AsyncSession,
    reference: str,
    messenger_id: str,
    now: datetime | None = None,
    policy: DeadlinePolicy | None = None,
) -> ClaimResult:
    started, outcome = time.perf_counter(), "error"
    try:
        result = await _decide_claim(session, reference, messenger_id, now, policy)
        outcome = result.outcome.value
        return result
    finally:
        CLAIM_SECONDS.labels(outcome).observe(time.perf_counter() - started)


async def _decide_claim(
    session: AsyncSession,
    reference: str,
    messenger_id: str,
    now: datetime | None,
    policy: DeadlinePolicy | None,
) -> ClaimResult:
    friend = await session.scalar(select(Friend).where(Friend.messenger_id == messenger_id))
    job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
    if job is None:
        return ClaimResult(ClaimOutcome.NO_SUCH_JOB, None, friend)
    if friend is None:
        return ClaimResult(ClaimOutcome.NOT_ACTIVE, job, None)
    if job.assigned_friend_id == friend.id:
        return ClaimResult(ClaimOutcome.WON, job, friend, repeat=True)
    offer = await session.scalar(
        select(Offer).where(Offer.job_id == job.id, Offer.friend_id == friend.id)
    )
    # A withdrawn offer still counts: that Friend saw it and is told it is taken.
    was_offered = offer is not None and offer.status not in ("not_reachable", *REFUSED_OFFERS)
    refusal = may_try_to_claim(friend.status, was_offered)
    if refusal is not None:
        return ClaimResult(refusal, job, friend)

    now = now or utcnow()
    reminder_at, deadline_at = contact_deadlines(now, policy or DeadlinePolicy())
    won = await session.scalar(
        update(Job)
        .where(Job.id == job.id, Job.status == "open")
        .values(
            status="assigned",
            assigned_friend_id=friend.id,
            claimed_at=now,
            next_wave_at=None,
            contact_reminder_at=reminder_at,
            contact_deadline_at=deadline_at,
        )
        .returning(Job.id)
    )
    if won is None:
        await session.rollback()
        return ClaimResult(ClaimOutcome.ALREADY_TAKEN, job, friend)
    await withdraw_offers(session, job.id, now, keep_friend_id=friend.id)
    await session.execute(
        update(Offer)
        .where(Offer.job_id == job.id, Offer.friend_id == friend.id)
        .values(status="won")
    )
    await session.execute(
        update(Friend).where(Friend.id == friend.id).values(claims=Friend.claims + 1)
    )
    record_event(session, job, f"friend:{friend.id}", "claimed", friend=friend.name)
    await store_notice(session, job, "EXTERNAL_friend_assigned", assigned_news(job, friend), now)
    await session.commit()
    await session.refresh(job)
    await session.refresh(friend)
    return ClaimResult(ClaimOutcome.WON, job, friend)


async def decline_offer(session: AsyncSession, reference: str, messenger_id: str) -> bool:
    friend = await session.scalar(select(Friend).where(Friend.messenger_id == messenger_id))
    job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
    if friend is None or job is None:
        return False
    result = await session.execute(
        update(Offer)
        .where(Offer.job_id == job.id, Offer.friend_id == friend.id)
        .where(Offer.status.in_(LIVE_OFFERS))
        .values(status="declined")
    )
    if result.rowcount:  # type: ignore[attr-defined]
        await session.execute(
            update(Friend).where(Friend.id == friend.id).values(declines=Friend.declines + 1)
        )
        record_event(session, job, f"friend:{friend.id}", "declined")
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_contacted(
    session: AsyncSession, reference: str, messenger_id: str, now: datetime | None = None
) -> bool:
    """The Friend has called the customer: the contact deadline is met and cleared."""
    friend = await session.scalar(select(Friend).where(Friend.messenger_id == messenger_id))
    if friend is None:
        return False
    job_id = await session.scalar(
        update(Job)
        .where(
            Job.reference == reference.upper(),
            Job.assigned_friend_id == friend.id,
            Job.status == "assigned",
        )
        .values(
            status="contacted",
            contacted_at=now or utcnow(),
            contact_reminder_at=None,
            contact_deadline_at=None,
        )
        .returning(Job.id)
    )
    if job_id is None:
        await session.rollback()
        return False
    await session.execute(
        update(Friend)
        .where(Friend.id == friend.id)
        .values(contacted_in_time=Friend.contacted_in_time + 1)
    )
    job = await session.get(Job, job_id)
    if job is not None:
        record_event(session, job, f"friend:{friend.id}", "contacted")
    await session.commit()
    return True


async def release_job(
    session: AsyncSession, job: Job, friend_id: int, offer_status: str, now: datetime
) -> None:
    """The job goes back to dispatch from wave 1, without this Friend (caller guards, commits).

    offer_status is "missed" (contact deadline passed) or "handed_back"; the Friend's counter of
    the same meaning goes up, and they are never offered this job again.
    """
    await session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(
            status="open",
            assigned_friend_id=None,
            claimed_at=None,
            contact_reminder_at=None,
            contact_deadline_at=None,
            wave=0,
            next_wave_at=now,
        )
    )
    await session.execute(
        update(Offer)
        .where(Offer.job_id == job.id, Offer.friend_id == friend_id)
        .values(status=offer_status)
    )
    counter = Friend.missed_deadlines if offer_status == "missed" else Friend.hand_backs
    await session.execute(
        update(Friend).where(Friend.id == friend_id).values({counter: counter + 1})
    )


async def hand_back(
    session: AsyncSession, reference: str, messenger_id: str, now: datetime | None = None
) -> Job | None:
    """The assigned Friend gives the job back before finishing it; None when it is not theirs."""
    now = now or utcnow()
    friend = await session.scalar(select(Friend).where(Friend.messenger_id == messenger_id))
    if friend is None:
        return None
    job_id = await session.scalar(
        update(Job)
        .where(
            Job.reference == reference.upper(),
            Job.assigned_friend_id == friend.id,
            Job.status.in_(WITH_FRIEND),
        )
        # Claims the row; release_job sets the rest.
        .values(status="open")
        .returning(Job.id)
    )
    if job_id is None:
        await session.rollback()
        return None
    job = await session.get(Job, job_id)
    assert job is not None
    await release_job(session, job, friend.id, "handed_back", now)
    session.add(
        SupportAlert(
            kind="handed_back",
            job_id=job.id,
            friend_id=friend.id,
            detail={"reference": job.reference, "friend": friend.name},
            created_at=now,
        )
    )
    record_event(session, job, f"friend:{friend.id}", "handed_back")
    # The customer was told this Friend would come; they hear that we look again.
    await store_notice(
        session,
        job,
        "EXTERNAL_friend_handed_back",
        {"job_reference": job.reference, "friend_name": first_name(friend)},
        now,
    )
    await session.commit()
    await session.refresh(job)
    return job
