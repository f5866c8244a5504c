"""The corpus against the customers' Messenger webhook: our channel in a real Rasa server with
the trained model, the action server, the backend and the fake Graph API (tests/e2e's stack).

Broken bodies get a 400 and forged signatures a 403, with nothing stored and nothing sent; a
replayed body is answered once, and one older than 48 hours (or from the future) not at all;
hostile text, absurd postal codes and phone numbers get a polite answer or the question again,
and no job is made.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

import tests.e2e.conftest as e2e
from backend.adapters.db import make_engine
from messenger_platform import signature
from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import page_body, quick_reply_event, text_event
from tests.badinput.corpus import ABSURD_PHONES, INVALID_TEXTS, VALID_TEXTS, raw_bodies
from tests.badinput.harness import BUSINESS_TABLES, DEDUPLICATED, Reply, Run, Snapshot
from tests.badinput.test_friends_webhook_corpus import ABSURD_CHAT_POSTAL_CODES
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import Chat, Customer, _choice, is_message, question, text

pytestmark = pytest.mark.e2e
PAGE = "customer-page"
WEBHOOK = "/webhooks/messenger/webhook"
SECRET = SECRETS["CUSTOMER_APP_SECRET"]
# utter_handoff (domain.yml): the bot gives the conversation to a person and stops answering.
HANDED_OFF = re.compile(r"verbinde Sie mit einem Menschen|put you through to a person")


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[System]:
    """tests/e2e's stack, for this module only: stopped again before tests/e2e starts its own,
    so two Rasa servers never share the machine."""
    # TECHFRIENDS_MODEL: another trained model, as tests/bot allows (models/ may be busy).
    model = os.environ.get("TECHFRIENDS_MODEL")
    saved = vars(e2e)["MODEL"], os.environ.get("RASA_MODEL")
    if model:
        vars(e2e)["MODEL"] = Path(model)
        os.environ["RASA_MODEL"] = model
    try:
        yield from e2e.system.__wrapped__(tmp_path_factory, template_db)  # type: ignore[attr-defined]
    finally:
        vars(e2e)["MODEL"] = saved[0]
        if model:
            os.environ.pop("RASA_MODEL", None)
            if saved[1] is not None:
                os.environ["RASA_MODEL"] = saved[1]


class StackRun(Run):
    """A run whose snapshot also covers the channel's own store (inbox, outbox, contacts)."""

    def __init__(self, target: str, engine: AsyncEngine, store: Path) -> None:
        super().__init__(target, engine, tables=BUSINESS_TABLES)
        self.store = store

    async def take(self) -> Snapshot:
        found = await super().take()
        found["channel store"] = await asyncio.to_thread(store_digest, self.store)
        return found


def store_digest(path: Path) -> tuple[int, str]:
    digest, rows = hashlib.sha256(), 0
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in sorted(tables):
            found = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))
            rows += len(found)
            digest.update("\n".join([table, *found]).encode("utf-8", "backslashreplace"))
    return rows, digest.hexdigest()


