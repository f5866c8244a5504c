"""Every message to a customer goes through here: window check, outbox, retries, rate limit.

A message is stored before it is sent, so one accepted while Meta is down goes out when Meta
is back, in order per person. Retryable Send API errors wait with exponential backoff and
jitter; permanent ones are recorded and not retried (messenger_platform/send_policy.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.messenger_send import SendApiClient, graph_error
from bot.messenger_store import MessengerStore, OutboxItem
from messenger_platform.send_policy import (
    OutsideWindowError,
    RateLimiter,
    Verdict,
    backoff_seconds,
    classify,
    within_window,
)

log = logging.getLogger(__name__)

HUMAN_AGENT_WINDOW = timedelta(days=7)
MAX_ATTEMPTS = 12  # with the 5-minute cap, about half an hour of Meta being down
CONCURRENT_SENDS = 20


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    def __init__(
        self,
        store: MessengerStore,
        client: SendApiClient,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = _now,
        backoff: Callable[[int], float] = backoff_seconds,
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
        code, subcode, message = graph_error(data)
        verdict = classify(status, code, subcode)
        if verdict is Verdict.SENT:
            await asyncio.to_thread(self.store.mark_sent, item.id)
            return True
        error = f"{status} {code}/{subcode}: {message}"
        if verdict is Verdict.RETRY and item.attempts + 1 < MAX_ATTEMPTS:
            wait = timedelta(seconds=self.backoff(item.attempts))
            log.warning("message %s to %s: %s; retry in %s", item.id, item.recipient, error, wait)
            await asyncio.to_thread(self.store.mark_retry, item.id, self.clock() + wait, error)
        else:
            log.error("message %s to %s not delivered: %s", item.id, item.recipient, error)
            await asyncio.to_thread(self.store.mark_failed, item.id, error)
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
            timeout = 5.0
            if next_due is not None:
                timeout = min(timeout, max(0.0, (next_due - self.clock()).total_seconds()))
            wake = asyncio.ensure_future(self._wake.wait())
            stop = asyncio.ensure_future(stopping.wait())
            await asyncio.wait({wake, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            wake.cancel()
            stop.cancel()
