"""Customer notices are stored with the change they report and sent from the table: Rasa being
away delays them, a lost answer does not double them, two processes never send one twice, and
a notice the bot will not take ends as a support alert."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.messenger_window import MessengerWindow
from backend.adapters.orm import CustomerNotice, Job
from backend.adapters.rasa import RasaClient
from backend.config import Settings
from backend.services.customer_news import MAX_ATTEMPTS, NoticeSender, store_notice
from simulator.fake_graph import FakeGraph
from tests.backend.clock import (
    Client,
    MovableClock,
    alerts,
    backend,
    clocked,
    events,
    sweep,
)
from tests.backend.helpers import (
    add_friend,
    create_job,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

ASSIGNED = "EXTERNAL_friend_assigned"


@dataclasses.dataclass
class Bot:
    """Rasa's two endpoints the backend uses, with the answer a test chooses."""

    status: int = 200
    # The bot handled the notice although its answer says otherwise (a timeout, a lost reply).
    handles_anyway: bool = False
    delay: float = 0.0
    url: str = ""
    triggers: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    tracker_reads: int = 0
    handled: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    turns: set[asyncio.Future[None]] = dataclasses.field(default_factory=set)

    def notice_ids(self) -> list[str]:
        return [t["entities"]["notice_id"] for t in self.triggers]


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    state = Bot()

    async def trigger(request: web.Request) -> web.Response:
        body = await request.json()
        state.triggers.append(body)

        async def turn() -> None:
            await asyncio.sleep(state.delay)
            if state.status < 400 or state.handles_anyway:
                entities = [{"entity": k, "value": v} for k, v in body["entities"].items()]
                state.handled.setdefault(request.match_info["conversation_id"], []).append(
                    {
                        "event": "user",
                        "parse_data": {"intent": {"name": body["name"]}, "entities": entities},
                    }
                )

        # Like Rasa, the turn goes on when the caller hangs up.
        running = asyncio.ensure_future(turn())
        state.turns.add(running)
        await asyncio.shield(running)
        if state.status >= 400:
            return web.json_response({"message": "no"}, status=state.status)
        return web.json_response({"tracker": {}, "messages": []})

    async def tracker(request: web.Request) -> web.Response:
        state.tracker_reads += 1
        events = state.handled.get(request.match_info["conversation_id"], [])
        return web.json_response(
            {"events": [{"event": "action", "name": "action_listen"}, *events]}
        )

    app = web.Application()
    app.router.add_post("/conversations/{conversation_id}/trigger_intent", trigger)
    app.router.add_get("/conversations/{conversation_id}/tracker", tracker)
    server = TestServer(app)
    await server.start_server()
    state.url = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


async def _notices(db_url: str) -> list[CustomerNotice]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.scalars(select(CustomerNotice))).all())
    finally:
        await engine.dispose()


async def _claim(client: Client, graph: FakeGraph) -> str:
    """Anna claims a new job; the claim's commit holds the customer's notice."""
    await add_friend(client)
    ref: str = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    assert await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)]) == 200
    await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
    return ref


async def _settle(bot: Bot, triggers: int) -> None:
    """The claim's answer to the Friend goes out before the customer's notice is tried."""
    for _ in range(200):
        if len(bot.triggers) >= triggers:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{triggers} triggers expected, got {len(bot.triggers)}")


def _with_bot(settings: Settings, bot: Bot, clock: MovableClock) -> Settings:
    return dataclasses.replace(clocked(settings, clock), rasa_url=bot.url)


