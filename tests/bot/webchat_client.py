"""A browser tab of the website chat, played with python-socketio's client: what the widget
does (session_request with the stored token, user_uttered with it, customData) and what it
hears (session_confirm, session_history, bot_uttered, bot_typing), recorded in order."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import socketio

EVENTS = ("session_confirm", "session_history", "bot_uttered", "bot_typing")


@dataclass
class Tab:
    url: str
    origin: str
    transports: list[str] = field(default_factory=lambda: ["polling"])
    language: str | None = "de-DE"
    heard: list[tuple[float, str, Any]] = field(default_factory=list)
    token: str | None = None
    history: dict[str, Any] | None = None
    _new: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        for name in EVENTS:
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str) -> Any:
        async def record(data: Any = None) -> None:
            self.heard.append((time.monotonic(), name, data))
            self._new.set()

        return record

    async def connect(self) -> None:
        await self.sio.connect(
            self.url,
            headers={"Origin": self.origin},
            transports=self.transports,
            socketio_path="/socket.io",
            wait_timeout=30,
        )

    async def open(self, session_id: Any = None) -> str:
        """Connect and ask for a session (the stored token, or None); the confirmed token."""
        await self.connect()
        start = len(self.heard)
        await self.sio.emit("session_request", {"session_id": session_id})
        await self.wait_for(lambda e: e[1] == "session_history", start)
        confirms = [data for _, name, data in self.heard[start:] if name == "session_confirm"]
        assert len(confirms) == 1, self.heard[start:]
        self.token = confirms[0]
        self.history = next(d for _, n, d in self.heard[start:] if n == "session_history")
        assert isinstance(self.token, str)
        return self.token

    async def send(self, text: str, session_id: str | None = None) -> int:
        """Send a message (with this tab's token unless told otherwise); the index in
        `heard` from which its answers will be recorded."""
        start = len(self.heard)
        data: dict[str, Any] = {"message": text, "session_id": session_id or self.token}
        if self.language:
            data["customData"] = {"language": self.language, "page_language": "de"}
        await self.sio.emit("user_uttered", data)
        return start

    async def wait_for(self, predicate: Any, start: int = 0, seconds: float = 90.0) -> Any:
        deadline = time.monotonic() + seconds
        while True:
            for entry in self.heard[start:]:
                if predicate(entry):
                    return entry
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"not heard in {seconds}s; heard: {self.heard[start:]}"
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), remaining)
            except TimeoutError:
                pass

    async def say(self, text: str, seconds: float = 90.0) -> list[dict[str, Any]]:
        """Send and wait for the turn to end (bot_typing false); the bot's messages."""
        start = await self.send(text)
        await self.wait_for(lambda e: e[1] == "bot_typing" and not e[2]["typing"], start, seconds)
        return self.said(start)

    def said(self, start: int = 0) -> list[dict[str, Any]]:
        return [data for _, name, data in self.heard[start:] if name == "bot_uttered"]

    async def close(self) -> None:
        await self.sio.disconnect()
