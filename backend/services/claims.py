"""First claim wins: one conditional UPDATE decides, never a read-modify-write.

Also what follows the claim while the Friend holds the job: the call to the customer (or the
failed attempts), giving the job back, losing it at the contact deadline. Each status change
is guarded by the statuses backend/domain/statuses.py allows to move there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Customer, Friend, Job, Offer, OutboxMessage, SupportAlert, utcnow
from backend.domain.claims import ClaimOutcome, may_try_to_claim
from backend.domain.deadlines import DeadlinePolicy, contact_deadlines
from backend.domain.statuses import (
    LIVE_OFFERS,
    WITH_FRIEND,
    JobStatus,
    OfferStatus,
    sources_of,
)
from backend.observability.metrics import CLAIM_SECONDS
from backend.services.customer_news import assigned_news, friend_news, store_notice
from backend.services.customer_texts import FRIEND_CONTACTED
from backend.services.friends import friend_by_psid
from backend.services.jobs import count_events, move_job, record_event

# After this many recorded failed calls, support takes over reaching the customer.
UNREACHABLE_ATTEMPTS = 5


async def withdraw_offers(
    session: AsyncSession, job_id: int, now: datetime, keep_friend_id: int | None = None
) -> None:
    """Live offers of the job are withdrawn; offer messages still queued are not sent."""
    query = update(Offer).where(
        Offer.job_id == job_id, Offer.status.in_(sources_of(OfferStatus.WITHDRAWN))
    )
    if keep_friend_id is not None:
        query = query.where(Offer.friend_id != keep_friend_id)
    withdrawn = (
        await session.scalars(query.values(status=OfferStatus.WITHDRAWN).returning(Offer.id))
    ).all()
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
    friend = await friend_by_psid(session, messenger_id)
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
    # A withdrawn offer still counts: that Friend saw it and is told it is taken. Whoever
    # missed the deadline, gave the job back or was never reached was not offered it.
    winnable = sources_of(OfferStatus.WON)
    refusal = may_try_to_claim(friend.status, offer is not None and offer.status in winnable)
    if refusal is not None:
        return ClaimResult(refusal, job, friend)

    now = now or utcnow()
    reminder_at, deadline_at = contact_deadlines(now, policy or DeadlinePolicy())
    won = await move_job(
        session,
        JobStatus.ASSIGNED,
        Job.id == job.id,
        assigned_friend_id=friend.id,
        claimed_at=now,
        next_wave_at=None,
        contact_reminder_at=reminder_at,
        contact_deadline_at=deadline_at,
    )
    if won is None:
        await session.rollback()
        return ClaimResult(ClaimOutcome.ALREADY_TAKEN, job, friend)
    await withdraw_offers(session, job.id, now, keep_friend_id=friend.id)
    await _move_offer(session, job.id, friend.id, OfferStatus.WON)
    await session.execute(
        update(Friend).where(Friend.id == friend.id).values(claims=Friend.claims + 1)
    )
    record_event(session, job, f"friend:{friend.id}", "claimed", friend=friend.name)
    await store_notice(session, job, "EXTERNAL_friend_assigned", assigned_news(job, friend), now)
    await session.commit()
    await session.refresh(job)
    await session.refresh(friend)
    return ClaimResult(ClaimOutcome.WON, job, friend)


async def _move_offer(
    session: AsyncSession, job_id: int, friend_id: int, target: OfferStatus
) -> bool:
    """The Friend's offer for the job moves to `target` if the table allows it from where it is."""
    moved = await session.execute(
        update(Offer)
        .where(
            Offer.job_id == job_id,
            Offer.friend_id == friend_id,
            Offer.status.in_(sources_of(target)),
        )
        .values(status=target)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


async def decline_offer(session: AsyncSession, reference: str, messenger_id: str) -> bool:
    friend = await friend_by_psid(session, messenger_id)
    job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
    if friend is None or job is None:
        return False
    declined = await _move_offer(session, job.id, friend.id, OfferStatus.DECLINED)
    if declined:
        await session.execute(
            update(Friend).where(Friend.id == friend.id).values(declines=Friend.declines + 1)
        )
        record_event(session, job, f"friend:{friend.id}", "declined")
    await session.commit()
    return declined


async def held_job(session: AsyncSession, reference: str, messenger_id: str) -> Job | None:
    """The job if this Friend holds it now (assigned or contacted), else None."""
    return await session.scalar(
        select(Job)
        .join(Friend, Job.assigned_friend_id == Friend.id)
        .where(
            Job.reference == reference.upper(),
            Friend.messenger_id == messenger_id,
            Job.status.in_(WITH_FRIEND),
        )
    )


async def held_jobs(session: AsyncSession, friend_id: int) -> list[tuple[Job, Customer]]:
    """The jobs the Friend holds, with their customers, claimed first first."""
    rows = await session.execute(
        select(Job, Customer)
        .join(Customer, Customer.id == Job.customer_id)
        .where(Job.assigned_friend_id == friend_id, Job.status.in_(WITH_FRIEND))
        .order_by(Job.claimed_at)
    )
    return [(job, customer) for job, customer in rows.all()]


async def offered_references(session: AsyncSession, friend_id: int) -> list[str]:
    """The open jobs the Friend holds a live offer for, newest offer first."""
    return list(
        (
            await session.scalars(
                select(Job.reference)
                .join(Offer, Offer.job_id == Job.id)
                .where(
                    Offer.friend_id == friend_id,
                    Offer.status.in_(LIVE_OFFERS),
                    Job.status == JobStatus.OPEN,
                )
                .order_by(Offer.id.desc())
            )
        ).all()
    )


async def mark_contacted(
    session: AsyncSession, reference: str, messenger_id: str, now: datetime | None = None
) -> Job | None:
    """The Friend has called the customer: the contact deadline is met and cleared, and the
    customer's notice (EXTERNAL_friend_contacted) is stored with it. The job, or None when
    this Friend cannot report contact for it (not theirs, or not assigned any more)."""
    now = now or utcnow()
    friend = await friend_by_psid(session, messenger_id)
    if friend is None:
        return None
    job_id = await move_job(
        session,
        JobStatus.CONTACTED,
        Job.reference == reference.upper(),
        Job.assigned_friend_id == friend.id,
        contacted_at=now,
        contact_reminder_at=None,
        contact_deadline_at=None,
    )
    if job_id is None:
        await session.rollback()
        return None
    await session.execute(
        update(Friend)
        .where(Friend.id == friend.id)
        .values(contacted_in_time=Friend.contacted_in_time + 1)
    )
    job = await session.get(Job, job_id)
    if job is not None:
        record_event(session, job, f"friend:{friend.id}", "contacted")
        await store_notice(session, job, FRIEND_CONTACTED, friend_news(job, friend), now)
    await session.commit()
    return job


async def customer_unreachable(
    session: AsyncSession, reference: str, friend: Friend, now: datetime
) -> tuple[Job, int] | None:
    """One more failed attempt to reach the customer, and how many there were; at the limit,
    support is alerted. None when the Friend does not hold the job."""
    job = await held_job(session, reference, friend.messenger_id)
    if job is None:
        return None
    actor = f"friend:{friend.id}"
    count = await count_events(session, job, actor, "customer_unreachable") + 1
    record_event(session, job, actor, "customer_unreachable", attempt=count)
    if count == UNREACHABLE_ATTEMPTS:
        session.add(
            SupportAlert(
                kind="customer_unreachable",
                job_id=job.id,
                friend_id=friend.id,
                detail={"reference": job.reference, "attempts": count},
                created_at=now,
            )
        )
    await session.commit()
    return job, count


async def release_job(
    session: AsyncSession, job: Job, friend_id: int, offer_status: OfferStatus, now: datetime
) -> bool:
    """The job goes back to dispatch from wave 1, without this Friend (the caller commits).

    offer_status is MISSED (contact deadline passed) or HANDED_BACK; the Friend's counter of
    the same meaning goes up, and they are never offered this job again. False (the caller
    rolls back) when the Friend no longer holds the job.
    """
    released = await move_job(
        session,
        JobStatus.OPEN,
        Job.id == job.id,
        Job.assigned_friend_id == friend_id,
        assigned_friend_id=None,
        claimed_at=None,
        contact_reminder_at=None,
        contact_deadline_at=None,
        wave=0,
        next_wave_at=now,
    )
    if released is None:
        return False
    await _move_offer(session, job.id, friend_id, offer_status)
    counter = Friend.missed_deadlines if offer_status == OfferStatus.MISSED else Friend.hand_backs
    await session.execute(
        update(Friend).where(Friend.id == friend_id).values({counter: counter + 1})
    )
    return True


async def hand_back(
    session: AsyncSession, reference: str, messenger_id: str, now: datetime | None = None
) -> Job | None:
    """The Friend gives the job back before finishing it; None when they do not hold it."""
    now = now or utcnow()
    friend = await friend_by_psid(session, messenger_id)
    job = await held_job(session, reference, messenger_id) if friend else None
    if friend is None or job is None:
        return None
    if not await release_job(session, job, friend.id, OfferStatus.HANDED_BACK, now):
        await session.rollback()  # completed, cancelled or given back in the meantime
        return None
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
    await store_notice(session, job, "EXTERNAL_friend_handed_back", friend_news(job, friend), now)
    await session.commit()
    await session.refresh(job)
    return job
