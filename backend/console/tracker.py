"""Rasa's SQL tracker store (table `events`, SQLTrackerStore's schema), read and redacted here.

Rasa writes it with SQLAlchemy 1.4 from its own process; the console reads it over its own
async engine, always in `id` order, which is the order Rasa appended the events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from backend.adapters.db import async_url

metadata = MetaData()
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

REDACTED = "[redacted]"


@dataclass(frozen=True)
class TrackerEvent:
    id: int
    sender_id: str
    type_name: str
    at: datetime
    data: dict[str, Any]


def make_tracker_engine(url: str) -> AsyncEngine:
    """Over Rasa's synchronous URL (sqlite:///…, postgresql://…), mapped to the async driver."""
    return create_async_engine(async_url(url))


def _event(row: Any) -> TrackerEvent:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        data = {}
    return TrackerEvent(
        id=row.id,
        sender_id=row.sender_id,
        type_name=row.type_name,
        at=datetime.fromtimestamp(row.timestamp or 0.0, UTC),
        data=data if isinstance(data, dict) else {},
    )


async def _events(engine: AsyncEngine, query: Select[Any]) -> list[TrackerEvent]:
    """The events the query selects; none while Rasa has not created its table yet."""
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(query)).all()
    except (OperationalError, ProgrammingError):
        return []
    return [_event(r) for r in rows]


async def events_after(engine: AsyncEngine, last_id: int, limit: int) -> list[TrackerEvent]:
    """The next events after `last_id`."""
    return await _events(
        engine, select(events).where(events.c.id > last_id).order_by(events.c.id).limit(limit)
    )


async def conversation(engine: AsyncEngine, sender_id: str) -> list[TrackerEvent]:
    return await _events(
        engine, select(events).where(events.c.sender_id == sender_id).order_by(events.c.id)
    )


async def last_event_id(engine: AsyncEngine, sender_id: str) -> int:
    query = select(func.max(events.c.id)).where(events.c.sender_id == sender_id)
    try:
        async with engine.connect() as connection:
            return int((await connection.scalar(query)) or 0)
    except (OperationalError, ProgrammingError):
        return 0


def redact_event(type_name: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The event without what the person wrote or told us; None when nothing is personal."""
    out = dict(data)
    if type_name in ("user", "bot"):
        out["text"] = REDACTED if out.get("text") else out.get("text")
        parse = out.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse)
            parse["text"] = REDACTED
            parse["entities"] = [
                {"entity": e.get("entity"), "value": REDACTED}
                for e in parse.get("entities") or []
                if isinstance(e, dict)
            ]
            out["parse_data"] = parse
        if type_name == "bot" and isinstance(out.get("data"), dict):
            # Buttons and quick replies can repeat what the person told us (name, address).
            out["data"] = {}
        out["metadata"] = {k: v for k, v in (out.get("metadata") or {}).items() if k == "agent"}
        return out
    if type_name == "slot":
        if out.get("value") is None or isinstance(out.get("value"), bool):
            return None
        out["value"] = None
        return out
    if type_name == "entities":
        out["entities"] = []
        return out
    return None


async def redact_conversation(engine: AsyncEngine, sender_ids: Sequence[str]) -> int:
    """Redact the texts and slot values of these conversations in place; returns events changed."""
    changed = 0
    if not sender_ids:
        return 0
    async with engine.begin() as connection:
        rows = (
            await connection.execute(
                select(events.c.id, events.c.type_name, events.c.data).where(
                    events.c.sender_id.in_(list(sender_ids))
                )
            )
        ).all()
        for row in rows:
            try:
                data = json.loads(row.data or "{}")
            except ValueError:
                data = {}
            redacted = redact_event(row.type_name, data if isinstance(data, dict) else {})
            if redacted is None or redacted == data:
                continue
            await connection.execute(
                update(events)
                .where(events.c.id == row.id)
                .values(data=json.dumps(redacted, ensure_ascii=False))
            )
            changed += 1
    return changed
