"""The simulator turns browser actions into signed webhooks and shows each person their chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from messenger_platform import events, signature
from simulator.app import create_app
from simulator.settings import SimulatorSettings

Client = TestClient[Any, Any]
CUSTOMER_TOKEN, FRIENDS_TOKEN = "customer-page-token", "friends-page-token"


@dataclass
class FakeReceivers:
    """Stands in for Rasa's and the backend's webhooks (and the backend's Friends list)."""

    url: str = ""
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    status: int = 200
    friends_auth: list[str] = field(default_factory=list)


@pytest.fixture
async def receivers(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeReceivers:
    state = FakeReceivers()

    async def webhook(request: web.Request) -> web.Response:
        state.received.append((request.path, await request.read(), dict(request.headers)))
        return web.Response(status=state.status, text="ok")

    async def friends(request: web.Request) -> web.Response:
        state.friends_auth.append(request.headers.get("Authorization", ""))
        rows = [{"id": 1, "name": "Anna Muster", "messenger_id": "friend-anna", "status": "x"}]
        return web.json_response({"friends": rows})

    app = web.Application()
    app.router.add_post("/webhooks/messenger/webhook", webhook)
    app.router.add_post("/webhooks/friends", webhook)
    app.router.add_get("/api/v1/friends", friends)
    server = await aiohttp_server(app)
    state.url = str(server.make_url("")).rstrip("/")
    return state


def settings_for(receivers: FakeReceivers, **overrides: Any) -> SimulatorSettings:
    values: dict[str, Any] = {
        "rasa_url": receivers.url,
        "backend_url": receivers.url,
        "customer_app_secret": "customer-secret",
        "customer_page_access_token": CUSTOMER_TOKEN,
        "friends_app_secret": "friends-secret",
        "friends_page_access_token": FRIENDS_TOKEN,
        "customer_page_id": "cust-page-1",
        "friends_page_id": "friends-page-1",
    }
    return SimulatorSettings(**{**values, **overrides})


@pytest.fixture
async def sim(aiohttp_client: Callable[..., Awaitable[Client]], receivers: FakeReceivers) -> Client:
    return await aiohttp_client(create_app(settings_for(receivers)))


async def bot_sends(sim: Client, token: str, recipient: str, message: dict[str, Any]) -> None:
    body = {"recipient": {"id": recipient}, "message": message}
    resp = await sim.post(f"/graph/v21.0/me/messages?access_token={token}", json=body)
    assert resp.status == 200


async def chat(sim: Client, page: str, psid: str, since: int = 0) -> dict[str, Any]:
    resp = await sim.get("/api/sim/messages", params={"page": page, "psid": psid, "since": since})
    assert resp.status == 200
    data: dict[str, Any] = await resp.json()
    return data


async def test_customer_text_is_posted_signed_to_rasa(
    sim: Client, receivers: FakeReceivers
) -> None:
    resp = await sim.post(
        "/api/sim/send", json={"page": "customer", "sender": "cust-1001", "text": "Hilfe!"}
    )

    assert resp.status == 200
    assert (await resp.json())["webhook_status"] == 200
    [item] = (await chat(sim, "customer", "cust-1001"))["messages"]
    assert (item["direction"], item["text"], item["failed"]) == ("in", "Hilfe!", False)
    [(path, raw, headers)] = receivers.received
    assert path == "/webhooks/messenger/webhook"
    assert signature.is_valid(raw, headers[signature.HEADER], "customer-secret")
    [event] = events.parse_body(raw)
    assert (event.kind, event.text) == ("text", "Hilfe!")
    assert (event.sender_id, event.recipient_id) == ("cust-1001", "cust-page-1")


async def test_friend_postback_is_posted_signed_to_backend(
    sim: Client, receivers: FakeReceivers
) -> None:
    request = {
        "page": "friends",
        "sender": "friend-anna",
        "postback_payload": "CLAIM:7",
        "postback_title": "Annehmen",
    }
    resp = await sim.post("/api/sim/send", json=request)

    assert resp.status == 200
    [(path, raw, headers)] = receivers.received
    assert path == "/webhooks/friends"
    assert signature.is_valid(raw, headers[signature.HEADER], "friends-secret")
    assert not signature.is_valid(raw, headers[signature.HEADER], "customer-secret")
    [event] = events.parse_body(raw)
    assert (event.kind, event.payload, event.text) == ("postback", "CLAIM:7", "Annehmen")
    assert event.recipient_id == "friends-page-1"


async def test_quick_reply_and_location_bodies(sim: Client, receivers: FakeReceivers) -> None:
    base = {"page": "customer", "sender": "cust-1001"}
    await sim.post("/api/sim/send", json={**base, "text": "Ja", "quick_reply_payload": "/affirm"})
    await sim.post("/api/sim/send", json={**base, "location": {"lat": 52.52, "long": 13.4}})

    quick, location = (events.parse_body(raw)[0] for _, raw, _ in receivers.received)
    assert (quick.kind, quick.text, quick.payload) == ("quick_reply", "Ja", "/affirm")
    assert (location.kind, location.latitude, location.longitude) == ("location", 52.52, 13.4)


async def test_a_photo_is_posted_as_an_image_attachment(
    sim: Client, receivers: FakeReceivers
) -> None:
    config = await (await sim.get("/api/sim/config")).json()
    url = config["demo_image_url"]
    # Served by the simulator itself, so the bot can fetch and keep it: a real JPEG.
    assert url == str(sim.make_url("/media/demo/router.jpg"))
    photo = await sim.get("/media/demo/router.jpg")
    assert photo.status == 200
    assert photo.content_type == "image/jpeg"
    assert (await photo.read()).startswith(b"\xff\xd8\xff")

    resp = await sim.post(
        "/api/sim/send", json={"page": "customer", "sender": "cust-1", "image_url": url}
    )

    assert resp.status == 200
    [event] = [events.parse_body(raw)[0] for _, raw, _ in receivers.received]
    assert (event.kind, event.attachment_url) == ("image", url)
    [item] = (await chat(sim, "customer", "cust-1"))["messages"]
    assert url in item["text"]


async def test_webhook_status_is_passed_on(sim: Client, receivers: FakeReceivers) -> None:
    receivers.status = 403

    resp = await sim.post("/api/sim/send", json={"page": "customer", "sender": "c", "text": "x"})

    assert resp.status == 403
    assert (await resp.json())["webhook_status"] == 403
    [item] = (await chat(sim, "customer", "c"))["messages"]
    assert item["failed"] is True
    assert "403" in item["note"]


async def test_unreachable_webhook_is_bad_gateway(
    aiohttp_client: Callable[..., Awaitable[Client]], receivers: FakeReceivers
) -> None:
    settings = settings_for(receivers, rasa_url="http://127.0.0.1:1")
    sim = await aiohttp_client(create_app(settings))

    resp = await sim.post("/api/sim/send", json={"page": "customer", "sender": "c", "text": "x"})

    assert resp.status == 502
    assert "127.0.0.1:1" in (await resp.json())["error"]
    [item] = (await chat(sim, "customer", "c"))["messages"]
    assert (item["failed"], item["note"]) == (True, "webhook unreachable")


@pytest.mark.parametrize(
    "request_body",
    [
        {"page": "admin", "sender": "c", "text": "x"},
        {"page": "customer", "sender": "", "text": "x"},
        {"page": "customer", "sender": "c"},
        {"page": "customer", "sender": "c", "text": "x", "postback_payload": "/p"},
        {"page": "customer", "sender": "c", "quick_reply_payload": "/a", "postback_payload": "/p"},
        {"page": "customer", "sender": "c", "location": {"lat": 95, "long": 0}},
        {"page": "customer", "sender": "c", "text": 5},
        {"page": "customer", "sender": "c", "image_url": "http://plain.example/p.jpg"},
        {"page": "customer", "sender": "c", "image_url": "https://x.example/p.jpg", "text": "x"},
    ],
)
async def test_impossible_sends_are_refused(
    sim: Client, receivers: FakeReceivers, request_body: dict[str, Any]
) -> None:
    resp = await sim.post("/api/sim/send", json=request_body)

    assert resp.status == 400
    assert receivers.received == []


async def test_chat_interleaves_own_messages_and_page_sends(sim: Client) -> None:
    await sim.post("/api/sim/send", json={"page": "customer", "sender": "cust-1", "text": "Hi"})
    quick_replies = [{"content_type": "text", "title": "Ja", "payload": "/affirm"}]
    await bot_sends(sim, CUSTOMER_TOKEN, "cust-1", {"text": "Neu?", "quick_replies": quick_replies})
    # Same person id, other page: belongs to the other phone.
    await bot_sends(sim, FRIENDS_TOKEN, "cust-1", {"text": "not for the customer pane"})
    await bot_sends(sim, CUSTOMER_TOKEN, "cust-2", {"text": "someone else"})

    data = await chat(sim, "customer", "cust-1")

    items = data["messages"]
    assert [(i["direction"], i["text"]) for i in items] == [("in", "Hi"), ("out", "Neu?")]
    assert items[1]["quick_replies"] == [
        {"content_type": "text", "title": "Ja", "payload": "/affirm"}
    ]
    assert (await chat(sim, "customer", "cust-1", since=data["next"]))["messages"] == []
    friends_view = await chat(sim, "friends", "cust-1")
    assert [i["text"] for i in friends_view["messages"]] == ["not for the customer pane"]


async def test_templates_are_rendered_for_the_page(sim: Client) -> None:
    template = {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "button",
                "text": "Neuer Auftrag in 10115",
                "buttons": [
                    {"type": "postback", "title": "Annehmen", "payload": "CLAIM:7"},
                    {"type": "web_url", "title": "Karte", "url": "https://example.org/map"},
                ],
            },
        }
    }
    await bot_sends(sim, FRIENDS_TOKEN, "friend-anna", template)

    [item] = (await chat(sim, "friends", "friend-anna"))["messages"]

    assert item["text"] == "Neuer Auftrag in 10115"
    assert [(b["type"], b["title"], b["payload"], b["url"]) for b in item["buttons"]] == [
        ("postback", "Annehmen", "CLAIM:7", ""),
        ("web_url", "Karte", "", "https://example.org/map"),
    ]


