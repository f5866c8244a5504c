"""Backend processes the fault tests start, kill with SIGKILL, and talk to like Meta would."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import CustomerNotice, InboxEvent, OutboxMessage
from benchmarks.backend_processes import ROOT, SECRETS, BackendProcess, backend_env
from simulator.fake_graph import FakeGraph, RecordedCall
from simulator.webhook_bodies import encode_signed, page_body, postback_event
from tools.postgres import free_port

T = TypeVar("T")
API_HEADERS = {"Authorization": f"Bearer {SECRETS['BACKEND_API_TOKEN']}"}


def spawn(
    count: int,
    database_url: str,
    graph_url: str,
    rasa_url: str,
    log_dir: Path,
    **settings: str,
) -> list[BackendProcess]:
    """`python -m backend serve` processes on one database, with extra settings (env names)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    started = []
    for i in range(count):
        port = free_port()
        log_path = log_dir / f"backend-{i}.log"
        log = log_path.open("ab")
        env = {**backend_env(database_url, graph_url, rasa_url, port), **settings}
        process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(BackendProcess(f"http://127.0.0.1:{port}", process, log_path, log))
    return started


def kill9(backend: BackendProcess) -> None:
    backend.process.send_signal(signal.SIGKILL)
    backend.process.wait(timeout=10)
    assert backend.process.returncode == -signal.SIGKILL


async def query(database_url: str, read: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `read` in a session of its own (the backends' own pools are out of reach)."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await read(session)
    finally:
        await engine.dispose()


async def wait_until(
    check: Callable[[], Awaitable[bool]], within: float, what: Callable[[], Awaitable[str]]
) -> float:
    """Poll `check` until true; returns the seconds it took, fails saying `what` is missing."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within:.0f} s: {await what()}")
        await asyncio.sleep(0.25)
    return time.monotonic() - started


class Meta:
    """Posts the Friends' webhooks as Meta does: a refused delivery is retried, on any process
    behind the load balancer that still answers, until one says 200."""

    def __init__(
        self, http: aiohttp.ClientSession, urls: Sequence[str], attempts: int = 40
    ) -> None:
        self.http, self.urls, self.attempts = http, list(urls), attempts
        self.redelivered = 0

    async def post(self, path: str, first: int, **kwargs: Any) -> aiohttp.ClientResponse | None:
        for attempt in range(self.attempts):
            url = self.urls[(first + attempt) % len(self.urls)] + path
            try:
                async with self.http.post(url, **kwargs) as response:
                    await response.read()
                    if response.status < 500:
                        return response
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.redelivered += 1
            await asyncio.sleep(0.2)
        return None

    async def claim(self, sender: str, reference: str, timestamp: int, first: int) -> None:
        event = postback_event(
            sender,
            "friends-page",
            payload=f"CLAIM:{reference}",
            title="Annehmen",
            timestamp=timestamp,
        )
        raw, headers = encode_signed(
            page_body("friends-page", [event]), SECRETS["FRIENDS_APP_SECRET"]
        )
        response = await self.post("/webhooks/friends", first, data=raw, headers=headers)
        assert response is not None and response.status == 200, f"claim of {sender} not taken"


def delivered(graph: FakeGraph) -> list[RecordedCall]:
    """Messages the fake Graph API accepted (a faulty answer or a timeout delivered nothing)."""
    return [c for c in graph.calls() if "message" in c.body and c.status == 200 and not c.fault]


def message_key(call: RecordedCall) -> str:
    return f"{call.recipient} {json.dumps(call.body['message'], sort_keys=True)}"


def doubled_only_across(calls: list[RecordedCall], moment: datetime) -> int:
    """Fails on any message delivered twice except one first sent before `moment` (the kill,
    the database's return) whose answer was never recorded; returns how many such resends."""
    seen: dict[str, RecordedCall] = {}
    resent = 0
    for call in calls:
        first = seen.setdefault(message_key(call), call)
        if first is call:
            continue
        assert first.at <= moment < call.at, (
            f"delivered twice, not across the fault: {first.to_json()} and {call.to_json()}"
        )
        resent += 1
    return resent


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


class OpenWork(NamedTuple):
    inbox: int  # webhook events not yet handled
    outbox: int  # outbox messages neither sent nor given up
    notices: int  # customer notices still to tell

    @property
    def settled(self) -> bool:
        return self.inbox == self.outbox == self.notices == 0

    def __str__(self) -> str:
        return (
            f"{self.inbox} webhook events unhandled, {self.outbox} outbox messages open, "
            f"{self.notices} customer notices pending"
        )


async def open_work(db_url: str) -> OpenWork:
    async def read(session: AsyncSession) -> OpenWork:
        return OpenWork(
            await count(session, InboxEvent, InboxEvent.handled_at.is_(None)),
            await count(
                session,
                OutboxMessage,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            ),
            await count(session, CustomerNotice, CustomerNotice.status == "pending"),
        )

    return await query(db_url, read)


def text_of(call: RecordedCall) -> str:
    message = call.body.get("message") or {}
    if "text" in message:
        return str(message["text"])
    return json.dumps(message)


async def describe_open(db_url: str) -> str:
    return str(await open_work(db_url))
