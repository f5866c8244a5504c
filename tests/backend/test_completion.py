"""The Friend reports the job done: package, extra time, ledger, rating request and reminder."""

from __future__ import annotations

from typing import Any

from backend.config import Settings
from simulator.fake_graph import FakeGraph, RecordedCall
from tests.backend.clock import Client, MovableClock, backend, clocked, sweep, triggers
from tests.backend.conftest import FakeRasa, admin_headers, api_headers
from tests.backend.helpers import (
    add_friend,
    create_job,
    post_friends_webhook,
    say,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]


def chips(call: RecordedCall) -> list[str]:
    return [q["payload"] for q in (call.body.get("message") or {}).get("quick_replies") or []]


def titles(call: RecordedCall) -> list[str]:
    return [q["title"] for q in (call.body.get("message") or {}).get("quick_replies") or []]


async def _contacted(client: Client, graph: FakeGraph) -> tuple[str, int]:
    anna = await add_friend(client)
    ref: str = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
    await wait_for(graph, lambda c: "gehört" in text_of(c))
    await post_friends_webhook(client, [tap("friend-anna", f"CONTACTED:{ref}", 2)])
    await wait_for(graph, lambda c: "Kontakt ist vermerkt" in text_of(c))
    return ref, int(anna["id"])


async def _tap_done(client: Client, graph: FakeGraph, ref: str, package: str) -> RecordedCall:
    await post_friends_webhook(client, [tap("friend-anna", f"DONE:{ref}", 3)])
    [ask] = await wait_for(graph, lambda c: "Welches Paket" in text_of(c))
    assert chips(ask) == [f"DONEPKG:{ref}:quick_help", f"DONEPKG:{ref}:setup"]
    assert titles(ask) == ["Schnelle Hilfe", "Einrichtung"]
    assert "49,00 €" in text_of(ask) and "89,00 €" in text_of(ask)
    await post_friends_webhook(client, [tap("friend-anna", f"DONEPKG:{ref}:{package}", 4)])
    [extra] = await wait_for(graph, lambda c: "über das Paket hinaus" in text_of(c))
    return extra


async def _ledger(client: Client) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/ledger", headers=admin_headers())
    assert response.status == 200
    data: list[dict[str, Any]] = await response.json()
    return data


