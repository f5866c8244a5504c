"""How fast the Friends' webhook answers Meta: verify, store every event, 200.

Starts real `python -m backend serve` processes on a fresh SQLite file or PostgreSQL database
(fake Graph API in its own process) and posts signed single-event and 10-event batches from
this process, one at a time and concurrently. Two topologies:
- all: one backend process does everything (the demo, the tests);
- split: `--role web` acknowledges, `--role worker` handles the events (production).
Prints acknowledgement percentiles, the CPU time the first (acknowledging) process spent per
POST while they ran (in "all" it includes handling), and how long after the last
acknowledgement the last event was handled (the worker keeping up).

    .venv/bin/python -m benchmarks.webhook_ack [--requests 300] [--databases sqlite,postgresql]
        [--topologies all,split] [--shapes 1x1,1x10,10x10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from benchmarks.backend_processes import unhandled_events
from benchmarks.claim_storm import database
from simulator.webhook_bodies import encode_signed, page_body, text_event
from tests.e2e.conftest import free_port
from tools.stack import ROOT, Service, backend_service, wait_healthy

SECRET = "bench-secret"
SENDERS = 50


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far: a cost the machine's load barely moves."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _backends(url: str, graph_url: str, topology: str, logs: Path) -> list[Service]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FRIENDS_APP_SECRET": SECRET,
        "FRIENDS_PAGE_ACCESS_TOKEN": "t",
        "FRIENDS_VERIFY_TOKEN": "v",
        "BACKEND_API_TOKEN": "a",
        "BACKEND_ADMIN_TOKEN": "b",
        "MESSENGER_GRAPH_URL": graph_url,
        "RASA_URL": "http://127.0.0.1:9",
    }
    if topology == "all":
        return [backend_service({**env, "BACKEND_ROLE": "all"}, free_port(), logs)]
    return [
        backend_service({**env, "BACKEND_ROLE": "web"}, free_port(), logs, name="web"),
        backend_service({**env, "BACKEND_ROLE": "worker"}, free_port(), logs, name="worker"),
    ]


async def _post_all(base: str, requests: int, batch: int, concurrency: int) -> dict[str, float]:
    bodies = [
        encode_signed(
            page_body(
                "friends-page",
                [text_event(f"bench-{i % SENDERS}", "friends-page", "hallo") for _ in range(batch)],
            ),
            SECRET,
        )
        for i in range(requests)
    ]
    latencies: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:

        async def one(raw: bytes, headers: dict[str, str]) -> None:
            async with semaphore:
                start = time.perf_counter()
                async with http.post(f"{base}/webhooks/friends", data=raw, headers=headers) as r:
                    await r.read()
                    assert r.status == 200, r.status
                latencies.append((time.perf_counter() - start) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one(raw, headers) for raw, headers in bodies))
        elapsed = time.perf_counter() - started
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": _pct(latencies, 99),
        "max_ms": max(latencies),
        "requests_per_s": requests / elapsed,
    }


async def _drained_after(url: str, limit: float = 300.0) -> float:
    started = time.perf_counter()
    for _ in range(int(limit / 0.1)):
        if not await unhandled_events(url):
            break
        await asyncio.sleep(0.1)
    return time.perf_counter() - started


async def run(
    kind: str, topology: str, graph_url: str, requests: int, batch: int, concurrency: int
) -> dict[str, float]:
    logs = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    async with database(kind) as url:
        services = _backends(url, graph_url, topology, logs)
        for service in services:
            service.start()
        try:
            await asyncio.to_thread(wait_healthy, services, 120)
            base = services[0].health_url.removesuffix("/healthz")
            pid = services[0].process.pid if services[0].process else 0
            cpu = _cpu_seconds(pid)
            result = await _post_all(base, requests, batch, concurrency)
            # In the split topology this is the acknowledging process alone.
            result["cpu_ms_per_post"] = (_cpu_seconds(pid) - cpu) * 1000 / requests
            result["drained_s"] = await _drained_after(url)
        finally:
            for service in services:
                service.stop()
            for service in services:
                if service.process is not None:
                    await asyncio.to_thread(service.process.wait, 30)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--topologies", default="all,split")
    parser.add_argument(
        "--shapes", default="1x1,1x10,10x10", help="events per POST x concurrent POSTs"
    )
    args = parser.parse_args()
    graph_port = free_port()
    graph = subprocess.Popen(
        [sys.executable, "-m", "simulator.fake_graph", "--port", str(graph_port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _table(args, f"http://127.0.0.1:{graph_port}")
    finally:
        graph.terminate()
        graph.wait(timeout=10)


def _table(args: argparse.Namespace, graph_url: str) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(
        "| database | processes | events per POST | concurrent POSTs | p50 ms | p99 ms | max ms "
        "| POSTs/s | CPU ms per POST | all handled after s | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in args.databases.split(","):
        for topology in args.topologies.split(","):
            for shape in args.shapes.split(","):
                batch, concurrency = (int(n) for n in shape.split("x"))
                r = asyncio.run(run(kind, topology, graph_url, args.requests, batch, concurrency))
                print(
                    f"| {kind} | {topology} | {batch} | {concurrency} | {r['p50_ms']:.1f} "
                    f"| {r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['requests_per_s']:.0f} "
                    f"| {r['cpu_ms_per_post']:.1f} | {r['drained_s']:.1f} "
                    f"| {os.getloadavg()[0]:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
