"""The customers' page store and outbox against the fake Graph API (no Rasa needed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.messenger_outbox import Outbox
from bot.messenger_send import SendApiClient
from bot.messenger_store import MessengerStore
from messenger_platform.send_policy import OutsideWindowError, RateLimiter
from simulator.fake_graph import FakeGraph, FaultPlan


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def outbox(
    tmp_path: Path, fake_graph: tuple[FakeGraph, str]
) -> AsyncIterator[tuple[Outbox, MessengerStore, Clock]]:
    store = MessengerStore(tmp_path / "customers.db")
    client = SendApiClient(fake_graph[1], "v21.0", "page-token")
    clock = Clock()
    box = Outbox(store, client, RateLimiter(rate=1000), clock=clock, backoff=lambda n: 2.0**n)
    store.store_inbound([("mid:1", "cust-1", {"text": "hallo"})])
    yield box, store, clock
    await client.close()
    store.close()


def _texts(fake: FakeGraph) -> list[str]:
    return [c.body["message"]["text"] for c in fake.calls() if not c.fault]


def test_redeliveries_are_recognised_after_a_restart(tmp_path: Path) -> None:
    store = MessengerStore(tmp_path / "s.db")
    assert store.store_inbound([("mid:a", "p", {}), ("mid:b", "p", {})]) == ["mid:a", "mid:b"]
    store.mark_handled("mid:a")
    store.close()
    reopened = MessengerStore(tmp_path / "s.db")
    assert reopened.store_inbound([("mid:a", "p", {}), ("mid:c", "p", {})]) == ["mid:c"]
    # b was stored (and acknowledged) but never handled: it is still waiting after the restart.
    assert [key for key, _ in reopened.pending_inbound()] == ["mid:b", "mid:c"]
    reopened.close()


async def test_a_message_goes_out_with_response_type(
    outbox: tuple[Outbox, MessengerStore, Clock], fake_graph: tuple[FakeGraph, str]
) -> None:
    box, store, _ = outbox
    await box.send("cust-1", {"text": "Hallo!"})
    assert await box.deliver_due() == 1
    call = fake_graph[0].calls()[0]
    assert call.body["messaging_type"] == "RESPONSE"
    assert call.access_token == "page-token"
    assert store.outbox_rows()[0]["sent_at"] is not None


async def test_outside_the_24_hour_window_nothing_is_sent(
    outbox: tuple[Outbox, MessengerStore, Clock], fake_graph: tuple[FakeGraph, str]
) -> None:
    box, store, clock = outbox
    with pytest.raises(OutsideWindowError):
        await box.send("stranger", {"text": "Hallo"})
    clock.now += timedelta(hours=25)
    with pytest.raises(OutsideWindowError):
        await box.send("cust-1", {"text": "zu spät"})
    # A person from support may still answer for up to 7 days, tagged HUMAN_AGENT.
    await box.send("cust-1", {"text": "Hier ist Maria vom Support."}, tag="HUMAN_AGENT")
    await box.deliver_due()
    call = fake_graph[0].calls()[0]
    assert (call.body["messaging_type"], call.body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert len(store.outbox_rows()) == 1


@pytest.mark.parametrize("code", [1200, 2, 4, 613])
async def test_transient_errors_are_retried_with_backoff_in_order(
    outbox: tuple[Outbox, MessengerStore, Clock], fake_graph: tuple[FakeGraph, str], code: int
) -> None:
    box, store, clock = outbox
    fake = fake_graph[0]
    fake.faults = FaultPlan(remaining=2, status=500, error={"code": code, "message": "busy"})
    await box.send("cust-1", {"text": "eins"})
    await box.send("cust-1", {"text": "zwei"})
    assert await box.deliver_due() == 0  # first attempt fails; "zwei" waits behind "eins"
    clock.now += timedelta(seconds=0.5)
    assert await box.deliver_due() == 0  # not due yet (backoff 1 s)
    clock.now += timedelta(seconds=1)
    assert await box.deliver_due() == 0  # second failure, next wait 2 s
    clock.now += timedelta(seconds=2)
    assert await box.deliver_due() == 1
    assert await box.deliver_due() == 1
    assert _texts(fake) == ["eins", "zwei"]
    assert [r["attempts"] for r in store.outbox_rows()] == [3, 1]


@pytest.mark.parametrize(
    ("code", "subcode"), [(10, 2018278), (100, None), (190, None), (200, None), (551, None)]
)
async def test_permanent_errors_are_recorded_and_not_retried(
    outbox: tuple[Outbox, MessengerStore, Clock],
    fake_graph: tuple[FakeGraph, str],
    code: int,
    subcode: int | None,
) -> None:
    box, store, clock = outbox
    error = {"code": code, "message": "nope"} | ({"error_subcode": subcode} if subcode else {})
    fake_graph[0].faults = FaultPlan(remaining=1, status=400, error=error)
    await box.send("cust-1", {"text": "eins"})
    await box.send("cust-1", {"text": "zwei"})
    assert await box.deliver_due() == 0
    rows = store.outbox_rows()
    assert rows[0]["failed_at"] is not None and str(code) in rows[0]["error"]
    clock.now += timedelta(minutes=10)
    # The failed one is never tried again; the next message is not held up by it.
    assert await box.deliver_due() == 1
    assert _texts(fake_graph[0]) == ["zwei"]
    assert len(fake_graph[0].calls()) == 2


async def test_messages_accepted_while_meta_is_down_go_out_after_a_restart(
    tmp_path: Path, fake_graph: tuple[FakeGraph, str]
) -> None:
    fake, url = fake_graph
    fake.faults = FaultPlan(remaining=1, status=503, error={"code": 2, "message": "down"})
    store = MessengerStore(tmp_path / "c.db")
    store.store_inbound([("mid:1", "cust-1", {})])
    client = SendApiClient(url, "v21.0", "t")
    box = Outbox(store, client, backoff=lambda n: 0.0)
    await box.send("cust-1", {"text": "Ihr Auftrag ist eingegangen."})
    assert await box.deliver_due() == 0
    await client.close()
    store.close()

    store = MessengerStore(tmp_path / "c.db")  # the process restarted
    client = SendApiClient(url, "v21.0", "t")
    assert await Outbox(store, client).deliver_due() == 1
    assert _texts(fake) == ["Ihr Auftrag ist eingegangen."]
    await client.close()
    store.close()


async def test_no_answer_at_all_counts_as_retryable(tmp_path: Path) -> None:
    store = MessengerStore(tmp_path / "n.db")
    store.store_inbound([("mid:1", "cust-1", {})])
    client = SendApiClient("http://127.0.0.1:9", "v21.0", "t")  # nothing listens there
    box = Outbox(store, client, backoff=lambda n: 60.0)
    await box.send("cust-1", {"text": "x"})
    assert await box.deliver_due() == 0
    row = store.outbox_rows()[0]
    assert row["failed_at"] is None and row["attempts"] == 1 and "no answer" in row["error"]
    await client.close()
    store.close()
