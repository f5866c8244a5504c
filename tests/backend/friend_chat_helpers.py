"""Talking to the Friends' page the way a phone does: signed webhooks, replies from the fake
Graph API in the order they were sent."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from simulator.fake_graph import FakeGraph, RecordedCall
from simulator.webhook_bodies import postback_event, quick_reply_event, text_event
from tests.backend.helpers import Client, post_friends_webhook, text_of


class Phone:
    """One person's chat with the Friends' page."""

    def __init__(self, client: Client, graph: FakeGraph, psid: str) -> None:
        self.client, self.graph, self.psid = client, graph, psid
        self.seen = len(self._mine())

    def _mine(self) -> list[RecordedCall]:
        return [c for c in self.graph.calls() if c.recipient == self.psid and not c.fault]

    async def replies(self, expect: int = 1, within: float = 20) -> list[RecordedCall]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(self._mine()) < self.seen + expect:
            if loop.time() > deadline:
                got = [text_of(c) for c in self._mine()[self.seen :]]
                raise AssertionError(f"{self.psid}: expected {expect} replies, got {got}")
            await asyncio.sleep(0.02)
        new = sorted(self._mine()[self.seen :], key=lambda c: c.seq)
        self.seen += len(new)
        return new

    async def _post(self, event: dict[str, Any], expect: int) -> list[RecordedCall]:
        assert await post_friends_webhook(self.client, [event]) == 200
        return await self.replies(expect)

    async def say(self, typed: str, expect: int = 1) -> list[RecordedCall]:
        return await self._post(text_event(self.psid, "friends-page", typed), expect)

    async def chip(self, payload: str, title: str = "chip", expect: int = 1) -> list[RecordedCall]:
        return await self._post(
            quick_reply_event(self.psid, "friends-page", title, payload), expect
        )

    async def tap(self, payload: str, expect: int = 1) -> list[RecordedCall]:
        event = postback_event(self.psid, "friends-page", payload=payload, title="tap")
        return await self._post(event, expect)


def last_text(calls: list[RecordedCall]) -> str:
    return text_of(calls[-1])


def chips_of(call: RecordedCall) -> list[str]:
    return [r["payload"] for r in (call.body.get("message") or {}).get("quick_replies") or []]


async def rows(db_url: str, model: Any, **where: Any) -> list[Any]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return list((await session.scalars(query)).all())
    finally:
        await engine.dispose()
