"""A job goes to the right Friends, the first claim wins, everyone hears the outcome."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Offer
from backend.app import create_app
from backend.config import Settings
from backend.domain.claims import ClaimOutcome
from backend.services.claims import claim_job
from backend.services.dispatch import WAVE_SIZE
from backend.services.inbox import store_events
from messenger_platform.events import parse_body
from messenger_platform.signature import HEADER, sign
from simulator.fake_graph import FakeGraph
from simulator.webhook_bodies import encode_signed, page_body
from tests.backend.clock import triggers
from tests.backend.conftest import FRIENDS_PAGE_TOKEN, FakeRasa, api_headers
from tests.backend.helpers import (
    Client,
    add_friend,
    buttons_of,
    create_job,
    post_friends_webhook,
    say,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]


async def _offers(graph: FakeGraph, count: int) -> dict[str, Any]:
    calls = await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c), count=count)
    return {c.recipient: c for c in calls}


async def test_offers_reach_only_active_nearby_friends_with_the_skill(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    await add_friend(client)  # Berlin-Mitte, 15 km, internet_wifi
    await add_friend(client, messenger_id="friend-far", postal_code="80331")  # Munich
    await add_friend(client, messenger_id="friend-vetted", status="vetted")
    await add_friend(client, messenger_id="friend-printers", skills=["printer"])
    await add_friend(client, messenger_id="friend-en", languages=["en"])
    # 10178 is about 2 km away, but this Friend only goes 1 km from home.
    await add_friend(client, messenger_id="friend-tiny-radius", postal_code="12043", radius_km=1)
    await add_friend(client, messenger_id="friend-jonas", postal_code="10405", radius_km=10)

    job = await create_job(client)
    offers = await _offers(graph, 2)
    await asyncio.sleep(0.3)  # a wrong extra offer would have arrived by now
    offered = {c.recipient for c in graph.calls() if "Neuer Auftrag" in text_of(c)}
    assert offered == {"friend-anna", "friend-jonas"}

    call = offers["friend-anna"]
    assert call.access_token == FRIENDS_PAGE_TOKEN
    assert call.body["messaging_type"] == "RESPONSE"
    text = text_of(call)
    assert job["reference"] in text and "10115 Berlin" in text
    assert "39,20 €" in text  # 49 EUR package minus 20% commission
    assert "Invalidenstraße" not in text and "Erika" not in text  # no address before the claim
    assert [b["payload"] for b in buttons_of(call)] == [
        f"CLAIM:{job['reference']}",
        f"DECLINE:{job['reference']}",
    ]


async def test_first_claim_wins_and_the_second_is_told_it_is_taken(
    client: Client, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await add_friend(client, name="Jonas Weber", messenger_id="friend-jonas", postal_code="10405")
    job = await create_job(client)
    ref = job["reference"]
    await _offers(graph, 2)

    assert await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)]) == 200
    won = await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
    assert "+491719876543" in text_of(won[0]) and "Invalidenstraße 1" in text_of(won[0])
    assert buttons_of(won[0])[0]["payload"] == f"CONTACTED:{ref}"

    assert await post_friends_webhook(client, [tap("friend-jonas", f"CLAIM:{ref}", 2)]) == 200
    lost = await wait_for(
        graph, lambda c: c.recipient == "friend-jonas" and "vergeben" in text_of(c)
    )
    assert "+49" not in text_of(lost[0])

    state = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
    assert state["status"] == "assigned"
    assert state["assigned_friend"]["messenger_id"] == "friend-anna"

    for _ in range(100):
        if fake_rasa.triggers:
            break
        await asyncio.sleep(0.05)
    assert len(fake_rasa.triggers) == 1
    assert triggers(fake_rasa, "EXTERNAL_friend_assigned") == [
        {
            "conversation": "cust-1",
            "query": {"output_channel": "messenger", "token": "rasa-token"},
            "body": {
                "name": "EXTERNAL_friend_assigned",
                "entities": {"friend_name": "Anna", "job_reference": ref},
            },
        }
    ]


async def test_contacted_button_moves_the_job_on(client: Client, fake_graph: Graph) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    ref = (await create_job(client))["reference"]
    await _offers(graph, 1)
    await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
    await wait_for(graph, lambda c: "gehört" in text_of(c))
    await post_friends_webhook(client, [tap("friend-anna", f"CONTACTED:{ref}", 2)])
    await wait_for(graph, lambda c: "Kontakt ist vermerkt" in text_of(c))
    state = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
    assert state["status"] == "contacted"


async def test_a_redelivered_claim_is_answered_once(client: Client, fake_graph: Graph) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    ref = (await create_job(client))["reference"]
    await _offers(graph, 1)
    event = tap("friend-anna", f"CLAIM:{ref}", 1)
    assert await post_friends_webhook(client, [event]) == 200
    assert await post_friends_webhook(client, [event]) == 200
    await wait_for(graph, lambda c: "gehört" in text_of(c))
    await asyncio.sleep(0.3)
    assert len([c for c in graph.calls() if "gehört" in text_of(c)]) == 1


async def test_unknown_senders_and_free_text_get_an_answer(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    await post_friends_webhook(client, [say("stranger", "hallo"), say("friend-anna", "hallo")])
    # A stranger is welcomed into the sign-up; a Friend gets the menu of what works.
    await wait_for(graph, lambda c: c.recipient == "stranger" and "Willkommen" in text_of(c))
    menu = await wait_for(
        graph, lambda c: c.recipient == "friend-anna" and "annehmen" in text_of(c)
    )
    chips = [r["payload"] for r in menu[0].body["message"]["quick_replies"]]
    assert chips[:2] == ["MY_JOBS", "GO_ONLINE"]


async def test_webhook_refuses_forged_and_malformed_deliveries(client: Client) -> None:
    assert await post_friends_webhook(client, [say("friend-anna", "x")], secret="wrong") == 403
    unsigned = await client.post("/webhooks/friends", data=b"{}")
    assert unsigned.status == 403
    raw = b"not json"
    _, headers = encode_signed({}, "friends-app-secret")
    headers[HEADER] = sign(raw, "friends-app-secret")
    malformed = await client.post("/webhooks/friends", data=raw, headers=headers)
    assert malformed.status == 400
    huge = b'{"object":"page","entry":[]}' + b" " * (1024 * 1024)
    headers[HEADER] = sign(huge, "friends-app-secret")
    too_big = await client.post("/webhooks/friends", data=huge, headers=headers)
    assert too_big.status == 400


async def test_meta_verification_handshake(client: Client) -> None:
    ok = await client.get(
        "/webhooks/friends",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": "friends-verify",
            "hub.challenge": "c1",
        },
    )
    assert (ok.status, await ok.text()) == (200, "c1")
    wrong = await client.get(
        "/webhooks/friends",
        params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "c1"},
    )
    assert wrong.status == 403


async def test_concurrent_claims_have_exactly_one_winner(
    client: Client, settings: Settings
) -> None:
    ids = [f"friend-{i}" for i in range(WAVE_SIZE)]
    for i, messenger_id in enumerate(ids):
        await add_friend(client, name=f"Friend {i}", messenger_id=messenger_id)
    ref = (await create_job(client))["reference"]
    # Wait until every offer is recorded, then race on separate engines (separate connections).
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    for _ in range(100):
        state = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
        async with sessions() as session:
            sent = await session.scalar(
                select(func.count()).select_from(Offer).where(Offer.status == "sent")
            )
        if sent == len(ids):
            break
        await asyncio.sleep(0.05)
    assert state["status"] == "open"

    async def one(messenger_id: str) -> ClaimOutcome:
        async with sessions() as session:
            return (await claim_job(session, ref, messenger_id)).outcome

    outcomes = await asyncio.gather(*(one(m) for m in ids))
    await engine.dispose()
    assert outcomes.count(ClaimOutcome.WON) == 1
    assert outcomes.count(ClaimOutcome.ALREADY_TAKEN) == len(ids) - 1
    winner = ids[outcomes.index(ClaimOutcome.WON)]
    state = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
    assert state["assigned_friend"]["messenger_id"] == winner


async def test_an_event_stored_before_a_crash_is_handled_after_restart(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    # The process died after storing (and acknowledging) but before handling the event.
    engine = make_engine(settings.database_url)
    raw, _ = encode_signed(page_body("friends-page", [say("stranger", "hallo")]), "x")
    async with make_sessionmaker(engine)() as session:
        assert await store_events(session, "friends", parse_body(raw)) == 1
    await engine.dispose()

    async with TestClient(TestServer(create_app(settings))):
        await wait_for(graph, lambda c: c.recipient == "stranger")
