"""A small socket.io server that speaks Rasa's web-chat protocol the way our channel does, so
the widget can be tested in a browser without the Rasa server.

Sessions are issued and signed by the server ("web-<32 hex>.<signature>"); a session id the
client sends is resumed only when its signature verifies, and then the conversation so far is
sent again: as one `session_history` event like bot/webchat_channel.py sends it (HISTORY), or
as the `bot_uttered`/`user_uttered` events themselves (REPLAY). A turn is wrapped in
`bot_typing` events, as there. The bot follows a tiny script (reply_to) with quick replies,
buttons, a long text with links and an HTML-looking text.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

import socketio  # type: ignore[import-untyped]
from aiohttp import web

SECRET = b"widget-test-secret"
HISTORY, REPLAY = "history", "replay"
REPLY_DELAY = 0.8  # seconds: long enough to see the typing indicator

WIFI = '/inform{"category":"internet_wifi"}'
TV = '/inform{"category":"tv_entertainment"}'
# Looks like markup; the widget must show it as the characters it is.
HTML_TEXT = '<img src=x onerror="window.__pwned=1"><b>fett</b> & <script>window.__pwned=2</script>'
STATUS_LINK = "https://status.example.org/b/abc123"
LONG_TEXT = (
    "Vielen Dank, Ihr Auftrag ist gebucht. "
    + "Ein Friend aus Ihrer Nähe meldet sich innerhalb von 12 Stunden telefonisch bei Ihnen. " * 12
    + f"Ihr Auftrag im Überblick: {STATUS_LINK}. "
    + "Nicht klickbar: javascript:alert(1) und ftp://example.org/datei."
)

Message = dict[str, Any]


def reply_to(text: str) -> Message:
    """What the bot answers to a message (the script)."""
    if text.lower().startswith(("hallo", "hello")):
        return {
            "text": "Guten Tag! Worum geht es?",
            "quick_replies": [
                {"content_type": "text", "title": "WLAN", "payload": WIFI},
                {"content_type": "text", "title": "Fernseher", "payload": TV},
            ],
        }
    if text in (WIFI, TV):
        return {"text": "Wie lautet Ihre Postleitzahl?"}
    if text.strip() == "10115":
        return {
            "text": "Berlin, richtig?",
            "buttons": [
                {"title": "Ja", "payload": "/affirm"},
                {"title": "Nein", "payload": "/deny"},
            ],
        }
    if text == "/affirm":
        return {"text": LONG_TEXT}
    return {"text": f"Sie schrieben: {text}"}


def sign(conversation_id: str) -> str:
    mac = hmac.new(SECRET, conversation_id.encode(), hashlib.sha256).digest()
    return f"{conversation_id}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def verified(token: Any) -> str | None:
    """The conversation id of a correctly signed token, else None."""
    if not isinstance(token, str) or "." not in token:
        return None
    conversation_id = token.split(".", 1)[0]
    return conversation_id if hmac.compare_digest(sign(conversation_id), token) else None


@dataclass
class Entry:
    sender: str  # "user" | "bot"
    message: Message


@dataclass
class FakeRasa:
    history_mode: str = HISTORY
    refuse: bool = False  # refuse new connections (the server is "down")
    conversations: dict[str, list[Entry]] = field(default_factory=dict)
    session_requests: list[Any] = field(default_factory=list)
    utterances: list[Message] = field(default_factory=list)
    sockets: dict[str, str] = field(default_factory=dict)  # socket id → conversation id
    sio: socketio.AsyncServer = field(init=False)

    def __post_init__(self) -> None:
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        self.sio.on("connect", self.on_connect)
        self.sio.on("disconnect", self.on_disconnect)
        self.sio.on("session_request", self.on_session_request)
        self.sio.on("user_uttered", self.on_user_uttered)

    def app(self) -> web.Application:
        app = web.Application()
        self.sio.attach(app, socketio_path="socket.io")
        return app

    async def on_connect(self, sid: str, environ: Any, auth: Any = None) -> None:
        if self.refuse:
            raise socketio.exceptions.ConnectionRefusedError("the server is down for a moment")

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self.sockets.pop(sid, None)

    async def on_session_request(self, sid: str, data: Any) -> None:
        asked = data.get("session_id") if isinstance(data, dict) else None
        self.session_requests.append(asked)
        conversation_id = verified(asked)
        resumed = conversation_id is not None and conversation_id in self.conversations
        if conversation_id is None or not resumed:
            conversation_id = "web-" + secrets.token_hex(16)
            self.conversations[conversation_id] = []
        self.sockets[sid] = conversation_id
        await self.sio.emit("session_confirm", sign(conversation_id), to=sid)
        entries = self.conversations[conversation_id]
        if self.history_mode == HISTORY:
            items = [{"sender": e.sender, **e.message} for e in entries]
            history = {"resumed": resumed, "messages": items}
            await self.sio.emit("session_history", history, to=sid)
            return
        for entry in entries:
            event = "user_uttered" if entry.sender == "user" else "bot_uttered"
            await self.sio.emit(event, entry.message, to=sid)

    async def on_user_uttered(self, sid: str, data: Any) -> None:
        conversation_id = self.sockets.get(sid)
        if conversation_id is None or not isinstance(data, dict):
            return
        if verified(data.get("session_id")) != conversation_id:
            return  # a message for another session than this socket's: ignored
        self.utterances.append(data)
        text = str(data.get("message", ""))
        self.conversations[conversation_id].append(Entry("user", {"text": text}))
        await self.sio.emit("bot_typing", {"typing": True}, to=sid)
        await asyncio.sleep(REPLY_DELAY)
        answer = reply_to(text)
        self.conversations[conversation_id].append(Entry("bot", answer))
        await self.sio.emit("bot_uttered", answer, to=sid)
        await self.sio.emit("bot_typing", {"typing": False}, to=sid)

    async def push_staff(self, text: str) -> None:
        """A reply typed by support staff in the console (the channel's push endpoint)."""
        message = {"text": text, "sender": "staff"}
        for sid, conversation_id in self.sockets.items():
            self.conversations[conversation_id].append(Entry("staff", message))
            await self.sio.emit("bot_uttered", message, to=sid)

    async def drop_all(self) -> None:
        """The server ends every connection (a restart, a deploy)."""
        for sid in list(self.sockets):
            await self.sio.disconnect(sid)
