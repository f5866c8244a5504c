"""The backend with the console on a fresh database, a tracker store in Rasa's schema (SQLite),
a fake Rasa HTTP API that appends events to that store like Rasa does, and the fake Graph API."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backend.adapters.db import make_engine, make_sessionmaker
from backend.app import create_app
from backend.config import Settings
from backend.console import auth
from simulator.fake_graph import FakeGraph

API_TOKEN = "console-test-api-token"
ADMIN_TOKEN = "console-test-admin-token"
CUSTOMERS_TOKEN = "customers-page-token"
RASA_TOKEN = "rasa-token"
AGENT = ("agent@techfriends.test", "agent-password-1")
ADMIN = ("admin@techfriends.test", "admin-password-1")
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# SQLTrackerStore.SQLEvent in rasa/core/tracker_store.py (Rasa 3.6), as Rasa creates it.
RASA_EVENTS_DDL = """
CREATE TABLE events (
    id INTEGER NOT NULL,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""

Client = TestClient[web.Request, web.Application]


class Clock:
    """The app's clock; tests move it instead of sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class TrackerStore:
    """Writes events the way Rasa's SQLTrackerStore does (one row per event, JSON in data)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as db:
            db.executescript(RASA_EVENTS_DDL)

    def add(self, sender: str, event: dict[str, Any]) -> int:
        kind = event["event"]
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        action = event.get("name") if kind == "action" else None
        with sqlite3.connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name,"
                " data) VALUES (?, ?, ?, ?, ?, ?)",
                (sender, kind, event.get("timestamp"), intent, action, json.dumps(event)),
            )
            return int(cursor.lastrowid or 0)

    def rows(self, sender: str) -> list[dict[str, Any]]:
        with sqlite3.connect(self.path) as db:
            found = db.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [{"type": kind, **json.loads(data)} for kind, data in found]


def user(
    text: str,
    at: datetime,
    intent: str = "greet",
    confidence: float = 0.97,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "event": "user",
        "timestamp": at.timestamp(),
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
        },
        "input_channel": "messenger",
        "metadata": {},
    }


def bot(text: str, at: datetime, buttons: list[str] | None = None) -> dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": at.timestamp(),
        "text": text,
        "data": {"buttons": [{"title": b, "payload": f"/{b}"} for b in buttons or []]},
        "metadata": {"utter_action": "utter_x"},
    }


def slot(name: str, value: Any, at: datetime) -> dict[str, Any]:
    return {"event": "slot", "timestamp": at.timestamp(), "name": name, "value": value}


def action(name: str, at: datetime) -> dict[str, Any]:
    return {"event": "action", "timestamp": at.timestamp(), "name": name, "confidence": 1.0}


@dataclasses.dataclass
class FakeRasa:
    """Rasa's `POST /conversations/{id}/tracker/events`: checks the token, appends to the store."""

    store: TrackerStore
    clock: Clock
    posts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    triggers: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    url: str = ""
    down: bool = False


@pytest.fixture
def tracker_store(tmp_path: Path) -> TrackerStore:
    return TrackerStore(tmp_path / "tracker.db")


@pytest.fixture
def clock() -> Clock:
    return Clock(START + timedelta(days=1))


@pytest.fixture
async def fake_rasa(tracker_store: TrackerStore, clock: Clock) -> AsyncIterator[FakeRasa]:
    rasa = FakeRasa(tracker_store, clock)

    async def append(request: web.Request) -> web.Response:
        if rasa.down:
            return web.json_response({"message": "unavailable"}, status=503)
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"message": "unauthorized"}, status=401)
        sender = request.match_info["conversation_id"]
        body = await request.json()
        events = body if isinstance(body, list) else [body]
        rasa.posts.append({"conversation": sender, "events": events})
        for event in events:
            rasa.store.add(sender, {"timestamp": clock().timestamp(), **event})
        return web.json_response({"sender_id": sender})

    async def trigger(request: web.Request) -> web.Response:
        rasa.triggers.append(
            {"conversation": request.match_info["conversation_id"], **await request.json()}
        )
        return web.json_response({"tracker": {}, "messages": []})

    app = web.Application()
    app.router.add_post("/conversations/{conversation_id}/tracker/events", append)
    app.router.add_post("/conversations/{conversation_id}/trigger_intent", trigger)
    server = TestServer(app)
    await server.start_server()
    rasa.url = str(server.make_url("")).rstrip("/")
    yield rasa
    await server.close()


@pytest.fixture
def settings(
    db_url: str,
    fake_graph: tuple[FakeGraph, str],
    fake_rasa: FakeRasa,
    tracker_store: TrackerStore,
    clock: Clock,
) -> Settings:
    return Settings(
        database_url=db_url,
        api_token=API_TOKEN,
        admin_token=ADMIN_TOKEN,
        graph_url=fake_graph[1],
        graph_version="v21.0",
        friends_page_access_token="friends-page-token",
        friends_app_secret="friends-secret",
        friends_verify_token="friends-verify",
        rasa_url=fake_rasa.url,
        rasa_token=RASA_TOKEN,
        geonames_dir=None,
        # The API's rate limits are tested on their own (tests/backend/test_rate_limits.py);
        # the suites here send hundreds of requests a second with one token, and wrong ones.
        api_rate_per_second=0,
        api_auth_failures_per_minute=0,
        clock=clock,
        tracker_store_url=f"sqlite:///{tracker_store.path}",
        customer_page_access_token=CUSTOMERS_TOKEN,
    )


async def _create_staff(db_url: str) -> None:
    engine = make_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.create_staff(session, AGENT[0], "agent", AGENT[1], "en")
        await auth.create_staff(session, ADMIN[0], "admin", ADMIN[1], "de")
    await engine.dispose()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    await _create_staff(settings.database_url)
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def login(client: Client, who: tuple[str, str] = AGENT) -> str:
    """Log in; returns the session's CSRF token (taken from a page, as a browser would)."""
    form = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={"email": who[0], "password": who[1], "csrf": csrf_of(await form.text())},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()
    page = await client.get("/console/privacy")
    assert page.status == 200
    return csrf_of(await page.text())


async def eventually(check: Any, within: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


@pytest.fixture
def conversation_start() -> Iterator[datetime]:
    yield START
