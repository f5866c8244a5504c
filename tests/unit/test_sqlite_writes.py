"""Writers queue in the event loop: first come first served, acknowledgements before background
work but never twice in a row while background work waits, and a writer who gives up leaves
the queue."""

from __future__ import annotations

import asyncio

import pytest

from backend.adapters.sqlite_writes import WriteTurns


async def _writer(turns: WriteTurns, name: str, urgent: bool, order: list[str]) -> None:
    await turns.acquire(urgent)
    order.append(name)
    await asyncio.sleep(0)
    turns.release()


async def test_background_writers_take_turns_in_arrival_order() -> None:
    turns, order = WriteTurns(), []
    await turns.acquire(False)
    tasks = [asyncio.create_task(_writer(turns, f"w{i}", False, order)) for i in range(5)]
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*tasks)
    assert order == ["w0", "w1", "w2", "w3", "w4"]


async def test_an_acknowledgement_goes_first_but_not_twice_in_a_row() -> None:
    turns, order = WriteTurns(), []
    await turns.acquire(False)
    tasks = [
        asyncio.create_task(_writer(turns, "background-1", False, order)),
        asyncio.create_task(_writer(turns, "background-2", False, order)),
        asyncio.create_task(_writer(turns, "ack-1", True, order)),
        asyncio.create_task(_writer(turns, "ack-2", True, order)),
    ]
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*tasks)
    assert order == ["ack-1", "background-1", "ack-2", "background-2"]


async def test_a_writer_who_gives_up_leaves_the_queue() -> None:
    turns, order = WriteTurns(), []
    await turns.acquire(False)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(turns.acquire(True), 0.01)
    late = asyncio.create_task(_writer(turns, "late", False, order))
    await asyncio.sleep(0)
    turns.release()
    await late
    assert order == ["late"]
    # Free again: a new writer gets the turn at once.
    await asyncio.wait_for(turns.acquire(False), 0.1)
