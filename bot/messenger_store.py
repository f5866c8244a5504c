"""The customers' page's durable state: received events, each person's last message, outbox.

Standard library sqlite3, so it works in .venv-bot and is tested from .venv. One connection
behind a lock; callers on the event loop use `asyncio.to_thread`. WAL keeps readers and the
one writer out of each other's way.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Meta redelivers within hours; a week covers every retry and a long outage with room to spare.
KEEP_HANDLED = timedelta(days=7)

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    event TEXT NOT NULL,
    received_at REAL NOT NULL,
    handled_at REAL
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (handled_at, seq);
CREATE TABLE IF NOT EXISTS contacts (
    psid TEXT PRIMARY KEY,
    last_inbound_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    sent_at REAL,
    failed_at REAL,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (sent_at, failed_at, next_attempt_at);
CREATE TABLE IF NOT EXISTS profiles (
    psid TEXT PRIMARY KEY,
    first_name TEXT,
    locale TEXT,
    fetched_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class OutboxItem:
    id: int
    recipient: str
    body: dict[str, Any]
    attempts: int


def _ts(moment: datetime) -> float:
    return moment.timestamp()


class MessengerStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- inbound -------------------------------------------------------------------------

    def store_inbound(self, events: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
        """Store (key, sender, event) rows; returns the keys that were new, in order."""
        now = time.time()
        new: list[str] = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for key, sender, event in events:
                    cursor = self._db.execute(
                        "INSERT OR IGNORE INTO inbox (key, sender, event, received_at) "
                        "VALUES (?, ?, ?, ?)",
                        (key, sender, json.dumps(event), now),
                    )
                    if cursor.rowcount:
                        new.append(key)
                    self._db.execute(
                        "INSERT INTO contacts (psid, last_inbound_at) VALUES (?, ?) "
                        "ON CONFLICT(psid) DO UPDATE "
                        "SET last_inbound_at = excluded.last_inbound_at",
                        (sender, now),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return new

    def pending_inbound(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, event FROM inbox WHERE handled_at IS NULL ORDER BY seq"
            ).fetchall()
        return [(key, json.loads(event)) for key, event in rows]

    def mark_handled(self, key: str) -> None:
        with self._lock:
            self._db.execute("UPDATE inbox SET handled_at = ? WHERE key = ?", (time.time(), key))

    def last_inbound(self, psid: str) -> datetime | None:
        with self._lock:
            row = self._db.execute(
                "SELECT last_inbound_at FROM contacts WHERE psid = ?", (psid,)
            ).fetchone()
        return datetime.fromtimestamp(row[0], UTC) if row else None

    def purge(self, now: datetime) -> int:
        """Forget handled events older than KEEP_HANDLED and finished outbox rows."""
        cutoff = _ts(now - KEEP_HANDLED)
        with self._lock:
            removed = self._db.execute(
                "DELETE FROM inbox WHERE handled_at IS NOT NULL AND received_at < ?", (cutoff,)
            ).rowcount
            removed += self._db.execute(
                "DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) "
                "AND created_at < ?",
                (cutoff,),
            ).rowcount
        return int(removed)

    # --- profiles (first name and locale from the Graph API, fetched once per sender) ------

    def profile(self, psid: str) -> tuple[str | None, str | None] | None:
        """(first name, locale) as fetched before, or None for a sender not looked up yet."""
        with self._lock:
            row = self._db.execute(
                "SELECT first_name, locale FROM profiles WHERE psid = ?", (psid,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def save_profile(self, psid: str, first_name: str | None, locale: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO profiles (psid, first_name, locale, fetched_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(psid) DO UPDATE SET first_name = excluded.first_name, "
                "locale = excluded.locale, fetched_at = excluded.fetched_at",
                (psid, first_name, locale, time.time()),
            )

    # --- outbound ------------------------------------------------------------------------

    def enqueue(self, recipient: str, body: dict[str, Any], now: datetime) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO outbox (recipient, body, created_at, next_attempt_at) "
                "VALUES (?, ?, ?, ?)",
                (recipient, json.dumps(body), _ts(now), _ts(now)),
            )
        return int(cursor.lastrowid or 0)

    def due(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """The oldest open message of each recipient, if it is due.

        One per recipient keeps each person's messages in order: a later message never
        overtakes an earlier one that is waiting for a retry.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT o.id, o.recipient, o.body, o.attempts FROM outbox o "
                "JOIN (SELECT recipient, MIN(id) AS first FROM outbox "
                "      WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY recipient) f "
                "  ON o.id = f.first "
                "WHERE o.next_attempt_at <= ? ORDER BY o.id LIMIT ?",
                (_ts(now), limit),
            ).fetchall()
        return [OutboxItem(i, r, json.loads(b), a) for i, r, b, a in rows]

    def next_due_at(self) -> datetime | None:
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(next_attempt_at) FROM outbox "
                "WHERE sent_at IS NULL AND failed_at IS NULL"
            ).fetchone()
        return datetime.fromtimestamp(row[0], UTC) if row and row[0] is not None else None

    def mark_sent(self, item_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                (time.time(), item_id),
            )

    def mark_retry(self, item_id: int, next_attempt_at: datetime, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ? "
                "WHERE id = ?",
                (_ts(next_attempt_at), error, item_id),
            )

    def mark_failed(self, item_id: int, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, error = ? WHERE id = ?",
                (time.time(), error, item_id),
            )

    def outbox_rows(self) -> list[dict[str, Any]]:
        """Every outbox row, for tests and for support to see what did not go out."""
        with self._lock:
            self._db.row_factory = sqlite3.Row
            try:
                rows = self._db.execute("SELECT * FROM outbox ORDER BY id").fetchall()
            finally:
                self._db.row_factory = None
        return [dict(r) for r in rows]
