"""The fake Graph API's side of the load test: every call it recorded, read once, and what the
bot and the backend said in them (references, confirmations, "taken")."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

import aiohttp

from backend.friends_chat.texts import text as backend_text
from product.languages import LANGUAGES
from tests.e2e.conversation import text

Call = dict[str, Any]
REFERENCE = re.compile(r"\bTF-[2-9A-HJ-NP-Z]{4}\b")
CONFIRMED = re.compile(r"12 Stunden|12 hours")
FRIEND_NAME = re.compile(r"\bFriend\d{3}\b")  # the first names friend_bodies gives
# The bot's "please try again in a moment": utter_backend_unavailable, utter_job_failed.
TRY_AGAIN = re.compile(r"erreiche unser System gerade nicht|cannot reach our system right now")
TAKEN = {backend_text("already_taken", lang, reference="{ref}") for lang in LANGUAGES}


def call_time(call: Call) -> float:
    return datetime.fromisoformat(str(call["at"])).timestamp()


class GraphWatcher:
    """One poller of the fake Graph API's recorded calls for the whole run.

    Hundreds of customers each polling the fake would load it more than the system under test;
    here every call is fetched once and handed to whoever waits for its recipient.
    """

    def __init__(self, graph_url: str, interval: float = 0.1) -> None:
        self.graph_url, self.interval = graph_url.rstrip("/"), interval
        self.calls: list[Call] = []
        self.by_recipient: dict[str, list[Call]] = defaultdict(list)
        self.hooks: list[Callable[[Call], None]] = []
        self._events: dict[str, asyncio.Event] = {}
        self._cursor = 0
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self.last_call_at = time.monotonic()

    async def _fetch(self, **params: str) -> dict[str, Any]:
        assert self._http is not None
        url = f"{self.graph_url}/_control/calls"
        async with self._http.get(url, params=params) as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json()
            return data

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()
        # Only what happens from now on: a shared fake may hold other tests' calls.
        self._cursor = int((await self._fetch(since="0", page_token="-"))["next"])
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.close()

    async def _run(self) -> None:
        while True:
            try:
                await self.poll()
            except aiohttp.ClientError:
                pass  # the fake is busy: the next round reads from the same cursor
            await asyncio.sleep(self.interval)

    async def poll(self) -> None:
        data = await self._fetch(since=str(self._cursor))
        for call in data["calls"]:
            self.calls.append(call)
            recipient = str(call.get("recipient") or "")
            self.by_recipient[recipient].append(call)
            for hook in self.hooks:
                hook(call)
            if recipient in self._events:
                self._events[recipient].set()
        if data["calls"]:
            self.last_call_at = time.monotonic()
        self._cursor = int(data["next"])

    async def wait_for(
        self, recipient: str, since: int, predicate: Callable[[Call], bool], seconds: float
    ) -> list[Call]:
        """The recipient's calls after seq `since`, once one of them satisfies `predicate`."""
        deadline = time.monotonic() + seconds
        event = self._events.setdefault(recipient, asyncio.Event())
        while True:
            event.clear()
            calls = [c for c in self.by_recipient.get(recipient, ()) if c["seq"] > since]
            if any(predicate(c) for c in calls):
                return calls
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching call for {recipient} within {seconds:.0f}s")
            with suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


def is_taken(call: Call, reference: str) -> bool:
    said = text(call)
    return any(said == t.replace("{ref}", reference) for t in TAKEN)
