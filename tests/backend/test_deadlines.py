"""The contact deadline with a moved clock: reminder at 8 h, job taken away at 12 h, fired once."""

from __future__ import annotations

import asyncio

from backend.adapters.orm import InboxEvent, OutboxMessage
from backend.config import Settings
from backend.web.runtime import RUNTIME
from simulator.fake_graph import FakeGraph
from tests.backend.clock import (
    Client,
    MovableClock,
    alerts,
    backend,
    clocked,
    count_rows,
    events,
    sweep,
    triggers,
)
from tests.backend.conftest import FakeRasa, admin_headers
from tests.backend.helpers import (
    add_friend,
    buttons_of,
    create_job,
    get_friend,
    get_job,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]


def offers_to(graph: FakeGraph, recipient: str, reference: str) -> int:
    return len(
        [
            c
            for c in graph.calls()
            if c.recipient == recipient
            and "Neuer Auftrag" in text_of(c)
            and reference in text_of(c)
        ]
    )


async def _claimed(client: Client, graph: FakeGraph) -> tuple[str, dict[str, int]]:
    """Anna and Jonas get the offer, Anna claims it."""
    anna = await add_friend(client)
    jonas = await add_friend(
        client, name="Jonas Weber", messenger_id="friend-jonas", postal_code="10405"
    )
    ref: str = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c), count=2)
    assert await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)]) == 200
    [won] = await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
    assert "innerhalb von 12 Stunden" in text_of(won)
    return ref, {"anna": anna["id"], "jonas": jonas["id"]}


async def test_reminder_at_8_hours_then_the_job_goes_to_others_at_12(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        ref, ids = await _claimed(client, graph)
        job = await get_job(client, ref)
        assert job["status"] == "assigned"
        assert job["friend"] == {"first_name": "Anna", "rating": None}
        assert job["contact_deadline_at"] is not None

        clock.advance(hours=7, minutes=59)
        assert (await sweep(client))["contact_reminder"] == 0
        clock.advance(minutes=1)
        assert (await sweep(client))["contact_reminder"] == 1
        reminder = await wait_for(
            graph, lambda c: c.recipient == "friend-anna" and "Erinnerung" in text_of(c)
        )
        assert ref in text_of(reminder[0]) and "4 Stunden" in text_of(reminder[0])
        assert buttons_of(reminder[0])[0]["payload"] == f"CONTACTED:{ref}"
        assert (await sweep(client))["contact_reminder"] == 0  # no second reminder
        assert await events(settings.database_url, "contact_reminder") == 1

        clock.advance(hours=4)
        counts = await sweep(client)
        assert counts["contact_deadline"] == 1
        lost = await wait_for(
            graph, lambda c: c.recipient == "friend-anna" and "entzogen" in text_of(c)
        )
        assert ref in text_of(lost[0])
        # Back to dispatch from wave 1: Jonas is offered the job again, Anna never.
        await wait_for(graph, lambda c: offers_to(graph, "friend-jonas", ref) == 2)
        assert offers_to(graph, "friend-anna", ref) == 1
        job = await get_job(client, ref)
        assert job["status"] == "open" and job["friend"] is None and job["wave"] == 1
        assert job["contact_deadline_at"] is None

        anna = await get_friend(client, ids["anna"])
        assert anna["counters"]["missed_deadlines"] == 1  # type: ignore[index]
        assert anna["counters"]["claims"] == 1  # type: ignore[index]
        assert triggers(fake_rasa, "EXTERNAL_friend_missed_deadline") == [
            {
                "conversation": "cust-1",
                "query": {"output_channel": "messenger", "token": "rasa-token"},
                "body": {
                    "name": "EXTERNAL_friend_missed_deadline",
                    "entities": {"job_reference": ref},
                },
            }
        ]
        listed = await client.get("/api/v1/support-alerts", headers=admin_headers())
        [alert] = [a for a in await listed.json() if a["kind"] == "missed_deadline"]
        assert alert["job_reference"] == ref and alert["friend_id"] == ids["anna"]

        # Anna tapping her old Claim button is refused; Jonas can take the job.
        await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 5)])
        await wait_for(
            graph, lambda c: c.recipient == "friend-anna" and "nicht angeboten" in text_of(c)
        )
        await post_friends_webhook(client, [tap("friend-jonas", f"CLAIM:{ref}", 6)])
        await wait_for(graph, lambda c: c.recipient == "friend-jonas" and "gehört" in text_of(c))
        assert (await get_job(client, ref))["friend"] == {"first_name": "Jonas", "rating": None}


