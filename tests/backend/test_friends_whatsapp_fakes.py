"""What the Friends' WhatsApp tests share: a fake Cloud API (Meta's answers scripted per test),
webhook bodies as Meta sends them, and a backend wired to both. No tests of its own."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.config import Settings
from messenger_platform import signature
from simulator.webhook_bodies import encode_signed
from tests.backend.conftest import ADMIN_TOKEN, API_TOKEN, FRIENDS_SECRET, FakeRasa
from tests.backend.helpers import Client

PHONE_ID = "109876543210"
WA_TOKEN = "wa-friends-token"
WA_SECRET = "wa-friends-secret"
WA_VERIFY = "wa-friends-verify"
Body = dict[str, Any]


@dataclasses.dataclass
class Sent:
    body: Body
    status: int
    answer: Body

    @property
    def to(self) -> str:
        return str(self.body.get("to", ""))

    @property
    def kind(self) -> str:
        return str(self.body.get("type", ""))

    @property
    def text(self) -> str:
        if self.kind == "text":
            return str(self.body["text"]["body"])
        if self.kind == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        return ""

    @property
    def reply_ids(self) -> list[str]:
        """The ids of an interactive message's buttons or list rows (what a tap sends back)."""
        if self.kind != "interactive":
            return []
        action = self.body["interactive"]["action"]
        if "buttons" in action:
            return [b["reply"]["id"] for b in action["buttons"]]
        return [r["id"] for s in action["sections"] for r in s["rows"]]

    @property
    def template_payloads(self) -> list[str]:
        components = self.body.get("template", {}).get("components", [])
        return [c["parameters"][0]["payload"] for c in components if c.get("type") == "button"]

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclasses.dataclass
class Fault:
    """Meta's answer to the next message that `matches` (status, error code), `times` times."""

    matches: Callable[[Body], bool]
    status: int
    code: int | None
    times: int = 1


class FakeWhatsApp:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.faults: list[Fault] = []
        self.seq = itertools.count(1)
        self.url = ""
        self.media: dict[str, tuple[bytes, str]] = {}  # media id → (bytes, MIME type)

    def fail(
        self,
        status: int,
        code: int | None,
        times: int = 1,
        when: Callable[[Body], bool] = lambda body: True,
    ) -> None:
        self.faults.append(Fault(when, status, code, times))

    def answer(self, body: Body) -> tuple[int, Body]:
        for fault in self.faults:
            if fault.times > 0 and fault.matches(body):
                fault.times -= 1
                error: Body = {"message": "fake failure", "type": "OAuthException"}
                if fault.code is not None:
                    error["code"] = fault.code
                return fault.status, {"error": error}
        wamid = f"wamid.fake{next(self.seq)}"
        to = body.get("to", "")
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }

    def to(self, wa_id: str) -> list[Sent]:
        return [s for s in self.sent if s.to == wa_id and s.ok]

    async def wait(self, wa_id: str, count: int, within: float = 15) -> list[Sent]:
        """The first `count` messages that reached `wa_id`, waiting for them."""
        deadline = time.monotonic() + within
        while len(self.to(wa_id)) < count:
            if time.monotonic() > deadline:
                got = [(s.kind, s.text) for s in self.to(wa_id)]
                raise AssertionError(f"{wa_id}: expected {count} messages, got {got}")
            await asyncio.sleep(0.02)
        return self.to(wa_id)[:count]


