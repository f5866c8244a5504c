"""backend/domain/statuses.py walked through the real use cases.

Each test brings fresh jobs (and Anna's offer for them) into one status by the use cases
themselves, then tries every use case that changes a job's (an offer's) status. The moves
listed below must happen and must be moves the tables allow; together they make every move the
tables allow; every other attempt changes nothing (a forbidden move is refused).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Friend, Job, Offer
from backend.adapters.rasa import RasaClient
from backend.config import Settings
from backend.console import board
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.friends import FriendRequest
from backend.domain.jobs import validate_job_request
from backend.domain.packages import Package, Price
from backend.domain.statuses import (
    JOB_TRANSITIONS,
    OFFER_TRANSITIONS,
    FriendStatus,
    JobStatus,
    OfferStatus,
)
from backend.services import claims, completion, jobs, lifecycle, outbox
from backend.services.deadlines import DeadlineSweep
from backend.services.dispatch import advance_wave
from backend.services.friends import create_friend
from backend.services.outbox import FRIENDS_PAGE
from messenger_platform.send_policy import RateLimiter
from tests.backend.clock import MovableClock, clocked
from tests.backend.helpers import job_body

ANNA, BOB = "friend-anna", "friend-bob"
PACKAGE = Package(
    "quick_help", 30, {"de": "Schnelle Hilfe"}, {"DE": Price(Decimal("49.00"), "EUR")}
)
OUTSIDE_WINDOW = timedelta(hours=25)


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: MovableClock
    rasa: RasaClient

    async def add_friends(self) -> None:
        # Both near the customer, so both get the first wave.
        for psid, postal_code in ((ANNA, "10117"), (BOB, "10115")):
            async with self.sessions() as session:
                await create_friend(
                    session,
                    FriendRequest(
                        name=psid,
                        messenger_id=psid,
                        postal_code=postal_code,
                        country="DE",
                        radius_km=15,
                        skills=["internet_wifi"],
                        languages=["de"],
                        status=FriendStatus.ACTIVE,
                    ),
                )

    async def reach(self, *psids: str) -> None:
        """They just wrote to the page: their 24-hour windows are open."""
        async with self.sessions() as session:
            await outbox.record_inbound(session, FRIENDS_PAGE, set(psids), self.clock())
            await session.commit()

    async def offered(self, anna_reachable: bool = True) -> str:
        """A new job, its first wave out to Anna and Bob; Anna's window open or closed."""
        if anna_reachable:
            await self.reach(ANNA, BOB)
        else:
            self.clock.advance(seconds=OUTSIDE_WINDOW.total_seconds())
            await self.reach(BOB)
        async with self.sessions() as session:
            request, errors = validate_job_request(job_body(), {PACKAGE.id}, self.clock())
            assert request is not None, errors
            job, _ = await jobs.create_job(session, request, None, "test", self.clock())
            reference = job.reference
        await self.next_wave(reference)
        return reference

    async def next_wave(self, reference: str) -> None:
        async with self.sessions() as session:
            job = await session.scalar(select(Job).where(Job.reference == reference))
            assert job is not None
            await advance_wave(
                session, {PACKAGE.id: PACKAGE}, self.settings.waves, job, self.clock()
            )

    async def job_status(self, reference: str) -> str:
        async with self.sessions() as session:
            status = await session.scalar(select(Job.status).where(Job.reference == reference))
        assert status is not None
        return status

    async def offer_status(self, reference: str) -> str:
        async with self.sessions() as session:
            status = await session.scalar(
                select(Offer.status)
                .join(Job, Job.id == Offer.job_id)
                .join(Friend, Friend.id == Offer.friend_id)
                .where(Job.reference == reference, Friend.messenger_id == ANNA)
            )
        assert status is not None
        return status

    async def deliver(self, anna_answer: tuple[int, dict[str, Any]]) -> None:
        """Runs the outbox until nothing is due; Meta answers Anna's messages so."""

        async def meta(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            if body["recipient"]["id"] == ANNA:
                return anna_answer
            return 200, {"message_id": "m"}

        while await outbox.next_due_in(self.sessions, FRIENDS_PAGE, self.clock) == 0:
            await outbox.deliver_due(
                self.sessions, FRIENDS_PAGE, meta, RateLimiter(1000), now=self.clock
            )


UseCase = Callable[[World, str], Awaitable[None]]


def by_friend(
    psid: str, action: Callable[[AsyncSession, str, str, datetime], Awaitable[object]]
) -> UseCase:
    """A Friend's own step (claims.py's use cases: session, reference, psid, time)."""

    async def use(w: World, reference: str) -> None:
        async with w.sessions() as session:
            await action(session, reference, psid, w.clock())

    return use


async def _decline(session: AsyncSession, reference: str, psid: str, _: datetime) -> bool:
    return await claims.decline_offer(session, reference, psid)


anna_claims = by_friend(ANNA, claims.claim_job)
bob_claims = by_friend(BOB, claims.claim_job)
anna_declines = by_friend(ANNA, _decline)
contacted = by_friend(ANNA, claims.mark_contacted)
anna_hands_back = by_friend(ANNA, claims.hand_back)
bob_hands_back = by_friend(BOB, claims.hand_back)


async def completed(w: World, reference: str) -> None:
    async with w.sessions() as session:
        with contextlib.suppress(completion.CompletionError):
            await completion.complete_job(
                session, reference, ANNA, PACKAGE, 0, w.clock(), DeadlinePolicy()
            )


async def cancelled(w: World, reference: str) -> None:
    async with w.sessions() as session:
        with contextlib.suppress(lifecycle.LifecycleError):
            await lifecycle.cancel_job(session, reference, "test", "support", w.clock())


async def deadline_passes(w: World, reference: str) -> None:
    """The contact deadline of whoever holds a job passes, and the deadline sweep runs."""
    w.clock.advance(seconds=w.settings.deadlines.contact_deadline.total_seconds())
    await DeadlineSweep(w.sessions, {PACKAGE.id: PACKAGE}, w.settings, w.rasa, lambda: None).sweep()


async def last_wave_passes(w: World, reference: str) -> None:
    for _ in range(w.settings.waves.last_wave + 1):
        w.clock.advance(seconds=w.settings.waves.timeout.total_seconds())
        await w.next_wave(reference)


async def next_wave(w: World, reference: str) -> None:
    w.clock.advance(seconds=w.settings.waves.timeout.total_seconds())
    await w.reach(ANNA, BOB)
    await w.next_wave(reference)


async def next_wave_anna_away(w: World, reference: str) -> None:
    w.clock.advance(seconds=OUTSIDE_WINDOW.total_seconds())
    await w.reach(BOB)
    await w.next_wave(reference)


async def support_dispatches_again(w: World, reference: str) -> None:
    async with w.sessions() as session:
        job = await session.scalar(select(Job).where(Job.reference == reference))
        assert job is not None
        await board.reopen_for_dispatch(session, job, "support", w.clock())


async def support_assigns_anna(w: World, reference: str) -> None:
    async with w.sessions() as session:
        job = await session.scalar(select(Job).where(Job.reference == reference))
        anna = await session.scalar(select(Friend).where(Friend.messenger_id == ANNA))
        assert job is not None and anna is not None
        await board.prepare_assignment(session, job, anna, "support", w.clock())


async def outbox_sends(w: World, reference: str) -> None:
    await w.deliver((200, {"message_id": "m"}))


async def outbox_gives_up(w: World, reference: str) -> None:
    await w.deliver((400, {"error": {"code": 100, "message": "no such user"}}))


# The job: how a new job comes to be in each status, and what may change it.
JOB_SETUPS: dict[JobStatus, list[UseCase]] = {
    JobStatus.OPEN: [],
    JobStatus.ASSIGNED: [anna_claims],
    JobStatus.CONTACTED: [anna_claims, contacted],
    JobStatus.COMPLETED: [anna_claims, contacted, completed],
    JobStatus.CANCELLED: [cancelled],
    JobStatus.UNASSIGNED: [last_wave_passes],
}
JOB_USE_CASES: dict[str, UseCase] = {
    "claim": anna_claims,
    "contacted": contacted,
    "complete": completed,
    "hand back": anna_hands_back,
    "contact deadline passes": deadline_passes,
    "last wave passes": last_wave_passes,
    "support dispatches again": support_dispatches_again,
    "cancel": cancelled,
}
# Status → use case → the status it moves the job to; any other use case changes nothing.
JOB_MOVES: dict[str, dict[str, str]] = {
    JobStatus.OPEN: {
        "claim": JobStatus.ASSIGNED,
        "last wave passes": JobStatus.UNASSIGNED,
        "cancel": JobStatus.CANCELLED,
    },
    JobStatus.ASSIGNED: {
        "contacted": JobStatus.CONTACTED,
        "complete": JobStatus.COMPLETED,
        "hand back": JobStatus.OPEN,
        "contact deadline passes": JobStatus.OPEN,
        "cancel": JobStatus.CANCELLED,
    },
    JobStatus.CONTACTED: {
        "complete": JobStatus.COMPLETED,
        "hand back": JobStatus.OPEN,
        "cancel": JobStatus.CANCELLED,
    },
    JobStatus.UNASSIGNED: {
        "support dispatches again": JobStatus.OPEN,
        "cancel": JobStatus.CANCELLED,
    },
}

# Anna's offer: how it comes to be in each status (after the first wave of a new job, Anna's
# window open or not), and what may change it.
OFFER_SETUPS: dict[str, tuple[str, bool, list[UseCase]]] = {
    "queued": (OfferStatus.QUEUED, True, []),
    "not reachable": (OfferStatus.NOT_REACHABLE, False, []),
    "sent": (OfferStatus.SENT, True, [outbox_sends]),
    "failed": (OfferStatus.FAILED, True, [outbox_gives_up]),
    "won": (OfferStatus.WON, True, [anna_claims]),
    "declined": (OfferStatus.DECLINED, True, [anna_declines]),
    "withdrawn, Bob holds the job": (OfferStatus.WITHDRAWN, True, [bob_claims]),
    "withdrawn, Bob gave it back": (OfferStatus.WITHDRAWN, True, [bob_claims, bob_hands_back]),
    "withdrawn, nobody claimed": (OfferStatus.WITHDRAWN, True, [last_wave_passes]),
    "missed": (OfferStatus.MISSED, True, [anna_claims, deadline_passes]),
    "handed back": (OfferStatus.HANDED_BACK, True, [anna_claims, anna_hands_back]),
}
OFFER_USE_CASES: dict[str, UseCase] = {
    "outbox sends": outbox_sends,
    "outbox gives up": outbox_gives_up,
    "Anna claims": anna_claims,
    "Anna declines": anna_declines,
    "Bob claims": bob_claims,
    "job cancelled": cancelled,
    "contact deadline passes": deadline_passes,
    "Anna hands back": anna_hands_back,
    "support assigns Anna": support_assigns_anna,
    "next wave": next_wave,
    "next wave, Anna's window closed": next_wave_anna_away,
}
# Setup → use case → where it moves Anna's offer; any other use case changes nothing.
OFFER_MOVES: dict[str, dict[str, str]] = {
    "queued": {
        "outbox sends": OfferStatus.SENT,
        "outbox gives up": OfferStatus.FAILED,
        "Anna claims": OfferStatus.WON,
        "Anna declines": OfferStatus.DECLINED,
        "Bob claims": OfferStatus.WITHDRAWN,
        "job cancelled": OfferStatus.WITHDRAWN,
        "support assigns Anna": OfferStatus.SENT,
    },
    "sent": {
        "Anna claims": OfferStatus.WON,
        "Anna declines": OfferStatus.DECLINED,
        "Bob claims": OfferStatus.WITHDRAWN,
        "job cancelled": OfferStatus.WITHDRAWN,
    },
    "failed": {
        "Anna claims": OfferStatus.WON,
        "support assigns Anna": OfferStatus.SENT,
    },
    "declined": {
        "Anna claims": OfferStatus.WON,
        "support assigns Anna": OfferStatus.SENT,
    },
    "withdrawn, Bob holds the job": {
        # Bob's deadline passes: the job goes back to dispatch, whose next wave reaches Anna.
        "contact deadline passes": OfferStatus.QUEUED,
    },
    "withdrawn, Bob gave it back": {
        "Anna claims": OfferStatus.WON,
        "next wave": OfferStatus.QUEUED,
        "next wave, Anna's window closed": OfferStatus.NOT_REACHABLE,
        "contact deadline passes": OfferStatus.QUEUED,
        "support assigns Anna": OfferStatus.SENT,
    },
    "withdrawn, nobody claimed": {
        "support assigns Anna": OfferStatus.SENT,
    },
    "not reachable": {
        "next wave": OfferStatus.QUEUED,
        "support assigns Anna": OfferStatus.SENT,
    },
    "won": {
        "contact deadline passes": OfferStatus.MISSED,
        "Anna hands back": OfferStatus.HANDED_BACK,
    },
    "missed": {
        "support assigns Anna": OfferStatus.SENT,
    },
    "handed back": {
        "support assigns Anna": OfferStatus.SENT,
    },
}


def test_the_listed_moves_are_exactly_what_the_tables_allow() -> None:
    job_moves = {(at, to) for at, moves in JOB_MOVES.items() for to in moves.values()}
    assert job_moves == {(s, t) for s, targets in JOB_TRANSITIONS.items() for t in targets}
    offer_moves = {
        (OFFER_SETUPS[setup][0], to)
        for setup, moves in OFFER_MOVES.items()
        for to in moves.values()
    }
    assert offer_moves == {(s, t) for s, targets in OFFER_TRANSITIONS.items() for t in targets}
    assert all(set(moves) <= set(JOB_USE_CASES) for moves in JOB_MOVES.values())
    assert all(set(moves) <= set(OFFER_USE_CASES) for moves in OFFER_MOVES.values())


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    clock = MovableClock()
    engine = make_engine(settings.database_url)
    async with aiohttp.ClientSession() as http:
        w = World(
            make_sessionmaker(engine),
            clocked(settings, clock),
            clock,
            RasaClient(http, settings.rasa_url, settings.rasa_token),
        )
        await w.add_friends()
        yield w
    await engine.dispose()


async def try_each(
    w: World,
    setup: tuple[str, bool, list[UseCase]],
    use_cases: dict[str, UseCase],
    moves: dict[str, str],
    status_of: Callable[[str], Awaitable[str]],
) -> list[str]:
    """Every use case, each on a new job brought to the setup's status first; what ended
    elsewhere than `moves` (use case → status; any other: unchanged) says."""
    source, anna_reachable, steps = setup
    wrong = []
    for name, use in use_cases.items():
        reference = await w.offered(anna_reachable)
        for step in steps:
            await step(w, reference)
        assert await status_of(reference) == source
        await use(w, reference)
        got, expected = await status_of(reference), moves.get(name, source)
        if got != expected:
            wrong.append(f"{source} + {name}: {got}, expected {expected}")
    return wrong


@pytest.mark.parametrize("source", list(JobStatus), ids=str)
async def test_a_job_moves_only_as_the_table_allows(world: World, source: JobStatus) -> None:
    setup = (source, True, JOB_SETUPS[source])
    moves = JOB_MOVES.get(source, {})
    assert not await try_each(world, setup, JOB_USE_CASES, moves, world.job_status)


@pytest.mark.parametrize("setup", list(OFFER_SETUPS))
async def test_an_offer_moves_only_as_the_table_allows(world: World, setup: str) -> None:
    moves = OFFER_MOVES.get(setup, {})
    assert not await try_each(
        world, OFFER_SETUPS[setup], OFFER_USE_CASES, moves, world.offer_status
    )
