"""The Friends' inbox worker outlives a failed round (the database restarting, say).

Before, one exception from the database ended the worker for good: the webhook kept
acknowledging and storing events that no one handled until the backend was restarted.
tests/faults/test_postgres_restart.py shows the same with a real PostgreSQL restart.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from backend import app as backend_app
from backend.app import create_app
from backend.config import Settings
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
