"""A customer on the website chat, played over Rasa's socket.io protocol (python-socketio's
client, long-polling, as a browser on a page the chat allows).

`WebChat` is `conversation.Chat` with another door: messages go out as `user_uttered`, and the
bot's `bot_uttered` messages are kept in the shape of the fake Graph API's calls, so `book`
and `question` read both channels the same way.
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio  # type: ignore[import-untyped]

from tests.e2e.conftest import System
from tests.e2e.conversation import TURN_SECONDS, Call, Chat, Predicate, is_message, quick_replies
from tests.e2e.conversation import text as call_text


def as_call(message: dict[str, Any]) -> Call:
    """A `bot_uttered` message in the shape of a Send API call the Messenger tests read."""
    body: dict[str, Any] = {"text": str(message.get("text") or "")}
    replies = message.get("quick_replies") or message.get("buttons") or []
    if replies:
        body["quick_replies"] = [
            {"title": r.get("title", ""), "payload": r.get("payload", "")} for r in replies
        ]
    return {"body": {"messaging_type": "RESPONSE", "message": body}, "webchat": message}


class WebChat(Chat):
    """One browser tab with the chat open; `psid` is the conversation id the server issued."""

    def __init__(self, system: System, language: str = "de-DE", origin: str = "") -> None:
        super().__init__(system, "")
        self.language, self.origin = language, origin or system.simulator_url
        # What each socket.io request carries (a benchmark adds X-Forwarded-For).
        self.headers = {"Origin": self.origin}
        self.turn_seconds: float = TURN_SECONDS
        self.client = socketio.AsyncClient(reconnection=False)
        self.token = ""
        self.received: list[Call] = []
        self.history: list[dict[str, Any]] | None = None  # None until the server sent it
        self._arrived = asyncio.Event()
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("session_history", self._on_history)

    async def _on_bot(self, message: dict[str, Any]) -> None:
        self.received.append(as_call(message))
        self._arrived.set()

    async def _on_confirm(self, token: Any) -> None:
        self.token = str(token.get("session_id") if isinstance(token, dict) else token)
        self.psid = self.token.split(".", 1)[0]
        self._arrived.set()

    async def _on_history(self, data: dict[str, Any]) -> None:
        self.history = list(data.get("messages") or [])
        self._arrived.set()

    async def open(self, token: str | None = None) -> WebChat:
        """Connect and ask for a session (a new one, or `token`'s again)."""
        await self.client.connect(
            self.system.rasa_url,
            headers=dict(self.headers),
            transports=["polling"],
            socketio_path="socket.io",
            wait_timeout=30,
        )
        self._arrived.clear()
        await self.client.emit("session_request", {"session_id": token})
        # The server confirms the session, then sends what the conversation said so far.
        await asyncio.wait_for(
            self._wait_for(lambda: bool(self.token) and self.history is not None), 30
        )
        return self

    async def close(self) -> None:
        await self.client.disconnect()

    async def _wait_for(self, done: Any) -> None:
        while not done():
            self._arrived.clear()
            await self._arrived.wait()

    async def _utter(self, message: str) -> None:
        data = {
            "message": message,
            "session_id": self.token,
            "customData": {"language": self.language, "page_language": "de"},
        }
        await self.client.emit("user_uttered", data)

    async def deliver_text(self, message: str) -> None:
        await self._utter(message)

    async def deliver_tap(self, title: str, payload: str) -> None:
        await self._utter(payload)  # a widget sends the quick reply's payload, as Rasa's does

    async def deliver_image(self, url: str) -> None:
        raise AssertionError("the website chat takes no photos")

    async def send_location(self, lat: float, long: float, until: Predicate) -> list[Call]:
        raise AssertionError("the website chat takes no shared location")

    async def wait_until(self, until: Predicate) -> list[Call]:
        """Bot messages since the last step, once one of them satisfies `until`."""

        def seen() -> bool:
            return any(is_message(c) and until(c) for c in self.received[self.cursor :])

        try:
            await asyncio.wait_for(self._wait_for(seen), self.turn_seconds)
        except TimeoutError:
            raise AssertionError(
                "no such bot message\ntranscript:\n" + "\n".join(self.transcript)
            ) from None
        messages, self.cursor = self.received[self.cursor :], len(self.received)
        for call in messages:
            self.transcript.append(f"bot: {call_text(call)} {quick_replies(call) or ''}".rstrip())
        return messages
