"""The deadline sweep: due rows are the truth, the scheduler only decides when to look.

Each kind of deadline is a column on jobs. A sweep takes the due rows one by one and handles
each in its own transaction, first claiming the row with a conditional UPDATE on the deadline
value it saw (on PostgreSQL the row is also locked with FOR UPDATE SKIP LOCKED, so a second
process skips it instead of waiting). So a deadline fires exactly once across restarts and
processes, and after downtime every overdue deadline fires at the first sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from backend.adapters.messenger import text_message
from backend.adapters.orm import (
    CustomerNotice,
    Friend,
    InboxEvent,
    Job,
    OutboxMessage,
    Rating,
    SupportAlert,
)
from backend.adapters.rasa import RasaClient
from backend.adapters.sweeping import next_untried
from backend.config import Settings
from backend.domain.packages import Package
from backend.domain.statuses import JobStatus, OfferStatus
from backend.friends_chat import messages
from backend.observability.metrics import SWEEP_LAG, record_deadline
from backend.services import outbox
from backend.services.claims import release_job
from backend.services.customer_news import NoticeSender, friend_news, store_notice
from backend.services.dispatch import advance_wave
from backend.services.jobs import record_event
from backend.services.outbox import FRIENDS_PAGE
from messenger_platform.send_policy import OutsideWindowError
from product.languages import first_of

log = logging.getLogger(__name__)

BATCH = 200
# Handled webhook events and finished outbox messages are kept this long, then deleted. Events
# older than messenger_platform/freshness.py's MAX_AGE (48 hours) are refused as replays.
RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Fired:
    """A deadline was handled (by this process); told: a customer notice was stored with it."""

    told: bool = False


# None: not handled here (no longer due, or another process was quicker).
Handler = Callable[[AsyncSession, Job, datetime], Awaitable[Fired | None]]


@dataclass
class DeadlineSweep:
    sessions: async_sessionmaker[AsyncSession]
    packages: dict[str, Package]
    settings: Settings
    rasa: RasaClient
    wake_outbox: Callable[[], None]
    # At most this many rows of each kind per sweep; the rest wait for the next tick.
    batch: int = BATCH
    _queued: bool = field(default=False, init=False)
    _lag: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.notices = NoticeSender(self.sessions, self.rasa, self.settings.clock)

    async def sweep(self) -> dict[str, int]:
        """Handle every due deadline once; returns how many of each kind fired."""
        now = self.settings.clock()
        self._queued = False
        self._lag = 0.0
        # The contact deadline goes first: a job lost at 12 h needs no 8 h reminder any more,
        # and it comes back with a due wave that the wave step then sends.
        counts = {
            "contact_deadline": await self._each_due(
                Job.contact_deadline_at, JobStatus.ASSIGNED, now, self._missed_deadline
            ),
            # Not for a job whose deadline has passed too (more were due than one sweep takes):
            # the next sweep takes it away, a reminder now would only confuse.
            "contact_reminder": await self._each_due(
                Job.contact_reminder_at,
                JobStatus.ASSIGNED,
                now,
                self._contact_reminder,
                or_(Job.contact_deadline_at.is_(None), Job.contact_deadline_at > now),
            ),
            "wave": await self._each_due(Job.next_wave_at, JobStatus.OPEN, now, self._wave),
            "rating_reminder": await self._each_due(
                Job.rating_reminder_at, JobStatus.COMPLETED, now, self._rating_reminder
            ),
            "retention": await self._retention(now),
            # What could not be told right away (Rasa away, a process killed after a commit).
            "notices": await self.notices.send_due(),
        }
        SWEEP_LAG.set(self._lag)
        if self._queued:
            self.wake_outbox()
        return counts

    async def _each_due(
        self,
        column: InstrumentedAttribute[datetime | None],
        status: JobStatus,
        now: datetime,
        handle: Handler,
        *also: ColumnElement[bool],
    ) -> int:
        fired = 0
        tried: set[int] = set()
        while len(tried) < self.batch:
            fired_here: Fired | None = None
            async with self.sessions() as session:
                query = (
                    select(Job)
                    .where(column <= now, Job.status == status, *also)
                    .order_by(column, Job.id)
                    .limit(1)
                )
                job = await next_untried(session, query, Job.id, tried)
                if job is None:
                    return fired
                due = getattr(job, column.key)  # read now: handling expires the object
                try:
                    fired_here = await handle(session, job, now)
                except Exception:  # one bad row must not stop the others
                    log.exception("deadline %s of job %s failed", column.key, job.id)
                    await session.rollback()
                    continue
            if fired_here is None:
                continue
            fired += 1
            kind = column.key.removesuffix("_at")
            self._lag = max(self._lag, record_deadline(kind, due, self.settings.clock()))
            if fired_here.told:
                # Stored with the deadline's change; told now, or by a later sweep.
                await self.notices.send_due(job_id=job.id)
        return fired

    async def _say(
        self, session: AsyncSession, friend: Friend, message: dict[str, Any], now: datetime
    ) -> bool:
        try:
            await outbox.enqueue(session, FRIENDS_PAGE, friend.messenger_id, message, now)
        except OutsideWindowError:
            return False
        self._queued = True
        return True

    async def _missed_deadline(
        self, session: AsyncSession, job: Job, now: datetime
    ) -> Fired | None:
        friend_id = job.assigned_friend_id
        taken = await _take(session, job, Job.contact_deadline_at, JobStatus.ASSIGNED)
        if (
            not taken
            or friend_id is None
            or not await release_job(session, job, friend_id, OfferStatus.MISSED, now)
        ):
            await session.rollback()
            return None
        friend = await session.get(Friend, friend_id)
        session.add(
            SupportAlert(
                kind="missed_deadline",
                job_id=job.id,
                friend_id=friend_id,
                detail={"reference": job.reference, "friend": friend.name if friend else ""},
                created_at=now,
            )
        )
        record_event(session, job, "system", "missed_deadline", friend_id=friend_id)
        if friend is not None:
            language = first_of(friend.languages)
            deadline = self.settings.deadlines.contact_deadline
            told = await self._say(
                session, friend, text_message(messages.lost_job(job, language, deadline)), now
            )
            if not told:
                record_event(session, job, "system", "friend_not_reachable", message="lost_job")
        await store_notice(
            session,
            job,
            "EXTERNAL_friend_missed_deadline",
            {"job_reference": job.reference},
            now,
        )
        await session.commit()
        log.info("job %s: Friend %s missed the contact deadline", job.reference, friend_id)
        return Fired(told=True)

    async def _contact_reminder(
        self, session: AsyncSession, job: Job, now: datetime
    ) -> Fired | None:
        claimed = await _take(session, job, Job.contact_reminder_at, JobStatus.ASSIGNED)
        friend = await session.get(Friend, job.assigned_friend_id or 0)
        if not claimed or friend is None:
            await session.rollback()
            return None
        policy = self.settings.deadlines
        message = messages.contact_reminder(
            job, first_of(friend.languages), policy.contact_deadline - policy.contact_reminder
        )
        told = await self._say(session, friend, message, now)
        record_event(session, job, "system", "contact_reminder", sent=told)
        await session.commit()
        return Fired()

    async def _wave(self, session: AsyncSession, job: Job, now: datetime) -> Fired | None:
        result = await advance_wave(session, self.packages, self.settings.waves, job, now)
        if result.queued:
            self._queued = True
        if result.outcome == "skipped":
            return None
        # Unassigned: advance_wave stored the customer's notice with it.
        return Fired(told=result.outcome != "offered")

    async def _rating_reminder(
        self, session: AsyncSession, job: Job, now: datetime
    ) -> Fired | None:
        if not await _take(session, job, Job.rating_reminder_at, JobStatus.COMPLETED):
            await session.rollback()
            return None
        rated = await session.scalar(select(Rating.id).where(Rating.job_id == job.id))
        friend = await session.get(Friend, job.assigned_friend_id or 0)
        if rated is None:
            record_event(session, job, "system", "rating_reminder")
            await store_notice(
                session, job, "EXTERNAL_rating_reminder", friend_news(job, friend), now
            )
        await session.commit()
        return None if rated is not None else Fired(told=True)

    async def _retention(self, now: datetime) -> int:
        cutoff = now - RETENTION
        async with self.sessions() as session:
            inbox = await session.execute(delete(InboxEvent).where(InboxEvent.handled_at < cutoff))
            sent = await session.execute(
                delete(OutboxMessage).where(
                    (OutboxMessage.sent_at < cutoff) | (OutboxMessage.failed_at < cutoff)
                )
            )
            # The job's events keep what the customer was told; the notice itself is done.
            told = await session.execute(
                delete(CustomerNotice).where(
                    CustomerNotice.status != "pending", CustomerNotice.created_at < cutoff
                )
            )
            await session.commit()
        counts: list[int | None] = [inbox.rowcount, sent.rowcount, told.rowcount]  # type: ignore[attr-defined]
        return sum(n or 0 for n in counts)


async def _take(
    session: AsyncSession,
    job: Job,
    column: InstrumentedAttribute[datetime | None],
    status: JobStatus,
) -> bool:
    """Claim the job's due deadline: clear it, conditional on the status and the value seen, so
    it fires once however many sweeps saw it. The caller rolls back when this is False."""
    claimed = await session.scalar(
        update(Job)
        .where(Job.id == job.id, Job.status == status, column == getattr(job, column.key))
        .values({column: None})
        .returning(Job.id)
    )
    return claimed is not None
