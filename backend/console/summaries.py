"""One summary row per conversation, folded incrementally from the tracker store's events.

The list of conversations filters and pages over these rows only (indexed), never over the
events themselves; `sync` remembers the last events.id it saw and folds only newer ones.

A conversation's id is the customer's id on their channel (Customer.channel_id); ids of
different channels never collide (product/channels.py names them so), which lets the set-wide
look-ups below match on the id alone.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    func,
    insert,
    not_,
    select,
    tuple_,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import Select

from backend.adapters.orm import Customer, Job
from backend.console import tracker
from backend.console.models import (
    ConsoleState,
    ConversationSummary,
    ConversationTag,
    ConversationWord,
)
from backend.console.tracker import TrackerEvent
from product import channels
from product.channels import of_conversation

CURSOR_KEY = "tracker_last_event_id"
BATCH = 5000
MAX_WORD = 40
MAX_TERMS = 5
WORD = re.compile(r"\w+")
FALLBACK_INTENTS = {"nlu_fallback"}
FALLBACK_ACTIONS = {"action_default_fallback", "action_two_stage_fallback"}
PAGE_SIZE = 50
# Support works in Central European time (DE, AT and CH share it); the database keeps UTC.
STAFF_TIME_ZONE = ZoneInfo("Europe/Berlin")


@dataclass
class Draft:
    """The folded columns of one summary row, as plain data (ORM objects fold 3x slower)."""

    sender_id: str
    first_event_at: datetime
    last_event_at: datetime
    last_user_at: datetime | None = None
    language: str = ""
    user_messages: int = 0
    had_fallback: bool = False
    min_confidence: float | None = None
    handed_off: bool = False
    intents: str = " "
    last_text: str = ""
    taken_over_by: str | None = None


FOLDED = [f.name for f in fields(Draft)]


def fold(summary: Draft, event: TrackerEvent) -> None:
    """Apply one event to its conversation's summary (in place)."""
    data = event.data
    summary.first_event_at = min(summary.first_event_at, event.at)
    summary.last_event_at = max(summary.last_event_at, event.at)
    kind = event.type_name
    if kind in ("user", "bot"):
        text = str(data.get("text") or "")
        if text:
            summary.last_text = text[:300]
    if kind == "user":
        summary.user_messages += 1
        summary.last_user_at = event.at
        intent = (data.get("parse_data") or {}).get("intent") or {}
        name = str(intent.get("name") or "")
        confidence = intent.get("confidence")
        if name and f" {name} " not in summary.intents:
            summary.intents = f"{summary.intents}{name} "
        if name in FALLBACK_INTENTS:
            summary.had_fallback = True
        if isinstance(confidence, int | float) and (
            summary.min_confidence is None or confidence < summary.min_confidence
        ):
            summary.min_confidence = float(confidence)
    elif kind == "action" and data.get("name") in FALLBACK_ACTIONS:
        summary.had_fallback = True
    elif kind == "slot":
        if data.get("name") == "language" and isinstance(data.get("value"), str):
            summary.language = data["value"][:5]
        elif data.get("name") == "handed_off":
            summary.handed_off = bool(data.get("value"))
    elif kind == "pause":
        summary.handed_off = True
    elif kind == "resume":
        summary.handed_off = False
        summary.taken_over_by = None


def words(text: str) -> set[str]:
    """The searchable words of a text: lower case, two letters or more, at most 40."""
    return {w[:MAX_WORD] for w in WORD.findall(text.lower()) if len(w) > 1}


def prefix_range(term: str) -> tuple[str, str]:
    """[low, high) of the words starting with `term` (the last letter counted one up)."""
    return term, term[:-1] + chr(ord(term[-1]) + 1)


def new_summary(sender_id: str, at: datetime) -> Draft:
    return Draft(sender_id=sender_id, first_event_at=at, last_event_at=at)


async def _add_words(session: AsyncSession, pairs: set[tuple[str, str]]) -> None:
    dialect = session.get_bind().dialect.name
    insert_for = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = [{"word": w, "sender_id": s} for w, s in sorted(pairs)]
    for start in range(0, len(rows), 5000):
        await session.execute(
            insert_for(ConversationWord).on_conflict_do_nothing(),
            rows[start : start + 5000],
        )


async def _cursor(session: AsyncSession) -> ConsoleState:
    state = await session.get(ConsoleState, CURSOR_KEY)
    if state is None:
        state = ConsoleState(key=CURSOR_KEY, value=0)
        session.add(state)
    return state


