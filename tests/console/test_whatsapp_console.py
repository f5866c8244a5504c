"""Staff and WhatsApp customers: a reply goes through the bot's WhatsApp push endpoint (a
stand-in server here, answering as the contract says), never to the Messenger outbox; outside
the 24-hour window it is refused with a clear message; export and erasure cover the bot's
WhatsApp store (MessengerStore's tables with the prefix wa_)."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.messenger_window import whatsapp_window
from backend.adapters.orm import OutboxMessage
from backend.config import Settings
from backend.console import channel_store, takeover
from backend.console.i18n import TEXTS
from backend.console.privacy import erase_customer
from backend.console.tracker import make_tracker_engine
from backend.domain.jobs import CustomerKey
from product.channels import WHATSAPP
from simulator.fake_graph import FakeGraph
from tests.console.conftest import (
    AGENT,
    CUSTOMERS_TOKEN,
    RASA_TOKEN,
    Client,
    Clock,
    TrackerStore,
    login,
    user,
)

WA = "wa-41791234567"
OTHER = "wa-4915112345678"


def wa_user(text: str, at: datetime, intent: str = "greet") -> dict[str, Any]:
    return user(text, at, intent) | {"input_channel": "whatsapp"}


@dataclasses.dataclass
class WhatsAppBot:
    """The bot's `POST /webhooks/whatsapp/push` (contract) and Rasa's tracker events."""

    store: TrackerStore
    clock: Clock
    pushes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    answer: int = 200
    url: str = ""


@pytest.fixture
async def wa_bot(tracker_store: TrackerStore, clock: Clock) -> AsyncIterator[WhatsAppBot]:
    state = WhatsAppBot(tracker_store, clock)

    async def push(request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"error": "token missing or wrong"}, status=403)
        body = await request.json()
        if not str(body.get("conversation_id", "")).startswith("wa-") or not body.get("text"):
            return web.json_response({"error": "conversation_id: wa-<wa_id>"}, status=400)
        if state.answer == 409:
            return web.json_response({"error": "outside the 24-hour window"}, status=409)
        if state.answer == 503:
            return web.json_response({"error": "WhatsApp is not configured"}, status=503)
        state.pushes.append(body)
        return web.json_response({"status": "queued"})

    async def append(request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"message": "unauthorized"}, status=401)
        sender = request.match_info["conversation_id"]
        for event in await request.json():
            state.events.append({"conversation": sender, **event})
            state.store.add(sender, {"timestamp": clock().timestamp(), **event})
        return web.json_response({"sender_id": sender})

    app = web.Application()
    app.router.add_post("/webhooks/whatsapp/push", push)
    app.router.add_post("/conversations/{conversation_id}/tracker/events", append)
    server = TestServer(app)
    await server.start_server()
    state.url = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


@pytest.fixture
def settings(settings: Settings, wa_bot: WhatsAppBot) -> Settings:
    return dataclasses.replace(settings, rasa_url=wa_bot.url)


async def _outbox_rows(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
    finally:
        await engine.dispose()


async def _taken_over(client: Client, store: TrackerStore, wrote_at: datetime) -> str:
    store.add(WA, wa_user("Ich möchte mit einem Menschen sprechen", wrote_at, "human_handoff"))
    csrf = await login(client)
    taken = await client.post(f"/console/conversations/{WA}/takeover", data={"csrf": csrf})
    assert "Taken over by" in await taken.text()
    return csrf


async def test_a_staff_reply_goes_to_the_bots_whatsapp_push_not_to_messenger(
    client: Client,
    settings: Settings,
    tracker_store: TrackerStore,
    wa_bot: WhatsAppBot,
    fake_graph: tuple[FakeGraph, str],
    clock: Clock,
) -> None:
    graph, _ = fake_graph
    csrf = await _taken_over(client, tracker_store, clock() - timedelta(hours=2))
    url = f"/console/conversations/{WA}"
    sent = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hier ist Lena."})
    assert "Reply is being sent." in await sent.text()
    assert wa_bot.pushes == [{"conversation_id": WA, "text": "Hier ist Lena."}]
    # Nothing for the Messenger page: neither its outbox nor the Graph API.
    assert await _outbox_rows(settings.database_url) == 0
    assert graph.calls(page_token=CUSTOMERS_TOKEN) == []
    # The transcript records a person's words.
    assert wa_bot.events[-1]["event"] == "bot"
    assert wa_bot.events[-1]["metadata"] == {"agent": AGENT[0]}


async def test_after_24_hours_the_reply_is_refused_with_a_whatsapp_message(
    client: Client, tracker_store: TrackerStore, wa_bot: WhatsAppBot, clock: Clock
) -> None:
    # 30 hours: Messenger's HUMAN_AGENT tag would still allow it, WhatsApp does not.
    csrf = await _taken_over(client, tracker_store, clock() - timedelta(hours=30))
    recorded = len(wa_bot.events)
    refused = await client.post(
        f"/console/conversations/{WA}/reply", data={"csrf": csrf, "text": "Hallo?"}
    )
    html = await refused.text()
    assert "has not written on WhatsApp for over 24 hours" in html
    assert "Messenger" not in TEXTS["outside_whatsapp_window"][1]
    assert wa_bot.pushes == [] and len(wa_bot.events) == recorded


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (409, "has not written on WhatsApp for over 24 hours"),
        (503, "WhatsApp cannot be reached right now"),
    ],
)
async def test_the_bots_refusal_is_shown_and_nothing_is_recorded(
    client: Client,
    tracker_store: TrackerStore,
    wa_bot: WhatsAppBot,
    clock: Clock,
    answer: int,
    message: str,
) -> None:
    """The tracker says within the window, the bot knows better (or has no number)."""
    csrf = await _taken_over(client, tracker_store, clock() - timedelta(hours=1))
    recorded = len(wa_bot.events)
    wa_bot.answer = answer
    refused = await client.post(
        f"/console/conversations/{WA}/reply", data={"csrf": csrf, "text": "Hallo?"}
    )
    assert message in await refused.text()
    assert wa_bot.pushes == [] and len(wa_bot.events) == recorded


def _wa_store(path: Path, wrote_at: datetime) -> str:
    """The bot's WhatsApp store as MessengerStore(prefix="wa_") creates it (the columns the
    console reads), with two customers."""
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE wa_inbox (seq INTEGER PRIMARY KEY, key TEXT, sender TEXT, event TEXT);
            CREATE TABLE wa_outbox (id INTEGER PRIMARY KEY, recipient TEXT, body TEXT);
            CREATE TABLE wa_contacts (psid TEXT PRIMARY KEY, last_inbound_at REAL NOT NULL);
            CREATE TABLE wa_profiles (psid TEXT PRIMARY KEY, first_name TEXT, locale TEXT);
            CREATE TABLE wa_choices (psid TEXT PRIMARY KEY, choices TEXT);
            """
        )
        for who, name in ((WA, "Erika"), (OTHER, "Max")):
            db.execute(
                "INSERT INTO wa_inbox (key, sender, event) VALUES (?, ?, ?)",
                (f"wamid.{who}", who, f'{{"text": "Ich heisse {name}"}}'),
            )
            db.execute(
                "INSERT INTO wa_outbox (recipient, body) VALUES (?, ?)", (who, f"Danke, {name}")
            )
            db.execute("INSERT INTO wa_contacts VALUES (?, ?)", (who, wrote_at.timestamp()))
            db.execute("INSERT INTO wa_profiles VALUES (?, ?, ?)", (who, name, "de_CH"))
            db.execute("INSERT INTO wa_choices VALUES (?, ?)", (who, "[]"))
    return f"sqlite:///{path}"


