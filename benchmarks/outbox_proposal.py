"""The backend with a batched, concurrent outbox round, to measure the proposal for H1.

`python -m benchmarks.outbox_proposal serve` runs `python -m backend serve` with
backend.services.outbox.deliver_due replaced by `deliver_due_batched`: one UPDATE leases every
due message of the round, messages to different recipients go out concurrently (at most
CONCURRENCY at once, through the same rate limiter), and the outcomes are written in one
transaction. A round still takes only each recipient's oldest open message, so nobody's messages
overtake each other. Only benchmarks/dispatch_latency.py --proposal uses it; the backend's own
outbox is unchanged.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import __main__ as backend_main
from backend.adapters.orm import Offer, OutboxMessage, utcnow
from backend.services import outbox
from messenger_platform.send_policy import RateLimiter, Verdict, backoff_seconds, classify

CONCURRENCY = 10


async def deliver_due_batched(
    sessions: async_sessionmaker[AsyncSession],
    page: str,
    transport: outbox.Transport,
    limiter: RateLimiter,
    now: Callable[[], datetime] = utcnow,
    backoff: Callable[[int], float] = backoff_seconds,
) -> int:
    started = now()
    async with sessions() as session:
        first_open = (
            select(func.min(OutboxMessage.id))
            .where(
                OutboxMessage.page == page,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
            .group_by(OutboxMessage.recipient)
        )
        due_ids = (
            await session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.id.in_(first_open), OutboxMessage.next_attempt_at <= started)
                .order_by(OutboxMessage.id)
                .limit(100)
            )
        ).all()
        if not due_ids:
            return 0
        # One lease for the whole round; another process leasing the same rows gets none.
        leased = (
            await session.scalars(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(due_ids),
                    OutboxMessage.next_attempt_at <= started,
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                )
                .values(next_attempt_at=started + outbox.SEND_LEASE)
                .returning(OutboxMessage.id)
            )
        ).all()
        await session.commit()
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(leased)))
        ).all()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(row: OutboxMessage) -> tuple[int, int, dict[str, Any]]:
        async with gate:
            await limiter.acquire()
            status, data = await transport(row.body)
            return row.id, status, data

    results = await asyncio.gather(*(send(row) for row in rows))
    sent = 0
    async with sessions() as session:
        for row_id, status, data in results:
            fresh = await session.get(OutboxMessage, row_id)
            if fresh is None:
                continue
            raw_error = data.get("error")
            error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
            verdict = classify(status, error.get("code"), error.get("error_subcode"))
            fresh.attempts += 1
            offer = await session.get(Offer, fresh.offer_id) if fresh.offer_id else None
            if verdict is Verdict.SENT:
                fresh.sent_at = now()
                sent += 1
                if offer is not None:
                    offer.status, offer.sent_at = "sent", fresh.sent_at
            else:
                fresh.error = f"{status} {error.get('code')}: {error.get('message', '')}"
                if verdict is Verdict.RETRY and fresh.attempts < outbox.MAX_ATTEMPTS:
                    fresh.next_attempt_at = now() + timedelta(seconds=backoff(fresh.attempts - 1))
                else:
                    fresh.failed_at = now()
                    if offer is not None:
                        offer.status, offer.error = "failed", fresh.error
        await session.commit()
    return sent


def main() -> int:
    outbox.deliver_due = deliver_due_batched
    return backend_main.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
