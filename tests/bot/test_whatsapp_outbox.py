"""The WhatsApp outbox and store against a fake Cloud API (no Rasa): wamids and statuses per
message, each class of Meta's error codes, the 24-hour window, the `wa_` tables."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.messenger_store import MessengerStore
from bot.whatsapp_outbox import WhatsAppOutbox
from bot.whatsapp_send import WhatsAppClient
from messenger_platform.send_policy import MAX_ATTEMPTS, OutsideWindowError, RateLimiter
from tests.bot.whatsapp_fakes import FakeCloudApi, error
from tools import postgres
from whatsapp_platform import outbound

WA = "41791234567"
CONVERSATION = f"wa-{WA}"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class Setup:
    def __init__(self, box: WhatsAppOutbox, store: MessengerStore, api: FakeCloudApi) -> None:
        self.box, self.store, self.api = box, store, api
        self.clock: Clock = box.clock  # type: ignore[assignment]

    async def say(self, text: str) -> int:
        return await self.box.send(CONVERSATION, outbound.text(WA, text)[0])

    def row(self, item_id: int) -> dict[str, Any]:
        return next(r for r in self.store.outbox_rows() if r["id"] == item_id)


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    api = FakeCloudApi()
    server = TestServer(api.app())
    await server.start_server()
    store = MessengerStore(tmp_path / "wa.db", prefix="wa_")
    client = WhatsAppClient(str(server.make_url("")), "v21.0", "1234567890", api.token)
    box = WhatsAppOutbox(
        store, client, RateLimiter(rate=1000), Clock(), backoff=lambda n, base: base
    )
    store.store_inbound([("wamid.in1", CONVERSATION, {"text": "Hallo"})])
    yield Setup(box, store, api)
    await client.close()
    await server.close()
    store.close()


def test_whatsapp_tables_carry_the_prefix_beside_messenger_ones(tmp_path: Path) -> None:
    path = tmp_path / "both.db"
    MessengerStore(path).close()
    MessengerStore(path, prefix="wa_").close()
    tables = {
        name
        for (name,) in sqlite3.connect(path).execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
    }
    assert {"inbox", "contacts", "outbox", "wa_inbox", "wa_contacts", "wa_outbox"} <= tables
    with pytest.raises(ValueError):
        MessengerStore(path, prefix="wa; DROP TABLE x")


def test_an_old_store_file_gets_the_status_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, "
        "body TEXT NOT NULL, created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
        "next_attempt_at REAL NOT NULL, sent_at REAL, failed_at REAL, "
        "error TEXT NOT NULL DEFAULT '');"
    )
    db.close()
    store = MessengerStore(path)
    item = store.enqueue("p", {"text": "x"}, datetime.now(UTC))
    store.mark_sent(item, "mid.1")
    assert store.record_status("mid.1", "delivered", datetime.now(UTC)) == 1
    assert store.outbox_rows()[0]["delivery_status"] == "delivered"
    store.close()


async def test_a_sent_message_keeps_its_wamid_and_statuses_only_move_forward(setup: Setup) -> None:
    first, second = await setup.say("Guten Tag"), await setup.say("Wie geht es?")
    assert await setup.box.deliver_due() == 1  # one at a time per person, in order
    assert await setup.box.deliver_due() == 1
    assert setup.api.texts() == ["Guten Tag", "Wie geht es?"]
    assert all(s.token == "Bearer wa-token" for s in setup.api.sent)
    assert setup.api.sent[0].body["messaging_product"] == "whatsapp"
    assert (setup.row(first)["provider_id"], setup.row(second)["provider_id"]) == (
        "wamid.fake1",
        "wamid.fake2",
    )
    at = datetime.now(UTC)
    store = setup.store
    assert store.record_status("wamid.fake1", "read", at) == 1
    assert store.record_status("wamid.fake1", "delivered", at) == 0  # late, older news
    assert store.record_status("wamid.fake2", "sent", at) == 1
    assert store.record_status("wamid.unknown", "read", at) == 0
    assert setup.row(first)["delivery_status"] == "read"
    assert setup.row(second)["delivery_status"] == "sent"
    assert store.record_status("wamid.fake2", "failed", at, "131026 undeliverable") == 1
    assert (setup.row(second)["delivery_status"], setup.row(second)["delivery_error"]) == (
        "failed",
        "131026 undeliverable",
    )


async def test_outside_the_window_nothing_is_stored(setup: Setup) -> None:
    setup.clock.now += timedelta(hours=24, seconds=1)
    with pytest.raises(OutsideWindowError):
        await setup.say("Zu spät")
    assert setup.store.outbox_rows() == []


async def test_131047_marks_the_message_failed_with_the_window_as_reason(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    setup.api.closed.add(WA)
    item = await setup.say("Hallo")
    assert await setup.box.deliver_due() == 0
    row = setup.row(item)
    assert row["failed_at"] is not None and row["delivery_status"] == "failed"
    assert "outside the 24-hour window (131047)" in row["error"]
    assert row["attempts"] == 1
    await setup.box.deliver_due()
    assert len(setup.api.sent) == 1  # never tried again


@pytest.mark.parametrize(
    ("code", "action"), [(131026, "alert_support"), (132001, "alert_never_retry"), (100, "failed")]
)
async def test_permanent_errors_fail_once_and_are_logged_with_their_code(
    setup: Setup, caplog: pytest.LogCaptureFixture, code: int, action: str
) -> None:
    setup.api.script.append((400, error(code, "refused")))
    item = await setup.say("Hallo")
    with caplog.at_level(logging.ERROR, logger="bot.whatsapp_outbox"):
        await setup.box.deliver_due()
    row = setup.row(item)
    assert row["failed_at"] is not None and row["delivery_status"] == "failed"
    assert f"400 {code}/None: refused" in row["error"] == row["delivery_error"]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert action in record.getMessage() and str(code) in record.getMessage()
    setup.clock.now += timedelta(hours=1)
    await setup.box.deliver_due()
    assert len(setup.api.sent) == 1


@pytest.mark.parametrize(
    ("status", "answer", "wait"),
    [
        (400, error(130429, "throughput"), 6.0),
        (400, error(131056, "pair rate limit"), 6.0),
        (503, {}, 1.0),
        (500, error(131000, "something went wrong"), 1.0),
    ],
)
async def test_rate_limits_and_failures_are_retried_after_a_backoff(
    setup: Setup, status: int, answer: dict[str, Any], wait: float
) -> None:
    setup.api.script.append((status, answer))
    item = await setup.say("Hallo")
    assert await setup.box.deliver_due() == 0
    row = setup.row(item)
    assert row["failed_at"] is None and row["sent_at"] is None
    assert row["next_attempt_at"] == pytest.approx((setup.clock.now.timestamp() + wait), abs=0.01)
    assert await setup.box.deliver_due() == 0  # not due yet
    setup.clock.now += timedelta(seconds=wait)
    assert await setup.box.deliver_due() == 1
    assert setup.row(item)["provider_id"] == "wamid.fake2"
    assert setup.api.texts() == ["Hallo"]


async def test_retries_end_after_max_attempts(setup: Setup) -> None:
    setup.api.script.extend([(503, {})] * MAX_ATTEMPTS)
    item = await setup.say("Hallo")
    for _ in range(MAX_ATTEMPTS):
        await setup.box.deliver_due()
        setup.clock.now += timedelta(seconds=10)
    row = setup.row(item)
    assert row["failed_at"] is not None and row["attempts"] == MAX_ATTEMPTS


def test_whatsapp_and_messenger_rows_stay_apart_on_postgresql(
    postgres_server: postgres.Server,
) -> None:
    name = postgres.unique_name("wa")
    postgres.run(postgres.create_database(postgres_server, name))
    url = postgres_server.url(name, driver="")
    messenger, whatsapp = MessengerStore(url=url), MessengerStore(url=url, prefix="wa_")
    try:
        now = datetime.now(UTC)
        assert whatsapp.store_inbound([("wamid.1", CONVERSATION, {})]) == ["wamid.1"]
        assert messenger.store_inbound([("wamid.1", "psid-1", {})]) == ["wamid.1"]
        item = whatsapp.enqueue(CONVERSATION, {"type": "text"}, now)
        whatsapp.mark_sent(item, "wamid.out1")
        assert whatsapp.record_status("wamid.out1", "delivered", now) == 1
        assert messenger.outbox_rows() == []
        assert whatsapp.outbox_rows()[0]["delivery_status"] == "delivered"
        assert whatsapp.last_inbound(CONVERSATION) is not None
        assert messenger.last_inbound(CONVERSATION) is None
        whatsapp.save_choices(CONVERSATION, [{"payload": "/a", "title": "A"}])
        assert whatsapp.choices(CONVERSATION) == [{"payload": "/a", "title": "A"}]
    finally:
        messenger.close()
        whatsapp.close()
        postgres.run(postgres.drop_database(postgres_server, name))
