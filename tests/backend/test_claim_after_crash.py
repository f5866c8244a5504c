"""A claim handled again after a crash still tells the customer, once.

A backend killed between committing a claim and telling the customer leaves the webhook event
unhandled; another process takes it when its lease runs out. The claim is then the winner's
"repeat", which used to tell nobody: the customer never heard who would call them.
tests/faults/test_backend_kills.py kills real processes; this pins the gap down exactly.
"""

from __future__ import annotations

import asyncio

from backend.adapters.db import make_engine, make_sessionmaker
from backend.config import Settings
from backend.domain.claims import ClaimOutcome
from backend.services.claims import claim_job
from simulator.fake_graph import FakeGraph, RecordedCall
from tests.backend.conftest import FakeRasa
from tests.backend.helpers import (
    Client,
    add_friend,
    buttons_of,
    create_job,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

ASSIGNED = "EXTERNAL_friend_assigned"


def _told(rasa: FakeRasa) -> list[str]:
    return [
        t["body"]["entities"]["job_reference"]
        for t in rasa.triggers
        if t["body"]["name"] == ASSIGNED
    ]


async def test_a_claim_handled_again_after_a_crash_tells_the_customer_once(
    client: Client, settings: Settings, fake_graph: tuple[FakeGraph, str], fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    friend = (await add_friend(client))["messenger_id"]
    reference = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    # What the killed process left behind: the claim committed, no reply, nobody told.
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        assert (await claim_job(session, reference, friend)).outcome is ClaimOutcome.WON
    await engine.dispose()

    def won(call: RecordedCall) -> bool:
        return any(b.get("payload") == f"CONTACTED:{reference}" for b in buttons_of(call))

    assert await post_friends_webhook(client, [tap(friend, f"CLAIM:{reference}", 1)]) == 200
    await wait_for(graph, won)
    for _ in range(100):
        if _told(fake_rasa):
            break
        await asyncio.sleep(0.05)
    assert _told(fake_rasa) == [reference]

    # The winner tapping again is told the details again; the customer hears nothing new.
    assert await post_friends_webhook(client, [tap(friend, f"CLAIM:{reference}", 2)]) == 200
    await wait_for(graph, won, count=2)
    await asyncio.sleep(0.3)
    assert _told(fake_rasa) == [reference]
