"""Taking due rows one at a time while other processes may sweep the same table."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


class _Row(Protocol):
    id: Any


R = TypeVar("R", bound=_Row)


async def next_untried(
    session: AsyncSession,
    query: Select[R],
    id_column: InstrumentedAttribute[int],
    tried: set[int],
) -> R | None:
    """The query's first row not tried yet, now counted as tried.

    On PostgreSQL the row is locked FOR UPDATE SKIP LOCKED: a row another process is handling
    right now is skipped, not waited for. The caller still claims it with a conditional UPDATE
    (on SQLite the only claim).
    """
    if tried:
        query = query.where(id_column.not_in(tried))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = await session.scalar(query)
    if row is not None:
        tried.add(row.id)
    return row
