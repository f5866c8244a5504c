"""`python -m simulator.fake_graph` and `python -m simulator` start, announce and serve."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch(procs: list[subprocess.Popen[str]], *args: str) -> str:
    """Start the module on an OS-picked port; the URL from its banner line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", *args, "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    procs.append(proc)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert " listening on http://127.0.0.1:" in line, line
    return line.rsplit(" ", 1)[1]


async def test_fake_graph_cli(start: list[subprocess.Popen[str]]) -> None:
    url = launch(start, "simulator.fake_graph")
    assert start[0].stdout is not None

    body = {"recipient": {"id": "c"}, "message": {"text": "hi"}}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/v21.0/me/messages?access_token=t", json=body) as resp:
            assert resp.status == 200
        async with session.get(f"{url}/_control/calls") as resp:
            assert [c["body"] for c in (await resp.json())["calls"]] == [body]

    start[0].terminate()
    assert start[0].wait(timeout=5) == 0


async def test_simulator_cli(start: list[subprocess.Popen[str]]) -> None:
    url = launch(start, "simulator")

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{url}/healthz") as resp:
            assert await resp.json() == {"status": "ok", "service": "simulator"}
        async with session.get(f"{url}/graph/_control/calls") as resp:
            assert resp.status == 200
