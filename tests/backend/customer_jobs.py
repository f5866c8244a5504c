"""Jobs for the status page and mail tests, written straight through the ORM in any status
(a web-chat customer with an optional e-mail), and a real SMTP server to receive mail."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer, Friend, Job
from backend.domain.jobs import new_reference
from backend.domain.statuses import JobStatus
from simulator.mailbox import Mailbox, start_smtp

# Where each status's job stands: the timestamps the use cases would have set.
_MOMENTS = {
    JobStatus.OPEN: (),
    JobStatus.ASSIGNED: ("claimed_at",),
    JobStatus.CONTACTED: ("claimed_at", "contacted_at"),
    JobStatus.COMPLETED: ("claimed_at", "contacted_at", "completed_at"),
    JobStatus.CANCELLED: ("cancelled_at",),
    JobStatus.UNASSIGNED: ("unassigned_at",),
}
WITH_FRIEND = (JobStatus.ASSIGNED, JobStatus.CONTACTED, JobStatus.COMPLETED)


@dataclass(frozen=True)
class MadeJob:
    id: int
    reference: str
    token: str
    customer_id: int
    friend_id: int | None


@asynccontextmanager
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def make_job(
    db_url: str,
    now: datetime,
    status: JobStatus = JobStatus.OPEN,
    *,
    language: str = "de",
    country: str = "DE",
    email: str = "",
    name: str = "Erika Muster",
    ended_days_ago: float = 0,
    window_start: datetime | None = None,
) -> MadeJob:
    """A job in `status` (with a Friend, Anna Schmidt, where the status has one)."""
    ended = now - timedelta(days=ended_days_ago)
    start = window_start or now + timedelta(days=2)
    async with sessions(db_url) as make, make() as session:
        customer = Customer(
            channel="webchat",
            channel_id="web-" + uuid.uuid4().hex,
            email=email,
            name=name,
            phone="0171 9876543",
            language=language,
            country=country,
        )
        session.add(customer)
        friend = None
        if status in WITH_FRIEND:
            friend = Friend(
                name="Anna Schmidt",
                messenger_id="friend-" + uuid.uuid4().hex[:12],
                postal_code="10117",
                country="DE",
                latitude=52.517,
                longitude=13.388,
                radius_km=15,
                skills=["internet_wifi"],
                languages=["de", "en"],
                status="active",
            )
            session.add(friend)
        await session.flush()
        moments: dict[str, Any] = dict.fromkeys(_MOMENTS[status], ended)
        job = Job(
            reference=new_reference(),
            status=status,
            category="internet_wifi",
            description="Mein WLAN bricht ständig ab",
            package="quick_help",
            country=country,
            postal_code="10115",
            city="Berlin",
            street="Invalidenstraße 1",
            latitude=52.53,
            longitude=13.38,
            window_start=start,
            window_end=start + timedelta(hours=3),
            customer_id=customer.id,
            channel="webchat",
            assigned_friend_id=friend.id if friend else None,
            created_at=now - timedelta(days=ended_days_ago + 1),
            **moments,
        )
        session.add(job)
        await session.commit()
        assert job.status_token
        return MadeJob(job.id, job.reference, job.status_token, customer.id, job.assigned_friend_id)


@asynccontextmanager
async def smtp_server(mailbox: Mailbox, port: int = 0) -> AsyncIterator[int]:
    """A real SMTP server (aiosmtpd) on loopback; yields its port."""
    server = await start_smtp(mailbox, "127.0.0.1", port)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def wait_for_mails(mailbox: Mailbox, count: int, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while len(mailbox.mails) < count:
            mailbox.arrived.clear()
            await mailbox.arrived.wait()
