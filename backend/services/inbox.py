"""Webhook events are stored before Meta gets its 200, then handled one by one.

A redelivered event (same key) is stored once; an event stored but not yet handled when the
process stopped is handled after the restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import InboxEvent, utcnow
from backend.adapters.sqlite_writes import urgent_writes
from backend.services.outbox import record_inbound
from backend.services.outbox_causes import handling
from messenger_platform.events import InboundEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(seconds=30)
Handler = Callable[[InboundEvent], Awaitable[None]]
_INBOX = cast(Table, InboxEvent.__table__)


async def store_events(
    session: AsyncSession, page: str, events: list[InboundEvent], now: datetime | None = None
) -> int:
    """Persist new events in one statement; returns how many were new (the rest redeliveries)."""
    return (await _store(session, page, [(events, now or utcnow())]))[0]


async def _store(
    session: AsyncSession, page: str, deliveries: list[tuple[list[InboundEvent], datetime]]
) -> list[int]:
    """Several webhook deliveries in one transaction; how many events of each were new."""
    rows = [
        {
            "key": e.dedupe_key,
            "page": page,
            "sender_id": e.sender_id,
            "event": e.to_json(),
            "received_at": now,
            "attempts": 0,
        }
        for events, now in deliveries
        for e in events
    ]
    if not rows:
        return [0 for _ in deliveries]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # The rows go as parameters of one cached statement (SQLAlchemy still sends them as one
    # multi-row INSERT): rows inlined with .values() made a new statement to compile for
    # every group, about 1.5 ms of the acknowledging process's time.
    stored = set(
        (
            await session.execute(
                insert(_INBOX)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(_INBOX.c.key),
                rows,
            )
        )
        .scalars()
        .all()
    )
    # One statement for the whole group: the deliveries arrived within one commit of each
    # other, so starting every sender's 24-hour window at the group's latest arrival moves it
    # by milliseconds, where a statement per delivery cost the acknowledgement ~1 ms each.
    senders = {e.sender_id for events, _ in deliveries for e in events}
    await record_inbound(session, page, senders, max(now for _, now in deliveries))
    await session.commit()
    counts = []
    for events, _now in deliveries:
        # A key new in this transaction counts once, for the first delivery that carried it.
        new = [e.dedupe_key for e in events if e.dedupe_key in stored]
        stored -= set(new)
        counts.append(len(new))
    return counts


class GroupCommit:
    """Webhook deliveries that arrive while one is being stored are stored together, in one
    transaction, as soon as that one has committed.

    Each commit waits for the disk (fsync), and SQLite commits one at a time: ten concurrent
    POSTs stored one by one queued behind up to ten fsyncs each. Grouped, a POST waits for at
    most the commit in flight and its own. Every caller still returns only after its events
    are committed, so nothing is acknowledged before it is stored.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], page: str) -> None:
        self._sessions = sessions
        self._page = page
        self._waiting: list[tuple[list[InboundEvent], datetime, asyncio.Future[int]]] = []
        self._lock = asyncio.Lock()

    async def store(self, events: list[InboundEvent], now: datetime) -> int:
        """Stores the events (with whatever else is waiting); how many were new."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((events, now, done))
        async with self._lock:
            # Whoever holds the lock stores everything that is waiting, so a caller whose
            # events went with an earlier group finds its answer already here.
            if not done.done():
                group, self._waiting = self._waiting, []
                try:
                    with urgent_writes():
                        async with self._sessions() as session:
                            counts = await _store(
                                session, self._page, [(e, t) for e, t, _ in group]
                            )
                            # Committed: the others are answered now, not after the pool's
                            # reset of the connection (one more trip to the driver's thread).
                            for (_, _, waiter), count in zip(group, counts, strict=True):
                                waiter.set_result(count)
                except Exception as exc:
                    if done.done():  # stored and answered; only closing the session failed
                        log.exception("friends inbox: closing the session after a commit failed")
                    for _, _, waiter in group:
                        if not waiter.done():
                            waiter.set_exception(exc)
        return await done


async def inbox_has_pending(sessions: async_sessionmaker[AsyncSession], page: str) -> bool:
    """Whether `process_pending` would find an event to take now."""
    async with sessions() as session:
        key = await session.scalar(
            select(InboxEvent.key).where(*_takeable(page, utcnow())).limit(1)
        )
    return key is not None


def _takeable(page: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        InboxEvent.page == page,
        InboxEvent.handled_at.is_(None),
        or_(InboxEvent.leased_until.is_(None), InboxEvent.leased_until <= now),
    )


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
                .where(*_takeable(page, now))
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
                with handling(row.key):
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
