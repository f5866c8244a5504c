"""The support console's conversation list at 100k conversations.

Fills a tracker store in Rasa's schema (SQLite) with N conversations of 8 events each, folds
them into the console's summary table (the first sync, then an incremental one), and times
the list queries the console runs: the newest page, a page deep down (keyset), each filter,
full-text search and a combination. Prints milliseconds (median of repeated runs).

    .venv/bin/python -m benchmarks.console_conversations [--conversations 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.console import summaries
from backend.console.summaries import Filters
from backend.console.tracker import make_tracker_engine

DDL = """
CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL,
  type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
  action_name VARCHAR(255), data TEXT, PRIMARY KEY (id));
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""
TEXTS = [
    "Mein WLAN bricht ständig ab",
    "Der Fernseher findet keine Sender mehr",
    "My printer does not print",
    "Die Heizungssteuerung zeigt einen Fehler",
    "Ich komme nicht mehr in mein E-Mail-Konto",
]


def fill(path: Path, conversations: int) -> int:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[tuple[Any, ...]] = []
    for i in range(conversations):
        sender = f"{7_000_000_000_000_000 + i}"
        at = (start + timedelta(seconds=90 * i)).timestamp()
        language = "en" if i % 3 == 0 else "de"
        intent = "nlu_fallback" if i % 9 == 0 else "describe_problem"
        confidence = 0.3 if i % 13 == 0 else 0.93
        text = TEXTS[i % len(TEXTS)] + f" (Fall {i})"
        events: list[tuple[str, dict[str, Any]]] = [
            ("action", {"event": "action", "name": "action_session_start"}),
            ("slot", {"event": "slot", "name": "language", "value": language}),
            (
                "user",
                {
                    "event": "user",
                    "text": "Hallo",
                    "parse_data": {"intent": {"name": "greet", "confidence": 0.99}, "entities": []},
                },
            ),
            (
                "bot",
                {
                    "event": "bot",
                    "text": "Wobei darf ich helfen?",
                    "data": {"buttons": [{"title": "WLAN"}]},
                },
            ),
            (
                "user",
                {
                    "event": "user",
                    "text": text,
                    "parse_data": {
                        "intent": {"name": intent, "confidence": confidence},
                        "entities": [],
                    },
                },
            ),
            (
                "action",
                {
                    "event": "action",
                    "name": "action_default_fallback"
                    if intent == "nlu_fallback"
                    else "utter_ask_postal_code",
                },
            ),
            ("bot", {"event": "bot", "text": "Wie lautet Ihre Postleitzahl?"}),
            (
                "pause" if i % 50 == 0 else "action",
                {"event": "pause"} if i % 50 == 0 else {"event": "action", "name": "action_listen"},
            ),
        ]
        for n, (kind, data) in enumerate(events):
            rows.append(
                (sender, kind, at + n, None, None, json.dumps({**data, "timestamp": at + n}))
            )
    with sqlite3.connect(path) as db:
        db.executescript(DDL)
        db.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


async def measure(backend_url: str, tracker_url: str, repeat: int) -> dict[str, float]:
    engine = make_engine(backend_url)
    tracker = make_tracker_engine(tracker_url)
    sessions = make_sessionmaker(engine)
    results: dict[str, float] = {}
    began = time.perf_counter()
    folded = await summaries.sync(sessions, tracker)
    results["first sync, s"] = time.perf_counter() - began
    results["events folded per s"] = folded / results["first sync, s"]
    samples = []
    for n in range(repeat):
        with sqlite3.connect(tracker_url.split(":///", 1)[1]) as db:
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (
                    f"70000000000000{n:02d}",
                    "user",
                    1.9e9,
                    json.dumps({"event": "user", "text": "ok"}),
                ),
            )
        began = time.perf_counter()
        await summaries.sync(sessions, tracker)
        samples.append((time.perf_counter() - began) * 1000)
    results["incremental sync (1 new event), first, ms"] = samples[0]
    results["incremental sync (1 new event), median, ms"] = statistics.median(samples)

    async def timed(filters: Filters, cursor: str = "") -> float:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            async with sessions() as session:
                rows, _ = await summaries.page(session, filters, cursor)
                await summaries.job_counts(session, [r.sender_id for r in rows])
            samples.append((time.perf_counter() - t0) * 1000)
        return statistics.median(samples)

    async with sessions() as session:
        cursor = ""
        for _ in range(1000):  # walk 1000 pages (50 000 conversations) down
            _rows, cursor = await summaries.page(session, Filters(), cursor)
    cases = {
        "newest page": (Filters(), ""),
        "page 1001 (keyset)": (Filters(), cursor),
        "language=en": (Filters(language="en"), ""),
        "had a fallback": (Filters(fallback=True), ""),
        "confidence below 0.5": (Filters(below=0.5), ""),
        "intent=nlu_fallback": (Filters(intent="nlu_fallback"), ""),
        "handed off": (Filters(handed_off=True), ""),
        "has a job": (Filters(has_job=True), ""),
        "search 'heizung'": (Filters(search="heizung"), ""),
        "search, no match": (Filters(search="zzzz-nirgends"), ""),
        "date range (one day)": (
            Filters(since=datetime(2026, 2, 1).date(), until=datetime(2026, 2, 1).date()),
            "",
        ),
        "de + fallback + search": (Filters(language="de", fallback=True, search="wlan"), ""),
    }
    for name, (filters, after) in cases.items():
        results[f"list: {name}, ms"] = await timed(filters, after)
    await tracker.dispose()
    await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        backend_url = f"sqlite+aiosqlite:///{base / 'backend.db'}"
        migrate(backend_url)
        began = time.perf_counter()
        events = fill(base / "tracker.db", args.conversations)
        print(
            f"{args.conversations} conversations, {events} events written in "
            f"{time.perf_counter() - began:.1f} s"
        )
        results = asyncio.run(measure(backend_url, f"sqlite:///{base / 'tracker.db'}", args.repeat))
    for name, value in results.items():
        print(f"{name:45} {value:10.1f}")


if __name__ == "__main__":
    main()
