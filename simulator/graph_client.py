"""Test helpers that talk to a running fake Graph API over its /_control routes.

`base_url` is the fake's root: http://127.0.0.1:8091 standalone, or
http://127.0.0.1:8090/graph inside the simulator (the same as MESSENGER_GRAPH_URL).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp

Call = dict[str, Any]


async def fetch_calls(
    base_url: str,
    *,
    since: int = 0,
    page_token: str | None = None,
    recipient: str | None = None,
) -> tuple[list[Call], int]:
    """Recorded calls after `since` and the seq to pass as `since` next time."""
    params = {"since": str(since)}
    if page_token is not None:
        params["page_token"] = page_token
    if recipient is not None:
        params["recipient"] = recipient
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base_url.rstrip('/')}/_control/calls", params=params) as resp,
    ):
        resp.raise_for_status()
        data = await resp.json()
    return list(data["calls"]), int(data["next"])


async def wait_for_calls(
    base_url: str,
    predicate: Callable[[Call], bool],
    # An outer asyncio.timeout could not report the calls seen, hence a parameter.
    timeout: float = 10.0,  # noqa: ASYNC109
    *,
    since: int = 0,
    page_token: str | None = None,
    recipient: str | None = None,
    interval: float = 0.05,
) -> list[Call]:
    """Poll until at least one recorded call satisfies `predicate`; return all that do.

    On timeout the AssertionError lists every call seen, which is what one needs to debug.
    """
    deadline = time.monotonic() + timeout
    seen: list[Call] = []
    cursor = since
    while True:
        calls, cursor = await fetch_calls(
            base_url, since=cursor, page_token=page_token, recipient=recipient
        )
        seen.extend(calls)
        matching = [c for c in seen if predicate(c)]
        if matching:
            return matching
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"no matching Graph call within {timeout}s; calls seen: "
                + (", ".join(f"{c['seq']} {c['path']} {c['body']}" for c in seen) or "none")
            )
        await asyncio.sleep(interval)


async def _control(method: str, url: str, json: Any = None) -> None:
    async with aiohttp.ClientSession() as session, session.request(method, url, json=json) as resp:
        resp.raise_for_status()


async def inject_faults(
    base_url: str,
    count: int,
    *,
    status: int | None = None,
    error: dict[str, Any] | None = None,
    delay: float = 0.0,
    applies_to: str = "all",
) -> None:
    """Make the next `count` sends fail with `status` and/or answer after `delay` seconds."""
    plan: dict[str, Any] = {"count": count, "delay": delay, "applies_to": applies_to}
    if status is not None:
        plan["status"] = status
    if error is not None:
        plan["error"] = error
    await _control("POST", f"{base_url.rstrip('/')}/_control/faults", plan)


async def clear_faults(base_url: str) -> None:
    await _control("DELETE", f"{base_url.rstrip('/')}/_control/faults")


async def clear_calls(base_url: str) -> None:
    await _control("DELETE", f"{base_url.rstrip('/')}/_control/calls")
