"""Real backend processes on one database: the claim storm for tests and benchmarks.

`seed_claim_storm` prepares a job offered to N Friends (all checked in, so replies may reach
them). The storm is then sent either as signed Claim postbacks to several `python -m backend
serve` processes on the same database, or through the service function claim_job from several
OS processes at once (`claim_in_processes`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.config_files import load_packages
from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import InboxEvent, Offer, utcnow
from backend.domain.friends import validate_friend_request
from backend.domain.jobs import validate_job_request
from backend.services import claims, friends, jobs
from backend.services.outbox import FRIENDS_PAGE, record_inbound
from product.languages import DEFAULT_LANGUAGE
from simulator.webhook_bodies import encode_signed, now_ms, page_body, postback_event
from tools.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "backend" / "packages.yml"
SECRETS = {
    "FRIENDS_PAGE_ACCESS_TOKEN": "storm-friends-page-token",
    "FRIENDS_APP_SECRET": "storm-friends-secret",
    "FRIENDS_VERIFY_TOKEN": "storm-friends-verify",
    "BACKEND_API_TOKEN": "storm-api-token",
    "BACKEND_ADMIN_TOKEN": "storm-admin-token",
    "RASA_TOKEN": "storm-rasa-token",
}
CUSTOMER_PSID = "storm-customer"
CUSTOMER_PHONE = "0171 9876543"


@dataclass(frozen=True)
class Storm:
    reference: str
    job_id: int
    friend_ids: dict[str, int]  # messenger id → database id


async def seed_friends(session: AsyncSession, count: int, prefix: str) -> dict[str, int]:
    """`count` active Friends in Berlin-Mitte (10117, 15 km) who have just written to us."""
    created: dict[str, int] = {}
    for i in range(count):
        request, errors = validate_friend_request(
            {
                "name": f"Friend{i:03d} Storm",
                "messenger_id": f"{prefix}-{i:03d}",
                "postal_code": "10117",
                "country": "DE",
                "radius_km": 15,
                "skills": ["internet_wifi"],
                "languages": [DEFAULT_LANGUAGE],
                "status": "active",
            }
        )
        assert request is not None, errors
        friend = await friends.create_friend(session, request)
        created[friend.messenger_id] = friend.id
    await record_inbound(session, FRIENDS_PAGE, set(created), utcnow())
    await session.commit()
    return created


async def unhandled_events(database_url: str) -> int:
    """Friends' webhook events stored (acknowledged) and not yet handled."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            count = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(InboxEvent.handled_at.is_(None))
            )
    finally:
        await engine.dispose()
    return int(count or 0)


def job_request_body(psid: str = CUSTOMER_PSID) -> dict[str, Any]:
    return {
        "category": "internet_wifi",
        "description": "Das WLAN bricht ständig ab",
        "country": "DE",
        "postal_code": "10115",
        "street": "Invalidenstraße 1",
        "customer": {"psid": psid, "name": "Erika Muster", "phone": CUSTOMER_PHONE},
    }