@pytest.fixture
async def fake_whatsapp() -> AsyncIterator[FakeWhatsApp]:
    fake = FakeWhatsApp()

    async def messages(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            return web.json_response({"error": {"code": 190, "message": "bad token"}}, status=401)
        if request.match_info["phone"] != PHONE_ID:
            return web.json_response({"error": {"code": 100, "message": "no number"}}, status=400)
        body = await request.json()
        status, answer = fake.answer(body)
        fake.sent.append(Sent(body, status, answer))
        return web.json_response(answer, status=status)

    async def messenger(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"recipient_id": body["recipient"]["id"], "message_id": "m_1"})

    async def media_url(request: web.Request) -> web.Response:
        found = fake.media.get(request.match_info["media_id"])
        if found is None or request.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            return web.json_response({"error": {"code": 100, "message": "no media"}}, status=404)
        data, mime = found
        return web.json_response(
            {
                "url": f"{fake.url}/download/{request.match_info['media_id']}",
                "mime_type": mime,
                "file_size": len(data),
                "id": request.match_info["media_id"],
            }
        )

    async def download(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            return web.Response(status=401)
        data, mime = fake.media[request.match_info["media_id"]]
        return web.Response(body=data, content_type=mime)

    app = web.Application()
    app.router.add_get("/v21.0/{media_id}", media_url)
    app.router.add_get("/download/{media_id}", download)
    app.router.add_post("/v21.0/me/messages", messenger)
    app.router.add_post("/v21.0/{phone}/messages", messages)
    server = TestServer(app)
    await server.start_server()
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    await server.close()


def wa_settings(db_url: str, fake: FakeWhatsApp, rasa: FakeRasa, **changes: Any) -> Settings:
    settings = Settings(
        database_url=db_url,
        api_token=API_TOKEN,
        admin_token=ADMIN_TOKEN,
        graph_url=fake.url,
        graph_version="v21.0",
        friends_page_access_token="friends-page-token",
        friends_app_secret=FRIENDS_SECRET,
        friends_verify_token="friends-verify",
        rasa_url=rasa.url,
        rasa_token="rasa-token",
        geonames_dir=None,
        friends_whatsapp_phone_number_id=PHONE_ID,
        friends_whatsapp_access_token=WA_TOKEN,
        friends_whatsapp_app_secret=WA_SECRET,
        friends_whatsapp_verify_token=WA_VERIFY,
    )
    return dataclasses.replace(settings, **changes)


# Meta's webhook bodies


_wamids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgLNDE3OTEyMzQ1NjcVAgASGBQzQTQ{next(_wamids):06d}"


def message(wa_id: str, kind: str, part: Body, id: str | None = None, ts: int = 0) -> Body:
    return {
        "from": wa_id,
        "id": id or wamid(),
        "timestamp": str(ts or int(time.time())),
        "type": kind,
        kind: part,
    }


def text(wa_id: str, body: str, **kw: Any) -> Body:
    return message(wa_id, "text", {"body": body}, **kw)


def reply(wa_id: str, reply_id: str, title: str = "tap", **kw: Any) -> Body:
    """A tapped reply button (or, with `list_reply` semantics the same for the chat)."""
    part = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return message(wa_id, "interactive", part, **kw)


def list_reply(wa_id: str, row_id: str, title: str = "row", **kw: Any) -> Body:
    part = {"type": "list_reply", "list_reply": {"id": row_id, "title": title}}
    return message(wa_id, "interactive", part, **kw)


def template_button(wa_id: str, payload: str, title: str = "Annehmen", **kw: Any) -> Body:
    """A quick-reply button of a template, as Meta reports it (type "button")."""
    return message(wa_id, "button", {"payload": payload, "text": title}, **kw)


def status(wamid: str, state: str, wa_id: str, code: int | None = None, ts: int = 0) -> Body:
    item: Body = {
        "id": wamid,
        "status": state,
        "timestamp": str(ts or int(time.time())),
        "recipient_id": wa_id,
    }
    if code is not None:
        item["errors"] = [
            {"code": code, "title": f"error {code}", "error_data": {"details": "fake"}}
        ]
    return item


def wa_body(
    messages: list[Body] | None = None, statuses: list[Body] | None = None, name: str = "Anna"
) -> Body:
    value: Body = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "41445550000", "phone_number_id": PHONE_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": m["from"]} for m in messages]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value}]}],
    }


async def post_wa(client: Client, body: Body, secret: str = WA_SECRET) -> int:
    raw, headers = encode_signed(body, secret)
    response = await client.post("/webhooks/friends/whatsapp", data=raw, headers=headers)
    return response.status


def signed(raw: bytes, secret: str = WA_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", signature.HEADER: signature.sign(raw, secret)}


async def rows(db_url: str, model: Any, **where: Any) -> list[Any]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return list(
                (await session.scalars(query.order_by(*model.__mapper__.primary_key))).all()
            )
    finally:
        await engine.dispose()


async def eventually(check: Callable[[], Any], within: float = 15) -> Any:
    """Polls an async check until it returns something truthy."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {check}")
        await asyncio.sleep(0.05)
