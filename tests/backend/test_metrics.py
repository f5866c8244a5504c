"""GET /metrics: every promised metric is there, and real actions move it.

Counters and histograms belong to the test process and grow over the whole run, so every test
compares with a scrape taken before its action.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from backend.app import create_app
from backend.config import Settings
from backend.domain.jobs import STATUSES
from simulator.fake_graph import FakeGraph, FaultPlan
from tests.backend.clock import MovableClock, backend, clocked, sweep
from tests.backend.helpers import (
    Client,
    add_friend,
    create_job,
    get_job,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

PROMISED = {
    "techfriends_jobs": "gauge",
    "techfriends_offers": "counter",
    "techfriends_outbox_depth": "gauge",
    "techfriends_outbox_attempts": "counter",
    "techfriends_claim_seconds": "histogram",
    "techfriends_deadline_lag_seconds": "histogram",
    "techfriends_deadline_sweep_lag_seconds": "gauge",
    "techfriends_deadline_overdue_seconds": "gauge",
    "techfriends_webhook_ack_seconds": "histogram",
    "techfriends_metrics_database_up": "gauge",
}


async def scrape(client: Client, **headers: str) -> Samples:
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/plain"
    samples: Samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; a labelled series nobody has touched yet counts as 0."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def until(client: Client, check: Callable[[Samples], bool], within: float = 10.0) -> Samples:
    """Scrape until `check` holds: counters move when background work commits."""
    deadline = time.monotonic() + within
    while True:
        samples = await scrape(client)
        if check(samples):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError(f"metrics never matched; last scrape: {samples}")
        await asyncio.sleep(0.05)


async def test_every_promised_metric_is_exposed_without_the_api_token(client: Client) -> None:
    response = await client.get("/metrics")  # no Authorization header
    assert response.status == 200
    families = {f.name: f.type for f in text_string_to_metric_families(await response.text())}
    assert {name: families.get(name) for name in PROMISED} == PROMISED
    samples = await scrape(client)
    # A fresh database: every job status is there, at 0, and the outbox is empty.
    assert {s: value(samples, "techfriends_jobs", status=s) for s in STATUSES} == dict.fromkeys(
        STATUSES, 0.0
    )
    assert value(samples, "techfriends_outbox_depth", page="friends") == 0
    assert value(samples, "techfriends_metrics_database_up") == 1
    assert response.headers["X-Request-ID"]


async def test_metrics_ask_for_their_own_token_when_one_is_set(settings: Settings) -> None:
    guarded = dataclasses.replace(settings, metrics_token="scrape-secret")
    async with TestClient(TestServer(create_app(guarded))) as client:
        assert (await client.get("/metrics")).status == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        assert "metrics token" in (await wrong.json())["error"]
        # The API token is not the metrics token.
        api = await client.get("/metrics", headers={"Authorization": "Bearer test-api-token"})
        assert api.status == 401
        samples = await scrape(client, Authorization="Bearer scrape-secret")
        assert value(samples, "techfriends_metrics_database_up") == 1


async def test_a_new_job_and_its_offer_move_jobs_offers_and_outbox(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph

    def sent(s: Samples) -> float:
        return value(s, "techfriends_outbox_attempts_total", page="friends", result="sent")

    # The counters live as long as the test process: earlier tests' sends are in them, so
    # the check-in reply counts only once it has added to what was there before it.
    start = await scrape(client)
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")  # the check-in reply
    before = await until(
        client,
        lambda s: (
            sent(s) > sent(start) and value(s, "techfriends_outbox_depth", page="friends") == 0
        ),
    )
    job = await create_job(client)
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    after = await until(
        client,
        lambda s: (
            value(s, "techfriends_offers_total", outcome="sent")
            == value(before, "techfriends_offers_total", outcome="sent") + 1
        ),
    )
    status = (await get_job(client, job["reference"]))["status"]
    assert status == "open"
    assert (
        value(after, "techfriends_jobs", status="open")
        == value(before, "techfriends_jobs", status="open") + 1
    )
    assert value(after, "techfriends_offers_total", outcome="failed") == value(
        before, "techfriends_offers_total", outcome="failed"
    )
    assert sent(after) == sent(before) + 1
    assert value(after, "techfriends_outbox_depth", page="friends") == 0


async def test_messages_waiting_while_meta_is_down_are_the_outbox_depth(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")
    # Down for the whole test: the offer is retried with backoff and stays in the outbox.
    graph.faults = FaultPlan(
        remaining=1,
        status=503,
        error={"code": 2, "message": "down"},
        until=time.monotonic() + 60,
    )
    before = await scrape(client)
    await create_job(client)
    after = await until(
        client,
        lambda s: (
            value(s, "techfriends_outbox_attempts_total", page="friends", result="retry")
            > value(before, "techfriends_outbox_attempts_total", page="friends", result="retry")
        ),
    )
    assert value(after, "techfriends_outbox_depth", page="friends") == 1
    assert value(after, "techfriends_offers_total", outcome="sent") == value(
        before, "techfriends_offers_total", outcome="sent"
    )
    graph.faults = None


async def test_an_offer_meta_refuses_for_good_counts_as_failed(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")
    before = await scrape(client)
    graph.faults = FaultPlan(remaining=1, status=400, error={"code": 551, "message": "gone"})
    await create_job(client)
    # The offer is counted when Meta refuses it; the row leaves the open outbox when its
    # outcome is stored, a moment later on a busy machine: wait for both.
    after = await until(
        client,
        lambda s: (
            value(s, "techfriends_offers_total", outcome="failed")
            == value(before, "techfriends_offers_total", outcome="failed") + 1
            and value(s, "techfriends_outbox_depth", page="friends") == 0
        ),
    )
    assert (
        value(after, "techfriends_outbox_attempts_total", page="friends", result="failed")
        == value(before, "techfriends_outbox_attempts_total", page="friends", result="failed") + 1
    )


async def test_a_claim_and_each_webhook_post_are_timed(client: Client, fake_graph: Graph) -> None:
    graph, _ = fake_graph
    before = await scrape(client)
    await add_friend(client)  # one webhook POST: the check-in
    ref = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    assert await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)]) == 200
    assert await post_friends_webhook(client, [], secret="forged") == 403
    await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("techfriends_claim_seconds_count", outcome="won") == 1
    assert grew("techfriends_claim_seconds_sum", outcome="won") > 0
    assert grew("techfriends_webhook_ack_seconds_count", status="200") == 2
    assert grew("techfriends_webhook_ack_seconds_count", status="403") == 1
    # Every answer falls in the +Inf bucket; the count is what Prometheus divides by.
    assert grew("techfriends_webhook_ack_seconds_bucket", status="200", le="+Inf") == 2
    assert (
        value(after, "techfriends_jobs", status="assigned")
        == value(before, "techfriends_jobs", status="assigned") + 1
    )


async def test_deadline_lag_and_overdue_deadlines(settings: Settings, fake_graph: Graph) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        await add_friend(client)
        ref = (await create_job(client))["reference"]
        await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
        assert await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)]) == 200
        await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
        assert value(await scrape(client), "techfriends_deadline_overdue_seconds") == 0

        # 13 hours on: the 8-hour reminder has waited 5 hours, the 12-hour deadline one.
        clock.advance(hours=13)
        before = await scrape(client)
        assert value(before, "techfriends_deadline_overdue_seconds") == pytest.approx(5 * 3600)
        fired = await sweep(client)
        assert fired["contact_deadline"] == 1
        after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("techfriends_deadline_lag_seconds_count", kind="contact_deadline") == 1
    assert grew("techfriends_deadline_lag_seconds_sum", kind="contact_deadline") == pytest.approx(
        3600
    )
    # The lost job went back to wave 1 at once: handled in the same sweep, not late.
    assert grew("techfriends_deadline_lag_seconds_count", kind="next_wave") == 1
    assert grew("techfriends_deadline_lag_seconds_sum", kind="next_wave") == 0
    assert value(after, "techfriends_deadline_sweep_lag_seconds") == pytest.approx(3600)
    assert value(after, "techfriends_deadline_overdue_seconds") == 0