async def _job_with_notices(settings: Settings, bot: Bot, clock: MovableClock, count: int) -> None:
    """A job made through the API, and `count` notices for it stored as a change would."""
    async with backend(_with_bot(settings, bot, clock)) as client:
        ref = (await create_job(client))["reference"]
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.scalar(select(Job).where(Job.reference == ref))
            assert job is not None
            for i in range(count):
                await store_notice(session, job, ASSIGNED, {"job_reference": ref, "n": i}, clock())
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_notice_waits_while_rasa_is_away_and_is_sent_once_it_answers(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    bot.status = 503
    clock = MovableClock()
    db = settings.database_url
    async with backend(_with_bot(settings, bot, clock)) as client:
        ref = await _claim(client, fake_graph[0])
        await _settle(bot, 1)
        await asyncio.sleep(0.1)
        # The claim stands and its notice waits; nobody was told, support not yet alerted.
        [notice] = await _notices(db)
        assert (notice.intent, notice.status, notice.attempts) == (ASSIGNED, "pending", 1)
        assert notice.entities == {"friend_name": "Anna", "job_reference": ref}
        assert await events(db, "customer_told") == 0
        assert await alerts(db, "customer_not_told") == 0

        bot.status = 200
        clock.advance(minutes=1)  # past the first backoff (at most 1 s)
        assert (await sweep(client))["notices"] == 1
        # The second attempt asked the tracker first: the failed one had not reached the bot.
        assert bot.tracker_reads == 1
        assert bot.notice_ids() == [notice.notice_id, notice.notice_id]
        [sent] = await _notices(db)
        assert (sent.status, sent.attempts) == ("sent", 2) and sent.sent_at is not None
        assert await events(db, "customer_told") == 1

        clock.advance(hours=1)
        assert (await sweep(client))["notices"] == 0
        assert len(bot.triggers) == 2


async def test_a_notice_the_bot_took_without_answering_is_not_told_again(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    # Rasa handled the notice (the customer heard it) but the answer never came back.
    bot.status, bot.handles_anyway = 504, True
    clock = MovableClock()
    async with backend(_with_bot(settings, bot, clock)) as client:
        await _claim(client, fake_graph[0])
        await _settle(bot, 1)
        await asyncio.sleep(0.1)
        bot.status = 200
        clock.advance(minutes=1)
        assert (await sweep(client))["notices"] == 1
    assert len(bot.triggers) == 1 and bot.tracker_reads == 1
    [notice] = await _notices(settings.database_url)
    assert notice.status == "sent"
    assert await events(settings.database_url, "customer_told") == 1


async def test_a_notice_is_given_up_after_its_attempts_and_support_is_alerted(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    bot.status = 503
    clock = MovableClock()
    db = settings.database_url
    async with backend(_with_bot(settings, bot, clock)) as client:
        ref = await _claim(client, fake_graph[0])
        await _settle(bot, 1)
        for _ in range(MAX_ATTEMPTS - 1):
            assert await alerts(db, "customer_not_told") == 0
            clock.advance(minutes=10)  # past the longest backoff (5 min)
            await sweep(client)
        assert len(bot.triggers) == MAX_ATTEMPTS
        [notice] = await _notices(db)
        assert notice.status == "failed" and notice.attempts == MAX_ATTEMPTS
        assert await alerts(db, "customer_not_told") == 1
        assert await events(db, "customer_not_told") == 1
        clock.advance(hours=1)
        await sweep(client)
        assert len(bot.triggers) == MAX_ATTEMPTS
        listed = await client.get(
            "/api/v1/support-alerts", headers={"Authorization": "Bearer test-admin-token"}
        )
        [alert] = [a for a in await listed.json() if a["kind"] == "customer_not_told"]
        assert alert["job_reference"] == ref


async def test_a_notice_the_bot_refuses_alerts_support_at_once(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    bot.status = 404  # an intent the model does not know: no retry makes it known
    clock = MovableClock()
    async with backend(_with_bot(settings, bot, clock)) as client:
        await _claim(client, fake_graph[0])
        await _settle(bot, 1)
        for _ in range(50):
            if await alerts(settings.database_url, "customer_not_told"):
                break
            await asyncio.sleep(0.02)
        clock.advance(hours=1)
        await sweep(client)
    assert len(bot.triggers) == 1
    [notice] = await _notices(settings.database_url)
    assert notice.status == "failed" and notice.attempts == 1
    assert await alerts(settings.database_url, "customer_not_told") == 1


async def test_two_processes_never_send_one_notice_twice(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    bot.delay = 0.01
    clock = MovableClock()
    await _job_with_notices(settings, bot, clock, 40)
    engines = [make_engine(settings.database_url) for _ in range(2)]
    try:
        async with aiohttp.ClientSession() as http:
            rasa = RasaClient(http, bot.url, "")
            senders = [NoticeSender(make_sessionmaker(e), rasa, clock) for e in engines]
            told = await asyncio.gather(*(s.send_due() for s in senders), senders[0].send_due())
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(told) == 40
    assert Counter(Counter(bot.notice_ids()).values()) == {1: 40}
    notices = await _notices(settings.database_url)
    assert {n.status for n in notices} == {"sent"} and {n.attempts for n in notices} == {1}


async def test_a_notice_left_unanswered_is_asked_about_only_after_a_busy_turn_would_end(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    # A busy bot: it takes the notice and tells the customer, but after the client gave up.
    bot.delay = 1.0
    clock = MovableClock()
    await _job_with_notices(settings, bot, clock, 1)
    engine = make_engine(settings.database_url)
    try:
        async with aiohttp.ClientSession() as http:
            sender = NoticeSender(
                make_sessionmaker(engine), RasaClient(http, bot.url, "", 0.2), clock
            )
            assert await sender.send_due() == 0
            [notice] = await _notices(settings.database_url)
            assert notice.status == "pending" and notice.error is not None
            assert "uncertain" in notice.error
            # A plain backoff would ask now, while the bot still works on the first copy.
            clock.advance(minutes=1)
            assert await sender.send_due() == 0
            assert len(bot.triggers) == 1
            await asyncio.sleep(1.2)  # the busy turn ends
            clock.advance(minutes=2)
            assert await sender.send_due() == 1
    finally:
        await engine.dispose()
    assert len(bot.triggers) == 1 and bot.tracker_reads == 1
    [notice] = await _notices(settings.database_url)
    assert notice.status == "sent"


async def test_the_notice_is_part_of_the_claims_transaction(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    clock = MovableClock()
    async with backend(_with_bot(settings, bot, clock)) as client:
        ref = (await create_job(client))["reference"]
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.scalar(select(Job).where(Job.reference == ref))
            assert job is not None
            await store_notice(session, job, ASSIGNED, {"job_reference": ref}, clock())
            await session.rollback()
    finally:
        await engine.dispose()
    # Rolled back with the change it belonged to: nothing to tell.
    assert await _notices(settings.database_url) == []


async def test_finished_notices_go_after_30_days_and_pending_ones_stay(
    settings: Settings, fake_graph: tuple[FakeGraph, str], bot: Bot
) -> None:
    clock = MovableClock()
    db = settings.database_url
    async with backend(_with_bot(settings, bot, clock)) as client:
        ref = await _claim(client, fake_graph[0])
        await _settle(bot, 1)
        for _ in range(100):
            if [n.status for n in await _notices(db)] == ["sent"]:
                break
            await asyncio.sleep(0.02)
        bot.status = 503  # a second notice that never gets out
        engine = make_engine(db)
        try:
            async with make_sessionmaker(engine)() as session:
                job = await session.scalar(select(Job).where(Job.reference == ref))
                assert job is not None
                stuck = await store_notice(session, job, ASSIGNED, {"job_reference": ref}, clock())
                await session.commit()
        finally:
            await engine.dispose()
        # (The Friend misses the contact deadline meanwhile: that notice waits as well.)
        clock.advance(days=29)
        await sweep(client)
        assert Counter(n.status for n in await _notices(db))["sent"] == 1
        clock.advance(days=2)
        await sweep(client)
        left = await _notices(db)
        assert {n.status for n in left} == {"pending"}
        assert stuck.notice_id in {n.notice_id for n in left}


def _bot_store(path: Path, psid: str, wrote_at: datetime) -> str:
    """The customers' channel store as the bot keeps it: when each customer wrote last."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE contacts (psid TEXT PRIMARY KEY, last_inbound_at REAL NOT NULL)")
        db.execute("INSERT INTO contacts VALUES (?, ?)", (psid, wrote_at.timestamp()))
    return f"sqlite:///{path}"


@pytest.mark.parametrize("hours_ago", [1, 25])
async def test_news_for_a_messenger_customer_outside_the_24_hour_window_goes_to_support(
    settings: Settings, bot: Bot, tmp_path: Path, hours_ago: int
) -> None:
    clock = MovableClock()
    await _job_with_notices(settings, bot, clock, 1)
    store = _bot_store(tmp_path / "customers.db", "cust-1", clock() - timedelta(hours=hours_ago))
    engine = make_engine(settings.database_url)
    window = MessengerWindow(store)
    try:
        async with aiohttp.ClientSession() as http:
            rasa = RasaClient(http, bot.url, "", messenger_window=window)
            told = await NoticeSender(make_sessionmaker(engine), rasa, clock).send_due()
    finally:
        await window.close()
        await engine.dispose()
    [notice] = await _notices(settings.database_url)
    if hours_ago == 1:
        assert (told, len(bot.triggers), notice.status) == (1, 1, "sent")
        assert await alerts(settings.database_url, "customer_not_told") == 0
    else:
        # Meta would refuse the message and the bot would only log it: a person phones instead.
        assert (told, bot.triggers, notice.status) == (0, [], "failed")
        assert notice.error.startswith("unreachable")
        assert await alerts(settings.database_url, "customer_not_told") == 1


async def test_news_is_sent_when_the_window_is_unknown(
    settings: Settings, bot: Bot, tmp_path: Path
) -> None:
    """No store, or nobody in it: the bot tries, as before (it knows the window too)."""
    clock = MovableClock()
    await _job_with_notices(settings, bot, clock, 1)
    store = _bot_store(tmp_path / "customers.db", "someone-else", clock() - timedelta(days=3))
    engine = make_engine(settings.database_url)
    window = MessengerWindow(store)
    try:
        async with aiohttp.ClientSession() as http:
            rasa = RasaClient(http, bot.url, "", messenger_window=window)
            assert await NoticeSender(make_sessionmaker(engine), rasa, clock).send_due() == 1
            missing = MessengerWindow(f"sqlite:///{tmp_path / 'none.db'}")
            assert await missing.is_open("cust-1", clock()) is None
            assert not (tmp_path / "none.db").exists()
    finally:
        await window.close()
        await engine.dispose()
