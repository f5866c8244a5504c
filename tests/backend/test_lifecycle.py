"""Cancelling and rating a job over the API."""

from __future__ import annotations

from sqlalchemy import update

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Job
from backend.config import Settings
from simulator.fake_graph import FakeGraph
from tests.backend.conftest import api_headers
from tests.backend.helpers import (
    Client,
    add_friend,
    create_job,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]


async def _claimed_job(client: Client, graph: FakeGraph) -> str:
    await add_friend(client)
    ref: str = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
    await wait_for(graph, lambda c: "gehört Ihnen" in text_of(c))
    return ref


async def _set_status(settings: Settings, ref: str, status: str) -> None:
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        await session.execute(update(Job).where(Job.reference == ref).values(status=status))
        await session.commit()
    await engine.dispose()


async def test_cancelling_a_claimed_job_tells_the_friend(client: Client, fake_graph: Graph) -> None:
    graph, _ = fake_graph
    ref = await _claimed_job(client, graph)
    response = await client.post(
        f"/api/v1/jobs/{ref}/cancel",
        json={"reason": "Problem hat sich erledigt"},
        headers=api_headers(),
    )
    assert response.status == 200
    assert (await response.json())["status"] == "cancelled"
    told = await wait_for(graph, lambda c: "storniert" in text_of(c))
    assert told[0].recipient == "friend-anna" and ref in text_of(told[0])
    again = await client.post(
        f"/api/v1/jobs/{ref}/cancel", json={"reason": "nochmal"}, headers=api_headers()
    )
    assert again.status == 409
    assert "cancelled" in (await again.json())["error"]


async def test_cancel_needs_a_reason_and_a_real_job(client: Client) -> None:
    ref = (await create_job(client))["reference"]
    no_reason = await client.post(f"/api/v1/jobs/{ref}/cancel", json={}, headers=api_headers())
    assert no_reason.status == 422
    assert set((await no_reason.json())["errors"]) == {"reason"}
    bad_by = await client.post(
        f"/api/v1/jobs/{ref}/cancel", json={"reason": "x", "by": "hacker"}, headers=api_headers()
    )
    assert set((await bad_by.json())["errors"]) == {"by"}
    unknown = await client.post(
        "/api/v1/jobs/TF-ZZZZ/cancel", json={"reason": "x"}, headers=api_headers()
    )
    assert unknown.status == 404


async def test_a_completed_job_is_rated_once_and_sets_the_friends_rating(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    ref = await _claimed_job(client, graph)
    body = {"stars": 4, "comment": "Sehr nett!", "customer_psid": "cust-1"}
    too_early = await client.post(f"/api/v1/jobs/{ref}/rating", json=body, headers=api_headers())
    assert too_early.status == 409

    await _set_status(settings, ref, "completed")
    wrong_customer = await client.post(
        f"/api/v1/jobs/{ref}/rating", json=body | {"customer_psid": "other"}, headers=api_headers()
    )
    assert wrong_customer.status == 404
    for stars in (0, 6, "5", True):
        bad = await client.post(
            f"/api/v1/jobs/{ref}/rating", json=body | {"stars": stars}, headers=api_headers()
        )
        assert bad.status == 422
    rated = await client.post(f"/api/v1/jobs/{ref}/rating", json=body, headers=api_headers())
    assert rated.status == 201
    twice = await client.post(f"/api/v1/jobs/{ref}/rating", json=body, headers=api_headers())
    assert twice.status == 409

    job = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
    assert job["assigned_friend"]["rating"] == 4.0
    # A completed job can no longer be cancelled.
    late = await client.post(
        f"/api/v1/jobs/{ref}/cancel", json={"reason": "zu spät"}, headers=api_headers()
    )
    assert late.status == 409
