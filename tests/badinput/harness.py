"""Sending corpus cases and judging the answers: status, reason, and no change to the data.

Every case is checked, and every failure collected, before a test fails: one run shows all
inputs that got a 500 or changed data, not only the first.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import backend.console.models  # noqa: F401  (registers the console's tables on Base)
from backend.adapters.orm import Base

# What a rejected request must leave alone. Console summaries are left out: the console
# rebuilds them from Rasa's tracker store every few seconds whatever the request was.
BUSINESS_TABLES = (
    "customers",
    "friends",
    "jobs",
    "offers",
    "ratings",
    "job_events",
    "ledger",
    "support_alerts",
    "quiz_attempts",
)
MESSAGING_TABLES = ("inbox_events", "outbox", "messenger_contacts", "friend_conversations")
STAFF_TABLES = (
    "staff_accounts",
    "staff_sessions",
    "conversation_notes",
    "conversation_tags",
    "nlu_corrections",
)
ALL_TABLES = BUSINESS_TABLES + MESSAGING_TABLES + STAFF_TABLES

Snapshot = dict[str, tuple[int, str]]


async def snapshot(engine: AsyncEngine, tables: tuple[str, ...] = ALL_TABLES) -> Snapshot:
    """Row count and a hash of the contents of each table (row order does not matter).

    One query for all tables: a snapshot is taken around every one of some thousand requests.
    """
    query = _SNAPSHOT_QUERIES.get((engine.dialect.name, tables))
    if query is None:
        query = _snapshot_query(engine.dialect.name, tables)
        _SNAPSHOT_QUERIES[(engine.dialect.name, tables)] = query
    async with engine.connect() as conn:
        rows = (await conn.execute(text(query))).all()
    return {
        str(table): (int(count), hashlib.sha256(str(contents or "").encode()).hexdigest())
        for table, count, contents in rows
    }


_SNAPSHOT_QUERIES: dict[tuple[str, tuple[str, ...]], str] = {}


def _snapshot_query(dialect: str, tables: tuple[str, ...]) -> str:
    parts = []
    for table in tables:
        if dialect == "postgresql":
            # Each row as text, sorted: independent of physical order.
            parts.append(
                f"SELECT '{table}', count(*), "
                f"md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
                f'FROM "{table}" r'
            )
        else:
            columns = Base.metadata.tables[table].columns
            row = " || ',' || ".join(f'quote("{c.name}")' for c in columns)
            parts.append(
                f"SELECT '{table}', count(*), group_concat(r, '|') "
                f'FROM (SELECT {row} AS r FROM "{table}" ORDER BY r)'
            )
    return " UNION ALL ".join(parts)


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    return [t for t in before if before[t] != after.get(t)]


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


# Outcome names, as counted in the summary and in docs/reliability.md.
REJECTED = "rejected 4xx"
ACCEPTED = "accepted as valid"
DEDUPLICATED = "replay de-duplicated"
SERVER_ERROR = "5xx"
READ = "read answered, nothing changed"
RE_ASKED = "answered in chat (re-ask)"
SHOWN_AGAIN = "form shown again with a message (303)"


@dataclass
class Run:
    """One target's cases: outcome counts and every failure, asserted at the end."""

    target: str
    engine: AsyncEngine
    tables: tuple[str, ...] = ALL_TABLES
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    # The snapshot after the last checked request is the next one's "before" (half the
    # queries); anything that may change data in between must call forget().
    last: Snapshot | None = None

    def forget(self) -> None:
        self.last = None

    async def take(self) -> Snapshot:
        """The state a rejected request must not change (a subclass may add other stores)."""
        return await snapshot(self.engine, self.tables)

    async def _before(self) -> Snapshot:
        return self.last if self.last is not None else await self.take()

    async def _after(self) -> Snapshot:
        self.last = await self.take()
        return self.last

    async def reject(
        self,
        case: str,
        send: Callable[[], Awaitable[Reply]],
        reason: Callable[[Reply], bool] | None = None,
    ) -> Reply:
        """The request must get a 4xx that says why, and leave every table as it was."""
        before = await self._before()
        reply = await send()
        after = await self._after()
        if reply.status >= 500:
            self.outcomes[SERVER_ERROR] += 1
            self.failures.append(f"{case}: {reply.status} {reply.body[:300]}")
            return reply
        # The console refuses some form values by showing the form again with a message.
        shown_again = reply.status == 303 and reason is not None and reason(reply)
        if shown_again:
            self.outcomes[SHOWN_AGAIN] += 1
        else:
            self.outcomes[REJECTED if 400 <= reply.status < 500 else ACCEPTED] += 1
        if not (400 <= reply.status < 500 or shown_again):
            self.failures.append(f"{case}: expected a 4xx, got {reply.status} {reply.body[:300]}")
        elif not (reason or has_reason)(reply):
            self.failures.append(f"{case}: {reply.status} without a reason: {reply.body[:300]}")
        moved = changed(before, after)
        if moved:
            self.failures.append(f"{case}: data changed in {', '.join(moved)}")
        return reply

    async def read(self, case: str, send: Callable[[], Awaitable[Reply]]) -> Reply:
        """A read: any status below 500, a reason with any 4xx, and no data change."""
        before = await self._before()
        reply = await send()
        after = await self._after()
        if reply.status >= 500:
            self.outcomes[SERVER_ERROR] += 1
            self.failures.append(f"{case}: {reply.status} {reply.body[:300]}")
            return reply
        self.outcomes[REJECTED if reply.status >= 400 else READ] += 1
        if reply.status >= 400 and not has_reason(reply):
            self.failures.append(f"{case}: {reply.status} without a reason: {reply.body[:300]}")
        moved = changed(before, after)
        if moved:
            self.failures.append(f"{case}: a read changed {', '.join(moved)}")
        return reply

    def accepted(self, case: str, reply: Reply, ok: tuple[int, ...] = (200, 201)) -> bool:
        self.forget()
        if reply.status >= 500:
            self.outcomes[SERVER_ERROR] += 1
        else:
            self.outcomes[ACCEPTED if reply.status in ok else REJECTED] += 1
        if reply.status not in ok:
            self.failures.append(f"{case}: expected {ok}, got {reply.status} {reply.body[:300]}")
            return False
        return True

    async def chat(
        self,
        case: str,
        send: Callable[[], Awaitable[Reply]],
        answer: Callable[[], Awaitable[str | None]],
        expected: Callable[[str], bool],
    ) -> None:
        """A chat message: acknowledged with 200, answered politely, the tables left alone.

        `answer` waits for the bot's reply to it (None when none came); `tables` of this run
        are the ones chatting must not change (the business tables, not the inbox/outbox).
        """
        before = await self.take()
        reply = await send()
        said = await answer() if reply.status == 200 else None
        after = await self.take()
        self.last = None
        if reply.status >= 500:
            self.outcomes[SERVER_ERROR] += 1
            self.failures.append(f"{case}: {reply.status} {reply.body[:300]}")
            return
        self.outcomes[RE_ASKED if reply.status == 200 else REJECTED] += 1
        if reply.status != 200:
            self.failures.append(f"{case}: the webhook answered {reply.status} {reply.body[:200]}")
        elif said is None:
            self.failures.append(f"{case}: no answer in the chat")
        elif not expected(said):
            self.failures.append(f"{case}: answered {said[:200]!r}")
        moved = changed(before, after)
        if moved:
            self.failures.append(f"{case}: data changed in {', '.join(moved)}")

    def count(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] += n

    def expect(self, case: str, condition: bool, message: str) -> None:
        if not condition:
            self.failures.append(f"{case}: {message}")

    def total(self) -> int:
        return sum(self.outcomes.values())

    def assert_clean(self) -> None:
        TALLY.setdefault(self.target, Counter()).update(self.outcomes)
        assert not self.failures, f"{len(self.failures)} of {self.total()} cases failed:\n" + (
            "\n".join(self.failures)
        )


def has_reason(reply: Reply) -> bool:
    """A JSON error with a non-empty message, or an HTML/text page that says something."""
    body = reply.body.strip()
    if not body:
        return False
    if body.startswith("{"):
        try:
            data: Any = json.loads(body)
        except ValueError:
            return False
        return isinstance(data, dict) and bool(data.get("error") or data.get("errors"))
    return True


# Outcomes of every run in this pytest session, per target; printed in the terminal summary.
TALLY: dict[str, Counter[str]] = {}
