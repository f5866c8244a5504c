"""The fake Graph API answers like Meta and records what it was sent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from simulator.fake_graph import RATE_LIMIT_ERRORS, FakeGraph, create_app

Client = TestClient[Any, Any]
SEND = "/v21.0/me/messages"


@pytest.fixture
async def graph_client(aiohttp_client: Callable[..., Awaitable[Client]]) -> Client:
    return await aiohttp_client(create_app(FakeGraph()))


def text_message(recipient: str, text: str = "Hallo") -> dict[str, Any]:
    return {"recipient": {"id": recipient}, "message": {"text": text}}


async def calls(client: Client, **params: str) -> dict[str, Any]:
    resp = await client.get("/_control/calls", params=params)
    assert resp.status == 200
    data: dict[str, Any] = await resp.json()
    return data


async def test_send_is_recorded_and_answered_like_meta(graph_client: Client) -> None:
    first = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("cust-1"))
    second = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("cust-1"))

    assert first.status == 200
    answer = await first.json()
    assert answer["recipient_id"] == "cust-1"
    assert answer["message_id"].startswith("m_")
    assert answer["message_id"] != (await second.json())["message_id"]
    recorded = (await calls(graph_client))["calls"]
    assert [c["body"] for c in recorded] == [text_message("cust-1")] * 2
    assert recorded[0]["access_token"] == "tok"
    assert recorded[0]["path"] == SEND
    assert recorded[0]["fault"] is False
    assert recorded[0]["seq"] < recorded[1]["seq"]


async def test_send_without_token_is_an_oauth_error(graph_client: Client) -> None:
    resp = await graph_client.post(SEND, json=text_message("cust-1"))

    assert resp.status == 400
    error = (await resp.json())["error"]
    assert error["code"] == 190
    assert error["type"] == "OAuthException"
    assert error["fbtrace_id"]
    assert (await calls(graph_client))["calls"] == []


@pytest.mark.parametrize(
    "body", [b"not json", b'["a list"]', b'{"message": {"text": "x"}}', b'{"recipient": {}}']
)
async def test_send_with_bad_body_is_error_100(graph_client: Client, body: bytes) -> None:
    resp = await graph_client.post(f"{SEND}?access_token=tok", data=body)

    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == 100


async def test_sender_action_is_recorded_without_message_id(graph_client: Client) -> None:
    body = {"recipient": {"id": "cust-1"}, "sender_action": "typing_on"}
    resp = await graph_client.post(f"{SEND}?access_token=tok", json=body)

    assert resp.status == 200
    assert await resp.json() == {"recipient_id": "cust-1"}
    assert [c["body"] for c in (await calls(graph_client))["calls"]] == [body]


async def test_messenger_profile_is_recorded(graph_client: Client) -> None:
    body = {"get_started": {"payload": "/get_started"}}
    resp = await graph_client.post("/v21.0/me/messenger_profile?access_token=tok", json=body)

    assert await resp.json() == {"result": "success"}
    recorded = (await calls(graph_client))["calls"]
    assert recorded[0]["body"] == body
    assert recorded[0]["path"] == "/v21.0/me/messenger_profile"


async def test_user_profile_default_registered_and_field_filtered(graph_client: Client) -> None:
    resp = await graph_client.get("/v21.0/cust-9?fields=first_name,last_name,locale&access_token=t")
    assert await resp.json() == {
        "first_name": "Test",
        "last_name": "User",
        "locale": "de_DE",
        "id": "cust-9",
    }

    put = await graph_client.put("/_control/profiles/cust-9", json={"first_name": "Grete"})
    assert put.status == 200
    resp = await graph_client.get("/v21.0/cust-9?fields=first_name&access_token=t")
    assert await resp.json() == {"first_name": "Grete", "id": "cust-9"}

    assert (await graph_client.get("/v21.0/cust-9?fields=first_name")).status == 400


async def test_faults_fail_n_sends_then_recover(graph_client: Client) -> None:
    plan = {"count": 2, "status": 500, "error": {"code": 2, "message": "temporarily down"}}
    assert (await graph_client.post("/_control/faults", json=plan)).status == 200

    statuses, errors = [], []
    for _ in range(3):
        resp = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))
        statuses.append(resp.status)
        errors.append((await resp.json()).get("error"))

    assert statuses == [500, 500, 200]
    assert errors[0]["code"] == 2
    assert errors[0]["message"] == "temporarily down"
    assert errors[0]["type"] == "OAuthException"
    assert "is_transient" not in errors[0]
    assert errors[2] is None
    recorded = (await calls(graph_client))["calls"]
    assert [(c["status"], c["fault"]) for c in recorded] == [(500, True), (500, True), (200, False)]
    assert (await (await graph_client.get("/_control/faults")).json()) == {"faults": None}


async def test_delay_fault_answers_late_but_successfully(graph_client: Client) -> None:
    await graph_client.post("/_control/faults", json={"count": 1, "delay": 0.3})

    started = time.monotonic()
    resp = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))

    assert time.monotonic() - started >= 0.3
    assert resp.status == 200
    started = time.monotonic()
    await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))
    assert time.monotonic() - started < 0.3


async def test_delay_fault_is_recorded_even_if_client_gives_up(graph_client: Client) -> None:
    await graph_client.post("/_control/faults", json={"count": 1, "delay": 5, "status": 503})

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))

    recorded = (await calls(graph_client))["calls"]
    assert [(c["status"], c["fault"]) for c in recorded] == [(503, True)]


async def test_faults_can_spare_sender_actions(graph_client: Client) -> None:
    plan = {"count": 1, "status": 500, "applies_to": "messages"}
    await graph_client.post("/_control/faults", json=plan)
    typing = {"recipient": {"id": "f-1"}, "sender_action": "typing_on"}

    typing_resp = await graph_client.post(f"{SEND}?access_token=tok", json=typing)
    message_resp = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))

    assert (typing_resp.status, message_resp.status) == (200, 500)


async def test_default_fault_is_a_transient_meta_error(graph_client: Client) -> None:
    await graph_client.post("/_control/faults", json={"status": 503})

    resp = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))

    assert resp.status == 503
    error = (await resp.json())["error"]
    assert (error["code"], error["is_transient"]) == (2, True)


async def test_faults_can_be_cleared(graph_client: Client) -> None:
    await graph_client.post("/_control/faults", json={"count": 5, "status": 500})
    assert (await graph_client.delete("/_control/faults")).status == 200

    resp = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))
    assert resp.status == 200


async def test_outage_for_seconds_mixes_errors_in_turn_then_ends(graph_client: Client) -> None:
    plan = {
        "seconds": 0.6,
        "status": 500,
        "also": [
            {"status": 400, "error": RATE_LIMIT_ERRORS[613]},
            {"status": 429, "error": RATE_LIMIT_ERRORS[32]},
        ],
    }
    assert (await graph_client.post("/_control/faults", json=plan)).status == 200

    answers = []
    for _ in range(4):
        resp = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))
        answers.append((resp.status, (await resp.json())["error"]["code"]))
    await asyncio.sleep(0.7)
    after = await graph_client.post(f"{SEND}?access_token=tok", json=text_message("f-1"))

    # More sends than a count would allow: the outage lasts by time, and cycles its answers.
    assert answers == [(500, 2), (400, 613), (429, 32), (500, 2)]
    assert after.status == 200
    assert (await (await graph_client.get("/_control/faults")).json()) == {"faults": None}


async def test_outage_reports_its_time_left(graph_client: Client) -> None:
    await graph_client.post("/_control/faults", json={"seconds": 30, "status": 503})

    plan = (await (await graph_client.get("/_control/faults")).json())["faults"]

    assert 0 < plan["seconds_left"] <= 30


@pytest.mark.parametrize(
    "plan",
    [
        {"count": 0, "status": 500},
        {"count": 1},
        {"count": 1, "status": 200},
        {"count": 1, "delay": -1},
        {"count": 1, "status": 500, "applies_to": "some"},
        {"count": 1, "status": 500, "error": {"code": "two"}},
        {"seconds": 0, "status": 500},
        {"seconds": 5, "count": 2, "status": 500},
        {"seconds": 5, "status": 500, "also": [{"status": 200}]},
        {"seconds": 5, "status": 500, "also": {"status": 500}},
        ["not", "an", "object"],
    ],
)
async def test_invalid_fault_plans_are_refused(graph_client: Client, plan: Any) -> None:
    assert (await graph_client.post("/_control/faults", json=plan)).status == 400
    assert (await (await graph_client.get("/_control/faults")).json()) == {"faults": None}


async def test_calls_filter_by_page_token_recipient_and_since(graph_client: Client) -> None:
    sends = [("customer-token", "cust-1"), ("friends-token", "cust-1"), ("customer-token", "c2")]
    for token, recipient in sends:
        await graph_client.post(f"{SEND}?access_token={token}", json=text_message(recipient))

    by_token = (await calls(graph_client, page_token="customer-token"))["calls"]
    assert [c["recipient"] for c in by_token] == ["cust-1", "c2"]
    both = (await calls(graph_client, page_token="customer-token", recipient="cust-1"))["calls"]
    assert [(c["access_token"], c["recipient"]) for c in both] == [("customer-token", "cust-1")]

    everything = await calls(graph_client)
    first_seq = everything["calls"][0]["seq"]
    assert everything["next"] == everything["calls"][-1]["seq"]
    later = await calls(graph_client, since=str(first_seq))
    assert len(later["calls"]) == 2
    # Filtered-out calls still advance `next`, so a poller resumes after them.
    filtered = await calls(graph_client, recipient="nobody")
    assert filtered == {"calls": [], "next": everything["next"]}


async def test_clearing_calls_keeps_seq_increasing(graph_client: Client) -> None:
    await graph_client.post(f"{SEND}?access_token=tok", json=text_message("c"))
    before = (await calls(graph_client))["next"]
    assert (await graph_client.delete("/_control/calls")).status == 200
    assert (await calls(graph_client))["calls"] == []

    await graph_client.post(f"{SEND}?access_token=tok", json=text_message("c"))
    after = (await calls(graph_client, since=str(before)))["calls"]
    assert len(after) == 1
    assert after[0]["seq"] > before