def encode(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(page_body(PAGE, events)).encode()


def signed(raw: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", signature.HEADER: signature.sign(raw, SECRET)}


async def answers(system: System, psid: str) -> int:
    calls, _ = await fetch_calls(system.graph_url, recipient=psid)
    return len([c for c in calls if is_message(c)])


@pytest.fixture
async def engine(system: System) -> AsyncIterator[AsyncEngine]:
    found = make_engine(system.env["DATABASE_URL"])
    yield found
    await found.dispose()


async def test_customers_webhook(system: System, engine: AsyncEngine) -> None:
    run = StackRun("customers' webhook (Rasa)", engine, Path(system.env["MESSENGER_STORE_PATH"]))
    # The stack answers a message left over from a "crash" as it starts (tests/e2e's fixture):
    # wait until that is done, so it is not taken for a change made by a refused request.
    await wait_for_calls(system.graph_url, is_message, 120, recipient=e2e.CRASHED_SENDER)
    last, still = await run.take(), 0
    for _ in range(120):
        await asyncio.sleep(0.5)
        now = await run.take()
        still = still + 1 if now == last else 0
        if still == 4:
            break
        last = now
    url = system.rasa_url + WEBHOOK

    async def post(raw: bytes, headers: dict[str, str]) -> Reply:
        async with aiohttp.ClientSession() as http, http.post(url, data=raw, headers=headers) as r:
            return Reply(r.status, await r.text(), dict(r.headers))

    def deliver(raw: bytes, headers: dict[str, str] | None = None) -> Any:
        return lambda: post(raw, signed(raw) if headers is None else headers)

    for name, raw in raw_bodies(page_body(PAGE, [])).items():
        if name == "just_under_1mib":
            await run.read("raw body just_under_1mib (no events)", deliver(raw))
        else:
            await run.reject(f"raw body {name}", deliver(raw))
    psid = "badinput-forger"
    event = text_event(psid, PAGE, "Hallo")
    for name, item in {
        "sender_text": event | {"sender": psid},
        "text_object": event | {"message": {"mid": "m_bad_obj", "text": {"a": 1}}},
        "attachments_number": event | {"message": {"mid": "m_bad_att", "attachments": 3}},
        "sender_id_ten_kb": event | {"sender": {"id": "1" * 10_000}},
        "text_nul": text_event(psid, PAGE, INVALID_TEXTS["nul"]),
        "text_surrogate": text_event(psid, PAGE, INVALID_TEXTS["lone_high_surrogate"]),
        "payload_nul": quick_reply_event(psid, PAGE, "Ja", "/affirm\x00"),
    }.items():
        await run.reject(f"event {name}", deliver(encode([item])))
    await run.reject(
        "messaging_number", deliver(b'{"object": "page", "entry": [{"messaging": 7}]}')
    )
    raw = encode([event])
    good = signature.sign(raw, SECRET)
    sha1 = "sha1=" + hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
    for name, headers in {
        "no header": {},
        "empty": {signature.HEADER: ""},
        "wrong secret": {signature.HEADER: signature.sign(raw, "not-the-secret")},
        "sha1 header only": {"X-Hub-Signature": sha1},
        "sha1 value in the sha256 header": {signature.HEADER: sha1},
        "truncated hex": {signature.HEADER: good[:-8]},
        "prefix only": {signature.HEADER: "sha256="},
        "upper-case hex": {signature.HEADER: "sha256=" + good[7:].upper()},
        "umlauts": {signature.HEADER: "sha256=" + "ä" * 64},
        "another body's": {signature.HEADER: signature.sign(raw + b" ", SECRET)},
    }.items():
        await run.reject(
            f"signature {name}", deliver(raw, {"Content-Type": "application/json"} | headers)
        )
    await asyncio.sleep(1)
    run.expect("forged", await answers(system, psid) == 0, "the forger was answered")

    # Replayed: the same signed body three times, answered once.
    run.forget()
    replayer = "badinput-replay"
    replay = encode([text_event(replayer, PAGE, "Hallo", mid="m_badinput_replay")])
    statuses = [(await post(replay, signed(replay))).status for _ in range(3)]
    run.expect("replay", statuses == [200, 200, 200], f"statuses {statuses}")
    chat = Chat(system, replayer)
    await chat.send_text("Mein Drucker druckt nicht mehr", lambda c: question(c) is not None)
    hellos = [t for t in chat.transcript if "automatische Assistent" in t]
    run.expect("replay", len(hellos) == 1, f"greeted {len(hellos)} times")
    run.count(DEDUPLICATED, 2)

    # Replayed after the retention (issue 21, point 6): a signed event older than 48 hours or
    # more than 10 minutes ahead is acknowledged (200) and neither stored nor answered.
    # The replayer's chat may still be writing its outbox: wait until the stores are still.
    run.forget()
    last, still = await run.take(), 0
    for _ in range(60):
        await asyncio.sleep(0.5)
        now = await run.take()
        still = still + 1 if now == last else 0
        if still == 4:
            break
        last = now
    run.forget()
    late = "badinput-late-replay"
    now_ms = int(time.time() * 1000)
    for name, offset_ms in {
        "old_49h": -49 * 3_600_000,
        "old_31_days": -31 * 86_400_000,
        "ahead_11min": 11 * 60_000,
        "ahead_1_year": 365 * 86_400_000,
    }.items():
        stale = encode([text_event(late, PAGE, "Hallo", timestamp=now_ms + offset_ms)])
        reply = await run.read(f"replay {name}", deliver(stale))
        run.expect(f"replay {name}", reply.status == 200, f"answered {reply.status}")
    await asyncio.sleep(1)
    run.expect("late replays", await answers(system, late) == 0, "a stale event was answered")
    async with aiohttp.ClientSession() as http:
        for name, health in (("Rasa", system.rasa_url), ("backend", system.backend_url)):
            async with http.get(f"{health}/healthz") as r:
                run.expect("after the corpus", r.status == 200, f"{name} stopped answering")
    run.assert_clean()


async def test_customers_chat(system: System, engine: AsyncEngine) -> None:
    chat_run = Run("customers' chat (Rasa)", engine, tables=BUSINESS_TABLES)

    # Hostile text as a customer's first words: an answer, and no job.
    for name, value in {**VALID_TEXTS, "ten_kb": INVALID_TEXTS["ten_kb"]}.items():
        chat = Chat(system, f"badinput-says-{name}")
        await chat_run.chat(
            f"customer says {name}",
            partial(_deliver, chat, value),
            partial(_reply, chat),
            lambda said: bool(said.strip()),
        )

    # A booking: absurd postal codes and phone numbers are asked again, and no job is made.
    chat = Chat(system, "badinput-booking")
    customer = Customer(
        psid=chat.psid,
        greeting="Hallo",
        description="Mein WLAN bricht ständig ab",
        category="internet_wifi",
        postal_code="10115",
        city="Berlin",
        package="quick_help",
        street="Invalidenstraße 1",
        time="morgen Vormittag",
        name="Erika Muster",
        phone="0171 9876543",
    )
    calls = await chat.send_text(customer.description, lambda c: question(c) is not None)
    reached_phone = False
    for _ in range(12):
        last = [q for c in calls if (q := question(c))][-1]
        if last == "postal_code":
            for name, value in ABSURD_CHAT_POSTAL_CODES.items():
                await chat_run.chat(
                    f"postal code {name}",
                    partial(_deliver, chat, value),
                    partial(_reply, chat, "postal_code"),
                    lambda said: "Postleitzahl" in said,
                )
        if last == "phone":
            reached_phone = True
            for name, value in ABSURD_PHONES.items():
                if chat.transcript and HANDED_OFF.search(chat.transcript[-1]):
                    break  # after five tries the bot passes the customer to a person
                if isinstance(value, str):
                    await chat_run.chat(
                        f"phone {name}",
                        partial(_deliver, chat, value),
                        partial(_reply, chat, "phone"),
                        lambda said: "Telefonnummer" in said or bool(HANDED_OFF.search(said)),
                    )
            break
        if last in ("category", "package", "place", "consent", "summary"):
            payload, title = _choice(calls[-1], last, customer)
            calls = await chat.send_tap(title, payload, lambda c: question(c) is not None)
        else:
            answer = {
                "description": customer.description,
                "postal_code": customer.postal_code,
                "street": customer.street,
                "name": customer.name,
                "time": customer.time,
            }[last]
            calls = await chat.send_text(answer, lambda c: question(c) is not None)
    chat_run.expect("booking", reached_phone, "the phone question never came")
    chat_run.assert_clean()


async def _deliver(chat: Chat, message: str) -> Reply:
    chat.transcript.append(f"customer: {message[:80]}")
    raw = encode([text_event(chat.psid, PAGE, message)])
    async with (
        aiohttp.ClientSession() as http,
        http.post(chat.system.rasa_url + WEBHOOK, data=raw, headers=signed(raw)) as r,
    ):
        return Reply(r.status, await r.text())


async def _reply(chat: Chat, asked: str | None = None) -> str | None:
    """The bot's messages after the customer's, once it asked `asked` (or said anything)."""
    try:
        calls = await chat.wait_until(
            lambda c: (
                (question(c) == asked or bool(HANDED_OFF.search(text(c))))
                if asked
                else bool(text(c).strip())
            )
        )
    except AssertionError:
        return None
    return "\n".join(text(c) for c in calls)
