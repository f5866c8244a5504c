"""Webhook deliveries that arrive together are stored together: every event once, each
delivery told how many of its events were new, in far fewer transactions than deliveries."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, func, select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import InboxEvent, MessengerContact
from backend.config import Settings
from backend.services.inbox import GroupCommit
from messenger_platform.events import InboundEvent, parse_body
from simulator.webhook_bodies import page_body, text_event


def _events(sender: str, mid: str) -> list[InboundEvent]:
    body = page_body("friends-page", [text_event(sender, "friends-page", "hallo", mid=mid)])
    return parse_body(json.dumps(body).encode())


async def test_concurrent_deliveries_are_stored_once_in_few_transactions(
    settings: Settings,
) -> None:
    engine = make_engine(settings.database_url)
    commits = 0

    def count(_conn: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(engine.sync_engine, "commit", count)
    inbox = GroupCommit(make_sessionmaker(engine), "friends")
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    deliveries = [_events(f"sender-{i % 7}", f"mid-{i}") for i in range(30)]
    # Meta redelivers mid-3 while the first delivery may still be waiting to be stored.
    deliveries.append(_events("sender-3", "mid-3"))
    try:
        counts = await asyncio.gather(*(inbox.store(d, now) for d in deliveries))
        async with make_sessionmaker(engine)() as session:
            stored = await session.scalar(select(func.count()).select_from(InboxEvent))
            windows = await session.scalar(select(func.count()).select_from(MessengerContact))
    finally:
        await engine.dispose()
    assert sum(counts) == 30
    assert sorted(counts) == [0] + [1] * 30
    assert stored == 30
    assert windows == 7
    assert commits <= 3, f"{commits} transactions for 31 deliveries"


async def test_a_failed_group_tells_every_waiting_delivery(tmp_path: Path) -> None:
    # A database without the schema: the group's INSERT fails.
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    inbox = GroupCommit(make_sessionmaker(engine), "friends")
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    try:
        results = await asyncio.gather(
            *(inbox.store(_events("s", f"m{i}"), now) for i in range(3)), return_exceptions=True
        )
    finally:
        await engine.dispose()
    assert all(isinstance(r, Exception) for r in results), results
