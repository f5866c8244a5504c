"""The load test's figures: what one run measured, summarised and reported."""

from __future__ import annotations

import math
import os
import statistics
from dataclasses import dataclass

from benchmarks.load.invariants import Invariants, Observed
from benchmarks.load.traffic import LoadRun


@dataclass
class LoadResult:
    prefix: str
    customers: int
    friends: int
    booked: int
    failures: list[str]
    duration_s: float
    seed_s: float
    figures: dict[str, float]
    observed: Observed
    invariants: Invariants


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summarise(run: LoadRun, duration: float) -> dict[str, float]:
    m = run.metrics
    booking_span = max(1e-9, m.last_confirmation - m.first_post)
    claim_span = max(1e-9, m.last_claim_ack - m.first_claim)
    claims = len(run.offered)
    # Confirmation to the customer → the winning Friend told "it is yours" → the customer
    # told which Friend will call.
    booked_to_claimed = [
        at - run.confirmed_at[ref] for ref, at in run.won_at.items() if ref in run.confirmed_at
    ]
    claimed_to_told = [
        at - run.won_at[ref] for ref, at in run.customer_told_at.items() if ref in run.won_at
    ]
    figures = {
        "bookings_per_min": len(m.bookings_s) / booking_span * 60,
        "claims_per_s": claims / claim_span if claims else 0.0,
        "webhooks_per_s": run.webhooks / max(1e-9, m.last_post - m.first_post),
        "webhooks": float(run.webhooks),
        "claims": float(claims),
        "booking_span_s": booking_span,
        "jobs_won": float(len(run.won_at)),
        "customers_told_their_friend": float(len(run.customer_told_at)),
        "asked_to_write_again": float(m.asked_to_write_again),
    }
    for name, values in (
        ("customer_ack_ms", m.customer_acks_ms),
        ("friend_ack_ms", m.friend_acks_ms),
        ("bot_turn_ms", m.turns_ms),
        ("booking_s", m.bookings_s),
        ("offer_to_answer_ms", m.offer_to_answer_ms),
        ("booked_to_claimed_s", booked_to_claimed),
        ("claimed_to_customer_told_s", claimed_to_told),
    ):
        figures[f"{name}_p50"] = statistics.median(values) if values else math.nan
        figures[f"{name}_p99"] = percentile(values, 99)
    return figures


def report(result: LoadResult) -> str:
    f = result.figures
    lines = [
        f"load run {result.prefix}: {result.customers} customers, {result.friends} Friends, "
        f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}",
        f"seeding Friends {result.seed_s:.1f}s; booking phase {result.duration_s:.1f}s",
        f"bookings {result.booked}/{result.customers} in {f['booking_span_s']:.1f}s: "
        f"{f['bookings_per_min']:.1f}/min",
        f"claims {f['claims']:.0f}: {f['claims_per_s']:.1f}/s; webhooks {f['webhooks']:.0f}: "
        f"{f['webhooks_per_s']:.1f}/s",
        f"jobs won {f['jobs_won']:.0f}; customers told their Friend "
        f"{f['customers_told_their_friend']:.0f}; turns the bot asked to be written again "
        f"{f['asked_to_write_again']:.0f}",
    ]
    for name, unit in (
        ("customer_ack", "ms"),
        ("friend_ack", "ms"),
        ("bot_turn", "ms"),
        ("booking", "s"),
        ("offer_to_answer", "ms"),
        ("booked_to_claimed", "s"),
        ("claimed_to_customer_told", "s"),
    ):
        lines.append(
            f"  {name:25} p50 {f[f'{name}_{unit}_p50']:9.1f} {unit}   "
            f"p99 {f[f'{name}_{unit}_p99']:9.1f} {unit}"
        )
    lines.append("counts: " + ", ".join(f"{k}={v}" for k, v in result.invariants.counts.items()))
    if result.invariants.ok:
        lines.append("invariants: all hold")
    else:
        lines.append(f"invariants: {len(result.invariants.violations)} VIOLATED")
        lines.extend(f"  - {v}" for v in result.invariants.violations[:50])
    for failure in result.failures[:10]:
        lines.append(f"not finished: {failure}")
    return "\n".join(lines)
