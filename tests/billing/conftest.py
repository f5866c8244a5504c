"""Billing's database tests run on SQLite and on PostgreSQL (the root conftest's fixtures)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.db import make_engine, make_sessionmaker


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    fixture = {"sqlite": "sqlite_db_url", "postgresql": "postgres_db_url"}[request.param]
    return str(request.getfixturevalue(fixture))


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    await engine.dispose()
