"""The console with customers on two channels: the list names and filters the channel, a web
transcript reads like a Messenger one, a staff reply reaches the website chat through the bot's
push endpoint (a stand-in server here), and export and erasure find a web customer and empty
the web chat's own store of them."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.config import Settings
from backend.console.tracker import REDACTED
from simulator.fake_graph import FakeGraph
from tests.console.conftest import (
    ADMIN,
    AGENT,
    API_TOKEN,
    CUSTOMERS_TOKEN,
    RASA_TOKEN,
    Client,
    Clock,
    TrackerStore,
    bot,
    login,
    user,
)

WEB = "web-" + "5f0c" * 8
OTHER_WEB = "web-" + "a1b2" * 8
PSID = "psid-77"


def web_user(text: str, at: datetime, intent: str = "greet") -> dict[str, Any]:
    return user(text, at, intent) | {"input_channel": "webchat"}


@dataclasses.dataclass
class WebBot:
    """The bot's two endpoints the console uses for a web conversation: the web chat's push
    (contract of issue 15) and Rasa's tracker events, which it appends to the tracker store."""

    store: TrackerStore
    pushes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    open_pages: int = 1
    down: bool = False
    url: str = ""


@pytest.fixture
async def web_bot(tracker_store: TrackerStore, clock: Clock) -> AsyncIterator[WebBot]:
    state = WebBot(tracker_store)

    async def push(request: web.Request) -> web.Response:
        if state.down:
            return web.json_response({"error": "unavailable"}, status=503)
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        if not str(body.get("conversation_id", "")).startswith("web-"):
            return web.json_response({"error": "no such conversation"}, status=404)
        state.pushes.append(body)
        return web.json_response({"delivered": state.open_pages})

    async def append(request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"message": "unauthorized"}, status=401)
        sender = request.match_info["conversation_id"]
        for event in await request.json():
            state.events.append({"conversation": sender, **event})
            state.store.add(sender, {"timestamp": clock().timestamp(), **event})
        return web.json_response({"sender_id": sender})

    app = web.Application()
    app.router.add_post("/webhooks/webchat/push", push)
    app.router.add_post("/conversations/{conversation_id}/tracker/events", append)
    server = TestServer(app)
    await server.start_server()
    state.url = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


@pytest.fixture
def settings(settings: Settings, web_bot: WebBot) -> Settings:
    return dataclasses.replace(settings, rasa_url=web_bot.url)


def _rows(html: str) -> dict[str, str]:
    """conversation id → the channel its row names, in the list's order."""
    found = re.findall(
        r'class="conversation-link">([^<]+)</a>.*?<td class="channel" data-channel="(\w+)"',
        html,
        re.S,
    )
    return dict(found)


async def test_the_list_names_and_filters_each_conversations_channel(
    client: Client, tracker_store: TrackerStore, clock: Clock
) -> None:
    tracker_store.add(PSID, user("Hallo über Messenger", clock() - timedelta(hours=2)))
    tracker_store.add(WEB, web_user("Hallo von der Website", clock()))
    await login(client)  # an agent: the page speaks English
    everything = await (await client.get("/console/conversations")).text()
    assert _rows(everything) == {WEB: "webchat", PSID: "messenger"}
    assert ">Website chat<" in everything and ">Messenger<" in everything
    web_only = await (await client.get("/console/conversations?channel=webchat")).text()
    assert _rows(web_only) == {WEB: "webchat"}
    assert '<option value="webchat" selected>' in web_only
    messenger_only = await (await client.get("/console/conversations?channel=messenger")).text()
    assert _rows(messenger_only) == {PSID: "messenger"}
    # A channel we do not serve filters nothing rather than failing.
    assert _rows(await (await client.get("/console/conversations?channel=fax")).text()) == {
        WEB: "webchat",
        PSID: "messenger",
    }
    # Filters combine: a web conversation searched by a Messenger word is not there.
    combined = await client.get("/console/conversations?channel=webchat&q=messenger")
    assert _rows(await combined.text()) == {}


async def test_a_web_transcript_reads_like_a_messenger_one(
    client: Client, tracker_store: TrackerStore, clock: Clock
) -> None:
    tracker_store.add(WEB, web_user("Mein Drucker druckt nicht", clock(), "describe_problem"))
    tracker_store.add(WEB, bot("Seit wann?", clock(), buttons=["Heute", "Seit Tagen"]))
    await login(client)
    html = await (await client.get(f"/console/conversations/{WEB}")).text()
    assert "Channel: Website chat" in html
    assert "Mein Drucker druckt nicht" in html and "describe_problem" in html
    assert '<span class="button">Heute</span>' in html
    assert f"/console/privacy?channel=webchat&amp;id={WEB}" in html


