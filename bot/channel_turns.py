"""How our chat channels (Messenger, WhatsApp) run Rasa turns for events they stored before
acknowledging them: in arrival order per person, at most N turns at once, a turn whose custom
action could not run tried once more and otherwise answered with an apology, and events left
unanswered by a stop (or by another server that died, when the store is shared) taken up again.

The channels differ in what an event is and how it becomes a UserMessage; this module knows
only store keys, senders and turns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from rasa.core.channels.channel import UserMessage

from bot import unreachable_actions
from bot.messenger_store import MessengerStore

log = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# (store key, stored event) → the turn for it, spawned as a task.
Handler = Callable[[str, dict[str, Any]], Awaitable[None]]
# An indicator such as Messenger's typing bubble: (sender, "typing_on" | "typing_off").
Indicator = Callable[[str, str], Awaitable[None]]
CLAIM_ROUND_SECONDS = 30.0


_LIMIT: list[asyncio.Semaphore] = []


def shared_limit(concurrent_turns: int) -> asyncio.Semaphore:
    """One limit for every channel of the server: the turns share Rasa's event loop and CPU,
    so Messenger's and WhatsApp's turns count together (the first channel's number counts)."""
    if not _LIMIT:
        _LIMIT.append(asyncio.Semaphore(max(1, concurrent_turns)))
    return _LIMIT[0]


class TurnOutput(Protocol):
    """What the turns need of a channel's OutputChannel: what it said in this run."""

    sent: int
    messages: list[dict[str, Any]]

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None: ...


Output = TypeVar("Output", bound=TurnOutput)


class Turns:
    def __init__(self, store: MessengerStore, concurrent_turns: int, retry_seconds: float) -> None:
        self.store = store
        self.retry_seconds = retry_seconds
        self._sender_locks: dict[str, asyncio.Lock] = {}
        self._limit = shared_limit(concurrent_turns)
        # Events this server has taken and not answered yet: their claims are renewed while
        # they wait, or another server sharing the store would answer them too.
        self._open: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.stopping = asyncio.Event()

    def spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(self, handle: Handler) -> None:
        """After the server started: unanswered events are taken up (see the module doc)."""
        self.stopping = asyncio.Event()
        # A store of our own has nobody else answering them, a shared one only those whose
        # server's claim ran out (that server died mid-turn), now and every half minute.
        await self.answer_unanswered(handle, include_claimed=not self.store.shared)
        if self.store.shared:
            self.spawn(self._answer_unanswered_loop(handle))

    async def stop(self) -> None:
        self.stopping.set()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)

    async def answer_unanswered(self, handle: Handler, include_claimed: bool) -> None:
        claimed = await asyncio.to_thread(
            self.store.claim_pending, datetime.now(UTC), include_claimed
        )
        for key, data in claimed:
            log.info("answering %s, received before a restart", key)
            self.spawn(handle(key, data))

    async def _answer_unanswered_loop(self, handle: Handler) -> None:
        while not self.stopping.is_set():
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait({stop}, timeout=CLAIM_ROUND_SECONDS)
            stop.cancel()
            if self.stopping.is_set():
                return
            try:
                await asyncio.to_thread(
                    self.store.extend_claims, sorted(self._open), datetime.now(UTC)
                )
                await self.answer_unanswered(handle, include_claimed=False)
            except Exception:  # the store may be restarting; try again next round
                log.exception("looking for unanswered events failed")

    @asynccontextmanager
    async def taken(self, key: str) -> AsyncIterator[None]:
        """While an event is being answered by this server (its claim is renewed)."""
        self._open.add(key)
        try:
            yield
        finally:
            self._open.discard(key)

    @asynccontextmanager
    async def in_order(self, sender: str) -> AsyncIterator[None]:
        """One person's turns one after the other, in the order their tasks were created."""
        lock = self._sender_locks.setdefault(sender, asyncio.Lock())
        # Tasks are created in arrival order and asyncio locks wake waiters first-in,
        # first-out, so one person's messages are answered in the order they were written.
        async with lock:
            yield
        if not lock.locked() and not getattr(lock, "_waiters", None):
            self._sender_locks.pop(sender, None)

    async def run_once(
        self,
        message: UserMessage,
        output: TurnOutput,
        on_new_message: OnNewMessage,
        indicator: Indicator | None = None,
    ) -> unreachable_actions.TurnAborted | None:
        """One run of Rasa on the message, within the turn limit; the abort if an action
        could not run (Rasa saved nothing of the turn then)."""
        async with self._limit:
            sender = message.sender_id
            if indicator is not None:
                await indicator(sender, "typing_on")
            try:
                with unreachable_actions.channel_turn():
                    await on_new_message(message)
            except unreachable_actions.TurnAborted as aborted:
                return aborted
            except Exception:
                # Marked handled all the same: replaying a turn that crashes would loop.
                log.exception("turn for %s failed", sender)
            finally:
                if output.sent == 0 and indicator is not None:
                    # No answer (the conversation is with support staff, or nothing to say):
                    # the "typing…" bubble must not promise one.
                    await indicator(sender, "typing_off")
        return None

    async def run(
        self,
        sender: str,
        new_output: Callable[[list[dict[str, Any]]], Output],
        new_message: Callable[[Output], UserMessage],
        on_new_message: OnNewMessage,
        indicator: Indicator | None = None,
    ) -> None:
        """The turn, run once more after a short wait when an action could not run, and
        answered with the apology when it fails again. `new_output(already_sent)` makes an
        output that skips what the first run said (the customer has that already)."""
        already_sent: list[dict[str, Any]] = []
        for attempt in (1, 2):
            output = new_output(already_sent)
            message = new_message(output)
            aborted = await self.run_once(message, output, on_new_message, indicator)
            if aborted is None:
                return
            already_sent += output.messages[len(already_sent) :]
            if attempt == 1:
                log.warning("turn for %s: %s; trying once more", sender, aborted)
                # Outside the turn limit: other customers' turns go on meanwhile.
                await asyncio.sleep(self.retry_seconds)
                continue
            log.error("turn for %s: %s again; apologised", sender, aborted)
            for reply in aborted.apology:
                await output.send_response(sender, reply)