async def test_contacted_in_time_clears_the_deadline(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        ref, ids = await _claimed(client, graph)
        clock.advance(hours=3)
        await post_friends_webhook(client, [tap("friend-anna", f"CONTACTED:{ref}", 2)])
        await wait_for(graph, lambda c: "Kontakt ist vermerkt" in text_of(c))
        clock.advance(hours=20)
        counts = await sweep(client)
        assert counts["contact_reminder"] == counts["contact_deadline"] == 0
        job = await get_job(client, ref)
        assert job["status"] == "contacted" and job["contact_deadline_at"] is None
        anna = await get_friend(client, ids["anna"])
        assert anna["counters"]["contacted_in_time"] == 1  # type: ignore[index]
        assert anna["counters"]["missed_deadlines"] == 0  # type: ignore[index]
        assert not triggers(fake_rasa, "EXTERNAL_friend_missed_deadline")


async def test_a_deadline_passed_while_the_backend_was_down_fires_once_after_restart(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    config = clocked(settings, clock)
    async with backend(config) as client:
        ref, _ = await _claimed(client, graph)
    # Down for 13 hours: the reminder and the deadline both fell due meanwhile.
    clock.advance(hours=13)
    async with backend(config) as first, backend(config) as second:
        # Each instance swept on start; sweep both again at once, as two processes would.
        await asyncio.gather(sweep(first), sweep(second), sweep(first), sweep(second))
        assert (await get_job(first, ref))["status"] == "open"
    assert await events(settings.database_url, "missed_deadline") == 1
    assert await alerts(settings.database_url, "missed_deadline") == 1
    assert len(triggers(fake_rasa, "EXTERNAL_friend_missed_deadline")) == 1
    # Overdue by then, the 8-hour reminder is not sent after the job was taken away.
    assert await events(settings.database_url, "contact_reminder") == 0
    assert len([c for c in graph.calls() if "entzogen" in text_of(c)]) == 1


async def test_a_friend_can_hand_a_job_back(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        ref, ids = await _claimed(client, graph)
        await post_friends_webhook(client, [tap("friend-anna", f"HANDBACK:{ref}", 2)])
        await wait_for(graph, lambda c: "zurückgegeben" in text_of(c))
        assert (await get_job(client, ref))["status"] == "open"
        await sweep(client)
        await wait_for(graph, lambda c: offers_to(graph, "friend-jonas", ref) == 2)
        assert offers_to(graph, "friend-anna", ref) == 1
        anna = await get_friend(client, ids["anna"])
        assert anna["counters"]["hand_backs"] == 1  # type: ignore[index]
        assert await alerts(settings.database_url, "handed_back") == 1
        for _ in range(100):  # told right after the Friend's reply is queued
            if triggers(fake_rasa, "EXTERNAL_friend_handed_back"):
                break
            await asyncio.sleep(0.05)
        assert [t["body"] for t in triggers(fake_rasa, "EXTERNAL_friend_handed_back")] == [
            {
                "name": "EXTERNAL_friend_handed_back",
                "entities": {"job_reference": ref, "friend_name": "Anna"},
            }
        ]
        # Giving back twice, or a job that is not yours, is refused politely.
        await post_friends_webhook(client, [tap("friend-jonas", f"HANDBACK:{ref}", 3)])
        await wait_for(graph, lambda c: c.recipient == "friend-jonas" and "nicht" in text_of(c))


async def test_a_job_whose_deadline_waits_for_the_next_sweep_gets_no_late_reminder(
    settings: Settings, fake_graph: Graph, fake_rasa: FakeRasa
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        await add_friend(client)
        refs = [(await create_job(client, key=f"k{i}"))["reference"] for i in range(2)]
        await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c), count=2)
        for i, ref in enumerate(refs):
            await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 10 + i)])
        await wait_for(graph, lambda c: "gehört" in text_of(c), count=2)
        # More deadlines are due than one sweep takes (one here, 200 in production).
        client.app[RUNTIME].deadlines.batch = 1
        clock.advance(hours=13)
        first = await sweep(client)
        assert (first["contact_deadline"], first["contact_reminder"]) == (1, 0)
        second = await sweep(client)
        assert (second["contact_deadline"], second["contact_reminder"]) == (1, 0)
        assert await events(settings.database_url, "contact_reminder") == 0
        assert len(triggers(fake_rasa, "EXTERNAL_friend_missed_deadline")) == 2


async def test_handled_webhook_events_and_sent_messages_are_deleted_after_30_days(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        await add_friend(client)  # a check-in: one webhook event, one reply
        await wait_for(graph, lambda c: c.recipient == "friend-anna")
        for _ in range(100):  # the reply's outcome is stored just after the Graph call
            if await _sent_all(settings.database_url):
                break
            await asyncio.sleep(0.05)
        clock.advance(days=29)
        assert (await sweep(client))["retention"] == 0
        clock.advance(days=2)
        assert (await sweep(client))["retention"] == 2
        assert await count_rows(settings.database_url, InboxEvent) == 0
        assert await count_rows(settings.database_url, OutboxMessage) == 0


async def _sent_all(db_url: str) -> bool:
    total = await count_rows(db_url, OutboxMessage)
    unsent = await count_rows(db_url, OutboxMessage, sent_at=None)
    return total > 0 and unsent == 0
