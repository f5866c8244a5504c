"""`serve --role web|worker`: the web process only stores and acknowledges, a worker process
on the same database handles what it stored and sends what it queued."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from backend.adapters.db import migrate, wait_for_schema
from backend.app import create_app
from backend.config import Settings
from benchmarks.backend_processes import unhandled_events
from simulator.fake_graph import FakeGraph
from tests.backend.conftest import api_headers
from tests.backend.helpers import (
    add_friend,
    create_job,
    post_friends_webhook,
    say,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]
# Without the worker's watch, the inbox waits for its 10 s sweep and the outbox for its 5 s
# round: finding the work well within this shows the watch found it.
NOTICED_WITHIN = 2.5


async def test_the_web_role_stores_and_a_worker_handles_and_sends(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    web_app = create_app(dataclasses.replace(settings, role="web"))
    worker_app = create_app(dataclasses.replace(settings, role="worker", worker_poll_seconds=0.05))
    async with TestClient(TestServer(web_app)) as web:
        await add_friend(web)  # Anna checks in: an event for the worker, and her window opens
        assert await post_friends_webhook(web, [say("stranger", "hallo")]) == 200
        await asyncio.sleep(0.5)
        assert graph.calls() == [], "the web process handled or sent something itself"
        assert await unhandled_events(settings.database_url) == 2

        async with TestClient(TestServer(worker_app)) as worker:
            health = await worker.get("/healthz")
            assert health.status == 200
            assert (await health.json())["service"] == "backend"
            assert (await worker.post("/webhooks/friends", data=b"{}")).status == 404
            assert (await worker.get("/api/v1/jobs/x", headers=api_headers())).status == 404
            # Stored before the worker ran (as after a crash): handled once it runs.
            await wait_for(graph, lambda c: c.recipient == "stranger")
            await wait_for(graph, lambda c: c.recipient == "friend-anna")
            assert await unhandled_events(settings.database_url) == 0
            await asyncio.sleep(0.5)  # the worker's rounds are idle now

            # An event stored while the worker waits, and offers queued by the web process.
            assert await post_friends_webhook(web, [say("newcomer", "hallo")]) == 200
            await wait_for(graph, lambda c: c.recipient == "newcomer", within=NOTICED_WITHIN)
            await create_job(web)
            offers = await wait_for(
                graph, lambda c: "Neuer Auftrag" in text_of(c), within=NOTICED_WITHIN
            )
            assert [c.recipient for c in offers] == ["friend-anna"]


def test_an_unknown_role_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="web, worker"):
        dataclasses.replace(settings, role="webworker")
    with pytest.raises(ValueError, match="not 'both'"):
        Settings.from_env({"BACKEND_ROLE": "both"})


def test_a_worker_waits_for_the_schema_the_web_process_migrates(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'backend.db'}"
    with pytest.raises(SystemExit, match="migrate"):
        wait_for_schema(url, timeout=0)
    migrate(url)
    wait_for_schema(url, timeout=0)
