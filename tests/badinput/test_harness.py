"""The corpus runs' own checks can fail: a snapshot sees inserts and in-place updates, and a
run records a 500, a 2xx where a 4xx belongs, a 4xx without a reason and a data change."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.badinput.harness import ACCEPTED, REJECTED, SERVER_ERROR, Reply, Run, snapshot

NOTE = (
    "INSERT INTO conversation_notes (sender_id, author, text, created_at) "
    "VALUES ('harness', 'test', :text, CURRENT_TIMESTAMP)"
)


async def test_snapshot_sees_inserts_and_updates(engine: AsyncEngine) -> None:
    empty = await snapshot(engine)
    async with engine.begin() as conn:
        await conn.execute(text(NOTE), {"text": "eins"})
    inserted = await snapshot(engine)
    assert inserted["conversation_notes"][0] == empty["conversation_notes"][0] + 1
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE conversation_notes SET text = 'zwei'"))
    updated = await snapshot(engine)
    assert updated["conversation_notes"][0] == inserted["conversation_notes"][0]
    assert updated["conversation_notes"][1] != inserted["conversation_notes"][1]
    assert {t: v for t, v in updated.items() if t != "conversation_notes"} == {
        t: v for t, v in empty.items() if t != "conversation_notes"
    }


async def test_a_run_records_every_kind_of_failure(engine: AsyncEngine) -> None:
    run = Run("harness", engine)

    async def answer(status: int, body: str = '{"error": "why"}') -> Reply:
        return Reply(status, body)

    async def change_data() -> Reply:
        async with engine.begin() as conn:
            await conn.execute(text(NOTE), {"text": "drei"})
        return Reply(422, '{"error": "validation failed", "errors": {"x": "bad"}}')

    await run.reject("fine", lambda: answer(422))
    await run.reject("server error", lambda: answer(500))
    await run.reject("accepted", lambda: answer(201))
    await run.reject("no reason", lambda: answer(400, ""))
    await run.reject("changes data", change_data)
    assert run.outcomes == {REJECTED: 3, SERVER_ERROR: 1, ACCEPTED: 1}
    assert [f.split(":")[0] for f in run.failures] == [
        "server error",
        "accepted",
        "no reason",
        "changes data",
    ]
