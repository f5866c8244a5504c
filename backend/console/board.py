"""What the jobs board and the Friends page show, and the support actions on jobs and Friends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import (
    Customer,
    Friend,
    Job,
    LedgerEntry,
    Offer,
    QuizAttempt,
    SupportAlert,
)
from backend.domain import quiz as quiz_rules
from backend.domain.statuses import (
    FINAL_JOB_STATUSES,
    WITH_FRIEND,
    FriendStatus,
    JobStatus,
    OfferStatus,
    can_move,
    sources_of,
)
from backend.services.jobs import record_event

# Unassigned first: those need support most.
OPEN_STATUSES: tuple[JobStatus, ...] = (
    JobStatus.UNASSIGNED,
    JobStatus.OPEN,
    *WITH_FRIEND,
)
CLOSED_STATUSES = FINAL_JOB_STATUSES
# Back to wave 0: an unassigned job moves to open, an open one starts its waves again.
REDISPATCHABLE: tuple[JobStatus, ...] = (
    JobStatus.OPEN,
    *sources_of(JobStatus.OPEN) - {*WITH_FRIEND},
)
# Friends whose quiz results support looks at before activating or rejecting them.
VETTING_STATUSES = (FriendStatus.APPLICANT, FriendStatus.VETTED)
# What support may do to a Friend, by the Friend's current status.
FRIEND_ACTIONS: dict[str, tuple[tuple[FriendStatus, ...], FriendStatus]] = {
    "activate": (
        (
            FriendStatus.APPLICANT,
            FriendStatus.VETTED,
            FriendStatus.PAUSED,
            FriendStatus.SUSPENDED,
            FriendStatus.REJECTED,
        ),
        FriendStatus.ACTIVE,
    ),
    "reject": ((FriendStatus.APPLICANT, FriendStatus.VETTED), FriendStatus.REJECTED),
    "suspend": (
        (FriendStatus.ACTIVE, FriendStatus.PAUSED, FriendStatus.VETTED),
        FriendStatus.SUSPENDED,
    ),
}


@dataclass(frozen=True)
class BoardRow:
    job: Job
    customer_id: str  # their id on their channel: the conversation's id
    friend_name: str
    overdue: bool
    due_at: datetime | None


def urgency(job: Job, now: datetime) -> tuple[int, float]:
    """Sort key: unassigned first, then overdue, then the nearest deadline."""
    due = job.contact_deadline_at or job.next_wave_at
    overdue = job.contact_deadline_at is not None and job.contact_deadline_at < now
    rank = 0 if job.status == JobStatus.UNASSIGNED else 1 if overdue else 2
    return rank, due.timestamp() if due else float("inf")


def _jobs_with_names(statuses: tuple[str, ...]) -> Select[Job, str, str]:
    """Jobs in these statuses, with the customer's id and the assigned Friend's name."""
    return (
        select(Job, Customer.channel_id, Friend.name)
        .join(Customer, Job.customer_id == Customer.id)
        .outerjoin(Friend, Job.assigned_friend_id == Friend.id)
        .where(Job.status.in_(statuses))
    )


async def board(session: AsyncSession, now: datetime, closed_limit: int = 50) -> list[BoardRow]:
    active = (await session.execute(_jobs_with_names(OPEN_STATUSES).limit(1000))).all()
    closed = (
        await session.execute(
            _jobs_with_names(CLOSED_STATUSES).order_by(Job.id.desc()).limit(closed_limit)
        )
    ).all()
    rows = sorted(active, key=lambda r: urgency(r[0], now)) + list(closed)
    return [
        BoardRow(
            job=job,
            customer_id=customer_id,
            friend_name=name or "",
            overdue=job.contact_deadline_at is not None
            and job.contact_deadline_at < now
            and job.status in OPEN_STATUSES,
            due_at=(job.contact_deadline_at or job.next_wave_at)
            if job.status in OPEN_STATUSES
            else None,
        )
        for job, customer_id, name in rows
    ]


async def open_alerts(session: AsyncSession) -> list[tuple[SupportAlert, str]]:
    rows = await session.execute(
        select(SupportAlert, Job.reference)
        .outerjoin(Job, SupportAlert.job_id == Job.id)
        .where(SupportAlert.resolved_at.is_(None))
        .order_by(SupportAlert.created_at.desc())
        .limit(100)
    )
    return [(alert, reference or "") for alert, reference in rows]


async def reopen_for_dispatch(session: AsyncSession, job: Job, by: str, now: datetime) -> bool:
    """Put an open or unassigned job back at wave 0, due now (the caller dispatches wave 1)."""
    reopened = await session.scalar(
        update(Job)
        .where(Job.id == job.id, Job.status.in_(REDISPATCHABLE))
        .values(status=JobStatus.OPEN, wave=0, next_wave_at=now, unassigned_at=None)
        .returning(Job.id)
    )
    if reopened is None:
        await session.rollback()
        return False
    record_event(session, job, by, "redispatched")
    await session.commit()
    return True


@dataclass(frozen=True)
class QuizResult:
    """One quiz attempt as support sees it."""

    per_skill: dict[str, tuple[int, int]]  # skill → (right, answered)
    right: int
    total: int
    passed: bool | None
    finished_at: datetime | None


def quiz_result(attempt: QuizAttempt, bank: dict[str, quiz_rules.Question]) -> QuizResult:
    """Right answers per skill; a question dropped from the bank since is left out."""
    pairs = [
        (question, int(answer))
        for question, answer in zip(attempt.questions, attempt.answers, strict=False)
        if question in bank and str(answer).isdigit()
    ]
    tally = quiz_rules.score(
        bank, [q for q, _ in pairs], [a for _, a in pairs], quiz_rules.QuizPolicy()
    )
    return QuizResult(
        per_skill=dict(sorted(tally.per_skill.items())),
        right=attempt.score,
        total=len(attempt.questions),
        passed=attempt.passed if attempt.finished_at is not None else None,
        finished_at=attempt.finished_at,
    )


@dataclass(frozen=True)
class FriendRow:
    friend: Friend
    offers: int
    earnings: dict[str, Decimal]
    quiz: list[QuizResult]


async def friend_rows(
    session: AsyncSession, bank: dict[str, quiz_rules.Question]
) -> list[FriendRow]:
    friends = (await session.scalars(select(Friend).order_by(Friend.name, Friend.id))).all()
    quizzes: dict[int, list[QuizResult]] = {}
    for attempt in await session.scalars(
        select(QuizAttempt)
        .join(Friend, QuizAttempt.friend_id == Friend.id)
        .where(Friend.status.in_(VETTING_STATUSES))
        .order_by(QuizAttempt.id)
    ):
        quizzes.setdefault(attempt.friend_id, []).append(quiz_result(attempt, bank))
    offers = {
        friend_id: count
        for friend_id, count in await session.execute(
            select(Offer.friend_id, func.count(Offer.id)).group_by(Offer.friend_id)
        )
    }
    earnings: dict[int, dict[str, Decimal]] = {}
    for friend_id, currency, total in await session.execute(
        select(LedgerEntry.friend_id, LedgerEntry.currency, func.sum(LedgerEntry.payout)).group_by(
            LedgerEntry.friend_id, LedgerEntry.currency
        )
    ):
        earnings.setdefault(friend_id, {})[currency] = Decimal(total or 0)
    return [
        FriendRow(f, offers.get(f.id, 0), earnings.get(f.id, {}), quizzes.get(f.id, []))
        for f in friends
    ]


async def change_friend_status(session: AsyncSession, friend_id: int, action: str) -> str | None:
    """The new status, or None when the action does not apply to this Friend now."""
    allowed = FRIEND_ACTIONS.get(action)
    if allowed is None:
        return None
    sources, target = allowed
    changed = await session.scalar(
        update(Friend)
        .where(Friend.id == friend_id, Friend.status.in_(sources))
        .values(status=target)
        .returning(Friend.id)
    )
    if changed is None:
        await session.rollback()
        return None
    await session.commit()
    return target


async def resolve_alert(session: AsyncSession, alert_id: int, now: datetime) -> bool:
    resolved = await session.scalar(
        update(SupportAlert)
        .where(SupportAlert.id == alert_id, SupportAlert.resolved_at.is_(None))
        .values(resolved_at=now)
        .returning(SupportAlert.id)
    )
    await session.commit()
    return resolved is not None


# Support may hand a job to a Friend while nobody holds it.
ASSIGNABLE = REDISPATCHABLE


async def prepare_assignment(
    session: AsyncSession, job: Job, friend: Friend, by: str, now: datetime
) -> bool:
    """Make support's choice of Friend claimable: the job open, an offer to that Friend.

    The claim itself (and telling the Friend and the customer) is the ordinary claim path.
    """
    if job.status not in ASSIGNABLE or friend.status != FriendStatus.ACTIVE:
        return False
    offer = await session.scalar(
        select(Offer).where(Offer.job_id == job.id, Offer.friend_id == friend.id)
    )
    if (
        offer is not None
        and offer.status != OfferStatus.SENT
        and not can_move(OfferStatus(offer.status), OfferStatus.SENT)
    ):
        return False
    job.status = JobStatus.OPEN
    if offer is None:
        session.add(
            Offer(
                job_id=job.id,
                friend_id=friend.id,
                wave=max(job.wave, 1),
                status=OfferStatus.SENT,
                created_at=now,
                sent_at=now,
            )
        )
    else:
        offer.status = OfferStatus.SENT
    record_event(session, job, by, "assigned_by_support", friend=friend.name)
    await session.commit()
    return True


async def active_friends(session: AsyncSession) -> list[Friend]:
    return list(
        (
            await session.scalars(
                select(Friend)
                .where(Friend.status == FriendStatus.ACTIVE)
                .order_by(Friend.name)
                .limit(500)
            )
        ).all()
    )
