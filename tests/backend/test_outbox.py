"""Messages to Friends: the 24-hour window, retries while Meta is down, withdrawn offers."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import JobEvent, Offer, OutboxMessage
from backend.config import Settings
from simulator.fake_graph import FakeGraph, FaultPlan
from tests.backend.helpers import Client, add_friend, create_job, text_of, wait_for

Graph = tuple[FakeGraph, str]


async def _rows(settings: Settings, model: type) -> list:  # type: ignore[type-arg]
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        rows = list((await session.scalars(select(model).order_by(model.id))).all())
    await engine.dispose()
    return rows


async def test_a_friend_who_has_not_written_for_24_hours_gets_no_offer(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await add_friend(client, check_in=False, messenger_id="friend-silent")
    await create_job(client)
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    await asyncio.sleep(0.3)
    assert {c.recipient for c in graph.calls() if "Neuer Auftrag" in text_of(c)} == {"friend-anna"}
    offers = {o.friend_id: o.status for o in await _rows(settings, Offer)}
    assert sorted(offers.values()) == ["not_reachable", "sent"]
    # Counted for that dispatch, where support reads the job's history.
    [dispatched] = [e for e in await _rows(settings, JobEvent) if e.kind == "dispatched"]
    assert (dispatched.detail["friends"], dispatched.detail["not_reachable"]) == (1, 1)


async def test_offers_accepted_while_meta_is_down_go_out_when_it_is_back(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")  # the check-in reply
    graph.faults = FaultPlan(remaining=2, status=503, error={"code": 2, "message": "down"})
    await create_job(client)
    # Two failed attempts, then the backoff (about 1-2 s with jitter) lets the third through.
    offer = await wait_for(
        graph, lambda c: "Neuer Auftrag" in text_of(c) and not c.fault, within=15
    )
    assert offer[0].recipient == "friend-anna"
    faults = [c for c in graph.calls() if c.fault]
    assert len(faults) == 2
    # The Graph call is seen before the worker has stored its outcome: wait for the row.
    for _ in range(100):
        row = next(r for r in await _rows(settings, OutboxMessage) if r.offer_id)
        if row.sent_at is not None:
            break
        await asyncio.sleep(0.05)
    assert row.attempts == 3 and row.sent_at is not None and "2/" in row.error
    assert [o.status for o in await _rows(settings, Offer)] == ["sent"]


async def test_a_permanent_error_fails_the_offer_without_retrying(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")
    graph.faults = FaultPlan(remaining=1, status=400, error={"code": 551, "message": "gone"})
    await create_job(client)
    for _ in range(100):
        offers = await _rows(settings, Offer)
        if offers and offers[0].status == "failed":
            break
        await asyncio.sleep(0.05)
    assert offers[0].status == "failed" and "551" in offers[0].error
    await asyncio.sleep(0.5)
    assert len([c for c in graph.calls() if "Neuer Auftrag" in str(c.body)]) == 1
