"""Writers to one SQLite file, queued in the event loop instead of in SQLite's sleeps.

SQLite lets one connection write at a time; the others retry in sleeps that grow to 100 ms,
with no queue, so under ten concurrent webhook POSTs some waited half a second
(docs/benchmarks.md). Inside one process the writers are coroutines: here they wait for a lock
in the event loop and wake the moment the writer before them commits. Acknowledging a webhook
(`urgent_writes`) goes before background work, but never twice in a row while background work
waits, so neither starves. SQLite's own lock and busy_timeout still stand between processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_only

_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
WAIT_SECONDS = 10.0  # as long as busy_timeout lets a writer wait for another process
_HOLDS = "techfriends_write_turn"
# SQLAlchemy runs a coroutine's database calls in a greenlet that shares its context.
_URGENT: ContextVar[bool] = ContextVar("urgent_writes", default=False)


@contextlib.contextmanager
def urgent_writes() -> Iterator[None]:
    """Writes in this block go before background writes (someone is waiting for the answer)."""
    token = _URGENT.set(True)
    try:
        yield
    finally:
        _URGENT.reset(token)


class WriteTurns:
    """A lock with two queues, handed straight to the next writer on release."""

    def __init__(self) -> None:
        self._held = False
        self._last_urgent = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    async def acquire(self, urgent: bool) -> None:
        if not self._held and not self._urgent and not self._normal:
            self._held, self._last_urgent = True, urgent
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._normal).append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed over just as the waiter gave up
            else:
                with contextlib.suppress(ValueError):
                    (self._urgent if urgent else self._normal).remove(turn)
            raise
        self._last_urgent = urgent

    def release(self) -> None:
        urgent_next = bool(self._urgent) and not (self._last_urgent and self._normal)
        for queue in (self._urgent, self._normal) if urgent_next else (self._normal, self._urgent):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._held = False


class _PerLoop:
    """One WriteTurns per event loop: tests run many loops against one engine."""

    def __init__(self) -> None:
        self._turns: dict[asyncio.AbstractEventLoop, WriteTurns] = {}

    def get(self) -> WriteTurns:
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            self._turns = {k: v for k, v in self._turns.items() if not k.is_closed()}
            turns = self._turns[loop] = WriteTurns()
        return turns


def queue_writers(engine: AsyncEngine) -> None:
    """Take a turn before a transaction's first write; give it back at commit or rollback."""
    turns = _PerLoop()

    def before_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if _HOLDS in conn.info or not _WRITES.match(statement):
            return
        mine = turns.get()
        # The sync event runs in SQLAlchemy's greenlet for the calling coroutine, so it can
        # wait in the event loop without blocking it.
        try:
            await_only(asyncio.wait_for(mine.acquire(_URGENT.get()), WAIT_SECONDS))
        except TimeoutError as exc:
            raise OperationalError(statement, None, exc) from exc
        conn.info[_HOLDS] = mine

    def give_back(info: dict[Any, Any]) -> None:
        mine = info.pop(_HOLDS, None)
        if mine is not None:
            mine.release()

    def after_transaction(conn: Connection) -> None:
        give_back(conn.info)

    def on_checkin(_dbapi: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        # A connection handed back mid-transaction (an error, a cancelled task) is rolled
        # back by the pool: its turn ends too.
        give_back(record.info)

    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", before_write)
    event.listen(sync, "commit", after_transaction)
    event.listen(sync, "rollback", after_transaction)
    event.listen(sync.pool, "checkin", on_checkin)
