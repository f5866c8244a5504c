"""The production topology (tools/prodlike.py) on this machine: PostgreSQL, Redis, two Rasa
servers, two action servers and two backends behind tools/proxy.py.

A customer books by chat through the proxy (each turn may land on either Rasa server), two
Friends race for the job through the proxy, both backends sweep deadlines at once; then the
job, its offers, its assignment and its reminder each exist exactly once, and every replica
served requests. Rasa's Redis lock store keeps one sender's turns apart although they reach
both servers at the same moment.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg  # type: ignore[import-untyped]
import pytest

from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import encode_signed, page_body, text_event
from tests.e2e.conftest import SECRETS, as_system
from tests.e2e.conversation import (
    FRIENDS_TOKEN,
    SCRIPTED_CUSTOMERS,
    TURN_SECONDS,
    api,
    book,
    buttons,
    friends_tap,
    friends_webhook,
    playing,
    text,
)
from tests.e2e.webchat_chat import WebChat
from tools.prodlike import ProdLike, start_prod_like
from tools.stack import ROOT

pytestmark = pytest.mark.e2e
SHOP = "http://shop.example"  # a page with the website chat on it


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory, geonames_dir: Path) -> Iterator[ProdLike]:
    work = tmp_path_factory.mktemp("prodlike")
    topology = start_prod_like(
        work,
        secrets=SECRETS,
        geonames_dir=geonames_dir,
        settings={
            # Both backends sweep every second, so a doubled wave or reminder would show.
            "DEADLINE_SWEEP_SECONDS": "1",
            # The reminder falls due seconds after the claim (the deadline stays at 12 hours).
            "CONTACT_REMINDER_HOURS": "0.002",
            "WEBCHAT_SECRET": "e2e-webchat-secret",
            "WEBCHAT_ALLOWED_ORIGINS": SHOP,
        },
    )
    try:
        yield topology
    finally:
        topology.stop()
        artifacts = ROOT / "test-artifacts" / "prodlike-logs"
        artifacts.mkdir(parents=True, exist_ok=True)
        for log in topology.log_dir.glob("*.log"):
            shutil.copy(log, artifacts / log.name)


async def _rows(prod: ProdLike, sql: str, *args: Any) -> list[asyncpg.Record]:
    url = prod.database_urls["backend"].replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def test_a_booking_through_the_proxy_exists_once_and_every_replica_served(
    prod: ProdLike,
) -> None:
    system = as_system(prod)
    admin = SECRETS["BACKEND_ADMIN_TOKEN"]
    friends = ("prodlike-anna", "prodlike-jonas")
    for name, messenger_id in zip(("Anna Schmidt", "Jonas Weber"), friends, strict=True):
        friend = {
            "name": name,
            "messenger_id": messenger_id,
            "postal_code": "10117",
            "country": "DE",
            "radius_km": 15,
            "skills": ["internet_wifi"],
            "languages": ["de"],
            "status": "active",
        }
        await api(system, "POST", "/api/v1/friends", admin, json=friend)
        await friends_webhook(system, text_event(messenger_id, "friends-page", "online"))

    customer = playing(SCRIPTED_CUSTOMERS[0], "prodlike-erika")
    booking = await book(system, customer)
    api_token = SECRETS["BACKEND_API_TOKEN"]
    jobs = await api(system, "GET", f"/api/v1/jobs?customer_psid={customer.psid}", api_token)
    assert len(jobs) == 1
    ref = jobs[0]["reference"]
    assert ref in booking.confirmation

    for friend in friends:
        await wait_for_calls(
            system.graph_url,
            lambda c: f"CLAIM:{ref}" in buttons(c),
            TURN_SECONDS,
            page_token=FRIENDS_TOKEN,
            recipient=friend,
        )
    # Both Friends race; both webhooks go through the proxy, so each reaches another backend.
    await asyncio.gather(*(friends_tap(system, f, f"CLAIM:{ref}") for f in friends))
    await wait_for_calls(
        system.graph_url,
        lambda c: "gehört Ihnen" in text(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
    )
    job = await api(system, "GET", f"/api/v1/jobs/{ref}", api_token)
    winner_name = job["friend"]["first_name"]
    told = await booking.chat.wait(winner_name)
    assert any(ref in text(c) and "12 Stunden" in text(c) for c in told), [text(c) for c in told]
    # The reminder falls due 7 s after the claim; both backends sweep every second.
    await wait_for_calls(
        system.graph_url,
        lambda c: f"CONTACTED:{ref}" in buttons(c) and "gehört Ihnen" not in text(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
    )
    await asyncio.sleep(5)  # room for a doubled offer or reminder to show up

    job_rows = await _rows(
        prod,
        "SELECT j.id, j.status, f.messenger_id FROM jobs j JOIN customers c "
        "ON c.id = j.customer_id LEFT JOIN friends f ON f.id = j.assigned_friend_id "
        "WHERE c.channel_id = $1",
        customer.psid,
    )
    assert len(job_rows) == 1 and job_rows[0]["status"] == "assigned"
    winner = job_rows[0]["messenger_id"]
    assert winner in friends
    offers = await _rows(
        prod,
        "SELECT f.messenger_id, o.status FROM offers o JOIN friends f ON f.id = o.friend_id "
        "WHERE o.job_id = $1",
        job_rows[0]["id"],
    )
    statuses = {o["messenger_id"]: o["status"] for o in offers}
    # One offer per Friend; the loser's is lost (tapped too late) or withdrawn (taken first).
    assert len(offers) == 2 and statuses[winner] == "won", statuses
    assert {s for f, s in statuses.items() if f != winner} <= {"lost", "withdrawn"}, statuses
    events = await _rows(
        prod,
        "SELECT kind, count(*) AS n FROM job_events WHERE job_id = $1 GROUP BY kind",
        job_rows[0]["id"],
    )
    counts = {e["kind"]: e["n"] for e in events}
    assert counts.get("contact_reminder") == 1, counts

    calls, _ = await fetch_calls(system.graph_url, page_token=FRIENDS_TOKEN)
    for friend in friends:
        mine = [c for c in calls if c["recipient"] == friend]
        assert len([c for c in mine if f"CLAIM:{ref}" in buttons(c)]) == 1, friend
    reminders = [
        c
        for c in calls
        if c["recipient"] == winner
        and f"CONTACTED:{ref}" in buttons(c)
        and "gehört Ihnen" not in text(c)
    ]
    assert len(reminders) == 1
    # The customer heard of the booking once, although the turns were spread over both servers.
    customer_calls, _ = await fetch_calls(system.graph_url, recipient=customer.psid)
    assert len([c for c in customer_calls if ref in text(c) and winner_name in text(c)]) == 1

    stats = prod.proxy_stats()
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2", "backend-1", "backend-2"):
        assert stats[name]["responses"] > 0, stats
        assert stats[name]["healthy"], stats


async def _post_direct(rasa_url: str, event: dict[str, Any]) -> int:
    raw, headers = encode_signed(
        page_body("customer-page", [event]), SECRETS["CUSTOMER_APP_SECRET"]
    )
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{rasa_url}/webhooks/messenger/webhook", data=raw, headers=headers) as r,
    ):
        return r.status


async def _tracker(prod: ProdLike, sender: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{prod.rasa_urls[0]}/conversations/{sender}/tracker",
            params={"token": SECRETS["RASA_TOKEN"]},
        ) as r,
    ):
        assert r.status == 200, await r.text()
        data: dict[str, Any] = await r.json()
        return data


async def test_one_senders_messages_on_both_rasa_servers_are_turns_one_after_the_other(
    prod: ProdLike,
) -> None:
    sender = "prodlike-lock"
    said = ["Hallo", "Mein Drucker druckt nicht", "Hallo nochmal", "Der Drucker ist von HP"]
    events = [text_event(sender, "customer-page", t) for t in said]
    # Each message straight to another server, all at once: only Redis keeps them apart.
    statuses = await asyncio.gather(
        *(_post_direct(prod.rasa_urls[i % 2], e) for i, e in enumerate(events))
    )
    assert statuses == [200] * len(events)
    # Meta redelivers the first one to the other server: the shared store knows it already.
    assert await _post_direct(prod.rasa_urls[1], events[0]) == 200

    deadline = asyncio.get_running_loop().time() + 2 * TURN_SECONDS
    while True:
        tracker = await _tracker(prod, sender)
        kinds = [(e["event"], e.get("name") or e.get("text") or "") for e in tracker["events"]]
        users = [name for kind, name in kinds if kind == "user"]
        if len(users) >= len(said) and kinds[-1] == ("action", "action_listen"):
            break
        assert asyncio.get_running_loop().time() < deadline, kinds
        await asyncio.sleep(1)
    assert sorted(users) == sorted(said)  # each message once, the redelivery not at all
    # Serialised turns: every user message comes after the previous turn ended listening.
    for index, (kind, _) in enumerate(kinds):
        if kind == "user":
            before = [k for k in kinds[:index] if k[0] in ("user", "action")]
            assert before and before[-1] == ("action", "action_listen"), kinds[: index + 1]


async def test_a_web_chat_tab_hears_what_either_rasa_server_sends_it(prod: ProdLike) -> None:
    """The tab's socket lives on one Rasa server (the proxy keeps its polls there); news and
    staff replies reach it through the other one too (socket.io over Redis)."""
    chat = await WebChat(as_system(prod), origin=SHOP).open()
    try:
        await chat.send_text("Hallo", lambda call: bool(call["body"]["message"]["text"]))
        async with aiohttp.ClientSession() as http:
            for i, rasa in enumerate(prod.rasa_urls):
                # The conversation exists once its first turn is saved, when the turn ends
                # (the bot's answers reach the tab while it runs): until then, a 404.
                for _ in range(100):
                    async with http.post(
                        f"{rasa}/webhooks/webchat/push",
                        params={"token": SECRETS["RASA_TOKEN"]},
                        json={"conversation_id": chat.psid, "text": f"Nachricht {i}"},
                    ) as response:
                        status, answer = response.status, await response.text()
                    if status != 404:
                        break
                    await asyncio.sleep(0.2)
                assert status == 200, answer
        wanted = {f"Nachricht {i}" for i in range(len(prod.rasa_urls))}
        for _ in range(150):
            heard = {str(c["body"]["message"].get("text")) for c in chat.received}
            if wanted <= heard:
                break
            await asyncio.sleep(0.2)
        assert wanted <= heard, chat.transcript
    finally:
        await chat.close()