async def test_typing_indicator_until_the_next_message(sim: Client) -> None:
    typing = {"recipient": {"id": "cust-1"}, "sender_action": "typing_on"}
    await sim.post(f"/graph/v21.0/me/messages?access_token={CUSTOMER_TOKEN}", json=typing)
    assert (await chat(sim, "customer", "cust-1"))["typing"] is True

    await bot_sends(sim, CUSTOMER_TOKEN, "cust-1", {"text": "Da bin ich"})
    assert (await chat(sim, "customer", "cust-1"))["typing"] is False


async def test_failed_sends_are_marked(sim: Client) -> None:
    await sim.post("/graph/_control/faults", json={"count": 1, "status": 500})
    body = {"recipient": {"id": "cust-1"}, "message": {"text": "lost"}}
    resp = await sim.post(f"/graph/v21.0/me/messages?access_token={CUSTOMER_TOKEN}", json=body)
    assert resp.status == 500

    [item] = (await chat(sim, "customer", "cust-1"))["messages"]
    assert item["failed"] is True


async def test_messages_needs_page_and_psid(sim: Client) -> None:
    assert (await sim.get("/api/sim/messages", params={"page": "x", "psid": "c"})).status == 400
    assert (await sim.get("/api/sim/messages", params={"page": "customer"})).status == 400


