"""The website chat channel inside the real Rasa server (trained model, action server,
backend), spoken to by python-socketio clients over long-polling as a browser would:
sessions issued and resumed with their history, nothing of a conversation for a forged or
foreign token, origins, the message size limit, the rate limit under a flood while another
customer is answered, the backend's news and the console's push.

The model is models/techfriends.tar.gz (`make model`); TECHFRIENDS_MODEL points elsewhere.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from tests.bot.test_channel_with_rasa import SECRETS, stack_ports, started_stack
from tests.bot.webchat_client import Tab

ALLOWED = "http://shop.example"
WEBCHAT_ENV = {
    "WEBCHAT_SECRET": "webchat-test-secret",
    "WEBCHAT_ALLOWED_ORIGINS": f"{ALLOWED}, http://127.0.0.1:8090",
    "WEBCHAT_MAX_MESSAGE_CHARS": "2000",
    "WEBCHAT_RATE_PER_MINUTE": "20",
}
RASA_TOKEN = SECRETS["RASA_TOKEN"]
TOKEN = re.compile(r"web-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}")


@dataclass
class Running:
    rasa_url: str


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Running]:
    work = tmp_path_factory.mktemp("webchat")
    with started_stack(work, template_db, stack_ports(), 400, WEBCHAT_ENV) as (env, _, _):
        yield Running(env["RASA_URL"])


@pytest.fixture
async def tabs(running: Running) -> AsyncIterator[list[Tab]]:
    """Tabs a test opens; all closed afterwards."""
    opened: list[Tab] = []
    yield opened
    for tab in opened:
        if tab.sio.connected:
            await tab.close()


def tab(running: Running, tabs: list[Tab], **kwargs: Any) -> Tab:
    new = Tab(running.rasa_url, kwargs.pop("origin", ALLOWED), **kwargs)
    tabs.append(new)
    return new


async def tracker(running: Running, conversation_id: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{running.rasa_url}/conversations/{conversation_id}/tracker",
            params={"token": RASA_TOKEN},
        ) as answer,
    ):
        assert answer.status == 200, await answer.text()
        result: dict[str, Any] = await answer.json()
        return result


def user_texts(tracker_json: dict[str, Any]) -> list[str]:
    return [e.get("text") or "" for e in tracker_json["events"] if e["event"] == "user"]


async def test_a_session_is_issued_and_resumed_with_its_history(
    running: Running, tabs: list[Tab]
) -> None:
    first = tab(running, tabs, language="en-GB")
    token = await first.open()
    assert TOKEN.fullmatch(token), token
    assert first.history == {"resumed": False, "messages": []}
    answers = await first.say("Hello")
    assert answers and all(isinstance(a.get("text"), str) for a in answers), answers
    # The welcome offers the areas as quick replies, shaped as Rasa's socketio output does.
    offer = next(a for a in answers if a.get("quick_replies"))
    assert all(
        set(q) == {"content_type", "title", "payload"} and q["content_type"] == "text"
        for q in offer["quick_replies"]
    ), offer
    tapped = offer["quick_replies"][0]
    answers += await first.say(tapped["payload"])
    conversation_id = token.split(".")[0]
    state = await tracker(running, conversation_id)
    assert state["latest_input_channel"] == "webchat"
    assert state["latest_message"]["metadata"] == {"channel": "webchat", "locale": "en-GB"}
    await first.close()

    # A page reload: the widget sends the token it stored.
    again = tab(running, tabs, language="en-GB")
    assert await again.open(token) == token
    assert again.history is not None and again.history["resumed"] is True
    messages = again.history["messages"]
    # What the customer saw: the tapped button's title, not its payload.
    assert [m["text"] for m in messages if m["sender"] == "user"] == ["Hello", tapped["title"]]
    bot = [{k: v for k, v in m.items() if k in ("text", "quick_replies")} for m in messages]
    assert [m for m, full in zip(bot, messages, strict=True) if full["sender"] == "bot"] == [
        {k: v for k, v in a.items() if k in ("text", "quick_replies")} for a in answers
    ]
    # The conversation goes on in the same tracker.
    await again.say("How much does it cost?")
    assert user_texts(await tracker(running, conversation_id)) == [
        "Hello",
        tapped["payload"],
        "How much does it cost?",
    ]


async def test_a_forged_or_foreign_session_sees_nothing_of_another_conversation(
    running: Running, tabs: list[Tab]
) -> None:
    owner = tab(running, tabs)
    token = await owner.open()
    await owner.say("Hallo, mein Drucker druckt nicht")
    conversation_id = token.split(".")[0]
    before = user_texts(await tracker(running, conversation_id))

    intruder = tab(running, tabs)
    forged = conversation_id + "." + "A" * 43
    for attempt in (forged, conversation_id, token[:-1] + ("B" if token[-1] != "B" else "C")):
        own = await intruder.open(attempt)
        assert own.split(".")[0] != conversation_id
        assert intruder.history == {"resumed": False, "messages": []}
        await intruder.close()

    # With a session of its own, a message naming the owner's token is refused.
    await intruder.open()
    start = await intruder.send("Zeig mir alles", session_id=token)
    owner_start = len(owner.heard)
    await intruder.say("Hallo")  # a turn of its own ends: the refused one would be before it
    assert all("Zeig mir alles" not in str(d) for _, _, d in intruder.heard[start:])
    assert user_texts(await tracker(running, conversation_id)) == before
    assert owner.heard[owner_start:] == []
    intruder_id = (intruder.token or "").split(".")[0]
    assert user_texts(await tracker(running, intruder_id)) == ["Hallo"]


async def test_a_disallowed_origin_is_refused(running: Running, tabs: list[Tab]) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        await tab(running, tabs, origin="http://evil.example").connect()
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{running.rasa_url}/socket.io/",
            params={"EIO": "4", "transport": "polling"},
            headers={"Origin": "http://evil.example"},
        ) as answer,
    ):
        assert answer.status == 400
        assert "access-control-allow-origin" not in {k.lower() for k in answer.headers}
    allowed = tab(running, tabs, origin="http://127.0.0.1:8090")
    assert TOKEN.fullmatch(await allowed.open())


@pytest.mark.parametrize(
    ("language", "words"), [("de-AT", "zu lang"), ("en-US", "too long"), ("de-CH", "zu lang")]
)
async def test_a_message_over_2000_characters_is_refused_politely(
    running: Running, tabs: list[Tab], language: str, words: str
) -> None:
    customer = tab(running, tabs, language=language)
    token = await customer.open()
    start = await customer.send("x" * 2001)
    _, _, refusal = await customer.wait_for(lambda e: e[1] == "bot_uttered", start, 30)
    assert words in refusal["text"] and "2000" in refusal["text"], refusal
    if language == "de-CH":
        assert "ß" not in refusal["text"]
    await asyncio.sleep(1)
    assert [name for _, name, _ in customer.heard[start:]] == ["bot_uttered"]
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{running.rasa_url}/conversations/{token.split('.')[0]}/tracker",
            params={"token": RASA_TOKEN},
        ) as answer,
    ):
        events = (await answer.json())["events"]
    assert not [e for e in events if e["event"] == "user"]


async def test_the_rate_limit_holds_a_flood_while_another_customer_is_answered(
    running: Running, tabs: list[Tab]
) -> None:
    flooder = tab(running, tabs)
    flood_token = await flooder.open()
    other = tab(running, tabs)
    await other.open()

    async def flood() -> None:
        # 200 messages in one second.
        for n in range(200):
            await flooder.send(f"Nachricht {n}")
            await asyncio.sleep(0.005)

    flooding = asyncio.create_task(flood())
    await asyncio.sleep(0.3)
    sent_at = time.monotonic()
    start = await other.send("Hallo")
    heard_at, _, _ = await other.wait_for(lambda e: e[1] == "bot_uttered", start, 30)
    await flooding
    assert heard_at - sent_at < 2.0, f"the other customer waited {heard_at - sent_at:.1f}s"

    slow_down = [d for d in flooder.said() if "viele Nachrichten" in d.get("text", "")]
    assert len(slow_down) == 1, flooder.said()
    # The allowed turns finish; the rest never reached the bot.
    conversation_id = flood_token.split(".")[0]
    deadline = time.monotonic() + 240
    while True:
        typing = [d["typing"] for _, n, d in flooder.heard if n == "bot_typing"]
        if typing and not typing[-1] and typing.count(False) == typing.count(True):
            await asyncio.sleep(2)
            if [d["typing"] for _, n, d in flooder.heard if n == "bot_typing"] == typing:
                break
        assert time.monotonic() < deadline, "the flooder's turns did not finish"
        await asyncio.sleep(1)
    handled = user_texts(await tracker(running, conversation_id))
    print(  # the figures for the report (pytest -s)
        f"\nflood: other customer answered after {heard_at - sent_at:.2f}s; "
        f"{len(handled)} of 200 flood messages reached the bot; {len(slow_down)} slow-down"
    )
    # A burst of 20, and at most a token or two refilled while the flood lasted.
    assert 20 <= len(handled) <= 22, len(handled)
    assert handled == [f"Nachricht {n}" for n in range(len(handled))]


async def test_the_backends_news_and_the_consoles_push_reach_the_open_tab(
    running: Running, tabs: list[Tab]
) -> None:
    customer = tab(running, tabs)
    token = await customer.open()
    await customer.say("Hallo")
    conversation_id = token.split(".")[0]
    second_tab = tab(running, tabs)
    await second_tab.open(token)
    push = f"{running.rasa_url}/webhooks/webchat/push"
    body = {
        "conversation_id": conversation_id,
        "text": "Hier ist Petra vom Support.",
        "sender": "staff",
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(push, json=body) as answer:
            assert answer.status == 401
        async with http.post(push, params={"token": "wrong"}, json=body) as answer:
            assert answer.status == 401
        unknown = {**body, "conversation_id": "web-" + "0" * 32}
        async with http.post(push, params={"token": RASA_TOKEN}, json=unknown) as answer:
            assert answer.status == 404
        messenger = {**body, "conversation_id": "1234567890"}
        async with http.post(push, params={"token": RASA_TOKEN}, json=messenger) as answer:
            assert answer.status == 404
        start, other_start = len(customer.heard), len(second_tab.heard)
        async with http.post(push, params={"token": RASA_TOKEN}, json=body) as answer:
            assert answer.status == 200
            assert await answer.json() == {"delivered": 2}
        for each, since in ((customer, start), (second_tab, other_start)):
            _, _, pushed = await each.wait_for(lambda e: e[1] == "bot_uttered", since, 10)
            assert pushed == {"text": "Hier ist Petra vom Support.", "sender": "staff"}

        # The backend's news: trigger_intent with output_channel=webchat.
        start = len(customer.heard)
        async with http.post(
            f"{running.rasa_url}/conversations/{conversation_id}/trigger_intent",
            params={"token": RASA_TOKEN, "output_channel": "webchat"},
            json={"name": "greet", "entities": {}},
        ) as answer:
            assert answer.status == 200, await answer.text()
        await customer.wait_for(lambda e: e[1] == "bot_uttered", start, 60)


async def test_websocket_works_too_directly_and_as_an_upgrade_from_polling(
    running: Running, tabs: list[Tab]
) -> None:
    direct = tab(running, tabs, transports=["websocket"])
    token = await direct.open()
    assert direct.sio.transport() == "websocket"
    answers = await direct.say("Hallo")
    assert answers and answers[0].get("text"), answers
    await direct.close()

    # What a browser does: long-polling first, then the upgrade; the session resumes.
    upgraded = tab(running, tabs, transports=["polling", "websocket"])
    assert await upgraded.open(token) == token
    deadline = time.monotonic() + 10
    while upgraded.sio.transport() != "websocket":
        assert time.monotonic() < deadline, "no upgrade to websocket"
        await asyncio.sleep(0.1)
    assert upgraded.history is not None
    assert [m["text"] for m in upgraded.history["messages"] if m["sender"] == "user"] == ["Hallo"]
    assert await upgraded.say("Danke")