def _dump(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return repr(
            [
                db.execute(f"SELECT * FROM {name}").fetchall()
                for name in ("wa_inbox", "wa_outbox", "wa_contacts", "wa_profiles", "wa_choices")
            ]
        )


async def test_export_and_erasure_cover_the_whatsapp_store(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "whatsapp-customers.db"
    url = _wa_store(path, datetime.now(UTC))
    exported = await channel_store.export(url, WA, WHATSAPP)
    assert set(exported) == {"wa_inbox", "wa_outbox", "wa_contacts", "wa_profiles", "wa_choices"}
    assert "Erika" in repr(exported) and "Max" not in repr(exported)

    tracker = make_tracker_engine(settings.tracker_store_url)
    database = make_engine(settings.database_url)
    try:
        changed = await erase_customer(
            make_sessionmaker(database),
            tracker,
            CustomerKey(WHATSAPP, WA),
            datetime.now(UTC),
            {WHATSAPP: url},
        )
    finally:
        await tracker.dispose()
        await database.dispose()
    assert changed["channel_rows"] == 5
    assert "Erika" not in _dump(path)
    assert "Max" in _dump(path)  # everybody else keeps their rows


async def test_the_reply_is_refused_when_the_bots_store_says_the_window_closed(
    tmp_path: Path, wa_bot: WhatsAppBot
) -> None:
    """With the window reader wired (ReplyRoutes.windows), a closed window never reaches the
    bot; an open one is pushed."""
    now = datetime.now(UTC)
    store = _wa_store(tmp_path / "wa.db", now - timedelta(hours=25))
    window = whatsapp_window(store)
    try:
        async with aiohttp.ClientSession() as http:
            routes = takeover.ReplyRoutes(
                None,  # type: ignore[arg-type]  # no database: WhatsApp replies need none
                http,
                wa_bot.url,
                RASA_TOKEN,
                lambda: None,
                windows={WHATSAPP: window},
            )
            closed = await takeover.send_reply(routes, WA, "Hallo", now)
            assert closed is takeover.Sent.OUTSIDE_WHATSAPP_WINDOW and not closed.reached
            assert wa_bot.pushes == []
            opened = await takeover.send_reply(routes, WA, "Hallo", now - timedelta(hours=2))
            assert opened is takeover.Sent.QUEUED
            assert wa_bot.pushes == [{"conversation_id": WA, "text": "Hallo"}]
    finally:
        await window.close()


def test_may_reply_knows_each_channels_window() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert takeover.may_reply(WA, now - timedelta(hours=23, minutes=59), now)
    assert not takeover.may_reply(WA, now - timedelta(hours=24), now)
    assert not takeover.may_reply(WA, None, now)
    assert takeover.may_reply("psid-7", now - timedelta(days=6), now)
    assert takeover.window_closed(WA) == "outside_whatsapp_window"
    assert takeover.window_closed("psid-7") == "outside_window"
