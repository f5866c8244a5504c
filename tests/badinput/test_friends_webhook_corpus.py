"""The corpus against the Friends' webhook (/webhooks/friends) on SQLite and PostgreSQL:
broken bodies and wrong shapes get a 400, forged signatures a 403, a replayed body is handled
once, and hostile or absurd chat messages get a polite answer in the chat and change nothing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.friends_chat.texts import text as say
from messenger_platform import signature
from simulator.fake_graph import FakeGraph
from simulator.webhook_bodies import page_body, quick_reply_event, text_event
from tests.badinput.corpus import (
    ABSURD_PHONES,
    INVALID_TEXTS,
    VALID_TEXTS,
    padded_json,
    raw_bodies,
)
from tests.badinput.harness import BUSINESS_TABLES, DEDUPLICATED, Reply, Run
from tests.badinput.test_api_corpus import ADMIN_API, FRIEND, send, settle
from tests.console.conftest import Client

SECRET = "friends-secret"  # the Friends' app secret of the console tests' settings
PAGE = "friends-page"
WEBHOOK = "/webhooks/friends"
FRIEND_ID = FRIEND["messenger_id"]
APPLICANT = "badinput-applicant"
# Postal codes that hold no code of a real place anywhere in the text.
ABSURD_CHAT_POSTAL_CODES = {
    "nonexistent_de": "99999",
    "zero": "0",
    "umlauts": "ÄÖÜ12",
    "ten_kb_digits": "1" * 10_000,
    "arabic_indic_digits": "١٠١١٥",
    "superscript_digits": "¹⁰¹¹⁵",
    "sql": "'; DROP TABLE friends;-- 99999",
    "html": "<script>alert(99999)</script>",
}


def signed(raw: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", signature.HEADER: signature.sign(raw, secret)}


def encode(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(page_body(PAGE, events)).encode()


async def post(client: Client, raw: bytes, headers: dict[str, str]) -> Reply:
    return await send(client, "POST", WEBHOOK, raw=raw, headers=headers)


def answers_to(graph: FakeGraph, psid: str) -> list[str]:
    texts = []
    for call in graph.calls():
        if call.recipient != psid:
            continue
        message = call.body.get("message") or {}
        payload = (message.get("attachment") or {}).get("payload") or {}
        texts.append(str(message.get("text") or payload.get("text") or ""))
    return texts


def next_answer(graph: FakeGraph, psid: str) -> Callable[[], Awaitable[str | None]]:
    """Waits for the next message to psid after the ones already sent."""
    seen = len(answers_to(graph, psid))

    async def wait() -> str | None:
        for _ in range(200):
            found = answers_to(graph, psid)
            if len(found) > seen:
                await asyncio.sleep(0.1)  # a second message would be a double answer
                return "\n".join(answers_to(graph, psid)[seen:])
            await asyncio.sleep(0.05)
        return None

    return wait


async def test_friends_webhook(
    client: Client, engine: AsyncEngine, fake_graph: tuple[FakeGraph, str]
) -> None:
    graph = fake_graph[0]
    created = await send(client, "POST", "/api/v1/friends", body=FRIEND, headers=ADMIN_API)
    assert created.status == 201, created.body
    # The day's first message checks the Friend in; later ones must change nothing.
    hello = encode([text_event(FRIEND_ID, PAGE, "online")])
    wait = next_answer(graph, FRIEND_ID)
    assert (await post(client, hello, signed(hello))).status == 200
    assert await wait() is not None
    await settle(engine)
    run = Run("Friends' webhook", engine)

    def deliver(raw: bytes, headers: dict[str, str] | None = None) -> Any:
        return lambda: post(client, raw, signed(raw) if headers is None else headers)

    # Broken bodies, correctly signed, so that the parser itself is tested.
    empty_page = page_body(PAGE, [])
    for name, raw in raw_bodies(empty_page).items():
        if name == "just_under_1mib":
            await run.read("raw body just_under_1mib (no events)", deliver(raw))
        else:
            await run.reject(f"raw body {name}", deliver(raw))
    event = text_event(FRIEND_ID, PAGE, "meine Aufträge")
    shapes: dict[str, Any] = {
        "object_not_page": {"object": "user", "entry": []},
        "entry_object": {"object": "page", "entry": {"messaging": []}},
        "entry_item_text": {"object": "page", "entry": ["x"]},
        "messaging_number": {"object": "page", "entry": [{"messaging": 7}]},
        "messaging_object": {"object": "page", "entry": [{"messaging": {"a": 1}}]},
        "messaging_item_list": {"object": "page", "entry": [{"messaging": [[event]]}]},
    }
    broken_events: dict[str, dict[str, Any]] = {
        "sender_text": event | {"sender": "badinput-friend"},
        "sender_list": event | {"sender": [FRIEND_ID]},
        "recipient_number": event | {"recipient": 5},
        "text_object": event | {"message": {"mid": "m_obj", "text": {"a": 1}}},
        "attachments_number": event | {"message": {"mid": "m_att", "attachments": 3}},
        "attachment_payload_text": event
        | {"message": {"mid": "m_pay", "attachments": [{"type": "image", "payload": "x"}]}},
        "sender_id_ten_kb": event | {"sender": {"id": "1" * 10_000}},
        "sender_id_nul": event | {"sender": {"id": "12\x0034"}},
        "sender_id_surrogate": event | {"sender": {"id": "12\ud80034"}},
        "text_nul": text_event(FRIEND_ID, PAGE, INVALID_TEXTS["nul"]),
        "text_surrogate": text_event(FRIEND_ID, PAGE, INVALID_TEXTS["lone_high_surrogate"]),
        "payload_nul": quick_reply_event(FRIEND_ID, PAGE, "x", "MY_JOBS\x00"),
    }
    for name, body in shapes.items():
        await run.reject(f"shape {name}", deliver(json.dumps(body).encode()))
    for name, item in broken_events.items():
        await run.reject(f"event {name}", deliver(encode([item])))
    # Meta sends notifications we do not handle (reads, deliveries, new kinds): a message or
    # postback that is no object is skipped like them, with a 200 and nothing stored.
    for name, item in {
        "message_list": event | {"message": ["hallo"]},
        "postback_list": {k: v for k, v in event.items() if k != "message"} | {"postback": [1]},
    }.items():
        await run.read(f"event {name} (skipped)", deliver(encode([item])))

    # Forged and broken signatures on an otherwise valid message.
    raw = encode([text_event(FRIEND_ID, PAGE, "meine Aufträge")])
    good = signature.sign(raw, SECRET)
    sha1 = "sha1=" + hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
    forged = {
        "no header": {},
        "empty": {signature.HEADER: ""},
        "wrong secret": {signature.HEADER: signature.sign(raw, "not-the-secret")},
        "empty secret": {signature.HEADER: signature.sign(raw, "")},
        "sha1 header only": {"X-Hub-Signature": sha1},
        "sha1 value in the sha256 header": {signature.HEADER: sha1},
        "truncated hex": {signature.HEADER: good[:-8]},
        "prefix only": {signature.HEADER: "sha256="},
        "no prefix": {signature.HEADER: good.removeprefix("sha256=")},
        "upper-case hex": {signature.HEADER: "sha256=" + good[7:].upper()},
        "umlauts": {signature.HEADER: "sha256=" + "ä" * 64},
        "not hex": {signature.HEADER: "sha256=" + "zz" * 32},
        "ten kb": {signature.HEADER: "sha256=" + "a" * 8000},
        "another body's": {signature.HEADER: signature.sign(raw + b" ", SECRET)},
    }
    for name, headers in forged.items():
        answered = len(answers_to(graph, FRIEND_ID))
        await run.reject(
            f"signature {name}", deliver(raw, {"Content-Type": "application/json"} | headers)
        )
        await asyncio.sleep(0.05)
        run.expect(
            name, len(answers_to(graph, FRIEND_ID)) == answered, "a forged message was answered"
        )
    for name, value in {**VALID_TEXTS, "nul": "a\x00b", "ten_kb": "v" * 10_000}.items():
        query = urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": value, "hub.challenge": value}
        )
        reply = await run.reject(
            f"verification with token {name}",
            partial(send, client, "GET", f"{WEBHOOK}?{query}", headers={}),
        )
        run.expect(name, value not in reply.body, "the challenge was echoed to a wrong token")
    big = padded_json(page_body(PAGE, []), 1024 * 1024 + 1)
    await run.reject("signed body over 1 MiB", deliver(big))

    # Replayed: the same signed body three times is stored and answered once.
    run.forget()
    replay = encode([text_event(FRIEND_ID, PAGE, "Wetter heute?", mid="m_badinput_replay")])
    first = next_answer(graph, FRIEND_ID)
    statuses = [(await post(client, replay, signed(replay))).status for _ in range(3)]
    run.expect("replay", statuses == [200, 200, 200], f"statuses {statuses}")
    run.expect("replay", await first() is not None, "not answered")
    marker = encode([text_event(FRIEND_ID, PAGE, "hilfe")])
    after = next_answer(graph, FRIEND_ID)
    await post(client, marker, signed(marker))
    run.expect("replay", await after() is not None, "the next message not answered")
    async with engine.connect() as conn:
        stored = await conn.scalar(
            text("SELECT count(*) FROM inbox_events WHERE key = 'mid:m_badinput_replay'")
        )
    run.expect("replay", stored == 1, f"stored {stored} times")
    run.count(DEDUPLICATED, 2)
    await settle(engine)

    # Chat: hostile text from a working Friend gets "not understood" and changes nothing
    # (one that holds a command word, "'; DROP TABLE jobs;--", gets that command's answer).
    chat = Run("Friends' chat", engine, tables=BUSINESS_TABLES)
    not_understood = say("not_understood", "de")
    no_jobs = say("my_jobs_none", "de")
    for name, value in {**VALID_TEXTS, "ten_kb": INVALID_TEXTS["ten_kb"]}.items():
        raw = encode([text_event(FRIEND_ID, PAGE, value)])
        await chat.chat(
            f"Friend says {name}",
            deliver(raw),
            next_answer(graph, FRIEND_ID),
            lambda said: not_understood in said or said == no_jobs,
        )

    # Sign-up by chat: absurd postal codes and phone numbers are asked again, no Friend made.
    async def tell(message: str, payload: str = "") -> str | None:
        event = (
            quick_reply_event(APPLICANT, PAGE, message, payload)
            if payload
            else text_event(APPLICANT, PAGE, message)
        )
        raw = encode([event])
        wait = next_answer(graph, APPLICANT)
        assert (await post(client, raw, signed(raw))).status == 200
        return await wait()

    assert await tell("Hallo") is not None
    assert await tell("Deutsch", "SIGNUP_LANG:de") is not None
    assert say("signup_ask_postal_code", "de", name="Bernd") == await tell("Bernd Bewerber")
    again = say("signup_postal_code_again", "de")
    for name, value in ABSURD_CHAT_POSTAL_CODES.items():
        raw = encode([text_event(APPLICANT, PAGE, value)])
        await chat.chat(
            f"applicant's postal code {name}",
            deliver(raw),
            next_answer(graph, APPLICANT),
            lambda said: said == again,
        )
    assert await tell("10117") is not None
    assert await tell("15 km") is not None
    assert await tell("Internet", "SKILL:internet_wifi") is not None
    assert await tell("Fertig", "SKILLS_DONE") is not None
    assert await tell("Deutsch", "LANGS:de") == say("signup_ask_phone", "de")
    phone_again = say("signup_phone_again", "de", example="").split(",")[0]
    for name, value in ABSURD_PHONES.items():
        if not isinstance(value, str):
            continue  # chat messages are text
        raw = encode([text_event(APPLICANT, PAGE, value)])
        await chat.chat(
            f"applicant's phone {name}",
            deliver(raw),
            next_answer(graph, APPLICANT),
            lambda said: said.startswith(phone_again),
        )
    alive = await send(client, "GET", "/healthz")
    run.expect("after the corpus", alive.status == 200, "the backend stopped answering")
    run.assert_clean()
    chat.assert_clean()
