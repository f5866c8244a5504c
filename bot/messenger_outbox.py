"""Every message to a customer goes through here: window check, outbox, retries, rate limit.

A message is stored before it is sent, so one accepted while Meta is down goes out when Meta
is back, in order per person. Retryable Send API errors wait with exponential backoff and
jitter; permanent ones are recorded and not retried.

The rules are the Friends' outbox's (backend/services/outbox.py): both judge an attempt with
messenger_platform/send_policy.py's `outcome` and pause with its `pause`. The rows are not
shared: this one runs in .venv-bot (Rasa pins SQLAlchemy 1.4) and keeps them in the channel's
own store (bot/messenger_store.py, SQLite or PostgreSQL), while the backend's outbox row is
written in the same SQLAlchemy 2 transaction as the change it reports.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.messenger_store import MessengerStore, OutboxItem
from messenger_platform import send_policy
from messenger_platform.send_policy import OutsideWindowError, RateLimiter, within_window

log = logging.getLogger(__name__)

HUMAN_AGENT_WINDOW = timedelta(days=7)
CONCURRENT_SENDS = 20


def _now() -> datetime:
    return datetime.now(UTC)


class GraphClient(Protocol):
    """What the outbox needs of a Send API client (bot/messenger_send.py, bot/whatsapp_send.py)."""

    async def post(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]: ...


class Outbox:
    def __init__(
        self,
        store: MessengerStore,
        client: GraphClient,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = _now,
        backoff: Callable[[int], float] = send_policy.backoff_seconds,
    ) -> None:
        self.store, self.client = store, client
        self.limiter = limiter or RateLimiter()
        self.clock, self.backoff = clock, backoff
        self._wake = asyncio.Event()

    async def send(
        self,
        recipient: str,
        message: dict[str, Any],
        tag: str | None = None,
    ) -> int:
        """Check the window, store the message, wake the sender; returns the outbox id."""
        last = await asyncio.to_thread(self.store.last_inbound, recipient)
        now = self.clock()
        body: dict[str, Any]
        if tag == "HUMAN_AGENT":
            # Only for messages a person in support typed; allowed up to 7 days.
            if last is None or now - last >= HUMAN_AGENT_WINDOW:
                raise OutsideWindowError(f"{recipient} wrote last at {last}; over 7 days ago")
            body = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        elif tag is not None:
            raise ValueError(f"message tag {tag!r} is not used by techfriends")
        else:
            if not within_window(last, now):
                raise OutsideWindowError(f"{recipient} wrote last at {last}; over 24 hours ago")
            body = {"messaging_type": "RESPONSE"}
        body = {"recipient": {"id": recipient}, **body, "message": message}
        item_id = await asyncio.to_thread(self.store.enqueue, recipient, body, now)
        self._wake.set()
        return item_id

    async def send_action(self, recipient: str, action: str) -> None:
        """Typing indicators: cosmetic, so sent directly and never retried or stored."""
        last = await asyncio.to_thread(self.store.last_inbound, recipient)
        if within_window(last, self.clock()):
            await self.client.post({"recipient": {"id": recipient}, "sender_action": action})

    async def deliver_due(self) -> int:
        """Try every message that is due now; returns how many went out."""
        items = await asyncio.to_thread(self.store.due, self.clock())
        semaphore = asyncio.Semaphore(CONCURRENT_SENDS)

        async def one(item: OutboxItem) -> bool:
            async with semaphore:
                return await self._attempt(item)

        return sum(await asyncio.gather(*(one(i) for i in items)))

    async def _attempt(self, item: OutboxItem) -> bool:
        await self.limiter.acquire()
        status, data = await self.client.post(item.body)
        outcome = send_policy.outcome(status, data, item.attempts, self.backoff)
        if outcome.result == "sent":
            await asyncio.to_thread(self.store.mark_sent, item.id)
            return True
        if outcome.result == "retry":
            log.warning(
                "message %s to %s: %s; retry in %s",
                item.id,
                item.recipient,
                outcome.error,
                outcome.retry_in,
            )
            next_at = self.clock() + outcome.retry_in
            await asyncio.to_thread(self.store.mark_retry, item.id, next_at, outcome.error)
        else:
            log.error("message %s to %s not delivered: %s", item.id, item.recipient, outcome.error)
            await asyncio.to_thread(self.store.mark_failed, item.id, outcome.error)
        return False

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver as messages arrive and as retries fall due, until `stopping` is set."""
        while not stopping.is_set():
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:  # the loop must survive a bad row or a full disk
                log.exception("outbox delivery round failed")
            next_due = await asyncio.to_thread(self.store.next_due_at)
            due_in = None if next_due is None else (next_due - self.clock()).total_seconds()
            await send_policy.pause(self._wake, stopping, due_in)
