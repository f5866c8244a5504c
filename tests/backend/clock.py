"""A clock the test moves by hand, and an app wired to it (the scheduler never ticks by itself)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import JobEvent, SupportAlert
from backend.app import create_app
from backend.config import Settings
from backend.web.runtime import RUNTIME
from tests.backend.conftest import FakeRasa

Client = TestClient[web.Request, web.Application]
# The sweep runs when a test says so; this interval keeps the scheduler out of the way.
NEVER = 24 * 3600.0


class MovableClock:
    def __init__(self, start: datetime | None = None) -> None:
        # Real time as the start: the Friends' 24-hour window is checked against it.
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def clocked(settings: Settings, clock: MovableClock) -> Settings:
    return dataclasses.replace(settings, clock=clock, sweep_seconds=NEVER)


@asynccontextmanager
async def backend(settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(settings))) as client:
        yield client


async def sweep(client: Client) -> dict[str, int]:
    return await client.app[RUNTIME].deadlines.sweep()


def triggers(rasa: FakeRasa, intent: str) -> list[dict[str, Any]]:
    """The bot's news of this intent, each checked for its notice id and shown without it."""
    found = []
    for t in rasa.triggers:
        if t["body"]["name"] != intent:
            continue
        entities = dict(t["body"]["entities"])
        assert re.fullmatch(r"[0-9a-f]{32}", entities.pop("notice_id", "")), t
        found.append({**t, "body": {**t["body"], "entities": entities}})
    return found


async def count_rows(db_url: str, model: Any, **where: Any) -> int:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(func.count()).select_from(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return int(await session.scalar(query) or 0)
    finally:
        await engine.dispose()


async def events(db_url: str, kind: str) -> int:
    return await count_rows(db_url, JobEvent, kind=kind)


async def alerts(db_url: str, kind: str) -> int:
    return await count_rows(db_url, SupportAlert, kind=kind)
