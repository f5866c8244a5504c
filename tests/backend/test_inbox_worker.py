"""The Friends' inbox worker outlives a failed round (the database restarting, say).

Before, one exception from the database ended the worker for good: the webhook kept
acknowledging and storing events that no one handled until the backend was restarted.
tests/faults/test_postgres_restart.py shows the same with a real PostgreSQL restart.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from backend import app as backend_app
from backend.adapters.orm import InboxEvent
from backend.app import create_app
from backend.config import Settings
from backend.services import inbox
from backend.services.inbox import Handler
from backend.web.runtime import RUNTIME
from messenger_platform.events import InboundEvent
from simulator.fake_graph import FakeGraph
from tests.backend.helpers import add_friend, post_friends_webhook, say, text_of, wait_for


async def test_the_inbox_worker_survives_a_failed_round(
    settings: Settings, fake_graph: tuple[FakeGraph, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, _ = fake_graph
    real = backend_app.process_pending
    failed: list[str] = []

    async def first_round_fails(*args: Any, **kwargs: Any) -> int:
        if not failed:
            failed.append("once")
            raise OSError("connection was closed in the middle of operation")
        return await real(*args, **kwargs)

    monkeypatch.setattr(backend_app, "process_pending", first_round_fails)
    async with TestClient(TestServer(create_app(settings))) as client:
        friend = await add_friend(client, check_in=False)
        assert await post_friends_webhook(client, [say(friend["messenger_id"], "online")]) == 200
        # The webhook's wake-up starts the next round, which answers.
        replies = await wait_for(graph, lambda c: c.recipient == friend["messenger_id"])

    assert failed == ["once"]
    assert text_of(replies[0])


async def test_an_event_handled_again_after_a_crash_is_answered_once(
    settings: Settings, fake_graph: tuple[FakeGraph, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handler's answer is committed, then the process dies before the event is marked
    handled: the next round handles the event again, and the Friend still gets one answer.

    This is what the claim storm under kill -9 (tests/faults/test_backend_kills.py) showed
    once: "already taken" delivered twice, both times after the kill.
    """
    graph, _ = fake_graph
    real_wrap = backend_app.with_event_ids
    crashed: list[str] = []

    def dies_after_its_first_commit(handle: Handler) -> Handler:
        wrapped = real_wrap(handle)

        async def handle_then_die(event: InboundEvent) -> None:
            await wrapped(event)
            if not crashed:
                crashed.append(event.sender_id)
                raise RuntimeError("killed between the handler's commit and handled_at")

        return handle_then_die

    monkeypatch.setattr(backend_app, "with_event_ids", dies_after_its_first_commit)
    # The event's lease runs out at once, as it would 30 s after a real kill.
    monkeypatch.setattr(inbox, "LEASE", timedelta(0))
    monkeypatch.setattr(backend_app, "SWEEP_SECONDS", 0.2)
    async with TestClient(TestServer(create_app(settings))) as client:
        friend = await add_friend(client, check_in=False)
        psid = friend["messenger_id"]
        assert await post_friends_webhook(client, [say(psid, "online")]) == 200
        await wait_for(graph, lambda c: c.recipient == psid)

        async def handled() -> bool:
            async with client.app[RUNTIME].sessions() as session:
                rows = (await session.scalars(select(InboxEvent.handled_at))).all()
            return bool(rows) and all(r is not None for r in rows)

        for _ in range(100):
            if await handled():
                break
            await asyncio.sleep(0.05)
        assert await handled(), "the event was never handled again"
        await asyncio.sleep(0.5)  # a second answer would be sent in this time

    assert crashed == [psid]
    answers = [c for c in graph.calls() if c.recipient == psid]
    assert len(answers) == 1, [text_of(c) for c in answers]
