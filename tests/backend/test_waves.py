"""Waves with a moved clock: each reaches further, new Friends only, then `unassigned`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from backend.adapters.orm import Offer
from backend.config import Settings
from simulator.fake_graph import FakeGraph, RecordedCall
from tests.backend.clock import MovableClock, alerts, backend, clocked, count_rows, sweep, triggers
from tests.backend.conftest import FakeRasa, admin_headers
from tests.backend.helpers import (
    add_friend,
    create_job,
    get_job,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]


def is_offer_to(recipient: str) -> Callable[[RecordedCall], bool]:
    return lambda c: c.recipient == recipient and "Neuer Auftrag" in text_of(c)


def offered(graph: FakeGraph) -> list[str]:
    return sorted(c.recipient for c in graph.calls() if "Neuer Auftrag" in text_of(c))


async def test_waves_reach_further_until_the_job_is_unassigned(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        await add_friend(client, radius_km=50)  # 1.7 km away
        await add_friend(client, messenger_id="friend-falkensee", postal_code="14612", radius_km=50)
        await add_friend(client, messenger_id="friend-kw", postal_code="15711", radius_km=50)
        ref = (await create_job(client))["reference"]

        await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
        assert (await get_job(client, ref))["wave"] == 1
        clock.advance(minutes=29)
        assert (await sweep(client))["wave"] == 0
        assert offered(graph) == ["friend-anna"]

        clock.advance(minutes=1)  # 30 minutes without a claim: wave 2 reaches 25 km
        assert (await sweep(client))["wave"] == 1
        await wait_for(graph, is_offer_to("friend-falkensee"))
        assert offered(graph) == ["friend-anna", "friend-falkensee"]

        clock.advance(minutes=30)  # wave 3 reaches 50 km
        await sweep(client)
        await wait_for(graph, is_offer_to("friend-kw"))
        assert offered(graph) == ["friend-anna", "friend-falkensee", "friend-kw"]
        assert (await get_job(client, ref))["wave"] == 3

        clock.advance(minutes=30)  # the last wave passed unclaimed
        counts = await sweep(client)
        assert counts["wave"] == 1
        job = await get_job(client, ref)
        assert job["status"] == "unassigned" and job["unassigned_at"] is not None
        assert [t["body"] for t in triggers(fake_rasa, "EXTERNAL_nobody_found")] == [
            {"name": "EXTERNAL_nobody_found", "entities": {"job_reference": ref}}
        ]
        assert await alerts(settings.database_url, "nobody_found") == 1
        # Every offer is withdrawn; no further wave, alert or message follows.
        assert await count_rows(settings.database_url, Offer, status="withdrawn") == 3
        clock.advance(hours=2)
        assert (await sweep(client))["wave"] == 0
        assert len(triggers(fake_rasa, "EXTERNAL_nobody_found")) == 1
        listed = await client.get("/api/v1/support-alerts", headers=admin_headers())
        assert [a["kind"] for a in await listed.json()] == ["nobody_found"]


async def test_empty_waves_are_skipped_but_the_last_one_waits(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        ref = (await create_job(client))["reference"]
        # The dispatch started by the request skips the empty waves 1 and 2 at once.
        for _ in range(100):
            job = await get_job(client, ref)
            if job["wave"] == 3:
                break
            await asyncio.sleep(0.05)
        assert job["status"] == "open" and job["wave"] == 3
        # A Friend who joins during the last wave still gets the job.
        await add_friend(client, messenger_id="friend-late", postal_code="14612", radius_km=50)
        clock.advance(minutes=30)
        await sweep(client)
        assert (await get_job(client, ref))["status"] == "unassigned"
        assert offered(graph) == []
        assert len(triggers(fake_rasa, "EXTERNAL_nobody_found")) == 1


async def test_a_friend_who_declined_is_not_asked_again(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    sized = clocked(settings, clock)
    async with backend(sized) as client:
        await add_friend(client, radius_km=50)
        await add_friend(client, messenger_id="friend-jonas", postal_code="10405")
        ref = (await create_job(client))["reference"]
        await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c), count=2)
        await post_friends_webhook(client, [tap("friend-jonas", f"DECLINE:{ref}", 1)])
        await wait_for(graph, lambda c: "erledigt" in text_of(c))
        await add_friend(client, messenger_id="friend-falkensee", postal_code="14612", radius_km=50)
        clock.advance(minutes=30)
        await sweep(client)
        await wait_for(graph, is_offer_to("friend-falkensee"))
        assert offered(graph).count("friend-jonas") == 1
        jonas = next(
            f
            for f in await (await client.get("/api/v1/friends", headers=admin_headers())).json()
            if f["messenger_id"] == "friend-jonas"
        )
        assert jonas["counters"]["declines"] == 1
