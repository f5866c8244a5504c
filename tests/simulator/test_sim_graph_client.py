"""The polling helpers end-to-end tests use against a running fake Graph API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from simulator import graph_client
from simulator.fake_graph import FakeGraph, create_app


@pytest.fixture
async def graph_url(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> str:
    server = await aiohttp_server(create_app(FakeGraph()))
    return str(server.make_url("")).rstrip("/")


async def send(base_url: str, recipient: str, text: str, token: str = "tok") -> int:
    body = {"recipient": {"id": recipient}, "message": {"text": text}}
    url = f"{base_url}/v21.0/me/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, params={"access_token": token}, json=body) as resp,
    ):
        return resp.status


def text_is(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda call: call["body"].get("message", {}).get("text") == text


async def test_wait_for_calls_returns_once_a_matching_call_arrives(graph_url: str) -> None:
    await send(graph_url, "cust-1", "first")

    async def later() -> None:
        await asyncio.sleep(0.2)
        await send(graph_url, "cust-1", "wanted")

    task = asyncio.create_task(later())
    found = await graph_client.wait_for_calls(graph_url, text_is("wanted"), timeout=3)
    await task

    assert [c["body"]["message"]["text"] for c in found] == ["wanted"]


async def test_wait_for_calls_times_out_listing_what_it_saw(graph_url: str) -> None:
    await send(graph_url, "cust-1", "something else")

    with pytest.raises(AssertionError, match="something else"):
        await graph_client.wait_for_calls(graph_url, text_is("never"), timeout=0.3)


async def test_filters_and_since_are_passed_through(graph_url: str) -> None:
    await send(graph_url, "cust-1", "old", token="customer")
    _, cursor = await graph_client.fetch_calls(graph_url)
    await send(graph_url, "cust-1", "wrong page", token="friends")
    await send(graph_url, "cust-1", "new", token="customer")

    found = await graph_client.wait_for_calls(
        graph_url, lambda c: True, timeout=1, since=cursor, page_token="customer"
    )

    assert [c["body"]["message"]["text"] for c in found] == ["new"]


async def test_fault_helpers(graph_url: str) -> None:
    await graph_client.inject_faults(graph_url, 1, status=500)
    assert await send(graph_url, "c", "a") == 500
    assert await send(graph_url, "c", "b") == 200

    await graph_client.inject_faults(graph_url, 3, status=503, error={"code": 1})
    await graph_client.clear_faults(graph_url)
    assert await send(graph_url, "c", "c") == 200

    await graph_client.clear_calls(graph_url)
    assert (await graph_client.fetch_calls(graph_url))[0] == []
