"""Issue 21, point 6: replays after retention. A correctly signed body whose events are older
than 48 hours or more than 10 minutes ahead (messenger_platform/freshness.py) is answered 200
(Meta would otherwise retry a signed body) and nothing of it is stored or answered; a fresh
event in the same batch still is. The Friends' Messenger and WhatsApp webhooks here (SQLite and
PostgreSQL); the customers' WhatsApp channel in its Sanic server (tests/bot's stand-in for
Rasa); the customers' Messenger channel in tests/badinput/test_messenger_webhook_corpus.py
(the real Rasa stack)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.app import create_app
from backend.config import Settings
from messenger_platform import signature
from messenger_platform.freshness import MAX_AGE, MAX_AHEAD
from simulator.webhook_bodies import page_body, text_event
from tests.backend import test_friends_whatsapp_fakes as friends_wa
from tests.backend.test_friends_whatsapp_fakes import FakeWhatsApp, fake_whatsapp
from tests.badinput.harness import Reply, Run
from tests.badinput.test_api_corpus import send
from tests.badinput.test_friends_webhook_corpus import PAGE, WEBHOOK, signed
from tests.bot import test_whatsapp_channel as wa_channel
from tests.bot.whatsapp_fakes import wa_body, wa_message, wa_status
from tests.console.conftest import Client, FakeRasa

__all__ = ["fake_whatsapp"]  # the fixture, used by name

HOUR = 3600
# Seconds from now: just past the window on either side, and far past it.
STALE = {
    "old_49h": -int(MAX_AGE.total_seconds()) - HOUR,
    "old_31_days": -31 * 24 * HOUR,
    "ahead_11min": int(MAX_AHEAD.total_seconds()) + 60,
    "ahead_1_year": 365 * 24 * HOUR,
}


def at(offset: int) -> int:
    return int(time.time()) + offset


async def test_friends_messenger_webhook_skips_replays(client: Client, engine: AsyncEngine) -> None:
    run = Run("Friends' webhook: replays", engine)

    def deliver(events: list[dict[str, Any]]) -> Any:
        raw = json.dumps(page_body(PAGE, events)).encode()
        return lambda: send(client, "POST", WEBHOOK, raw=raw, headers=signed(raw))

    for name, offset in STALE.items():
        event = text_event(f"replayer-{name}", PAGE, "Hallo", timestamp=at(offset) * 1000)
        reply = await run.read(f"signed body, event {name}", deliver([event]))
        run.expect(name, reply.status == 200, f"answered {reply.status}, not 200")
    # Without a timestamp at all: no event of Meta's, skipped too.
    bare = {k: v for k, v in text_event("replayer-bare", PAGE, "Hallo").items() if k != "timestamp"}
    await run.read("signed body, event without timestamp", deliver([bare]))
    # A fresh event in a batch with a stale one is stored, the stale one is not.
    before = await run.take()
    mixed = [
        text_event("replayer-mixed", PAGE, "alt", timestamp=at(STALE["old_49h"]) * 1000),
        text_event("replayer-mixed", PAGE, "neu", timestamp=at(0) * 1000),
    ]
    reply = await deliver(mixed)()
    run.forget()
    run.expect("mixed batch", reply.status == 200, f"answered {reply.status}")
    after = await run.take()
    run.expect("mixed batch", before["inbox_events"] != after["inbox_events"], "nothing stored")
    async with engine.connect() as db:
        found = await db.exec_driver_sql(
            "SELECT event FROM inbox_events WHERE sender_id = 'replayer-mixed'"
        )
        texts = [(r[0] if isinstance(r[0], dict) else json.loads(r[0]))["text"] for r in found]
    run.expect("mixed batch", texts == ["neu"], f"stored {texts}")
    run.assert_clean()


async def test_friends_whatsapp_webhook_skips_replays(
    settings: Settings, fake_rasa: FakeRasa, fake_whatsapp: FakeWhatsApp, engine: AsyncEngine
) -> None:
    wa = friends_wa.wa_settings(settings.database_url, fake_whatsapp, fake_rasa)  # type: ignore[arg-type]
    run = Run("Friends' WhatsApp webhook: replays", engine)
    anna = "41791234567"
    async with TestClient(TestServer(create_app(wa))) as client:

        def deliver(body: dict[str, Any]) -> Any:
            raw = json.dumps(body).encode()
            path = "/webhooks/friends/whatsapp"
            return lambda: send(client, "POST", path, raw=raw, headers=friends_wa.signed(raw))

        for name, offset in STALE.items():
            message = friends_wa.text(anna, "Hallo", ts=at(offset))
            status = friends_wa.status(
                friends_wa.wamid(), "failed", anna, code=131047, ts=at(offset)
            )
            body = friends_wa.wa_body([message], [status])
            reply = await run.read(f"signed body, message and status {name}", deliver(body))
            run.expect(name, reply.status == 200, f"answered {reply.status}, not 200")
        await asyncio.sleep(0.3)
        run.expect("replays", fake_whatsapp.sent == [], f"answered: {fake_whatsapp.sent}")
        # A fresh message is still answered (the Friend's sign-up starts).
        fresh = friends_wa.wa_body([friends_wa.text(anna, "Hallo")])
        assert (await deliver(fresh)()).status == 200
        [welcome] = await fake_whatsapp.wait(anna, 1)
        assert "Willkommen" in welcome.text
    run.assert_clean()


@pytest.fixture(scope="module")
def wa_customers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[wa_channel.Channel]:
    with wa_channel._channel(tmp_path_factory.mktemp("wa-replay")) as running:
        yield running


async def test_customers_whatsapp_channel_skips_replays(wa_customers: wa_channel.Channel) -> None:
    channel = wa_customers
    url = f"{channel.url}/webhook"

    async def post(body: dict[str, Any]) -> Reply:
        raw = json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json",
            signature.HEADER: signature.sign(raw, wa_channel.SECRET),
        }
        async with aiohttp.ClientSession() as http, http.post(url, data=raw, headers=headers) as r:
            return Reply(r.status, await r.text(), dict(r.headers))

    erika = "41790000099"
    for i, (name, offset) in enumerate(STALE.items()):
        message = wa_message(erika, f"wamid.replay{i}", body="Hallo") | {
            "timestamp": str(at(offset))
        }
        status = wa_status(f"wamid.sent{i}", erika, "read") | {"timestamp": str(at(offset))}
        reply = await post(wa_body(wa_channel.PHONE_ID, [message], [status]))
        assert reply.status == 200, (name, reply.body)
    fresh = wa_message(erika, "wamid.fresh", body="Hallo")
    assert (await post(wa_body(wa_channel.PHONE_ID, [fresh]))).status == 200
    turns = await wa_channel._until(lambda: channel.turns(f"wa-{erika}"), "the fresh turn")
    await asyncio.sleep(0.3)
    assert [t["message_id"] for t in channel.turns(f"wa-{erika}")] == ["wamid.fresh"], turns
    stored = _inbound_keys(channel.store_path)
    assert not any("replay" in key for key in stored), stored


def _inbound_keys(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        keys: list[str] = []
        for table in tables:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            if "key" in columns:
                keys += [str(r[0]) for r in db.execute(f'SELECT key FROM "{table}"')]
        return keys
