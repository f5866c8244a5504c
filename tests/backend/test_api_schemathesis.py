"""schemathesis against the OpenAPI document of a running backend: no input gets a 500.

A real `python -m backend serve` process (SQLite and PostgreSQL), the fake Graph API and a fake
Rasa server in-process; the schemathesis CLI sends examples, coverage cases and fuzzed
requests to every operation with the admin token (valid for every route).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from benchmarks.backend_processes import (
    SECRETS,
    seed_claim_storm,
    spawn_backends,
    stop_backends,
    wait_healthy,
)
from simulator.fake_graph import FakeGraph
from tests.backend.conftest import FakeRasa, admin_headers
from tests.backend.helpers import Client, friend, job_body

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


async def test_no_request_makes_the_api_answer_500(
    db_url: str, fake_graph: tuple[FakeGraph, str], fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    # A few Friends and an open job, so reads and writes meet real rows, not only 404s.
    await seed_claim_storm(db_url, 3)
    backends = spawn_backends(1, db_url, fake_graph[1], fake_rasa.url, tmp_path / "logs")
    try:
        await wait_healthy(backends)
        url = backends[0].url
        async with aiohttp.ClientSession() as http, http.get(f"{url}/api/v1/openapi.json") as r:
            assert r.status == 200
            assert (await r.json())["paths"], "the document lists operations"
        process = await asyncio.create_subprocess_exec(
            str(SCHEMATHESIS),
            "run",
            f"{url}/api/v1/openapi.json",
            "--url",
            url,
            "--checks",
            "not_a_server_error",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "25",
            "--seed",
            "20261128",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
            "--header",
            f"Authorization: Bearer {SECRETS['BACKEND_ADMIN_TOKEN']}",
            # Its crash cache lands in the working directory: keep it out of the work tree.
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=540)
    finally:
        stop_backends(backends)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-8000:]


async def test_nul_characters_are_refused_not_500(client: Client) -> None:
    """PostgreSQL cannot store NUL in text, SQLite stores it: either way it is bad input."""
    headers = admin_headers()
    statuses = [
        (
            await client.post("/api/v1/friends", json=friend(name="Anna\u0000"), headers=headers)
        ).status,
        (
            await client.post(
                "/api/v1/jobs", json=job_body(description="WLAN\u0000"), headers=headers
            )
        ).status,
        (await client.get("/api/v1/jobs/TF-%00", headers=headers)).status,
        (await client.get("/api/v1/jobs?customer=a%00", headers=headers)).status,
    ]
    assert all(400 <= s < 500 for s in statuses), statuses
