"""The customers' webhook at rising rates: acknowledgement latency and time to the bot's reply.

Starts the real stack (trained Rasa model, action server, backend) with a fake Graph API on
free ports and temporary databases, then sends signed "Hallo" webhooks from new customers at
each rate for a fixed time. Acknowledgement = the webhook's HTTP answer; reply = the first
Send API call to that customer seen by the fake Graph API. Bounded: rates x seconds requests.

    .venv/bin/python -m benchmarks.webhook_rates [--rates 2,5,10,20] [--seconds 10]
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

from simulator.graph_client import fetch_calls
from simulator.webhook_bodies import encode_signed, page_body, text_event
from tests.e2e.conftest import SECRETS, free_port
from tools.stack import ROOT, Stack


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def one_rate(rasa_url: str, graph_url: str, rate: int, seconds: int) -> dict[str, float]:
    acks: list[float] = []
    sent_at: dict[str, float] = {}
    url = f"{rasa_url}/webhooks/messenger/webhook"
    async with aiohttp.ClientSession() as http:

        async def post(sender: str) -> None:
            raw, headers = encode_signed(
                page_body("customer-page", [text_event(sender, "customer-page", "Hallo")]),
                SECRETS["CUSTOMER_APP_SECRET"],
            )
            start = time.perf_counter()
            sent_at[sender] = start
            async with http.post(url, data=raw, headers=headers) as response:
                await response.read()
                assert response.status == 200
            acks.append((time.perf_counter() - start) * 1000)

        replies: dict[str, float] = {}

        async def watch(deadline: float) -> None:
            # Polls while webhooks are still going out: a reply counts when it is first seen.
            cursor = 0
            while len(replies) < rate * seconds and time.perf_counter() < deadline:
                calls, cursor = await fetch_calls(graph_url, since=cursor)
                seen = time.perf_counter()
                for call in calls:
                    who = call["recipient"]
                    if who in sent_at and who not in replies and "message" in call["body"]:
                        replies[who] = (seen - sent_at[who]) * 1000
                await asyncio.sleep(0.02)

        watcher = asyncio.ensure_future(watch(time.perf_counter() + seconds + 120))
        tasks = []
        for i in range(rate * seconds):
            tasks.append(asyncio.ensure_future(post(f"bench-{rate}-{i}")))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)
        await watcher

    latencies = list(replies.values())
    return {
        "requests": len(sent_at),
        "ack_p50": statistics.median(acks),
        "ack_p99": _pct(acks, 99),
        "reply_p50": statistics.median(latencies) if latencies else float("nan"),
        "reply_p99": _pct(latencies, 99) if latencies else float("nan"),
        "answered": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="2,5,10,20")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-rates-"))
    graph_port = free_port()
    graph_url = f"http://127.0.0.1:{graph_port}"
    graph = subprocess.Popen(
        [sys.executable, "-m", "simulator.fake_graph", "--port", str(graph_port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        **SECRETS,
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "BACKEND_PORT": str(free_port()),
        "BACKEND_URL": "",
        "RASA_URL": "",
        "MESSENGER_GRAPH_URL": graph_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'backend.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
        "MESSENGER_STORE_PATH": str(work / "messenger.db"),
    }
    stack = Stack(env, work / "logs")
    try:
        stack.start(timeout=400)
        print(
            "| webhooks/s | requests | ack p50 ms | ack p99 ms | reply p50 ms | reply p99 ms |"
            " answered |"
        )
        print("|---|---|---|---|---|---|---|")
        for rate in (int(r) for r in args.rates.split(",")):
            r = asyncio.run(one_rate(stack.env["RASA_URL"], graph_url, rate, args.seconds))
            print(
                f"| {rate} | {r['requests']:.0f} | {r['ack_p50']:.1f} | {r['ack_p99']:.1f} "
                f"| {r['reply_p50']:.0f} | {r['reply_p99']:.0f} | {r['answered']:.0f} |",
                flush=True,
            )
    finally:
        stack.stop()
        graph.terminate()
        graph.wait(timeout=10)


if __name__ == "__main__":
    main()
