"""One request id from the caller through the backend's logs to Rasa.

The id comes in as X-Request-ID (the action server sends the customer's message id), or the
backend makes one; it is echoed, named in the log lines of the request, and sent on to Rasa.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from actions.backend_client import BackendClient
from backend.adapters.rasa import Delivery, RasaClient
from backend.app import create_app
from backend.config import Settings
from backend.observability.access_log import AccessLogger
from backend.observability.event_ids import with_event_ids
from messenger_platform import logs
from messenger_platform.events import InboundEvent
from simulator.fake_graph import FakeGraph
from simulator.webhook_bodies import postback_event
from tests.backend.conftest import API_TOKEN
from tests.backend.helpers import (
    Client,
    add_friend,
    create_job,
    post_friends_webhook,
    text_of,
    wait_for,
)


def json_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(line) for line in caplog.text.splitlines() if line.strip()]


@pytest.fixture
def json_caplog(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Captured records, formatted as the backend formats them with LOG_FORMAT=json."""
    caplog.set_level(logging.INFO)
    caplog.handler.setFormatter(logs.JsonFormatter("backend"))
    return caplog


async def test_a_request_id_sent_in_comes_back_and_names_the_log_lines(
    client: Client, json_caplog: pytest.LogCaptureFixture
) -> None:
    # A forged webhook is refused with a warning logged inside the request.
    raw = json.dumps({"object": "page", "entry": []}).encode()
    response = await client.post(
        "/webhooks/friends",
        data=raw,
        headers={"X-Request-ID": "meta-delivery-17", "X-Hub-Signature-256": "sha256=00"},
    )
    assert response.status == 403
    assert response.headers["X-Request-ID"] == "meta-delivery-17"
    [warning] = [e for e in json_lines(json_caplog) if "wrong signature" in e["message"]]
    assert warning["request_id"] == "meta-delivery-17"
    assert (warning["level"], warning["logger"]) == ("WARNING", "backend.web.webhooks")


async def test_without_an_id_or_with_an_unsafe_one_the_backend_makes_one(client: Client) -> None:
    made = (await client.get("/healthz")).headers["X-Request-ID"]
    assert len(made) == 32 and logs.clean_id(made) == made
    other = (await client.get("/healthz")).headers["X-Request-ID"]
    assert other != made
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert len(unsafe.headers["X-Request-ID"]) == 32
    # Error answers carry it too, also those aiohttp raises itself.
    missing = await client.get("/nowhere", headers={"X-Request-ID": "lost-1"})
    assert missing.status == 404 and missing.headers["X-Request-ID"] == "lost-1"
    refused = await client.get("/api/v1/jobs/TF-XXXX", headers={"X-Request-ID": "no-token"})
    assert refused.status == 401 and refused.headers["X-Request-ID"] == "no-token"


async def test_the_actions_client_sends_the_turns_ids_and_the_access_log_names_them(
    settings: Settings, json_caplog: pytest.LogCaptureFixture
) -> None:
    server = TestServer(create_app(settings))
    # As `python -m backend serve` runs it (TestClient would start it with aiohttp's logger).
    await server.start_server(access_log_class=AccessLogger)
    async with TestClient(server) as client:
        actions = BackendClient(str(client.make_url("")), API_TOKEN, timeout=10)
        # What the action server binds for a call: the customer's message id and sender.
        with logs.bound(request="m_customer-mid-1", conversation="psid-42"):
            assert await actions.list_jobs("psid-42") == []
        assert await post_friends_webhook(client, []) == 200  # a request without an id
    access = [e for e in json_lines(json_caplog) if e["logger"] == "aiohttp.access"]
    [jobs] = [e for e in access if e["path"] == "/api/v1/jobs"]
    assert (jobs["request_id"], jobs["status"], jobs["method"]) == ("m_customer-mid-1", 200, "GET")
    assert "GET /api/v1/jobs 200" in jobs["message"]
    [webhook] = [e for e in access if e["path"] == "/webhooks/friends"]
    assert len(webhook["request_id"]) == 32


@pytest.fixture
async def rasa_recorder() -> AsyncIterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    async def trigger(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/conversations/{conversation_id}/trigger_intent", trigger)
    server = TestServer(app)
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), seen
    await server.close()


async def test_news_for_a_customer_carry_the_request_id_to_rasa(
    rasa_recorder: tuple[str, list[dict[str, str]]],
) -> None:
    url, seen = rasa_recorder
    async with aiohttp.ClientSession() as http:
        rasa = RasaClient(http, url, "token")
        with logs.bound(request="claim-req-5"):
            delivered = await rasa.trigger_intent("psid-7", "EXTERNAL_job_claimed", {}, "messenger")
            assert delivered is Delivery.DELIVERED
        # A deadline sweep has no request: a fresh id, so Rasa's lines still group the turn.
        delivered = await rasa.trigger_intent("psid-8", "EXTERNAL_nobody_found", {}, "messenger")
        assert delivered is Delivery.DELIVERED
    assert (seen[0]["X-Request-ID"], seen[0]["X-Conversation-ID"]) == ("claim-req-5", "psid-7")
    assert seen[1]["X-Conversation-ID"] == "psid-8"
    assert len(seen[1]["X-Request-ID"]) == 32


async def test_a_friends_event_is_handled_under_its_mid_and_sender() -> None:
    seen: list[tuple[str | None, str | None]] = []

    async def handle(event: InboundEvent) -> None:
        seen.append((logs.request_id.get(), logs.conversation_id.get()))

    wrapped = with_event_ids(handle)
    await wrapped(
        InboundEvent("friend-anna", "page", 1, "postback", payload="CLAIM:TF-1", mid="m_1")
    )
    # A postback without a mid (Meta sends some) gets a fresh id.
    await wrapped(InboundEvent("friend-jonas", "page", 2, "postback", payload="CLAIM:TF-1"))
    assert seen[0] == ("m_1", "friend-anna")
    assert seen[1][1] == "friend-jonas" and len(seen[1][0] or "") == 32
    assert logs.request_id.get() is None and logs.conversation_id.get() is None


async def test_a_friends_claim_sends_its_mid_to_rasa_with_the_customers_news(
    settings: Settings,
    fake_graph: tuple[FakeGraph, str],
    rasa_recorder: tuple[str, list[dict[str, str]]],
) -> None:
    url, seen = rasa_recorder
    graph, _ = fake_graph
    async with TestClient(
        TestServer(create_app(dataclasses.replace(settings, rasa_url=url)))
    ) as client:
        await add_friend(client)
        ref = (await create_job(client))["reference"]
        await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
        claim = postback_event("friend-anna", "friends-page", f"CLAIM:{ref}", mid="m_claim-mid-1")
        assert await post_friends_webhook(client, [claim]) == 200
        await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.05)
    # The customer (cust-1) hears of the assignment in a turn named after the Friend's tap.
    assert [(h["X-Request-ID"], h["X-Conversation-ID"]) for h in seen] == [
        ("m_claim-mid-1", "cust-1")
    ]
