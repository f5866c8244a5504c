"""Webhook events are stored before Meta gets its 200, then handled one by one.

A redelivered event (same key) is stored once; an event stored but not yet handled when the
process stopped is handled after the restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import InboxEvent, utcnow
from backend.services.outbox import record_inbound
from messenger_platform.events import InboundEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(seconds=30)
Handler = Callable[[InboundEvent], Awaitable[None]]


async def store_events(
    session: AsyncSession, page: str, events: list[InboundEvent], now: datetime | None = None
) -> int:
    """Persist new events in one statement; returns how many were new (the rest redeliveries)."""
    if not events:
        return 0
    now = now or utcnow()
    rows = [
        {
            "key": e.dedupe_key,
            "page": page,
            "sender_id": e.sender_id,
            "event": e.to_json(),
            "received_at": now,
            "attempts": 0,
        }
        for e in events
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stored = await session.scalars(
        insert(InboxEvent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(InboxEvent.key)
    )
    new = len(stored.all())
    await record_inbound(session, page, {e.sender_id for e in events}, now)
    await session.commit()
    return new


async def process_pending(
    sessions: async_sessionmaker[AsyncSession],
    page: str,
    handle: Handler,
    stopping: asyncio.Event | None = None,
) -> int:
    """Handle every stored, unhandled event in arrival order; returns how many were handled."""
    handled = 0
    while stopping is None or not stopping.is_set():
        async with sessions() as session:
            now = utcnow()
            row = await session.scalar(
                select(InboxEvent)
                .where(
                    InboxEvent.page == page,
                    InboxEvent.handled_at.is_(None),
                    or_(InboxEvent.leased_until.is_(None), InboxEvent.leased_until <= now),
                )
                .order_by(InboxEvent.received_at, InboxEvent.key)
                .limit(1)
            )
            if row is None:
                return handled
            # Take the event with a conditional UPDATE on the lease seen: another backend
            # process that read the same row finds it taken and moves on.
            seen = row.leased_until
            taken = await session.scalar(
                update(InboxEvent)
                .where(
                    InboxEvent.key == row.key,
                    InboxEvent.handled_at.is_(None),
                    InboxEvent.leased_until.is_(None)
                    if seen is None
                    else InboxEvent.leased_until == seen,
                )
                .values(attempts=InboxEvent.attempts + 1, leased_until=now + LEASE)
                .returning(InboxEvent.attempts)
            )
            await session.commit()
            if taken is None:
                continue
            attempts = int(taken)
            try:
                await handle(InboundEvent.from_json(row.event))
            except Exception:
                log.exception("handling webhook event %s failed (attempt %d)", row.key, attempts)
                if attempts < MAX_ATTEMPTS:
                    # Left for a later round (when the lease has run out), not retried now.
                    return handled
            await session.execute(
                update(InboxEvent).where(InboxEvent.key == row.key).values(handled_at=utcnow())
            )
            await session.commit()
            handled += 1
    return handled
