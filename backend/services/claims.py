"""First claim wins: one conditional UPDATE decides, never a read-modify-write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Friend, Job, Offer, OutboxMessage, utcnow
from backend.domain.claims import ClaimOutcome, may_try_to_claim
from backend.services.jobs import record_event

LIVE_OFFERS = ("queued", "sent")


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


async def claim_job(session: AsyncSession, reference: str, messenger_id: str) -> ClaimResult:
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
    was_offered = offer is not None and offer.status != "not_reachable"
    refusal = may_try_to_claim(friend.status, was_offered)
    if refusal is not None:
        return ClaimResult(refusal, job, friend)

    now = utcnow()
    won = await session.scalar(
        update(Job)
        .where(Job.id == job.id, Job.status == "open")
        .values(status="claimed", assigned_friend_id=friend.id, claimed_at=now)
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
    record_event(session, job, f"friend:{friend.id}", "claimed", friend=friend.name)
    await session.commit()
    await session.refresh(job)
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
        record_event(session, job, f"friend:{friend.id}", "declined")
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_contacted(session: AsyncSession, reference: str, messenger_id: str) -> bool:
    friend = await session.scalar(select(Friend).where(Friend.messenger_id == messenger_id))
    if friend is None:
        return False
    job_id = await session.scalar(
        update(Job)
        .where(
            Job.reference == reference.upper(),
            Job.assigned_friend_id == friend.id,
            Job.status == "claimed",
        )
        .values(status="contacted")
        .returning(Job.id)
    )
    if job_id is None:
        await session.rollback()
        return False
    job = await session.get(Job, job_id)
    if job is not None:
        record_event(session, job, f"friend:{friend.id}", "contacted")
    await session.commit()
    return True