async def seed_claim_storm(database_url: str, count: int) -> Storm:
    """A job in Berlin-Mitte offered to `count` active Friends who have just written to us."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            created = await seed_friends(session, count, "storm-friend")
            job_request, errors = validate_job_request(
                job_request_body(), set(load_packages(PACKAGES)), utcnow()
            )
            assert job_request is not None, errors
            job, _ = await jobs.create_job(session, job_request, None, "storm")
            # Offered to all of them (as if over several waves), so every claim is a real race.
            now = utcnow()
            session.add_all(
                Offer(job_id=job.id, friend_id=friend_id, wave=1, status="sent", sent_at=now)
                for friend_id in created.values()
            )
            await session.commit()
            return Storm(job.reference, job.id, created)
    finally:
        await engine.dispose()


@dataclass
class BackendProcess:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]


def backend_env(database_url: str, graph_url: str, rasa_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        **SECRETS,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "MESSENGER_GRAPH_URL": graph_url,
        "MESSENGER_GRAPH_VERSION": "v21.0",
        "RASA_URL": rasa_url,
        "BACKEND_HOST": "127.0.0.1",
        "BACKEND_PORT": str(port),
    }


def spawn_backends(
    count: int,
    database_url: str,
    graph_url: str,
    rasa_url: str,
    log_dir: Path,
    module: str = "backend",
) -> list[BackendProcess]:
    """`count` backend processes on the same database; `wait_healthy` waits for them.

    `module` is what runs `serve` (a benchmark may wrap the backend to try a variant)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    started: list[BackendProcess] = []
    for i in range(count):
        port = free_port()
        log_path = log_dir / f"backend-{i}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", module, "serve"],
            cwd=ROOT,
            env=backend_env(database_url, graph_url, rasa_url, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(BackendProcess(f"http://127.0.0.1:{port}", process, log_path, log))
    return started


async def wait_healthy(backends: Sequence[BackendProcess]) -> None:
    async with aiohttp.ClientSession() as http:
        for backend in backends:
            await _wait_healthy(http, backend)


async def _wait_healthy(http: aiohttp.ClientSession, backend: BackendProcess) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if backend.process.poll() is not None:
            break
        try:
            async with http.get(f"{backend.url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    backend.log.flush()
    tail = (await asyncio.to_thread(backend.log_path.read_text, errors="replace"))[-3000:]
    raise RuntimeError(f"backend at {backend.url} did not become healthy:\n{tail}")


def stop_backends(backends: Sequence[BackendProcess]) -> None:
    for backend in backends:
        if backend.process.poll() is None:
            backend.process.send_signal(signal.SIGINT)
    for backend in backends:
        try:
            backend.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            backend.process.kill()
            backend.process.wait(timeout=5)
        backend.log.close()


async def send_claims(
    urls: Sequence[str], reference: str, messenger_ids: Sequence[str]
) -> list[float]:
    """One signed Claim postback per Friend, all at once, spread over the backends in turn.

    Returns each webhook's acknowledgement time in milliseconds; fails on any non-200.
    """
    bodies = [
        encode_signed(
            page_body(
                "friends-page",
                [
                    postback_event(
                        sender,
                        "friends-page",
                        payload=f"CLAIM:{reference}",
                        title="Annehmen",
                        # Now: older events are refused as replays.
                        timestamp=now_ms() + i,
                    )
                ],
            ),
            SECRETS["FRIENDS_APP_SECRET"],
        )
        for i, sender in enumerate(messenger_ids)
    ]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(i: int, raw: bytes, headers: dict[str, str]) -> float:
            started = time.perf_counter()
            url = f"{urls[i % len(urls)]}/webhooks/friends"
            async with http.post(url, data=raw, headers=headers) as response:
                body = await response.text()
                if response.status != 200:
                    raise AssertionError(f"webhook answered {response.status}: {body}")
            return (time.perf_counter() - started) * 1000

        return list(
            await asyncio.gather(*(one(i, raw, headers) for i, (raw, headers) in enumerate(bodies)))
        )


_start_line: Any = None  # a multiprocessing Barrier, handed to each child at its start


def _remember_start_line(barrier: Any) -> None:
    global _start_line
    _start_line = barrier


async def _claim_all(
    database_url: str, reference: str, messenger_ids: list[str]
) -> list[tuple[str, str, float]]:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        # Warm the pool first so the storm itself is not a queue of connection set-ups.
        async with sessions() as session:
            await session.connection()
        if _start_line is not None:
            _start_line.wait(timeout=60)  # every process is connected: go

        async def one(messenger_id: str) -> tuple[str, str, float]:
            started = time.perf_counter()
            async with sessions() as session:
                result = await claims.claim_job(session, reference, messenger_id)
            return messenger_id, result.outcome.name, (time.perf_counter() - started) * 1000

        return list(await asyncio.gather(*(one(m) for m in messenger_ids)))
    finally:
        await engine.dispose()


def claim_all(
    database_url: str, reference: str, messenger_ids: list[str]
) -> list[tuple[str, str, float]]:
    """In a child process: every claim at once through claims.claim_job; (id, outcome, ms)."""
    return asyncio.run(_claim_all(database_url, reference, messenger_ids))


def claim_in_processes(
    database_url: str, reference: str, messenger_ids: Sequence[str], processes: int = 2
) -> list[tuple[str, str, float]]:
    """Split the Friends over `processes` OS processes that all start claiming together."""
    shares = [list(messenger_ids[i::processes]) for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_remember_start_line,
        initargs=(barrier,),
    ) as pool:
        futures = [pool.submit(claim_all, database_url, reference, share) for share in shares]
        return [row for future in futures for row in future.result(timeout=180)]
