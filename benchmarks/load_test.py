"""Load test: customers book by chat at once while Friends race for the offers, then invariants.

Every customer is a scripted Messenger conversation (tests/e2e/conversation.py's `book`, with
the answers of the end-to-end tests' customers) sent as signed webhooks to the customers' page;
every Friend claims each offer the moment the fake Graph API records it, as a signed postback
to the Friends' page. Afterwards the database must agree with what Meta (the fake) saw: one job
per confirmed booking, at most one assignment per job, every offer recorded and sent once
(benchmarks/load/invariants.py).

    .venv/bin/python -m benchmarks.load_test [--customers 200] [--friends 500]
        [--topology single|prod-like] [--database sqlite|postgresql] [--json out.json]

Exit status: 0 all well, 1 an invariant failed, 2 invariants hold but bookings did not finish.
Timings from a shared machine are upper bounds. The parts live in benchmarks/load/: the fake
Graph API's side (graph), the traffic (traffic), the invariants, the figures and the systems
to run against (topologies).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.load.figures import LoadResult, report, summarise
from benchmarks.load.invariants import check_invariants
from benchmarks.load.topologies import prod_like_stack, single_stack
from benchmarks.load.traffic import LoadRun, Metrics, Target, customer_scripts
from tools.stack import ROOT

GEONAMES = Path(os.environ.get("GEONAMES_DIR") or ROOT.parent / "shared" / "data" / "geonames")


async def run_load(
    target: Target,
    customers: int,
    friends: int,
    *,
    ramp_seconds: float = 10.0,
    turn_timeout: float = 300.0,
    settle_seconds: float = 120.0,
    think_seconds: float = 0.5,
    geonames_dir: Path = GEONAMES,
    prefix: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    prefix = prefix or f"load{secrets.token_hex(3)}"
    async with LoadRun(target, prefix, think_seconds) as run:
        seeding = time.perf_counter()
        await run.seed_friends(friends, geonames_dir)
        seed_s = time.perf_counter() - seeding
        if progress:
            progress(f"{friends} Friends seeded and checked in in {seed_s:.1f}s")
        run.metrics = Metrics()  # the figures are the booking phase's, not the seeding's
        run.webhooks = 0
        started = time.time()
        scripts = customer_scripts(prefix, customers)
        ticker = asyncio.create_task(run.tick(progress, customers)) if progress else None
        outcomes = await asyncio.gather(
            *(
                run.customer(c, ramp_seconds * i / max(1, customers), turn_timeout)
                for i, c in enumerate(scripts)
            )
        )
        await run.settle(settle_seconds)
        if ticker is not None:
            ticker.cancel()
        duration = time.time() - started
        await run.watcher.poll()
        observed = run.observe()
        invariants = await check_invariants(target.database_url, prefix, observed)
        not_booked = [o for o in outcomes if o is not None]
        failures = not_booked + run.claim_errors
        figures = summarise(run, duration)
    booked = customers - len(not_booked)
    return LoadResult(
        prefix,
        customers,
        friends,
        booked,
        failures,
        duration,
        seed_s,
        figures,
        observed,
        invariants,
    )


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


async def main_async(args: argparse.Namespace) -> int:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="load-logs-"))
    print(f"logs in {log_dir}", flush=True)
    if args.topology == "prod-like":
        stack = prod_like_stack(args.wave_size, GEONAMES, log_dir)
    else:
        stack = single_stack(args.database, args.wave_size, GEONAMES, log_dir)
    async with stack as target:
        result = await run_load(
            target,
            args.customers,
            args.friends,
            ramp_seconds=args.ramp,
            turn_timeout=args.turn_timeout,
            settle_seconds=args.settle,
            think_seconds=args.think,
            progress=lambda line: print(line, flush=True),
        )
        spread = target.spread() if target.spread else ""
    print(report(result), flush=True)
    if spread:
        print(f"responses per upstream: {spread}")
    if args.json:
        write_json(
            Path(args.json),
            {
                "prefix": result.prefix,
                "topology": args.topology,
                "database": args.database,
                "customers": result.customers,
                "friends": result.friends,
                "booked": result.booked,
                "figures": result.figures,
                "counts": result.invariants.counts,
                "violations": result.invariants.violations,
                "failures": result.failures,
            },
        )
    if not result.invariants.ok:
        return 1
    return 2 if result.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--friends", type=int, default=500)
    parser.add_argument("--topology", choices=("single", "prod-like"), default="single")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="postgresql",
        help="the single topology's database (prod-like always runs PostgreSQL)",
    )
    parser.add_argument("--wave-size", type=int, default=10, help="Friends offered a job per wave")
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which customers start"
    )
    parser.add_argument(
        "--think", type=float, default=0.5, help="a Friend's longest pause before claiming"
    )
    parser.add_argument("--turn-timeout", type=float, default=300.0)
    parser.add_argument("--settle", type=float, default=120.0)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--log-dir")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
