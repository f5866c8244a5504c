"""News to the customer's own channel (issue 15): the Friend's contact report, and a cancel that
did not come from the customer's chat (support, a partner, the status page). Each is stored
once, in the transaction of the change, with an e-mail copy for a customer with an address; the
customer's own cancel in the chat (the assistant answers it there) stores none."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from backend.adapters.orm import CustomerMail, CustomerNotice
from backend.config import Settings
from backend.services import lifecycle
from backend.services.customer_texts import FRIEND_CONTACTED, JOB_CANCELLED
from simulator.fake_graph import FakeGraph
from tests.backend.clock import Client, MovableClock, backend, clocked, count_rows, triggers
from tests.backend.conftest import FakeRasa, admin_headers, api_headers
from tests.backend.customer_jobs import make_job, sessions
from tests.backend.helpers import add_friend, create_job, post_friends_webhook, tap, text_of
from tests.backend.helpers import wait_for as wait_for_graph

Graph = tuple[FakeGraph, str]
WEB_ID = "web-" + "0a" * 16
ADDRESS = "erika@example.org"


def web_customer(**changes: Any) -> dict[str, Any]:
    return {
        "channel": "webchat",
        "id": WEB_ID,
        "name": "Erika Muster",
        "phone": "0171 9876543",
        "language": "de",
        "email": ADDRESS,
    } | changes


async def told(rasa: FakeRasa, intent: str, count: int = 1) -> list[dict[str, Any]]:
    """The bot's news of this intent once `count` arrived (they go out after the commit)."""
    for _ in range(200):
        if len(triggers(rasa, intent)) >= count:
            break
        await asyncio.sleep(0.05)
    return triggers(rasa, intent)


async def notices(db_url: str, intent: str) -> int:
    return await count_rows(db_url, CustomerNotice, intent=intent)


async def mails(db_url: str, intent: str) -> int:
    return await count_rows(db_url, CustomerMail, intent=intent)


async def cancel(client: Client, reference: str, **body: Any) -> int:
    # Only the admin token may name a canceller other than the customer (issue 21, point 3).
    headers = api_headers() if body.get("by", "customer") == "customer" else admin_headers()
    response = await client.post(
        f"/api/v1/jobs/{reference}/cancel", json={"reason": "x"} | body, headers=headers
    )
    return response.status


async def test_the_friends_contact_report_tells_the_customer_once(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        await add_friend(client)
        ref: str = (await create_job(client, customer=web_customer()))["reference"]
        await wait_for_graph(graph, lambda c: "Neuer Auftrag" in text_of(c))
        await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
        await wait_for_graph(graph, lambda c: "gehört" in text_of(c))
        assert await notices(settings.database_url, FRIEND_CONTACTED) == 0
        await post_friends_webhook(client, [tap("friend-anna", f"CONTACTED:{ref}", 2)])
        await wait_for_graph(graph, lambda c: "Kontakt ist vermerkt" in text_of(c))
        news = await told(fake_rasa, FRIEND_CONTACTED)
        assert [(t["conversation"], t["body"]) for t in news] == [
            (
                WEB_ID,
                {
                    "name": FRIEND_CONTACTED,
                    "entities": {"job_reference": ref, "friend_name": "Anna"},
                },
            )
        ]
        assert news[0]["query"].get("output_channel") == "webchat"
        # Reported twice: refused, and no second notice.
        await post_friends_webhook(client, [tap("friend-anna", f"CONTACTED:{ref}", 3)])
        await wait_for_graph(graph, lambda c: "ist nicht (mehr) Ihrer" in text_of(c))
        await asyncio.sleep(0.2)
    assert await notices(settings.database_url, FRIEND_CONTACTED) == 1
    assert len(triggers(fake_rasa, FRIEND_CONTACTED)) == 1
    # The customer gave an address: the news goes by e-mail too, once.
    assert await mails(settings.database_url, FRIEND_CONTACTED) == 1


async def test_a_cancel_from_elsewhere_tells_the_customer_a_cancel_in_the_chat_does_not(
    settings: Settings, fake_rasa: FakeRasa
) -> None:
    db = settings.database_url
    async with backend(clocked(settings, MovableClock())) as client:
        refs = [
            (await create_job(client, key=f"k{i}", customer=web_customer()))["reference"]
            for i in range(3)
        ]
        by_partner, in_the_chat, customer_elsewhere = refs
        # The assistant cancels for the customer who asked in the chat and answers there.
        assert await cancel(client, in_the_chat, by="customer", notify_customer=False) == 200
        assert await notices(db, JOB_CANCELLED) == 0
        assert await mails(db, JOB_CANCELLED) == 0
        assert await cancel(client, by_partner, by="partner") == 200
        news = await told(fake_rasa, JOB_CANCELLED)
        assert [(t["conversation"], t["body"]["entities"]) for t in news] == [
            (WEB_ID, {"job_reference": by_partner, "cancelled_by": "partner"})
        ]
        # Without the flag the customer may have cancelled anywhere (a partner's app): told.
        assert await cancel(client, customer_elsewhere) == 200
        news = await told(fake_rasa, JOB_CANCELLED, 2)
        assert [t["body"]["entities"]["job_reference"] for t in news] == [
            by_partner,
            customer_elsewhere,
        ]
        refused = await client.post(
            f"/api/v1/jobs/{refs[0]}/cancel",
            json={"reason": "x", "notify_customer": "no"},
            headers=api_headers(),
        )
        assert refused.status == 422
        assert set((await refused.json())["errors"]) == {"notify_customer"}
    assert await notices(db, JOB_CANCELLED) == 2
    assert await mails(db, JOB_CANCELLED) == 2
    assert len(triggers(fake_rasa, JOB_CANCELLED)) == 2


async def test_support_cancel_is_stored_with_its_notice_without_the_staff_address(
    db_url: str,
) -> None:
    job = await make_job(db_url, MovableClock()(), email=ADDRESS)
    async with sessions(db_url) as make, make() as session:
        done = await lifecycle.cancel_job(session, job.reference, "Doppelt", "support:a@b.example")
    assert done is not None
    async with sessions(db_url) as make, make() as session:
        [row] = (await session.scalars(select(CustomerNotice))).all()
    assert (row.intent, row.job_id, row.status) == (JOB_CANCELLED, job.id, "pending")
    assert row.entities == {"job_reference": job.reference, "cancelled_by": "support"}
    assert await mails(db_url, JOB_CANCELLED) == 1


async def test_a_cancel_on_the_status_page_reaches_the_chat(
    client: Client, db_url: str, fake_rasa: FakeRasa
) -> None:
    job = await make_job(db_url, MovableClock()(), email=ADDRESS)
    response = await client.post(
        f"/b/{job.token}/cancel", data={"confirm": "yes"}, allow_redirects=False
    )
    assert response.status == 303
    news = await told(fake_rasa, JOB_CANCELLED)
    assert [t["body"]["entities"] for t in news] == [
        {"job_reference": job.reference, "cancelled_by": "customer"}
    ]
    assert await notices(db_url, JOB_CANCELLED) == 1
    assert await mails(db_url, JOB_CANCELLED) == 1