async def test_done_with_extra_time_settles_price_commission_and_payout(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        ref, anna_id = await _contacted(client, graph)
        extra = await _tap_done(client, graph, ref, "setup")
        assert "11,00 €" in text_of(extra)
        assert chips(extra) == [f"DONEEXTRA:{ref}:setup:{m}" for m in (0, 15, 30, 60)]
        await post_friends_webhook(client, [tap("friend-anna", f"DONEEXTRA:{ref}:setup:30", 5)])
        [summary] = await wait_for(graph, lambda c: "abgeschlossen" in text_of(c))
        # 89.00 + 2 × 11.00 = 111.00; 20 % = 22.20; payout 88.80
        for figure in ("111,00 €", "22,20 €", "88,80 €"):
            assert figure in text_of(summary)

        assert [{k: v for k, v in e.items() if k != "id"} for e in await _ledger(client)] == [
            {
                "job_reference": ref,
                "friend_id": anna_id,
                "friend_name": "Anna Schmidt",
                "package": "setup",
                "extra_minutes": 30,
                "currency": "EUR",
                "price": "111.00",
                "commission": "22.20",
                "payout": "88.80",
                "paid_via": "platform",
                "created_at": clock().isoformat(),
            }
        ]
        job = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
        assert job["status"] == "completed" and job["completed_at"] == clock().isoformat()
        # The news carries the invoice for the customer's chat: its line and its PDF's link.
        invoice = await (
            await client.get(f"/api/v1/jobs/{ref}/invoice", headers=api_headers())
        ).json()
        number = invoice["number"]
        assert number.startswith("DE-") and number.endswith("-000001")
        assert [t["body"] for t in triggers(fake_rasa, "EXTERNAL_job_completed")] == [
            {
                "name": "EXTERNAL_job_completed",
                "entities": {
                    "job_reference": ref,
                    "friend_name": "Anna",
                    "invoice_number": number,
                    "invoice_summary": "111,00\xa0€, zahlbar innerhalb von 10 Tagen, scannen "
                    "Sie den QR-Code mit Ihrer Banking-App",
                    "invoice_url": f"{job['status_url']}/invoice.pdf",
                },
            }
        ]
        friend = await (
            await client.get(f"/api/v1/friends/{anna_id}", headers=admin_headers())
        ).json()
        assert friend["counters"]["completed_jobs"] == 1

        # Done twice is refused and books nothing twice.
        await post_friends_webhook(client, [tap("friend-anna", f"DONEEXTRA:{ref}:setup:0", 6)])
        await wait_for(graph, lambda c: "schon abgeschlossen" in text_of(c))
        assert len(await _ledger(client)) == 1

        # Rated within a day: no reminder; the Friend's rating and count are set.
        rated = await client.post(
            f"/api/v1/jobs/{ref}/rating",
            json={"stars": 5, "customer_psid": "cust-1"},
            headers=api_headers(),
        )
        assert rated.status == 201
        clock.advance(hours=25)
        assert (await sweep(client))["rating_reminder"] == 0
        assert not triggers(fake_rasa, "EXTERNAL_rating_reminder")
        friend = await (
            await client.get(f"/api/v1/friends/{anna_id}", headers=admin_headers())
        ).json()
        assert (friend["rating"], friend["rating_count"]) == (5.0, 1)


async def test_typed_minutes_complete_the_job_and_an_unrated_job_is_reminded_once(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        ref, _ = await _contacted(client, graph)
        await _tap_done(client, graph, ref, "quick_help")
        await post_friends_webhook(client, [say("friend-anna", "20 Minuten")])
        [summary] = await wait_for(graph, lambda c: "abgeschlossen" in text_of(c))
        # 20 minutes are two started quarter hours: 49.00 + 2 × 12.00 = 73.00
        for figure in ("73,00 €", "14,60 €", "58,40 €"):
            assert figure in text_of(summary)

        clock.advance(hours=23, minutes=59)
        assert (await sweep(client))["rating_reminder"] == 0
        clock.advance(minutes=1)
        assert (await sweep(client))["rating_reminder"] == 1
        assert (await sweep(client))["rating_reminder"] == 0
        assert [t["body"] for t in triggers(fake_rasa, "EXTERNAL_rating_reminder")] == [
            {
                "name": "EXTERNAL_rating_reminder",
                "entities": {"job_reference": ref, "friend_name": "Anna"},
            }
        ]


async def test_only_the_assigned_friend_can_report_the_job_done(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        ref, _ = await _contacted(client, graph)
        await add_friend(client, messenger_id="friend-jonas", postal_code="10405")
        await post_friends_webhook(client, [tap("friend-jonas", f"DONE:{ref}", 7)])
        await wait_for(graph, lambda c: c.recipient == "friend-jonas" and "nicht" in text_of(c))
        await post_friends_webhook(
            client, [tap("friend-jonas", f"DONEEXTRA:{ref}:quick_help:0", 8)]
        )
        await wait_for(
            graph, lambda c: c.recipient == "friend-jonas" and "nicht" in text_of(c), count=2
        )
        # A package that does not exist is refused; too much extra time too.
        await post_friends_webhook(client, [tap("friend-anna", f"DONEEXTRA:{ref}:gold:0", 9)])
        await wait_for(graph, lambda c: "Dieses Paket gibt es" in text_of(c))
        await post_friends_webhook(
            client, [tap("friend-anna", f"DONEEXTRA:{ref}:quick_help:999", 10)]
        )
        await wait_for(graph, lambda c: "zwischen 0 und 480" in text_of(c))
        assert await (await client.get("/api/v1/ledger", headers=admin_headers())).json() == []
