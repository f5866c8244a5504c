"""A job after booking: cancellation by the customer (or support, or a partner) and rating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Customer, Friend, Job, Rating, utcnow
from backend.domain.jobs import CustomerKey
from backend.domain.statuses import JobStatus
from backend.services.claims import withdraw_offers
from backend.services.customer_news import cancelled_news, store_notice
from backend.services.customer_texts import JOB_CANCELLED
from backend.services.jobs import move_job, of_customer, record_event


class LifecycleError(Exception):
    """The request is valid but the job's state does not allow it (answered with 409)."""


@dataclass(frozen=True)
class Cancelled:
    job: Job
    friend: Friend | None  # the Friend who had the job, to be told


async def cancel_job(
    session: AsyncSession,
    reference: str,
    reason: str,
    by: str,
    now: datetime | None = None,
    *,
    notify_customer: bool = True,
) -> Cancelled | None:
    """None when there is no such job; LifecycleError when it can no longer be cancelled.

    Every pending deadline of the job (next wave, contact reminder and deadline) is cleared.
    `by` is "customer", "partner" or "support" (the console adds ":<staff e-mail>"). The
    customer's chat (and e-mail) gets EXTERNAL_job_cancelled in the same transaction, unless
    notify_customer is False: the assistant cancels for the customer who asked it in the chat
    and answers them there itself.
    """
    now = now or utcnow()
    job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
    if job is None:
        return None
    job_id = job.id  # read now: a rollback expires the object
    # The table says which statuses may still be cancelled.
    cancelled_id = await move_job(
        session,
        JobStatus.CANCELLED,
        Job.id == job.id,
        cancelled_at=now,
        cancel_reason=reason,
        next_wave_at=None,
        contact_reminder_at=None,
        contact_deadline_at=None,
    )
    if cancelled_id is None:
        await session.rollback()
        status = await session.scalar(select(Job.status).where(Job.id == job_id))
        raise LifecycleError(f"job is {status} and can no longer be cancelled")
    await withdraw_offers(session, job.id, now)
    record_event(session, job, by, "cancelled", reason=reason)
    if notify_customer:
        await store_notice(session, job, JOB_CANCELLED, cancelled_news(job, by), now)
    await session.commit()
    await session.refresh(job)
    friend = await session.get(Friend, job.assigned_friend_id) if job.assigned_friend_id else None
    return Cancelled(job, friend)


async def rate_job(
    session: AsyncSession, reference: str, stars: int, comment: str, customer: CustomerKey
) -> Rating | None:
    """None when there is no such job for this customer; LifecycleError when not ratable."""
    job = await session.scalar(
        select(Job)
        .join(Customer, Job.customer_id == Customer.id)
        .where(Job.reference == reference.upper(), of_customer(customer))
    )
    if job is None:
        return None
    return await rate_found_job(session, job, stars, comment)


async def rate_found_job(session: AsyncSession, job: Job, stars: int, comment: str) -> Rating:
    """Rate a job the caller found for its customer (the API by customer, the status page by
    its token); LifecycleError when it is not completed or rated already."""
    if job.status != JobStatus.COMPLETED or job.assigned_friend_id is None:
        raise LifecycleError("only a completed job can be rated")
    rating = Rating(job_id=job.id, friend_id=job.assigned_friend_id, stars=stars, comment=comment)
    session.add(rating)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise LifecycleError("this job has been rated already") from exc
    # The Friend's rating is the mean of all their ratings; it ranks who gets offers first.
    average = await session.scalar(
        select(func.avg(Rating.stars)).where(Rating.friend_id == job.assigned_friend_id)
    )
    count = await session.scalar(
        select(func.count()).select_from(Rating).where(Rating.friend_id == job.assigned_friend_id)
    )
    await session.execute(
        update(Friend)
        .where(Friend.id == job.assigned_friend_id)
        .values(rating=round(float(average or stars), 2), rating_count=count or 1)
    )
    # Rated: no reminder needed any more.
    await session.execute(update(Job).where(Job.id == job.id).values(rating_reminder_at=None))
    record_event(session, job, "customer", "rated", stars=stars)
    await session.commit()
    return rating
