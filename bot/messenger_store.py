"""The customers' page's durable state: received events, each person's last message, outbox.

Two back ends behind one class. SQLite (standard library, the default, a file per Rasa
server): WAL keeps readers and the one writer out of each other's way. PostgreSQL
(`MESSENGER_STORE_URL=postgresql://…`, psycopg2 from .venv-bot): one store shared by several
Rasa servers, as in the production topology. Either way one connection behind a lock; callers
on the event loop use `asyncio.to_thread`.

Sharing is why events and outbox rows are leased rather than just read: a received event is
claimed by the server that stored it, and a server looking for unanswered events (at start, and
every half minute when shared) takes only those whose claim ran out, so a server that died
mid-turn has its events answered by another, and no event is answered twice while its turn is
still running. Outbox rows are leased the same way before they are sent.

The customers' WhatsApp number keeps the same tables under the prefix `wa_` (wa_inbox,
wa_contacts — one row per conversation id `wa-<wa_id>` —, wa_outbox, …), in its own file or
the same PostgreSQL database. Its outbox rows carry the provider's message id (the wamid) and
the delivery status Meta reports for it; numbered choices offered as text are remembered in
`choices` so that a number answers them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

# Meta redelivers within hours; a week covers every retry and a long outage with room to spare.
# Older events are refused as replays before they reach this store
# (messenger_platform/freshness.py: MAX_AGE, 48 hours, which must stay below this).
KEEP_HANDLED = timedelta(days=7)
# A turn (Rasa, its lock, the actions, the backend) takes seconds; five minutes without an
# answer means the server that took the event is gone.
INBOX_LEASE = timedelta(minutes=5)
# Longer than a Send API call may take (its timeout plus the rate limiter's wait).
OUTBOX_LEASE = timedelta(seconds=60)

SCHEMA = """
CREATE TABLE IF NOT EXISTS {p}inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    event TEXT NOT NULL,
    received_at REAL NOT NULL,
    handled_at REAL,
    claimed_until REAL
);
CREATE INDEX IF NOT EXISTS {p}inbox_pending ON {p}inbox (handled_at, seq);
CREATE TABLE IF NOT EXISTS {p}contacts (
    psid TEXT PRIMARY KEY,
    last_inbound_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS {p}outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    sent_at REAL,
    failed_at REAL,
    error TEXT NOT NULL DEFAULT '',
    leased_until REAL,
    provider_id TEXT,
    delivery_status TEXT,
    delivery_status_at REAL,
    delivery_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS {p}outbox_open ON {p}outbox (sent_at, failed_at, next_attempt_at);
CREATE INDEX IF NOT EXISTS {p}outbox_provider_id ON {p}outbox (provider_id);
CREATE TABLE IF NOT EXISTS {p}profiles (
    psid TEXT PRIMARY KEY,
    first_name TEXT,
    locale TEXT,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS {p}choices (
    psid TEXT PRIMARY KEY,
    choices TEXT NOT NULL,
    saved_at REAL NOT NULL
);
"""
# The same tables for PostgreSQL: REAL there is 4 bytes, too coarse for epoch seconds.
PG_SCHEMA = SCHEMA.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY").replace(
    "REAL", "DOUBLE PRECISION"
)
# Columns added since the first release, for files and databases from before (SQLite has no
# ADD COLUMN IF NOT EXISTS: a failing statement means the column is there). The schema's
# indexes on new columns come after them.
UPGRADE_COLUMNS = (
    ("inbox", "claimed_until REAL"),
    ("outbox", "leased_until REAL"),
    # What the provider calls the message (WhatsApp's wamid) and what became of it.
    ("outbox", "provider_id TEXT"),
    ("outbox", "delivery_status TEXT"),
    ("outbox", "delivery_status_at REAL"),
    ("outbox", "delivery_error TEXT NOT NULL DEFAULT ''"),
)
SQLITE_UPGRADES = tuple(f"ALTER TABLE {{p}}{t} ADD COLUMN {c}" for t, c in UPGRADE_COLUMNS)
PG_UPGRADES = tuple(
    f"ALTER TABLE {{p}}{t} ADD COLUMN IF NOT EXISTS {c}".replace("REAL", "DOUBLE PRECISION")
    for t, c in UPGRADE_COLUMNS
)
# Delivery statuses only move forward (Meta may report `read` before `delivered`); `failed`
# after `sent` is news and is kept.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "played": 3, "failed": 4}
_STATUS_RANK_SQL = (
    "CASE delivery_status "
    + " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in STATUS_RANK.items())
    + " ELSE 0 END"
)
PREFIX = re.compile(r"[a-z][a-z0-9_]{0,15}_|")
# Two Rasa servers starting at once must not both create the tables.
PG_SCHEMA_LOCK = 0x7466_6D73  # "tfms"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    recipient: str
    body: dict[str, Any]
    attempts: int


def _ts(moment: datetime) -> float:
    return moment.timestamp()


class _PgCursor(Protocol):
    rowcount: int

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def fetchall(self) -> list[tuple[Any, ...]]: ...
    def __enter__(self) -> _PgCursor: ...
    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _PgConnection(Protocol):
    """What is used of a psycopg2 connection (psycopg2 ships no type hints). Its DB-API
    exceptions are attributes of the connection too."""

    autocommit: bool
    closed: int
    OperationalError: type[Exception]
    InterfaceError: type[Exception]

    def cursor(self) -> _PgCursor: ...
    def close(self) -> None: ...


class MessengerStore:
    """MessengerStore(path) for SQLite, MessengerStore(url="postgresql://…") for PostgreSQL.

    `prefix` names another channel's tables in the same database: "" for the Messenger page
    (inbox, contacts, outbox, …), "wa_" for the customers' WhatsApp number (wa_inbox, …)."""

    def __init__(self, path: Path | None = None, *, url: str = "", prefix: str = "") -> None:
        if (path is None) == (not url):
            raise ValueError("MessengerStore needs a SQLite path or a PostgreSQL URL, not both")
        if not PREFIX.fullmatch(prefix):
            raise ValueError(f"table prefix {prefix!r}: lower-case letters ending in '_', or ''")
        self.prefix = prefix
        self._lock = threading.Lock()
        self._path, self._url = path, url
        # Shared: other processes use the same store, so nothing unhandled is ours by default.
        self.shared = bool(url)
        self._sqlite: sqlite3.Connection | None = None
        self._pg: _PgConnection | None = None
        if path is not None:
            self._sqlite = self._open_sqlite(path)
        else:
            self._pg = self._open_pg()

    def _sql(self, sql: str) -> str:
        return sql.replace("{p}", self.prefix)

    def _schema(self, schema: str) -> tuple[str, str]:
        """(the tables, the indexes): columns added by an upgrade exist before their index."""
        statements = [part.strip() for part in self._sql(schema).split(";") if part.strip()]
        indexes = [s for s in statements if s.startswith("CREATE INDEX")]
        tables = [s for s in statements if not s.startswith("CREATE INDEX")]
        return ";\n".join(tables) + ";", ";\n".join(indexes) + ";"

    def _open_sqlite(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=10000")
        tables, indexes = self._schema(SCHEMA)
        db.executescript(tables)
        for upgrade in SQLITE_UPGRADES:
            try:
                db.execute(self._sql(upgrade))
            except sqlite3.OperationalError:
                pass  # the column is there already
        db.executescript(indexes)
        return db

    def _open_pg(self) -> _PgConnection:
        import psycopg2  # in .venv-bot; only the PostgreSQL mode needs it

        connect: Callable[..., _PgConnection] = psycopg2.connect
        scheme, rest = self._url.split("://", 1)
        db = connect(f"{scheme.split('+', 1)[0]}://{rest}", connect_timeout=5)
        db.autocommit = True
        with db.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (PG_SCHEMA_LOCK,))
            tables, indexes = self._schema(PG_SCHEMA)
            cursor.execute(tables)
            for upgrade in PG_UPGRADES:
                cursor.execute(self._sql(upgrade))
            cursor.execute(indexes)
            cursor.execute("COMMIT")
        return db

    def _run(
        self, sql: str, params: Sequence[Any] = (), fetch: bool = False
    ) -> tuple[int, list[tuple[Any, ...]]]:
        """One statement (under the lock): (rowcount, rows). A lost PostgreSQL connection is
        opened again on the next call; this call fails, so nothing is done twice."""
        sql = self._sql(sql)
        if self._sqlite is not None:
            cursor = self._sqlite.execute(sql, params)
            rows = cursor.fetchall() if fetch else []
            return cursor.rowcount, rows
        if self._pg is None or self._pg.closed:
            self._pg = self._open_pg()
        db = self._pg
        try:
            with db.cursor() as pg_cursor:
                pg_cursor.execute(sql.replace("?", "%s"), params)
                rows = pg_cursor.fetchall() if fetch else []
                return pg_cursor.rowcount, rows
        except (db.OperationalError, db.InterfaceError):
            db.close()
            raise

    def _transaction(self, statements: list[tuple[str, Sequence[Any]]]) -> list[int]:
        """Several statements that commit together; their row counts."""
        begin = "BEGIN IMMEDIATE" if self._path is not None else "BEGIN"
        self._run(begin)
        counts: list[int] = []
        try:
            for sql, params in statements:
                counts.append(self._run(sql, params)[0])
            self._run("COMMIT")
        except BaseException:
            if self._pg is None or not self._pg.closed:
                self._run("ROLLBACK")
            raise
        return counts

    def close(self) -> None:
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
            if self._pg is not None:
                self._pg.close()

    # --- inbound -------------------------------------------------------------------------

    def store_inbound(self, events: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
        """Store (key, sender, event) rows, claimed by the caller, who answers them; returns
        the keys that were new, in order."""
        now = time.time()
        claimed_until = now + INBOX_LEASE.total_seconds()
        statements: list[tuple[str, Sequence[Any]]] = []
        for key, sender, event in events:
            statements.append(
                (
                    "INSERT INTO {p}inbox (key, sender, event, received_at, claimed_until) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    (key, sender, json.dumps(event), now, claimed_until),
                )
            )
            statements.append(
                (
                    "INSERT INTO {p}contacts (psid, last_inbound_at) VALUES (?, ?) "
                    "ON CONFLICT (psid) DO UPDATE "
                    "SET last_inbound_at = excluded.last_inbound_at",
                    (sender, now),
                )
            )
        with self._lock:
            counts = self._transaction(statements)
        return [key for (key, _, _), count in zip(events, counts[::2], strict=True) if count]

    def pending_inbound(self) -> list[tuple[str, dict[str, Any]]]:
        """Every event not answered yet, claimed or not, oldest first."""
        with self._lock:
            _, rows = self._run(
                "SELECT key, event FROM {p}inbox WHERE handled_at IS NULL ORDER BY seq", fetch=True
            )
        return [(key, json.loads(event)) for key, event in rows]

    def claim_pending(
        self, now: datetime, include_claimed: bool = False
    ) -> list[tuple[str, dict[str, Any]]]:
        """Take the unanswered events whose claim ran out (all unanswered ones with
        `include_claimed`, for a server that owns its store alone and has just started)."""
        until = _ts(now + INBOX_LEASE)
        with self._lock:
            _, rows = self._run(
                "UPDATE {p}inbox SET claimed_until = ? WHERE handled_at IS NULL "
                "AND (? OR claimed_until IS NULL OR claimed_until < ?) "
                "RETURNING seq, key, event",
                (until, include_claimed, _ts(now)),
                fetch=True,
            )
        return [(key, json.loads(event)) for _, key, event in sorted(rows)]

    def extend_claims(self, keys: Sequence[str], now: datetime) -> int:
        """Renew the claims on events still waiting for their turn (behind the turn limit),
        so no other server takes them for events of a dead one; how many were renewed."""
        if not keys:
            return 0
        marks = ", ".join("?" * len(keys))
        with self._lock:
            count, _ = self._run(
                "UPDATE {p}inbox SET claimed_until = ? WHERE handled_at IS NULL "
                f"AND key IN ({marks})",
                (_ts(now + INBOX_LEASE), *keys),
            )
        return int(count)

    def mark_handled(self, key: str) -> None:
        with self._lock:
            self._run("UPDATE {p}inbox SET handled_at = ? WHERE key = ?", (time.time(), key))

    def last_inbound(self, psid: str) -> datetime | None:
        with self._lock:
            _, rows = self._run(
                "SELECT last_inbound_at FROM {p}contacts WHERE psid = ?", (psid,), fetch=True
            )
        return datetime.fromtimestamp(rows[0][0], UTC) if rows else None

    def purge(self, now: datetime) -> int:
        """Forget handled events older than KEEP_HANDLED and finished outbox rows."""
        cutoff = _ts(now - KEEP_HANDLED)
        with self._lock:
            removed, _ = self._run(
                "DELETE FROM {p}inbox WHERE handled_at IS NOT NULL AND received_at < ?", (cutoff,)
            )
            removed += self._run(
                "DELETE FROM {p}outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) "
                "AND created_at < ?",
                (cutoff,),
            )[0]
        return int(removed)

    # --- profiles (first name and locale from the Graph API, fetched once per sender) ------

    def profile(self, psid: str) -> tuple[str | None, str | None] | None:
        """(first name, locale) as fetched before, or None for a sender not looked up yet."""
        with self._lock:
            _, rows = self._run(
                "SELECT first_name, locale FROM {p}profiles WHERE psid = ?", (psid,), fetch=True
            )
        return (rows[0][0], rows[0][1]) if rows else None

    def save_profile(self, psid: str, first_name: str | None, locale: str | None) -> None:
        with self._lock:
            self._run(
                "INSERT INTO {p}profiles (psid, first_name, locale, fetched_at) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (psid) DO UPDATE SET first_name = excluded.first_name, "
                "locale = excluded.locale, fetched_at = excluded.fetched_at",
                (psid, first_name, locale, time.time()),
            )

    # --- outbound ------------------------------------------------------------------------

    def enqueue(self, recipient: str, body: dict[str, Any], now: datetime) -> int:
        with self._lock:
            _, rows = self._run(
                "INSERT INTO {p}outbox (recipient, body, created_at, next_attempt_at) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (recipient, json.dumps(body), _ts(now), _ts(now)),
                fetch=True,
            )
        return int(rows[0][0])

    def due(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Lease and return the oldest open message of each recipient, if it is due.

        One per recipient keeps each person's messages in order: a later message never
        overtakes an earlier one that is waiting for a retry (or being sent by another
        server). The lease (OUTBOX_LEASE) keeps other servers from sending it too; if this
        one dies while sending, the message is due again when the lease ends.
        """
        lock_rows = "" if self._path is not None else " FOR UPDATE OF o SKIP LOCKED"
        free = "{t}next_attempt_at <= ? AND ({t}leased_until IS NULL OR {t}leased_until <= ?)"
        with self._lock:
            _, rows = self._run(
                f"UPDATE {{p}}outbox SET leased_until = ? WHERE {free.format(t='')} AND id IN ("
                "SELECT o.id FROM {p}outbox o "
                "JOIN (SELECT recipient, MIN(id) AS first FROM {p}outbox "
                "      WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY recipient) f "
                "  ON o.id = f.first "
                f"WHERE {free.format(t='o.')} "
                f"ORDER BY o.id LIMIT ?{lock_rows}) "
                "RETURNING id, recipient, body, attempts",
                (_ts(now + OUTBOX_LEASE), *([_ts(now)] * 4), limit),
                fetch=True,
            )
        return [OutboxItem(i, r, json.loads(b), a) for i, r, b, a in sorted(rows)]

    def release_leases(self) -> int:
        """Free every outbox lease: for a server that owns its store alone and has just
        started, the leases are its own from before a crash (its sends may not have gone)."""
        with self._lock:
            count, _ = self._run(
                "UPDATE {p}outbox SET leased_until = NULL WHERE leased_until IS NOT NULL"
            )
        return count

    def next_due_at(self) -> datetime | None:
        with self._lock:
            _, rows = self._run(
                "SELECT MIN(CASE WHEN leased_until > next_attempt_at THEN leased_until "
                "ELSE next_attempt_at END) FROM {p}outbox "
                "WHERE sent_at IS NULL AND failed_at IS NULL",
                fetch=True,
            )
        return datetime.fromtimestamp(rows[0][0], UTC) if rows and rows[0][0] is not None else None

    def mark_sent(self, item_id: int, provider_id: str | None = None) -> None:
        """Accepted by the provider; `provider_id` is its id for the message (WhatsApp's wamid),
        which later delivery statuses name."""
        with self._lock:
            self._run(
                "UPDATE {p}outbox SET sent_at = ?, attempts = attempts + 1, "
                "provider_id = COALESCE(?, provider_id) WHERE id = ?",
                (time.time(), provider_id, item_id),
            )

    def record_status(self, provider_id: str, status: str, at: datetime, error: str = "") -> int:
        """A delivery status from the provider's webhook (sent, delivered, read, failed) on the
        row it names; an older status arriving late does not overwrite a newer one. How many
        rows were updated (0: not one of ours, or already further)."""
        rank = STATUS_RANK.get(status)
        if rank is None:
            raise ValueError(f"unknown delivery status {status!r}")
        with self._lock:
            count, _ = self._run(
                "UPDATE {p}outbox SET delivery_status = ?, delivery_status_at = ?, "
                "delivery_error = CASE WHEN ? = '' THEN delivery_error ELSE ? END "
                f"WHERE provider_id = ? AND {_STATUS_RANK_SQL} <= ?",
                (status, _ts(at), error, error, provider_id, rank),
            )
        return int(count)

    def mark_retry(self, item_id: int, next_attempt_at: datetime, error: str) -> None:
        with self._lock:
            self._run(
                "UPDATE {p}outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?, "
                "leased_until = NULL WHERE id = ?",
                (_ts(next_attempt_at), error, item_id),
            )

    def mark_failed(self, item_id: int, error: str, delivery_status: str | None = None) -> None:
        """Given up. `delivery_status="failed"` also records it as the message's delivery status
        (a channel that tracks statuses, so a report shows it with the webhook's failures)."""
        now = time.time()
        with self._lock:
            self._run(
                "UPDATE {p}outbox SET attempts = attempts + 1, failed_at = ?, error = ?, "
                "delivery_status = COALESCE(?, delivery_status), "
                "delivery_status_at = CASE WHEN ? IS NULL THEN delivery_status_at ELSE ? END, "
                "delivery_error = CASE WHEN ? IS NULL THEN delivery_error ELSE ? END "
                "WHERE id = ?",
                (
                    now,
                    error,
                    delivery_status,
                    delivery_status,
                    now,
                    delivery_status,
                    error,
                    item_id,
                ),
            )

    # --- choices offered as numbered text (WhatsApp: more than a list holds) --------------

    def save_choices(self, psid: str, choices: list[dict[str, str]]) -> None:
        """The numbered choices last offered to a person (their answer may be a number);
        an empty list forgets them."""
        with self._lock:
            if not choices:
                self._run("DELETE FROM {p}choices WHERE psid = ?", (psid,))
                return
            self._run(
                "INSERT INTO {p}choices (psid, choices, saved_at) VALUES (?, ?, ?) "
                "ON CONFLICT (psid) DO UPDATE SET choices = excluded.choices, "
                "saved_at = excluded.saved_at",
                (psid, json.dumps(choices), time.time()),
            )

    def choices(self, psid: str) -> list[dict[str, str]]:
        with self._lock:
            _, rows = self._run(
                "SELECT choices FROM {p}choices WHERE psid = ?", (psid,), fetch=True
            )
        loaded = json.loads(rows[0][0]) if rows else []
        return loaded if isinstance(loaded, list) else []

    def outbox_rows(self) -> list[dict[str, Any]]:
        """Every outbox row, for tests and for support to see what did not go out."""
        columns = (
            "id",
            "recipient",
            "body",
            "created_at",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "failed_at",
            "error",
            "provider_id",
            "delivery_status",
            "delivery_status_at",
            "delivery_error",
        )
        with self._lock:
            _, rows = self._run(
                f"SELECT {', '.join(columns)} FROM {{p}}outbox ORDER BY id", fetch=True
            )
        return [dict(zip(columns, row, strict=True)) for row in rows]
