"""Per-turn time on the website chat against Messenger: the same scripted customers, N at once
on each channel, one after the other on one single stack (SQLite).

Messenger customers are the load test's (benchmarks/load/traffic.py): signed webhooks, a turn
lasting from the webhook's POST to the fake Graph API recording the bot's message that ends it.
Web customers are tests/e2e/webchat_chat.py's `WebChat` (python-socketio, long-polling), a turn
lasting from `user_uttered` emitted to that message arriving at the client. Both play the
end-to-end customers who only type and tap (no photo, no shared location); the web ones also
answer the e-mail question ("No, thanks"). Each web customer has its own X-Forwarded-For
address, so the per-address rate limit is not what is measured. One booking per channel warms
the stack up first; the default order (messenger, webchat, webchat, messenger) evens out what
drifts during the run.

    .venv/bin/python -m benchmarks.webchat_turns [--customers 50] [--json out.json]
        [--order messenger,webchat,webchat,messenger] [--friends 0]

Exit status: 0 every booking finished, 2 some did not. Timings from a shared machine are upper
bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from benchmarks.load.figures import percentile
from benchmarks.load.topologies import WEBCHAT_ORIGIN, single_stack
from benchmarks.load.traffic import LoadRun, Metrics, customer_scripts
from benchmarks.load_test import GEONAMES, write_json
from tests.e2e.conftest import System
from tests.e2e.conversation import Call, Customer, Predicate, book
from tests.e2e.test_webchat_bookings import WEB_CUSTOMERS
from tests.e2e.webchat_chat import WebChat

CHANNELS = ("messenger", "webchat")


@dataclass
class Phase:
    channel: str
    customers: int
    turns_ms: list[float]
    wall_s: float = 0.0
    failures: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        t = self.turns_ms
        return {
            "channel": self.channel,
            "customers": self.customers,
            "booked": self.customers - len(self.failures),
            "turns": len(t),
            "p50_ms": statistics.median(t) if t else float("nan"),
            "p90_ms": percentile(t, 90),
            "p99_ms": percentile(t, 99),
            "turns_per_s": len(t) / max(1e-9, self.wall_s),
            "wall_s": self.wall_s,
        }


class TimedWebChat(WebChat):
    """WebChat that times each turn: `user_uttered` emitted → the message ending it arrived."""

    def __init__(self, system: System, template: Customer, address: str, turns_ms: list[float]):
        super().__init__(system, template.locale.replace("_", "-"), WEBCHAT_ORIGIN)
        self.headers["X-Forwarded-For"] = address
        self.turns_ms, self.sent_at = turns_ms, 0.0

    async def _utter(self, message: str) -> None:
        self.sent_at = time.time()
        await super()._utter(message)

    async def _on_bot(self, message: dict[str, Any]) -> None:
        await super()._on_bot(message)
        self.received[-1]["arrived"] = time.time()

    async def wait_until(self, until: Predicate) -> list[Call]:
        messages = await super().wait_until(until)
        end = next(c for c in messages if "message" in c["body"] and until(c))
        self.turns_ms.append((end["arrived"] - self.sent_at) * 1000)
        return messages


async def web_customer(
    system: System,
    template: Customer,
    address: str,
    start_in: float,
    phase: Phase,
    turn_timeout: float,
) -> str | None:
    """Books on the website chat; None when done, else why not."""
    await asyncio.sleep(start_in)
    chat = TimedWebChat(system, template, address, phase.turns_ms)
    chat.turn_seconds = turn_timeout
    try:
        await chat.open()
        await book(system, replace(template, psid=chat.psid, asked=[]), chat)
        return None
    except Exception as exc:  # one customer's failure is a figure, not the end of the run
        return f"{chat.psid or address}: {type(exc).__name__}: {str(exc)[-1500:]}"
    finally:
        with contextlib.suppress(Exception):
            await chat.close()


async def run_phase(
    run: LoadRun, channel: str, count: int, number: int, ramp: float, turn_timeout: float
) -> Phase:
    """`count` customers book at once on `channel`, their starts spread over `ramp` seconds."""
    run.metrics = Metrics()
    phase = Phase(channel, count, run.metrics.turns_ms)
    customers = customer_scripts(f"{run.prefix}p{number}", count, WEB_CUSTOMERS)
    starts = [ramp * i / max(1, count) for i in range(count)]
    jobs: list[Awaitable[str | None]] = [
        run.customer(c, start, turn_timeout)
        if channel == "messenger"
        # A web customer's address: 10.<phase>.x.y, one per customer.
        else web_customer(
            run.target.system,
            c,
            f"10.{number}.{i // 250}.{i % 250 + 1}",
            start,
            phase,
            turn_timeout,
        )
        for i, (c, start) in enumerate(zip(customers, starts, strict=True))
    ]
    started = time.perf_counter()
    phase.failures = [o for o in await asyncio.gather(*jobs) if o is not None]
    phase.wall_s = time.perf_counter() - started
    return phase


def table(phases: list[Phase]) -> str:
    """One row per measured phase, then each channel's phases pooled."""
    pooled = [
        Phase(
            f"{ch} (all)",
            sum(p.customers for p in phases if p.channel == ch),
            [t for p in phases if p.channel == ch for t in p.turns_ms],
            sum(p.wall_s for p in phases if p.channel == ch),
            [f for p in phases if p.channel == ch for f in p.failures],
        )
        for ch in CHANNELS
    ]
    lines = [
        f"{'#':>2} {'channel':15} {'customers':>9} {'booked':>6} {'turns':>5} "
        f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'turns/s':>7} {'wall s':>7}"
    ]
    for number, phase in [(str(i), p) for i, p in enumerate(phases, 1)] + [("", p) for p in pooled]:
        r = phase.row()
        lines.append(
            f"{number:>2} {r['channel']:15} {r['customers']:>9} {r['booked']:>6} {r['turns']:>5} "
            f"{r['p50_ms']:>7.0f} {r['p90_ms']:>7.0f} {r['p99_ms']:>7.0f} "
            f"{r['turns_per_s']:>7.2f} {r['wall_s']:>7.1f}"
        )
    return "\n".join(lines)


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main_async(args: argparse.Namespace) -> int:
    order = [c.strip() for c in args.order.split(",") if c.strip()]
    if not order or set(order) - set(CHANNELS):
        raise SystemExit(f"--order: one or more of {', '.join(CHANNELS)}")
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="webchat-turns-logs-"))
    print(f"logs in {log_dir}; load average {loadavg()}", flush=True)
    stack = single_stack("sqlite", args.wave_size, GEONAMES, log_dir)
    async with stack as target, LoadRun(target, f"wt{secrets.token_hex(3)}", args.think) as run:
        await run.seed_friends(args.friends, GEONAMES)
        for channel in CHANNELS:  # warm-up, not measured
            warm = await run_phase(run, channel, 1, 0, 0.0, args.turn_timeout)
            print(f"warm-up {channel}: booked {1 - len(warm.failures)}/1", flush=True)
        phases: list[Phase] = []
        for number, channel in enumerate(order, 1):
            phase = await run_phase(
                run, channel, args.customers, number, args.ramp, args.turn_timeout
            )
            phases.append(phase)
            r = phase.row()
            print(
                f"{number} {channel}: booked {r['booked']}/{r['customers']}, "
                f"{r['turns']} turns, p50 {r['p50_ms']:.0f} ms, {r['wall_s']:.1f} s",
                flush=True,
            )
    print(f"cpus={os.cpu_count()} load average {loadavg()}")
    print(table(phases))
    failures = [f for p in phases for f in p.failures]
    for failure in failures[:10]:
        print(f"not finished: {failure}")
    if args.json:
        write_json(
            Path(args.json),
            {
                "customers": args.customers,
                "order": order,
                "phases": [p.row() | {"failures": p.failures} for p in phases],
            },
        )
    return 2 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--order", default="messenger,webchat,webchat,messenger")
    parser.add_argument("--friends", type=int, default=0, help="Friends claiming the offers")
    parser.add_argument("--wave-size", type=int, default=10)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which they start")
    parser.add_argument("--think", type=float, default=0.5)
    parser.add_argument("--turn-timeout", type=float, default=300.0)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--log-dir")
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
