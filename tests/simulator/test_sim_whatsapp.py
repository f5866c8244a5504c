"""The simulator plays Meta's WhatsApp Cloud API: the phones' signed webhooks, the fake Graph's
rules (tokens per number, limits → error 100, the 24-hour window → 131047, templates), the
status webhooks after each message, and media behind a bearer token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from messenger_platform import signature
from simulator.app import create_app
from simulator.fake_graph import FakeGraph
from simulator.settings import SimulatorSettings
from simulator.whatsapp_phone import MEDIA_DIR
from whatsapp_platform import inbound, outbound
from whatsapp_platform.errors import Action, of_answer

Client = TestClient[Any, Any]
CUSTOMER_NUMBER, FRIENDS_NUMBER = "111000111", "222000222"
CUSTOMER_TOKEN, FRIENDS_TOKEN = "wa-customer-token", "wa-friends-token"
CUSTOMER_SECRET, FRIENDS_SECRET = "wa-customer-secret", "wa-friends-secret"
CUSTOMER, FRIEND = "4917612345678", "4915712345678"
SEND = f"/graph/v21.0/{CUSTOMER_NUMBER}/messages"
BEARER = {"Authorization": f"Bearer {CUSTOMER_TOKEN}"}


@dataclass
class Receivers:
    """Rasa's and the backend's WhatsApp webhooks: what arrived, checked for its signature."""

    url: str = ""
    received: list[tuple[str, bytes]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def bodies(self, path: str) -> list[inbound.Parsed]:
        return [inbound.parse_body(raw) for p, raw in self.received if p == path]


RASA = "/webhooks/whatsapp/webhook"
BACKEND = "/webhooks/friends/whatsapp"


@pytest.fixture
async def receivers(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Receivers:
    state = Receivers()

    async def webhook(request: web.Request) -> web.Response:
        raw = await request.read()
        secret = CUSTOMER_SECRET if request.path == RASA else FRIENDS_SECRET
        if not signature.is_valid(raw, request.headers.get(signature.HEADER), secret):
            return web.Response(status=403, text="bad signature")
        state.received.append((request.path, raw))
        state.arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(RASA, webhook)
    app.router.add_post(BACKEND, webhook)
    server = await aiohttp_server(app)
    state.url = str(server.make_url("")).rstrip("/")
    return state


def settings_for(receivers: Receivers, **overrides: Any) -> SimulatorSettings:
    values: dict[str, Any] = {
        "rasa_url": receivers.url,
        "backend_url": receivers.url,
        "customer_whatsapp_phone_number_id": CUSTOMER_NUMBER,
        "customer_whatsapp_access_token": CUSTOMER_TOKEN,
        "customer_whatsapp_app_secret": CUSTOMER_SECRET,
        "friends_whatsapp_phone_number_id": FRIENDS_NUMBER,
        "friends_whatsapp_access_token": FRIENDS_TOKEN,
        "friends_whatsapp_app_secret": FRIENDS_SECRET,
        # No templates file: any name is accepted unless a test gives one.
        "whatsapp_templates_file": "/nonexistent/templates.yml",
    }
    return SimulatorSettings(**{**values, **overrides})


@pytest.fixture
def graph() -> FakeGraph:
    graph = FakeGraph()
    graph.whatsapp.status_delays = (0.0, 0.0, 0.0)
    return graph


@pytest.fixture
async def sim(
    aiohttp_client: Callable[..., Awaitable[Client]], receivers: Receivers, graph: FakeGraph
) -> AsyncIterator[Client]:
    yield await aiohttp_client(create_app(settings_for(receivers), graph))
    # Status webhooks still under way end here, before the receivers stop listening.
    await graph.whatsapp.close()


async def phone_sends(sim: Client, **fields: Any) -> dict[str, Any]:
    body = {"number": "customer", "wa_id": CUSTOMER, "name": "Erika Muster", **fields}
    resp = await sim.post("/api/sim/whatsapp/send", json=body)
    assert resp.status == 200, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data


async def bot_sends(
    sim: Client, body: dict[str, Any], headers: dict[str, str] | None = None, path: str = SEND
) -> tuple[int, dict[str, Any]]:
    resp = await sim.post(path, json=body, headers=BEARER if headers is None else headers)
    data: dict[str, Any] = await resp.json()
    return resp.status, data


async def phone(sim: Client, number: str = "customer", wa_id: str = CUSTOMER) -> dict[str, Any]:
    resp = await sim.get("/api/sim/whatsapp/messages", params={"number": number, "wa_id": wa_id})
    assert resp.status == 200
    data: dict[str, Any] = await resp.json()
    return data


async def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def test_a_customers_text_is_a_signed_webhook_to_rasa_and_opens_the_window(
    sim: Client, receivers: Receivers
) -> None:
    answer = await phone_sends(sim, text="Hallo, mein Drucker druckt nicht")

    assert answer["webhook_status"] == 200
    assert answer["wamid"].startswith("wamid.")
    [parsed] = receivers.bodies(RASA)
    [message] = parsed.messages
    assert (message.kind, message.text) == ("text", "Hallo, mein Drucker druckt nicht")
    assert (message.wa_id, message.profile_name) == (CUSTOMER, "Erika Muster")
    assert message.phone_number_id == CUSTOMER_NUMBER
    assert message.message_id == answer["wamid"]
    status, sent = await bot_sends(sim, outbound.text(CUSTOMER, "Guten Tag!")[0])
    assert status == 200
    assert sent["messaging_product"] == "whatsapp"
    assert sent["contacts"] == [{"input": CUSTOMER, "wa_id": CUSTOMER}]
    assert sent["messages"][0]["id"].startswith("wamid.")
    assert of_answer(status, sent) is Action.SENT
    items = (await phone(sim))["messages"]
    assert [(i["direction"], i["text"]) for i in items] == [
        ("in", "Hallo, mein Drucker druckt nicht"),
        ("out", "Guten Tag!"),
    ]


async def test_statuses_sent_delivered_read_reach_the_senders_webhook(
    sim: Client, receivers: Receivers
) -> None:
    await phone_sends(sim, text="Hallo")
    _, sent = await bot_sends(sim, outbound.text(CUSTOMER, "Guten Tag!")[0])
    wamid = sent["messages"][0]["id"]

    await wait_for(lambda: len(receivers.bodies(RASA)) == 4)
    statuses = [s for parsed in receivers.bodies(RASA) for s in parsed.statuses]
    assert [(s.message_id, s.status, s.wa_id) for s in statuses] == [
        (wamid, "sent", CUSTOMER),
        (wamid, "delivered", CUSTOMER),
        (wamid, "read", CUSTOMER),
    ]
    assert {s.phone_number_id for s in statuses} == {CUSTOMER_NUMBER}
    shown = await phone(sim)
    [out] = [i for i in shown["messages"] if i["direction"] == "out"]
    assert shown["statuses"][str(out["seq"])] == "read"
    assert receivers.bodies(BACKEND) == []  # the Friends' number is another webhook


async def test_free_text_outside_the_window_is_refused_with_131047(sim: Client) -> None:
    status, answer = await bot_sends(sim, outbound.text(CUSTOMER, "Sind Sie noch da?")[0])

    assert status == 400
    error = answer["error"]
    assert error["code"] == 131047
    assert error["message"] == "(#131047) Re-engagement message"
    assert error["type"] == "OAuthException"
    assert error["error_data"]["details"] == (
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number."
    )
    assert error["fbtrace_id"]
    assert of_answer(status, answer) is Action.USE_TEMPLATE
    [item] = (await phone(sim))["messages"]
    assert item["failed"] is True
    assert "131047" in item["error"]


async def test_a_friend_silent_for_three_days_gets_only_templates(
    sim: Client, receivers: Receivers
) -> None:
    friends = f"/graph/v21.0/{FRIENDS_NUMBER}/messages"
    auth = {"Authorization": f"Bearer {FRIENDS_TOKEN}"}
    await phone_sends(sim, number="friends", wa_id=FRIEND, text="online")
    moved = await sim.post(
        "/graph/_control/whatsapp/last-inbound",
        json={"number": "friends", "wa_id": FRIEND, "hours_ago": 72},
    )
    assert moved.status == 200
    assert (await moved.json())["window_open"] is False

    offer = outbound.text(FRIEND, "Neuer Auftrag in Ihrer Nähe")[0]
    status, answer = await bot_sends(sim, offer, auth, friends)
    assert (status, answer["error"]["code"]) == (400, 131047)
    template = outbound.template(
        FRIEND, "friend_offer", "de", {"reference": "TF-1234"}, ["CLAIM:TF-1234"]
    )
    status, answer = await bot_sends(sim, template, auth, friends)
    assert status == 200
    assert answer["messages"][0]["message_status"] == "accepted"

    [item] = [i for i in (await phone(sim, "friends", FRIEND))["messages"] if i.get("template")]
    assert item["template"]["name"] == "friend_offer"
    assert "TF-1234" in item["text"]
    assert item["template"]["buttons"] == [{"id": "CLAIM:TF-1234", "title": "CLAIM:TF-1234"}]
    # The Friend taps the template's button: a `button` message, which opens the window again.
    await phone_sends(
        sim,
        number="friends",
        wa_id=FRIEND,
        reply={"kind": "button", "id": "CLAIM:TF-1234", "title": "Annehmen"},
    )
    [*_, tap] = [m for parsed in receivers.bodies(BACKEND) for m in parsed.messages]
    assert (tap.kind, tap.payload, tap.text) == ("button", "CLAIM:TF-1234", "Annehmen")
    status, _ = await bot_sends(sim, offer, auth, friends)
    assert status == 200


@pytest.mark.parametrize("control", ["/graph/_control", "/control"])
async def test_the_window_closes_after_24_hours(sim: Client, control: str) -> None:
    body = outbound.text(CUSTOMER, "Hallo")[0]
    for hours, expected in ((23.9, 200), (24.1, 400)):
        await sim.post(
            f"{control}/whatsapp/last-inbound",
            json={"phone_number_id": CUSTOMER_NUMBER, "wa_id": CUSTOMER, "hours_ago": hours},
        )
        status, _ = await bot_sends(sim, body)
        assert status == expected, hours


def _buttons(count: int, title: str = "Ja") -> dict[str, Any]:
    choices = [outbound.Choice(f"/c{i}", f"{title}{i}") for i in range(count)]
    if count <= outbound.MAX_BUTTONS and len(title) < outbound.MAX_BUTTON_TITLE:
        return outbound.buttons(CUSTOMER, "Passt das?", choices)
    # Built by hand beyond the limits, as a sender that ignores them would.
    body = outbound.buttons(CUSTOMER, "Passt das?", [outbound.Choice("/c", "Ja")])
    body["interactive"]["action"]["buttons"] = [
        {"type": "reply", "reply": {"id": c.id, "title": c.title}} for c in choices
    ]
    return body


def _list(rows: int, title: str = "Drucker") -> dict[str, Any]:
    # A valid list, then its rows replaced by hand (beyond the limits, for some tests).
    choices = (outbound.Choice("/r", "Drucker"),)
    body = outbound.list_message(
        CUSTOMER, "Worum geht es?", "Bereiche", [outbound.Section("", choices)]
    )
    section = body["interactive"]["action"]["sections"][0]
    section["rows"] = [{"id": f"/r{i}", "title": f"{title}{i}"} for i in range(rows)]
    return body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_buttons(4), "Buttons count is 4"),
        (_buttons(2, "Ja, das passt genau so"), "at most 20"),
        (_list(11), "Rows count is 11"),
        (_list(3, "Internet und WLAN zuhause"), "at most 24"),
        ({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {}}, "text"),
        ({"messaging_product": "whatsapp", "to": "+49", "type": "text"}, "phone number"),
        (
            {"messaging_product": "whatsapp", "to": CUSTOMER, "type": "image", "image": {}},
            "exactly one of id and link",
        ),
        (
            {"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template", "template": {}},
            "template.name",
        ),
    ],
)
async def test_bodies_beyond_metas_limits_are_error_100(
    sim: Client, body: dict[str, Any], reason: str
) -> None:
    await phone_sends(sim, text="Hallo")

    status, answer = await bot_sends(sim, body)

    assert status == 400
    assert answer["error"]["code"] == 100
    assert reason in answer["error"]["error_data"]["details"]
    assert of_answer(status, answer) is Action.FAILED


async def test_bodies_at_metas_limits_are_sent_and_shown(sim: Client) -> None:
    await phone_sends(sim, text="Hallo")
    three = _buttons(3)
    ten = _list(10, "Internet und WLAN ")  # 18 + 1 digit: within 24

    for body in (three, ten):
        status, answer = await bot_sends(sim, body)
        assert status == 200, answer

    buttons, rows = [i for i in (await phone(sim))["messages"] if i["direction"] == "out"]
    assert [b["title"] for b in buttons["buttons"]] == ["Ja0", "Ja1", "Ja2"]
    assert buttons["text"] == "Passt das?"
    assert rows["list"]["button"] == "Bereiche"
    assert len(rows["list"]["sections"][0]["rows"]) == 10


async def test_list_and_button_replies_carry_the_ids_and_context(
    sim: Client, receivers: Receivers
) -> None:
    await phone_sends(sim, text="Hallo")
    _, sent = await bot_sends(sim, _list(3))
    wamid = sent["messages"][0]["id"]

    await phone_sends(sim, reply={"kind": "list_reply", "id": "/r1", "context_id": wamid})
    await phone_sends(sim, reply={"kind": "button_reply", "id": "/affirm", "title": "Ja"})
    await phone_sends(sim, location={"lat": 52.52, "long": 13.41})

    replies = [m for parsed in receivers.bodies(RASA) for m in parsed.messages][1:]
    assert [(m.kind, m.payload) for m in replies[:2]] == [
        ("list_reply", "/r1"),
        ("button_reply", "/affirm"),
    ]
    assert replies[0].context_id == wamid
    assert (replies[2].kind, replies[2].latitude, replies[2].longitude) == (
        "location",
        52.52,
        13.41,
    )


async def test_tokens_are_checked_per_number(sim: Client) -> None:
    await phone_sends(sim, text="Hallo")
    body = outbound.text(CUSTOMER, "Hallo")[0]

    missing, _ = await bot_sends(sim, body, {})
    wrong, wrong_answer = await bot_sends(sim, body, {"Authorization": "Bearer nope"})
    other, other_answer = await bot_sends(sim, body, {"Authorization": f"Bearer {FRIENDS_TOKEN}"})
    unknown, _ = await bot_sends(sim, body, BEARER, "/graph/v21.0/999/messages")

    assert (missing, wrong, other, unknown) == (401, 401, 400, 400)
    assert wrong_answer["error"]["code"] == 190
    assert other_answer["error"]["code"] == 100
    product, answer = await bot_sends(sim, {**body, "messaging_product": "messenger"})
    assert (product, answer["error"]["code"]) == (400, 100)


async def test_media_is_downloaded_only_with_the_bearer_token(
    sim: Client, receivers: Receivers
) -> None:
    await phone_sends(sim, media="photo")
    await phone_sends(sim, media="voice")
    photo, voice = [m for parsed in receivers.bodies(RASA) for m in parsed.messages]
    assert (photo.kind, photo.mime_type) == ("image", "image/jpeg")
    assert (voice.kind, voice.voice, voice.mime_type) == ("audio", True, "audio/ogg; codecs=opus")

    node = f"/graph/v21.0/{photo.media_id}"
    assert (await sim.get(node)).status == 401
    assert (await sim.get(node, headers={"Authorization": f"Bearer {FRIENDS_TOKEN}"})).status == 400
    resp = await sim.get(node, headers=BEARER)
    assert resp.status == 200
    info = await resp.json()
    expected = (MEDIA_DIR / "router.jpg").read_bytes()
    assert info["id"] == photo.media_id
    assert info["messaging_product"] == "whatsapp"
    assert (info["mime_type"], info["file_size"]) == ("image/jpeg", len(expected))
    url = info["url"]
    assert url.startswith(str(sim.make_url("/graph/whatsapp_business/attachments/")))
    path = url.removeprefix(str(sim.make_url("")).rstrip("/"))
    assert (await sim.get(path)).status == 401
    download = await sim.get(path, headers=BEARER)
    assert download.status == 200
    assert download.content_type == "image/jpeg"
    assert await download.read() == expected
    audio = await sim.get(f"/graph/v21.0/{voice.media_id}", headers=BEARER)
    assert (await audio.json())["mime_type"] == "audio/ogg; codecs=opus"
    # The phone shows what the person sent.
    sent = (await phone(sim))["messages"]
    assert [i["attachment"]["url"] for i in sent] == [
        "/media/demo/router.jpg",
        "/media/demo/voice.ogg",
    ]


async def test_known_templates_only_when_a_templates_file_exists(
    aiohttp_client: Callable[..., Awaitable[Client]],
    receivers: Receivers,
    graph: FakeGraph,
    tmp_path: Path,
) -> None:
    templates = tmp_path / "whatsapp_templates.yml"
    templates.write_text(
        "friend_offer:\n"
        "  languages:\n"
        "    de:\n"
        "      body: 'Neuer Auftrag {{reference}} in {{city}}.'\n"
        "      buttons: [Annehmen, Ablehnen]\n",
        encoding="utf-8",
    )
    settings = settings_for(receivers, whatsapp_templates_file=str(templates))
    sim = await aiohttp_client(create_app(settings, graph))
    params = {"reference": "TF-7", "city": "Köln"}

    unknown = outbound.template(CUSTOMER, "no_such_template", "de", params)
    wrong_language = outbound.template(CUSTOMER, "friend_offer", "fr", params)
    known = outbound.template(CUSTOMER, "friend_offer", "de", params, ["CLAIM:TF-7", "NO:TF-7"])
    for body in (unknown, wrong_language):
        status, answer = await bot_sends(sim, body)
        assert (status, answer["error"]["code"]) == (404, 132001)
        assert of_answer(status, answer) is Action.ALERT_NEVER_RETRY
    status, _ = await bot_sends(sim, known)
    assert status == 200

    [*_, item] = (await phone(sim))["messages"]
    assert item["text"] == "Neuer Auftrag TF-7 in Köln."
    assert item["template"]["buttons"] == [
        {"id": "CLAIM:TF-7", "title": "Annehmen"},
        {"id": "NO:TF-7", "title": "Ablehnen"},
    ]


async def test_faults_can_aim_at_whatsapp(sim: Client) -> None:
    await phone_sends(sim, text="Hallo")
    plan = {"count": 1, "status": 400, "error": {"code": 131026, "message": "Undeliverable"}}
    resp = await sim.post("/graph/_control/faults", json={**plan, "applies_to": "whatsapp"})
    assert resp.status == 200

    status, answer = await bot_sends(sim, outbound.text(CUSTOMER, "Hallo")[0])
    assert (status, answer["error"]["code"]) == (400, 131026)
    assert of_answer(status, answer) is Action.ALERT_SUPPORT
    status, _ = await bot_sends(sim, outbound.text(CUSTOMER, "Hallo")[0])
    assert status == 200


@pytest.mark.parametrize(
    "request_body",
    [
        {"number": "admin", "wa_id": CUSTOMER, "text": "x"},
        {"number": "customer", "wa_id": "+4917612345678", "text": "x"},
        {"number": "customer", "wa_id": CUSTOMER},
        {"number": "customer", "wa_id": CUSTOMER, "text": "x", "media": "photo"},
        {"number": "customer", "wa_id": CUSTOMER, "media": "video"},
        {"number": "customer", "wa_id": CUSTOMER, "reply": {"kind": "postback", "id": "/a"}},
        {"number": "customer", "wa_id": CUSTOMER, "location": {"lat": 95, "long": 0}},
    ],
)
async def test_impossible_phone_sends_are_refused(
    sim: Client, receivers: Receivers, request_body: dict[str, Any]
) -> None:
    resp = await sim.post("/api/sim/whatsapp/send", json=request_body)

    assert resp.status == 400
    assert receivers.received == []


async def test_an_unconfigured_number_says_what_is_missing(
    aiohttp_client: Callable[..., Awaitable[Client]], receivers: Receivers, graph: FakeGraph
) -> None:
    settings = settings_for(receivers, friends_whatsapp_access_token="")
    sim = await aiohttp_client(create_app(settings, graph))

    resp = await sim.post(
        "/api/sim/whatsapp/send", json={"number": "friends", "wa_id": FRIEND, "text": "online"}
    )

    assert resp.status == 409
    assert "FRIENDS_WHATSAPP_ACCESS_TOKEN" in await resp.text()
    config = await (await sim.get("/api/sim/config")).json()
    assert config["whatsapp"]["friends"]["configured"] is False
    assert config["whatsapp"]["customer"]["configured"] is True
    assert any("FRIENDS_WHATSAPP_ACCESS_TOKEN" in w for w in config["warnings"])


async def test_a_message_can_be_reported_failed_after_it_was_accepted(
    sim: Client, receivers: Receivers
) -> None:
    await phone_sends(sim, text="Hallo")
    resp = await sim.post(
        "/graph/_control/whatsapp/fail-next",
        json={"wa_id": CUSTOMER, "code": 131026, "title": "Message undeliverable"},
    )
    assert resp.status == 200

    status, sent = await bot_sends(sim, outbound.text(CUSTOMER, "Guten Tag!")[0])
    assert status == 200
    wamid = sent["messages"][0]["id"]
    await wait_for(lambda: len(receivers.bodies(RASA)) == 3)
    statuses = [s for parsed in receivers.bodies(RASA) for s in parsed.statuses]
    assert [(s.message_id, s.status) for s in statuses] == [(wamid, "sent"), (wamid, "failed")]
    assert [e.code for e in statuses[1].errors] == [131026]
    # Only the next one: the one after is delivered and read.
    _, again = await bot_sends(sim, outbound.text(CUSTOMER, "Noch da?")[0])
    await wait_for(lambda: len(receivers.bodies(RASA)) == 6)
    assert (await (await sim.get("/graph/_control/whatsapp/statuses")).json())["statuses"][
        again["messages"][0]["id"]
    ] == "read"


async def test_a_sender_uploads_media_and_sends_it_by_id(sim: Client) -> None:
    await phone_sends(sim, text="Hallo")
    photo = (MEDIA_DIR / "router.jpg").read_bytes()
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", "image/jpeg")
    form.add_field("file", photo, filename="router.jpg", content_type="image/jpeg")

    resp = await sim.post(f"/graph/v21.0/{CUSTOMER_NUMBER}/media", data=form, headers=BEARER)

    assert resp.status == 200
    media_id = (await resp.json())["id"]
    body = {"messaging_product": "whatsapp", "to": CUSTOMER, "type": "image"}
    status, _ = await bot_sends(sim, {**body, "image": {"id": media_id, "caption": "Ihr Foto"}})
    assert status == 200
    [*_, item] = (await phone(sim))["messages"]
    assert item["media"] == {
        "type": "image",
        "url": f"/api/sim/whatsapp/media/{media_id}",
        "filename": "",
    }
    shown = await sim.get(item["media"]["url"])
    assert await shown.read() == photo
    unauthorised = await sim.post(f"/graph/v21.0/{CUSTOMER_NUMBER}/media", data=b"x")
    assert unauthorised.status == 401


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("last-inbound", {"number": "friends", "wa_id": "+4915712345678", "hours_ago": 1}),
        ("last-inbound", {"wa_id": FRIEND, "hours_ago": 1}),
        ("last-inbound", {"number": "friends", "wa_id": FRIEND, "hours_ago": -1}),
        ("last-inbound", {"number": "friends", "wa_id": FRIEND, "at": "2026-12-01T10:00"}),
        ("last-inbound", ["not", "an", "object"]),
        ("fail-next", {"wa_id": FRIEND, "code": "131026"}),
        ("fail-next", {"wa_id": FRIEND, "code": 131026, "count": 0}),
    ],
)
async def test_bad_control_requests_are_refused_with_a_reason(
    sim: Client, path: str, body: Any
) -> None:
    resp = await sim.post(f"/graph/_control/whatsapp/{path}", json=body)

    assert resp.status == 400
    assert await resp.text()


async def test_forgetting_a_persons_last_message_closes_the_window(sim: Client) -> None:
    await phone_sends(sim, text="Hallo")
    resp = await sim.post(
        "/graph/_control/whatsapp/last-inbound", json={"number": "customer", "wa_id": CUSTOMER}
    )

    assert (await resp.json())["last_inbound"] is None
    status, answer = await bot_sends(sim, outbound.text(CUSTOMER, "Hallo")[0])
    assert (status, answer["error"]["code"]) == (400, 131047)
    window = await sim.get(
        "/graph/_control/whatsapp/window", params={"number": "customer", "wa_id": CUSTOMER}
    )
    assert (await window.json())["window_open"] is False