async def test_a_staff_reply_reaches_the_website_chat_by_the_bots_push(
    client: Client,
    tracker_store: TrackerStore,
    web_bot: WebBot,
    fake_graph: tuple[FakeGraph, str],
    clock: Clock,
) -> None:
    graph, _ = fake_graph
    # Ten days of silence: Messenger's 7-day rule would forbid a reply, the website has none.
    tracker_store.add(
        WEB, web_user("Ich brauche einen Menschen", clock() - timedelta(days=10), "human")
    )
    csrf = await login(client)
    url = f"/console/conversations/{WEB}"
    taken = await client.post(f"{url}/takeover", data={"csrf": csrf})
    assert "Taken over by" in await taken.text()
    assert web_bot.events[-1] == {"conversation": WEB, "event": "pause"}

    sent = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hier ist Lena."})
    assert "The reply reached the chat on the website." in await sent.text()
    assert web_bot.pushes == [{"conversation_id": WEB, "text": "Hier ist Lena.", "sender": "staff"}]
    # Recorded in the transcript as a person's words; nothing went to Messenger.
    assert web_bot.events[-1]["metadata"] == {"agent": AGENT[0]}
    assert graph.calls(page_token=CUSTOMERS_TOKEN) == []
    assert "written by agent@techfriends.test" in await (await client.get(url)).text()

    web_bot.open_pages = 0
    kept = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Noch da?"})
    assert "does not have the website chat open" in await kept.text()
    assert len(web_bot.pushes) == 2


async def test_a_refused_push_says_so_and_records_nothing(
    client: Client, tracker_store: TrackerStore, web_bot: WebBot, clock: Clock
) -> None:
    tracker_store.add(WEB, web_user("Hilfe", clock(), "human"))
    csrf = await login(client)
    url = f"/console/conversations/{WEB}"
    await client.post(f"{url}/takeover", data={"csrf": csrf})
    recorded = len(web_bot.events)
    web_bot.down = True
    failed = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hallo"})
    assert "The reply did not arrive" in await failed.text()
    assert web_bot.pushes == [] and len(web_bot.events) == recorded


async def _book_on_the_web(client: Client, customer_id: str, name: str) -> dict[str, Any]:
    body = {
        "category": "printer",
        "description": "Mein Drucker druckt nicht",
        "country": "DE",
        "postal_code": "10115",
        "street": "Invalidenstraße 1",
        "customer": {
            "channel": "webchat",
            "id": customer_id,
            "name": name,
            "phone": "030 1234567",
            "email": "karl.weber@example.org",
        },
    }
    response = await client.post(
        "/api/v1/jobs", json=body, headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert response.status == 201, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def test_export_and_erasure_of_a_web_customer(
    client: Client, tracker_store: TrackerStore, clock: Clock
) -> None:
    tracker_store.add(WEB, web_user("Ich heiße Karl Weber", clock(), "inform"))
    tracker_store.add(OTHER_WEB, web_user("Guten Tag", clock()))
    job = await _book_on_the_web(client, WEB, "Karl Weber")
    await _book_on_the_web(client, OTHER_WEB, "Olga Other")
    csrf = await login(client, ADMIN)

    page = await (await client.get(f"/console/privacy?channel=webchat&id={WEB}")).text()
    assert f'value="{WEB}"' in page and '<option value="webchat" selected>' in page
    exported = json.loads(
        await (await client.get(f"/console/privacy/export?channel=webchat&id={WEB}")).text()
    )
    assert (exported["channel"], exported["customer_id"]) == ("webchat", WEB)
    assert exported["customer"]["email"] == "karl.weber@example.org"
    assert [j["reference"] for j in exported["jobs"]] == [job["reference"]]
    assert exported["jobs"][0]["channel"] == "webchat"
    assert [e["data"]["text"] for e in exported["conversation"]] == ["Ich heiße Karl Weber"]
    # The web chat keeps no store of its own: its history is the tracker's.
    assert exported["channel_store"] == {}
    # Without the channel, the id tells it; as a Messenger id it is nobody's.
    by_id = json.loads(await (await client.get(f"/console/privacy/export?id={WEB}")).text())
    assert by_id["customer"]["name"] == "Karl Weber"
    wrong = await client.get(f"/console/privacy/export?channel=messenger&id={WEB}")
    assert json.loads(await wrong.text())["customer"] is None

    erased = await client.post(
        "/console/privacy/erase",
        data={"csrf": csrf, "channel": "webchat", "id": WEB, "confirm": WEB},
    )
    assert erased.status == 200
    after = json.loads(
        await (await client.get(f"/console/privacy/export?channel=webchat&id={WEB}")).text()
    )
    assert "Karl" not in json.dumps(after, ensure_ascii=False)
    assert "karl.weber@example.org" not in json.dumps(after)
    assert after["jobs"][0]["category"] == "printer"
    assert [r.get("text") for r in tracker_store.rows(WEB)] == [REDACTED]
    assert [r.get("text") for r in tracker_store.rows(OTHER_WEB)] == ["Guten Tag"]
    other = json.loads(
        await (await client.get(f"/console/privacy/export?channel=webchat&id={OTHER_WEB}")).text()
    )
    assert other["customer"]["name"] == "Olga Other"


async def test_the_job_page_names_the_channel(client: Client) -> None:
    job = await _book_on_the_web(client, WEB, "Karl Weber")
    await login(client)
    html = await (await client.get(f"/console/jobs/{job['reference']}")).text()
    assert 'id="job-channel" data-channel="webchat">Website chat<' in html
    assert f'href="/console/conversations/{WEB}"' in html
