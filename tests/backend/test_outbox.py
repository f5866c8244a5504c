"""Messages to Friends: the 24-hour window, retries while Meta is down, withdrawn offers."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import select

from backend.adapters.config_files import load_packages
from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import JobEvent, Offer, OutboxMessage, utcnow
from backend.config import Settings
from backend.domain.jobs import validate_job_request
from backend.services import jobs, outbox
from backend.services.claims import withdraw_offers
from backend.services.outbox import FRIENDS_PAGE
from benchmarks.backend_processes import PACKAGES, job_request_body, seed_friends
from messenger_platform.send_policy import RateLimiter
from simulator.fake_graph import FakeGraph, FaultPlan
from tests.backend.clock import MovableClock
from tests.backend.helpers import Client, add_friend, create_job, text_of, wait_for

Graph = tuple[FakeGraph, str]


async def _rows(settings: Settings, model: type) -> list:  # type: ignore[type-arg]
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        rows = list((await session.scalars(select(model).order_by(model.id))).all())
    await engine.dispose()
    return rows


async def test_a_friend_who_has_not_written_for_24_hours_gets_no_offer(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await add_friend(client, check_in=False, messenger_id="friend-silent")
    await create_job(client)
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    await asyncio.sleep(0.3)
    assert {c.recipient for c in graph.calls() if "Neuer Auftrag" in text_of(c)} == {"friend-anna"}
    offers = {o.friend_id: o.status for o in await _rows(settings, Offer)}
    assert sorted(offers.values()) == ["not_reachable", "sent"]
    # Counted for that dispatch, where support reads the job's history.
    [dispatched] = [e for e in await _rows(settings, JobEvent) if e.kind == "dispatched"]
    assert (dispatched.detail["friends"], dispatched.detail["not_reachable"]) == (1, 1)


async def test_offers_accepted_while_meta_is_down_go_out_when_it_is_back(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")  # the check-in reply
    graph.faults = FaultPlan(remaining=2, status=503, error={"code": 2, "message": "down"})
    await create_job(client)
    # Two failed attempts, then the backoff (about 1-2 s with jitter) lets the third through.
    offer = await wait_for(
        graph, lambda c: "Neuer Auftrag" in text_of(c) and not c.fault, within=15
    )
    assert offer[0].recipient == "friend-anna"
    faults = [c for c in graph.calls() if c.fault]
    assert len(faults) == 2
    # The Graph call is seen before the worker has stored its outcome: wait for the row.
    for _ in range(100):
        row = next(r for r in await _rows(settings, OutboxMessage) if r.offer_id)
        if row.sent_at is not None:
            break
        await asyncio.sleep(0.05)
    assert row.attempts == 3 and row.sent_at is not None and "2/" in row.error
    assert [o.status for o in await _rows(settings, Offer)] == ["sent"]


async def test_a_permanent_error_fails_the_offer_without_retrying(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await wait_for(graph, lambda c: c.recipient == "friend-anna")
    graph.faults = FaultPlan(remaining=1, status=400, error={"code": 551, "message": "gone"})
    await create_job(client)
    for _ in range(100):
        offers = await _rows(settings, Offer)
        if offers and offers[0].status == "failed":
            break
        await asyncio.sleep(0.05)
    assert offers[0].status == "failed" and "551" in offers[0].error
    await asyncio.sleep(0.5)
    assert len([c for c in graph.calls() if "Neuer Auftrag" in str(c.body)]) == 1


async def _three_offers(db_url: str) -> dict[str, int]:
    """A job offered to three Friends, the offers queued in the outbox: messenger id → offer."""
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            friends = await seed_friends(session, 3, "round")
            request, errors = validate_job_request(
                job_request_body(), set(load_packages(PACKAGES)), utcnow()
            )
            assert request is not None, errors
            job, _ = await jobs.create_job(session, request, None, "round")
            offers = {}
            for messenger_id, friend_id in sorted(friends.items()):
                offer = Offer(job_id=job.id, friend_id=friend_id, wave=1, status="queued")
                session.add(offer)
                await session.flush()
                message = {"text": f"Neuer Auftrag {job.reference}"}
                await outbox.enqueue(
                    session, FRIENDS_PAGE, messenger_id, message, utcnow(), offer_id=offer.id
                )
                offers[messenger_id] = offer.id
            await session.commit()
        return offers
    finally:
        await engine.dispose()


class SlowMeta:
    """Answers at once, except for one recipient whose send hangs until released."""

    def __init__(self, slow: str) -> None:
        self.slow = slow
        self.release = asyncio.Event()
        self.sent: list[str] = []

    async def __call__(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        recipient = body["recipient"]["id"]
        self.sent.append(recipient)
        if recipient == self.slow:
            await self.release.wait()
        return 200, {"recipient_id": recipient, "message_id": f"m-{len(self.sent)}"}


async def _states(db_url: str) -> dict[str, tuple[bool, str]]:
    """Recipient → (its outbox row is marked sent, its offer's status)."""
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = (
                await session.execute(
                    select(OutboxMessage.recipient, OutboxMessage.sent_at, Offer.status).join(
                        Offer, Offer.id == OutboxMessage.offer_id
                    )
                )
            ).all()
        return {r.recipient: (r.sent_at is not None, r.status) for r in rows}
    finally:
        await engine.dispose()


async def _until_sent(db_url: str, recipients: set[str]) -> dict[str, tuple[bool, str]]:
    for _ in range(200):
        states = await _states(db_url)
        if all(states[r][0] for r in recipients):
            return states
        await asyncio.sleep(0.02)
    raise AssertionError(f"not recorded as sent: {await _states(db_url)}")


async def test_outcomes_are_stored_as_answers_come_and_a_withdrawn_offer_stays_withdrawn(
    db_url: str,
) -> None:
    offers = await _three_offers(db_url)
    meta = SlowMeta("round-001")
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        round_ = asyncio.create_task(
            outbox.deliver_due(sessions, FRIENDS_PAGE, meta, RateLimiter())
        )
        # The quick answers are stored while the slow send still waits.
        states = await _until_sent(db_url, {"round-000", "round-002"})
        assert states["round-001"] == (False, "queued")
        assert states["round-000"] == states["round-002"] == (True, "sent")
        # A claim withdraws the offers, the one whose message is in flight among them.
        async with sessions() as session:
            slow = await session.get(Offer, offers["round-001"])
            assert slow is not None
            await withdraw_offers(session, slow.job_id, utcnow())
            await session.commit()
        meta.release.set()
        assert await round_ == 3
        async with sessions() as session:
            slow = await session.get(Offer, offers["round-001"])
            message = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.offer_id == offers["round-001"])
            )
        # Meta took it: withdrawn, but recorded as seen by the Friend, not as "not sent".
        assert slow is not None and slow.sent_at is not None
        assert message is not None and message.failed_at is None
    finally:
        await engine.dispose()
    assert (await _states(db_url))["round-001"] == (True, "withdrawn")


async def test_a_round_cut_off_mid_way_sends_again_only_what_was_in_flight(db_url: str) -> None:
    await _three_offers(db_url)
    clock = MovableClock()
    meta = SlowMeta("round-001")
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        round_ = asyncio.create_task(
            outbox.deliver_due(sessions, FRIENDS_PAGE, meta, RateLimiter(), now=clock)
        )
        await _until_sent(db_url, {"round-000", "round-002"})
        round_.cancel()  # the process dies with one send in flight
        with contextlib.suppress(asyncio.CancelledError):
            await round_
        again = SlowMeta("nobody")
        # Within the lease nobody takes the message; after it, only that one goes again.
        assert await outbox.deliver_due(sessions, FRIENDS_PAGE, again, RateLimiter(), clock) == 0
        clock.advance(seconds=outbox.SEND_LEASE.total_seconds() + 1)
        assert await outbox.deliver_due(sessions, FRIENDS_PAGE, again, RateLimiter(), clock) == 1
    finally:
        await engine.dispose()
    assert again.sent == ["round-001"]
    assert {r: sent for r, (sent, _) in (await _states(db_url)).items()} == dict.fromkeys(
        ("round-000", "round-001", "round-002"), True
    )