async def sync(sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine) -> int:
    """Fold every event newer than the last one seen; returns how many were folded.

    Callers hold Console.sync_lock: two folds of the same batch would count it twice.
    """
    total = 0
    columns = [getattr(ConversationSummary, name) for name in FOLDED]
    while True:
        async with sessions() as session:
            state = await _cursor(session)
            batch = await tracker.events_after(engine, state.value, BATCH)
            if not batch:
                await session.commit()
                return total
            senders = {e.sender_id for e in batch}
            known = {
                row.sender_id: Draft(**row._asdict())
                for row in await session.execute(
                    select(*columns).where(ConversationSummary.sender_id.in_(senders))
                )
            }
            existing = set(known)
            found: set[tuple[str, str]] = set()
            for event in batch:
                summary = known.get(event.sender_id)
                if summary is None:
                    summary = known[event.sender_id] = new_summary(event.sender_id, event.at)
                fold(summary, event)
                if event.type_name in ("user", "bot"):
                    found.update((w, event.sender_id) for w in words(str(event.data.get("text"))))
            # vars(), not asdict(): asdict deep-copies every datetime, a third of the time.
            added = [dict(vars(d)) for sender, d in known.items() if sender not in existing]
            changed = [dict(vars(d)) for sender, d in known.items() if sender in existing]
            if added:
                await session.execute(insert(ConversationSummary), added)
            if changed:
                await session.execute(update(ConversationSummary), changed)
            if found:
                await _add_words(session, found)
            state.value = batch[-1].id
            await session.commit()
            total += len(batch)


T = TypeVar("T")

# The days a filter may name: conversations are from this century. Outside it a date is a typo
# (or a probe: 0001-01-01 and 9999-12-31 overflowed the time-zone arithmetic into a 500).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# What each filter input must be, as shown to the staff member when one is not.
FILTER_RANGES = {
    "since": f"{FIRST_DAY.isoformat()} … {LAST_DAY.isoformat()}",
    "until": f"{FIRST_DAY.isoformat()} … {LAST_DAY.isoformat()}",
    "below": "0 … 1",
}


def _day(raw: str) -> date | None:
    """A day in [FIRST_DAY, LAST_DAY]; ValueError for anything else but "" (no filter)."""
    if not raw.strip():
        return None
    found = date.fromisoformat(raw.strip())
    if not FIRST_DAY <= found <= LAST_DAY:
        raise ValueError(f"{raw!r} is outside {FILTER_RANGES['since']}")
    return found


def _confidence(raw: str) -> float | None:
    """A confidence in [0, 1] (NaN and infinities are not); ValueError for anything else."""
    if not raw.strip():
        return None
    found = float(raw)
    if not 0.0 <= found <= 1.0:  # False for NaN too
        raise ValueError(f"{raw!r} is outside {FILTER_RANGES['below']}")
    return found


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    language: str = ""
    intent: str = ""
    fallback: bool = False
    below: float | None = None
    handed_off: bool = False
    has_job: bool = False
    search: str = ""
    tag: str = ""
    channel: str = ""  # a word of product.channels, "" for all

    @classmethod
    def parse(cls, query: Any) -> tuple[Filters, list[str]]:
        """The filters of a query, and the names of the inputs that are out of their range
        (FILTER_RANGES; those are left out of the filters). Text inputs are cut to length,
        flags are "1" or off, an unknown channel is all channels."""
        bad: list[str] = []

        def checked(key: str, parse: Callable[[str], T | None]) -> T | None:
            try:
                return parse(str(query.get(key, "")))
            except (ValueError, OverflowError):
                bad.append(key)
                return None

        filters = cls(
            since=checked("since", _day),
            until=checked("until", _day),
            language=query.get("language", "")[:5],
            intent=query.get("intent", "").strip()[:100],
            fallback=query.get("fallback") == "1",
            below=checked("below", _confidence),
            handed_off=query.get("handed_off") == "1",
            has_job=query.get("has_job") == "1",
            search=query.get("q", "").strip()[:200],
            tag=query.get("tag", "").strip()[:50],
            channel=channels.supported(query.get("channel")) or "",
        )
        return filters, bad

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        """The filters of a query, inputs out of range left out."""
        return cls.parse(query)[0]


def of_channel(channel: str) -> ColumnElement[bool]:
    """The conversations of one channel, told by their ids as product.channels.of_conversation
    tells them (a prefix, so the primary key's index serves it; no column to keep in step)."""
    prefixes = {
        channels.WEBCHAT: channels.WEBCHAT_ID_PREFIX,
        channels.WHATSAPP: channels.WHATSAPP_ID_PREFIX,
    }
    if channel in prefixes:
        return ConversationSummary.sender_id.startswith(prefixes[channel], autoescape=True)
    return and_(
        *(
            not_(ConversationSummary.sender_id.startswith(prefix, autoescape=True))
            for prefix in prefixes.values()
        )
    )


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(raw: str) -> ColumnElement[bool]:
    """Every word (as a prefix) in the conversation's texts; or the customer's id, the name
    they booked with, or one of their job references. One IN over one compound query, which
    the database builds once (an OR of INs would be checked row by row)."""
    ranges = [prefix_range(term) for term in sorted(words(raw))[:MAX_TERMS]]
    word = ConversationWord
    # Driven by the first word's index range; the other words are sets it is checked against.
    # (SQLite allows no INTERSECT nested in a UNION.)
    in_texts = (
        select(word.sender_id).where(
            word.word >= ranges[0][0],
            word.word < ranges[0][1],
            *(
                word.sender_id.in_(select(word.sender_id).where(word.word >= low, word.word < high))
                for low, high in ranges[1:]
            ),
        )
        if ranges
        else None
    )
    booked = select(Customer.channel_id).where(
        func.lower(Customer.name).like(_like(raw.lower()), escape="\\")
    )
    by_reference = (
        select(Customer.channel_id)
        .join(Job, Job.customer_id == Customer.id)
        .where(Job.reference == raw.upper())
    )
    by_id = select(ConversationSummary.sender_id).where(ConversationSummary.sender_id == raw)
    parts: list[Select[Any]] = [booked, by_reference, by_id]
    if in_texts is not None:
        parts.append(in_texts)
    return ConversationSummary.sender_id.in_(union(*parts))


