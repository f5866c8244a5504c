"""Stand-ins for the WhatsApp channel's tests: Meta's Cloud API (messages, media) and the
backend's `POST /api/v1/media` (its contract: type by magic bytes, 5 MiB, 201/413/415/400).

Both are aiohttp apps; `serve_in_thread` runs one beside a Rasa server started as a process.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from messenger_platform.signature import sign
from tools.postgres import free_port

MEDIA_LIMIT = 5 * 1024 * 1024
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
OGG = b"OggS" + b"\x00" * 200
MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", "image"),
    b"\x89PNG": ("image/png", "image"),
    b"OggS": ("audio/ogg", "audio"),
}


@dataclass
class Sent:
    token: str
    body: dict[str, Any]
    status: int


@dataclass
class FakeCloudApi:
    """Records every send; answers 200 with a new wamid unless an answer is scripted for the
    next sends (`script`), or a recipient is outside the window (`closed`: 131047)."""

    token: str = "wa-token"
    sent: list[Sent] = field(default_factory=list)
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    closed: set[str] = field(default_factory=set)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    announce_size: bool = True
    downloads: list[str] = field(default_factory=list)
    served_fully: list[str] = field(default_factory=list)
    base_url: str = ""

    def texts(self, to: str | None = None) -> list[str]:
        return [
            s.body["text"]["body"]
            for s in self.sent
            if s.status == 200 and s.body.get("type") == "text" and to in (None, s.body["to"])
        ]

    def delivered(self, to: str | None = None) -> list[dict[str, Any]]:
        return [s.body for s in self.sent if s.status == 200 and to in (None, s.body["to"])]

    def _bearer(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        answer: dict[str, Any]
        if not self._bearer(request):
            status, answer = 401, {"error": {"code": 190, "message": "bad token"}}
        elif self.script:
            status, answer = self.script.pop(0)
        elif body.get("to") in self.closed and body.get("type") != "template":
            status, answer = 400, error(131047, "Re-engagement message")
        else:
            status, answer = 200, {"messages": [{"id": f"wamid.fake{len(self.sent) + 1}"}]}
        self.sent.append(Sent(request.headers.get("Authorization", ""), body, status))
        return web.json_response(answer, status=status)

    async def media_info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._bearer(request) or media_id not in self.media:
            return web.json_response(error(100, "unknown media"), status=404)
        info: dict[str, Any]
        data, mime = self.media[media_id]
        info = {"url": f"{self.base_url}/download/{media_id}", "mime_type": mime}
        if self.announce_size:
            info["file_size"] = len(data)
        return web.json_response(info)

    async def download(self, request: web.Request) -> web.StreamResponse:
        media_id = request.match_info["media_id"]
        if not self._bearer(request) or media_id not in self.media:
            return web.Response(status=404)
        self.downloads.append(media_id)
        data, mime = self.media[media_id]
        # Chunked, no Content-Length: the client has to count what it reads.
        answer = web.StreamResponse(headers={"Content-Type": mime})
        answer.enable_chunked_encoding()
        await answer.prepare(request)
        for start in range(0, len(data), 256 * 1024):
            await answer.write(data[start : start + 256 * 1024])
        await answer.write_eof()
        self.served_fully.append(media_id)
        return answer

    async def cdn(self, request: web.Request) -> web.Response:
        """Messenger's attachment URLs: public, no token."""
        name = request.match_info["name"]
        if name not in self.media:
            return web.Response(status=404)
        data, mime = self.media[name]
        return web.Response(body=data, content_type=mime)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get("/cdn/{name}", self.cdn)
        app.router.add_post("/{version}/{phone}/messages", self.messages)
        app.router.add_get("/{version}/{media_id}", self.media_info)
        app.router.add_get("/download/{media_id}", self.download)
        return app


def error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "type": "OAuthException"}}


@dataclass
class FakeMediaBackend:
    """The backend's media endpoint as the contract gives it."""

    token: str = "backend-token"
    uploads: list[tuple[str, int]] = field(default_factory=list)  # (source, bytes)
    base_url: str = ""

    async def upload(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorised"}, status=401)
        data = await request.read()
        self.uploads.append((request.headers.get("X-Media-Source", ""), len(data)))
        if not data:
            return web.json_response({"error": "empty"}, status=400)
        if len(data) > MEDIA_LIMIT:
            return web.json_response({"error": "larger than 5 MiB"}, status=413)
        kind = next((v for k, v in MAGIC.items() if data.startswith(k)), None)
        if kind is None:
            return web.json_response({"error": "not an image or audio"}, status=415)
        media_id = hashlib.sha256(data).hexdigest()[:32]
        return web.json_response(
            {
                "id": media_id,
                "url": f"{self.base_url}/media/{media_id}",
                "kind": kind[1],
                "content_type": kind[0],
                "bytes": len(data),
            },
            status=201,
        )

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MEDIA_LIMIT + 1024 * 1024)
        app.router.add_post("/api/v1/media", self.upload)
        return app


@contextmanager
def serve_in_thread(app: web.Application) -> Iterator[str]:
    """The app on a free port in a thread of its own (beside a server process); its URL."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


# --- webhook bodies as Meta sends them ------------------------------------------------------

# When this test run's messages were sent: a timestamp older than 48 hours is a replay, which
# every webhook skips (messenger_platform/freshness.py).
SENT_AT = int(time.time())


def wa_message(wa_id: str, wamid: str, kind: str = "text", **part: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"from": wa_id, "id": wamid, "timestamp": str(SENT_AT), "type": kind}
    if kind == "text":
        message["text"] = {"body": part.get("body", "")}
    else:
        message[kind] = part
    return message


def wa_body(
    phone_number_id: str,
    messages: Sequence[dict[str, Any]] = (),
    statuses: Sequence[dict[str, Any]] = (),
    name: str = "Erika Muster",
) -> dict[str, Any]:
    contacts = sorted({m["from"] for m in messages})
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "41000000000", "phone_number_id": phone_number_id},
        "contacts": [{"wa_id": w, "profile": {"name": name}} for w in contacts],
    }
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": value}]}],
    }


def wa_status(wamid: str, wa_id: str, status: str, code: int | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": str(SENT_AT + 1),
        "recipient_id": wa_id,
    }
    if code is not None:
        item["errors"] = [{"code": code, "title": "failed", "error_data": {"details": "why"}}]
    return item


def signed(body: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw, secret)}
