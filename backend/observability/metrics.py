"""The backend's Prometheus metrics.

Counters and histograms are updated where things happen (outbox, claims, deadline sweep,
webhook middleware); gauges that describe the database (jobs by status, outbox depth, the
oldest overdue deadline) are read from it when /metrics is scraped, so they are right in every
process. Every process keeps its own counters: with several backend processes, scrape each.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from backend.adapters.orm import Job, OutboxMessage
from backend.domain.jobs import STATUSES
from backend.domain.statuses import JobStatus, OfferStatus

# A `_created` timestamp per series doubles what is scraped and no alert here needs it.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in 0.26

# Claims and webhook answers are fast when healthy; the upper buckets show a struggling database.
FAST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Deadlines: a healthy sweep is within a tick or two (5 s); hours mean the backend was down.
LAG_BUCKETS = (1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 24 * 3600.0)

JOBS = Gauge(
    "techfriends_jobs", "Jobs by status (read from the database at scrape time)", ["status"]
)
OUTBOX_DEPTH = Gauge(
    "techfriends_outbox_depth",
    "Messages waiting in the outbox, neither sent nor given up (at scrape time)",
    ["page"],
)
DEADLINE_OVERDUE = Gauge(
    "techfriends_deadline_overdue_seconds",
    "How long the oldest due deadline has been waiting for the sweep (0: none due)",
)
OFFERS = Counter(
    "techfriends_offers",
    "Offer messages to Friends by final outcome (sent, or failed after retries)",
    ["outcome"],
)
OUTBOX_ATTEMPTS = Counter(
    "techfriends_outbox_attempts",
    "Send attempts from the outbox by result (sent, retry, failed)",
    ["page", "result"],
)
CLAIM_SECONDS = Histogram(
    "techfriends_claim_seconds",
    "Time to decide a claim (one conditional UPDATE and its transaction), by outcome",
    ["outcome"],
    buckets=FAST_BUCKETS,
)
DEADLINE_LAG = Histogram(
    "techfriends_deadline_lag_seconds",
    "How late each deadline was handled after it fell due, by kind",
    ["kind"],
    buckets=LAG_BUCKETS,
)
SWEEP_LAG = Gauge(
    "techfriends_deadline_sweep_lag_seconds",
    "How late the oldest deadline handled by this process's last sweep was (0: none due)",
)
DATABASE_UP = Gauge(
    "techfriends_metrics_database_up",
    "1 when the last scrape could read the database gauges, 0 when they are stale",
)
WEBHOOK_ACK_SECONDS = Histogram(
    "techfriends_webhook_ack_seconds",
    "Time from receiving a Friends' webhook POST to answering it, by status code",
    ["status"],
    buckets=FAST_BUCKETS,
)

for _outcome in (OfferStatus.SENT, OfferStatus.FAILED):
    OFFERS.labels(_outcome)

# Each deadline the sweep handles, with the job status it applies to (deadlines.DeadlineSweep).
DEADLINE_COLUMNS: tuple[tuple[InstrumentedAttribute[datetime | None], str], ...] = (
    (Job.contact_deadline_at, JobStatus.ASSIGNED),
    (Job.contact_reminder_at, JobStatus.ASSIGNED),
    (Job.next_wave_at, JobStatus.OPEN),
    (Job.rating_reminder_at, JobStatus.COMPLETED),
)


def record_deadline(kind: str, due: datetime | None, handled: datetime) -> float:
    """A deadline of this kind fell due at `due` and was handled at `handled`; returns the lag."""
    if due is None:
        return 0.0
    lag = max(0.0, (handled - due).total_seconds())
    DEADLINE_LAG.labels(kind).observe(lag)
    return lag


async def refresh_from_database(
    sessions: async_sessionmaker[AsyncSession], now: datetime, pages: tuple[str, ...]
) -> None:
    """Set the gauges that describe the database; each is one cheap, indexed query."""
    async with sessions() as session:
        jobs: dict[str, int] = {
            status: count
            for status, count in await session.execute(
                select(Job.status, func.count()).group_by(Job.status)
            )
        }
        open_messages: ColumnElement[bool] = OutboxMessage.sent_at.is_(None) & (
            OutboxMessage.failed_at.is_(None)
        )
        depth: dict[str, int] = {
            page: count
            for page, count in await session.execute(
                select(OutboxMessage.page, func.count())
                .where(open_messages)
                .group_by(OutboxMessage.page)
            )
        }
        # One round trip for the four kinds; each MIN is an index range scan on its column.
        due = (
            await session.execute(
                select(
                    *(
                        select(func.min(column))
                        .where(column <= now, Job.status == status)
                        .scalar_subquery()
                        for column, status in DEADLINE_COLUMNS
                    )
                )
            )
        ).one()
    waiting: list[datetime] = [when for when in due if when is not None]
    oldest = min(waiting) if waiting else None
    # Statuses and pages that went to zero must read 0, not keep their last value.
    for status in set(STATUSES) | set(jobs):
        JOBS.labels(status).set(jobs.get(status, 0))
    for page in set(depth) | set(pages) | _known_labels(OUTBOX_DEPTH):
        OUTBOX_DEPTH.labels(page).set(depth.get(page, 0))
    DEADLINE_OVERDUE.set(0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))


def _known_labels(gauge: Gauge) -> set[str]:
    return {sample.labels["page"] for metric in gauge.collect() for sample in metric.samples}
