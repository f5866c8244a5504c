"""The customers' channel store on SQLite and on PostgreSQL (shared by several Rasa servers).

The PostgreSQL cases open two stores on one database, as two Rasa servers do in the production
topology, and check that an event or a message is never taken by both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.messenger_store import INBOX_LEASE, OUTBOX_LEASE, MessengerStore
from tools import postgres

Opener = Callable[[], MessengerStore]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens another connection to the same store each time it is called."""
    opened: list[MessengerStore] = []
    if request.param == "sqlite":
        path = tmp_path / "customers.db"

        def opener() -> MessengerStore:
            opened.append(MessengerStore(path))
            return opened[-1]

        yield opener
    else:
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            pytest.fail("psycopg2-binary is needed for the PostgreSQL store (pip install it)")
        server: postgres.Server = request.getfixturevalue("postgres_server")
        name = postgres.unique_name("msg")
        postgres.run(postgres.create_database(server, name))
        url = server.url(name, driver="")

        def opener() -> MessengerStore:
            opened.append(MessengerStore(url=url))
            return opened[-1]

        yield opener
        for store in opened:
            store.close()
        postgres.run(postgres.drop_database(server, name))
        return
    for store in opened:
        store.close()


def test_a_store_needs_exactly_one_place(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        MessengerStore()
    with pytest.raises(ValueError):
        MessengerStore(tmp_path / "x.db", url="postgresql://nobody@127.0.0.1/x")


def test_redeliveries_are_recognised_by_every_server(open_store: Opener) -> None:
    first, second = open_store(), open_store()
    assert first.store_inbound([("mid:a", "p", {"n": 1}), ("mid:b", "p", {})]) == ["mid:a", "mid:b"]
    # Meta redelivers a to the other server, together with a new event c.
    assert second.store_inbound([("mid:a", "p", {}), ("mid:c", "p", {})]) == ["mid:c"]
    assert [k for k, _ in first.pending_inbound()] == ["mid:a", "mid:b", "mid:c"]
    assert first.pending_inbound()[0][1] == {"n": 1}
    assert second.last_inbound("p") is not None and second.last_inbound("nobody") is None


def test_unanswered_events_are_taken_once_and_only_when_their_claim_ran_out(
    open_store: Opener,
) -> None:
    server_a, server_b = open_store(), open_store()
    server_a.store_inbound([("mid:1", "p", {}), ("mid:2", "q", {})])
    server_a.mark_handled("mid:2")
    now = datetime.now(UTC)
    # Server A is answering mid:1: B, starting now, must not answer it too.
    assert server_b.claim_pending(now) == []
    # A died mid-turn: after the lease B takes it, once; a third look finds nothing.
    later = now + INBOX_LEASE + timedelta(seconds=1)
    assert [k for k, _ in server_b.claim_pending(later)] == ["mid:1"]
    assert server_a.claim_pending(later) == []
    # A store of one's own (SQLite, one Rasa server) answers everything unanswered at start.
    assert [k for k, _ in server_a.claim_pending(now, include_claimed=True)] == ["mid:1"]


def test_an_event_waiting_for_its_turn_keeps_its_claim(open_store: Opener) -> None:
    server_a, server_b = open_store(), open_store()
    server_a.store_inbound([("mid:w", "p", {}), ("mid:h", "q", {})])
    server_a.mark_handled("mid:h")
    now = datetime.now(UTC)
    # A renews what still waits behind its turn limit; a handled event is left alone.
    later = now + INBOX_LEASE - timedelta(seconds=1)
    assert server_a.extend_claims(["mid:w", "mid:h"], later) == 1
    assert server_a.extend_claims([], later) == 0
    # Past the first lease, B would have taken it; the renewed claim keeps it A's.
    assert server_b.claim_pending(now + INBOX_LEASE + timedelta(seconds=1)) == []
    beyond = later + INBOX_LEASE + timedelta(seconds=1)
    assert [k for k, _ in server_b.claim_pending(beyond)] == ["mid:w"]


def test_profiles_are_shared(open_store: Opener) -> None:
    first, second = open_store(), open_store()
    assert first.profile("p") is None
    first.save_profile("p", "Erika", "de_DE")
    second.save_profile("q", None, None)
    assert second.profile("p") == ("Erika", "de_DE")
    first.save_profile("p", "Erika", "en_GB")
    assert second.profile("p") == ("Erika", "en_GB")
    assert first.profile("q") == (None, None)


def test_a_due_message_is_leased_to_one_server_and_order_is_kept(open_store: Opener) -> None:
    server_a, server_b = open_store(), open_store()
    now = datetime.now(UTC)
    one = server_a.enqueue("p", {"message": {"text": "eins"}}, now)
    two = server_b.enqueue("p", {"message": {"text": "zwei"}}, now)
    other = server_a.enqueue("q", {"message": {"text": "other"}}, now)
    assert two > one
    taken = server_a.due(now)
    assert [(i.id, i.body["message"]["text"]) for i in taken] == [(one, "eins"), (other, "other")]
    # B sees nothing: the leased rows are A's, and "zwei" waits behind "eins".
    assert server_b.due(now) == []
    server_a.mark_sent(one)
    assert [i.id for i in server_b.due(now)] == [two]
    server_b.mark_sent(two)
    # A died while sending "other": once the lease is over, it is due again.
    assert [i.id for i in server_b.due(now + OUTBOX_LEASE + timedelta(seconds=1))] == [other]
    assert server_a.next_due_at() is not None
    rows = {r["id"]: r for r in server_b.outbox_rows()}
    assert rows[one]["sent_at"] is not None and rows[one]["attempts"] == 1


def test_a_retry_keeps_its_backoff_and_a_restart_alone_frees_the_leases(
    open_store: Opener,
) -> None:
    store = open_store()
    now = datetime.now(UTC)
    first = store.enqueue("p", {"n": 1}, now)
    [item] = store.due(now)
    store.mark_retry(item.id, now + timedelta(seconds=30), "503")
    assert store.due(now + timedelta(seconds=29)) == []
    assert [i.id for i in store.due(now + timedelta(seconds=30))] == [first]
    # The process died while sending: when it owns its store alone it frees its leases at
    # start, and the message goes out at once rather than when the lease would have ended.
    assert store.due(now + timedelta(seconds=31)) == []
    assert store.release_leases() == 1
    assert [i.id for i in store.due(now + timedelta(seconds=31))] == [first]
    assert store.next_due_at() == datetime.fromtimestamp(
        (now + timedelta(seconds=31) + OUTBOX_LEASE).timestamp(), UTC
    )


def test_concurrent_servers_never_take_the_same_message(open_store: Opener) -> None:
    stores = [open_store() for _ in range(4)]
    now = datetime.now(UTC)
    ids = {stores[0].enqueue(f"p{i}", {"n": i}, now) for i in range(200)}
    taken: list[int] = []
    lock = threading.Lock()

    def server(store: MessengerStore) -> None:
        for _ in range(20):
            got = [item.id for item in store.due(now, limit=7)]
            with lock:
                taken.extend(got)

    threads = [threading.Thread(target=server, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(ids)  # each message once, none left behind


def test_purge_forgets_only_old_finished_rows(open_store: Opener) -> None:
    store = open_store()
    store.store_inbound([("mid:old", "p", {}), ("mid:open", "p", {})])
    store.mark_handled("mid:old")
    sent = store.enqueue("p", {}, datetime.now(UTC))
    store.mark_sent(sent)
    waiting = store.enqueue("p", {}, datetime.now(UTC))
    assert store.purge(datetime.now(UTC)) == 0
    assert store.purge(datetime.now(UTC) + timedelta(days=8)) == 2
    assert [k for k, _ in store.pending_inbound()] == ["mid:open"]
    assert [r["id"] for r in store.outbox_rows()] == [waiting]