def encode_cursor(summary: ConversationSummary) -> str:
    raw = f"{summary.last_event_at.isoformat()}|{summary.sender_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    """The (time, sender) a page ends with, as encode_cursor wrote it; None for anything else
    (the list then starts at its first page): a naive time or one outside FIRST_DAY …
    LAST_DAY was not written by us and could not be compared with the column."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, sender = raw.split("|", 1)
        when = datetime.fromisoformat(at)
        if when.tzinfo is None or not FIRST_DAY <= when.astimezone(UTC).date() <= LAST_DAY:
            return None
        return when.astimezone(UTC), sender
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None


async def page(
    session: AsyncSession, filters: Filters, cursor: str = "", size: int = PAGE_SIZE
) -> tuple[list[ConversationSummary], str]:
    """Newest first; the second value is the cursor of the next page ("" on the last)."""
    s = ConversationSummary
    query = select(s)
    # Days are the staff's days (Central European time), not UTC's.
    # Clamped too, for Filters made without parse(): the arithmetic cannot overflow.
    if filters.since:
        since = min(max(filters.since, FIRST_DAY), LAST_DAY)
        start = datetime.combine(since, time(), STAFF_TIME_ZONE)
        query = query.where(s.last_event_at >= start.astimezone(UTC))
    if filters.until:
        until = min(max(filters.until, FIRST_DAY), LAST_DAY)
        end = datetime.combine(until + timedelta(days=1), time(), STAFF_TIME_ZONE)
        query = query.where(s.last_event_at < end.astimezone(UTC))
    if filters.language:
        query = query.where(s.language == filters.language)
    if filters.channel:
        query = query.where(of_channel(filters.channel))
    if filters.intent:
        query = query.where(s.intents.like(_like(f" {filters.intent} "), escape="\\"))
    if filters.fallback:
        query = query.where(s.had_fallback.is_(True))
    if filters.below is not None:
        query = query.where(s.min_confidence < filters.below)
    if filters.handed_off:
        query = query.where(s.handed_off.is_(True))
    if filters.has_job:
        query = query.where(
            s.sender_id.in_(select(Customer.channel_id).join(Job, Job.customer_id == Customer.id))
        )
    if filters.search:
        query = query.where(_search(filters.search))
    if filters.tag:
        query = query.where(
            exists(
                select(ConversationTag.tag).where(
                    ConversationTag.sender_id == s.sender_id, ConversationTag.tag == filters.tag
                )
            )
        )
    after = decode_cursor(cursor) if cursor else None
    if after is not None:
        at, sender = after
        # A row-value comparison, so the (last_event_at, sender_id) index serves it.
        query = query.where(tuple_(s.last_event_at, s.sender_id) < tuple_(at, sender))
    rows = list(
        (
            await session.scalars(
                query.order_by(s.last_event_at.desc(), s.sender_id.desc()).limit(size + 1)
            )
        ).all()
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_cursor(rows[-1]) if more and rows else ""


async def job_counts(session: AsyncSession, sender_ids: list[str]) -> dict[str, int]:
    """How many jobs each of these customers booked: one query for the whole page."""
    if not sender_ids:
        return {}
    rows = await session.execute(
        select(Customer.channel, Customer.channel_id, func.count(Job.id))
        .join(Job, Job.customer_id == Customer.id)
        .where(Customer.channel_id.in_(sender_ids))
        .group_by(Customer.channel, Customer.channel_id)
    )
    return {key: count for channel, key, count in rows if of_conversation(key) == channel}


async def customer_names(session: AsyncSession, sender_ids: list[str]) -> dict[str, str]:
    """The names customers gave when booking, for the page's rows (one query)."""
    if not sender_ids:
        return {}
    rows = await session.execute(
        select(Customer.channel, Customer.channel_id, Customer.name).where(
            Customer.channel_id.in_(sender_ids)
        )
    )
    return {key: name for channel, key, name in rows if of_conversation(key) == channel}