async def test_friends_list_is_proxied_with_admin_token(
    aiohttp_client: Callable[..., Awaitable[Client]], receivers: FakeReceivers
) -> None:
    sim = await aiohttp_client(create_app(settings_for(receivers, backend_admin_token="adm")))

    data = await (await sim.get("/api/sim/friends")).json()

    assert data == {"friends": [{"psid": "friend-anna", "name": "Anna Muster"}]}
    assert receivers.friends_auth == ["Bearer adm"]


async def test_friends_list_is_empty_without_admin_token(
    sim: Client, receivers: FakeReceivers
) -> None:
    data = await (await sim.get("/api/sim/friends")).json()

    assert data["friends"] == []
    assert receivers.friends_auth == []


async def test_health_page_and_mounted_graph(sim: Client) -> None:
    assert await (await sim.get("/healthz")).json() == {"status": "ok", "service": "simulator"}
    page = await (await sim.get("/")).text()
    assert "techfriends Messenger-Simulator (local; nothing leaves this machine)" in " ".join(
        page.replace('<span class="sub">', "").replace("</span>", "").split()
    )
    script = await (await sim.get("/static/app.js")).text()
    assert "textContent" in script
    assert "innerHTML" not in script  # user-written text must never be parsed as HTML
    calls = await (await sim.get("/graph/_control/calls")).json()
    assert calls == {"calls": [], "next": 0}


def test_settings_from_env_defaults_and_overrides() -> None:
    defaults = SimulatorSettings.from_env({})
    assert defaults.page("customer").webhook_url == (
        "http://127.0.0.1:5005/webhooks/messenger/webhook"
    )
    assert defaults.page("friends").webhook_url == "http://127.0.0.1:8000/webhooks/friends"
    assert defaults.page("customer").page_id == "customer-page"
    assert len(defaults.warnings()) == 4

    custom = SimulatorSettings.from_env(
        {
            "RASA_URL": "http://rasa:1/",
            "FRIENDS_APP_SECRET": "s",
            "FRIENDS_PAGE_ACCESS_TOKEN": "t",
            "FRIENDS_PAGE_ID": "fp",
        }
    )
    assert custom.page("customer").webhook_url == "http://rasa:1/webhooks/messenger/webhook"
    friends = custom.page("friends")
    assert (friends.page_id, friends.app_secret, friends.access_token) == ("fp", "s", "t")
