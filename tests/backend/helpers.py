"""Small builders for backend tests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from simulator.fake_graph import FakeGraph, RecordedCall
from simulator.webhook_bodies import encode_signed, page_body, postback_event, text_event
from tests.backend.conftest import FRIENDS_SECRET, admin_headers, api_headers

Client = TestClient[web.Request, web.Application]

FRIEND_ANNA = {
    "name": "Anna Schmidt",
    "messenger_id": "friend-anna",
    "postal_code": "10117",
    "country": "DE",
    "radius_km": 15,
    "skills": ["internet_wifi", "computer"],
    "languages": ["de", "en"],
    "status": "active",
}


def friend(**changes: Any) -> dict[str, Any]:
    return FRIEND_ANNA | changes


def job_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "internet_wifi",
        "description": "Mein WLAN bricht ständig ab",
        "country": "DE",
        "postal_code": "10115",
        "street": "Invalidenstraße 1",
        "customer": {
            "psid": "cust-1",
            "name": "Erika Muster",
            "phone": "0171 9876543",
            "language": "de",
        },
    }
    return body | changes


async def add_friend(client: Client, check_in: bool = True, **changes: Any) -> dict[str, Any]:
    """A Friend; with check_in, they have written to the page (their 24-hour window is open)."""
    response = await client.post("/api/v1/friends", json=friend(**changes), headers=admin_headers())
    assert response.status == 201, await response.text()
    data: dict[str, Any] = await response.json()
    if check_in:
        assert await post_friends_webhook(client, [say(data["messenger_id"], "online")]) == 200
    return data


async def create_job(client: Client, key: str | None = None, **changes: Any) -> dict[str, Any]:
    headers = api_headers(**({"Idempotency-Key": key} if key else {}))
    response = await client.post("/api/v1/jobs", json=job_body(**changes), headers=headers)
    assert response.status in (200, 201), await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def get_job(client: Client, reference: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/jobs/{reference}", headers=api_headers())
    assert response.status == 200, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def get_friend(client: Client, friend_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/v1/friends/{friend_id}", headers=admin_headers())
    assert response.status == 200, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def wait_for(
    graph: FakeGraph, predicate: Callable[[RecordedCall], bool], count: int = 1, within: float = 10
) -> list[RecordedCall]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        found = [c for c in graph.calls() if predicate(c)]
        if len(found) >= count:
            return found
        if loop.time() > deadline:
            seen = [c.to_json() for c in graph.calls()]
            raise AssertionError(f"expected {count} matching calls, saw: {seen}")
        await asyncio.sleep(0.05)


def text_of(call: RecordedCall) -> str:
    message = call.body.get("message") or {}
    if "text" in message:
        return str(message["text"])
    payload = (message.get("attachment") or {}).get("payload") or {}
    return str(payload.get("text", ""))


def buttons_of(call: RecordedCall) -> list[dict[str, str]]:
    message = call.body.get("message") or {}
    payload = (message.get("attachment") or {}).get("payload") or {}
    return list(payload.get("buttons") or [])


async def post_friends_webhook(
    client: Client, events: list[dict[str, Any]], secret: str = FRIENDS_SECRET
) -> int:
    raw, headers = encode_signed(page_body("friends-page", events), secret)
    response = await client.post("/webhooks/friends", data=raw, headers=headers)
    return response.status


# Taps are numbered from now: an event older than 48 hours is a replay and skipped
# (messenger_platform/freshness.py); the number keeps postbacks without a mid apart.
TAPS_FROM_MS = int(time.time() * 1000)


def tap(sender: str, payload: str, timestamp: int) -> dict[str, Any]:
    return postback_event(
        sender, "friends-page", payload=payload, title="tap", timestamp=TAPS_FROM_MS + timestamp
    )


def say(sender: str, text: str) -> dict[str, Any]:
    return text_event(sender, "friends-page", text)


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()
