"""Every message to a WhatsApp customer goes through here: the 24-hour window, the durable
outbox, Meta's answer judged by whatsapp_platform.errors.

The Messenger outbox (bot/messenger_outbox.py) does the storing, leasing, ordering per person
and the delivery rounds; this one differs in what it sends (WhatsApp bodies, recipients named
by their conversation id `wa-<wa_id>`) and in how it reads an answer:

- accepted: the row keeps the wamid Meta returns (`messages[0].id`), which the statuses in
  later webhooks name (sent, delivered, read, failed);
- 131047 (the window closed after all): failed with that reason; free text cannot be
  re-sent, and the backend sends the news that matter as templates;
- 131026 (not deliverable) and template errors (132000…): failed, logged at error level with
  the code for support, never retried;
- rate limits (130429, 131056, …) and Meta's or the network's failures: the same message
  again after a backoff, at most send_policy.MAX_ATTEMPTS times;
- anything else: failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.messenger_outbox import Outbox, _now
from bot.messenger_store import MessengerStore, OutboxItem
from bot.whatsapp_send import WhatsAppClient
from messenger_platform.send_policy import (
    MAX_ATTEMPTS,
    OutsideWindowError,
    RateLimiter,
    backoff_seconds,
    graph_error,
)
from whatsapp_platform import errors, window
from whatsapp_platform.errors import Action

log = logging.getLogger(__name__)

# Meta's default throughput for a business number (messages per second).
RATE_PER_SECOND = 80


def wamid_of(data: dict[str, Any]) -> str | None:
    messages = data.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        wamid = messages[0].get("id")
        return wamid if isinstance(wamid, str) and wamid else None
    return None


class WhatsAppOutbox(Outbox):
    def __init__(
        self,
        store: MessengerStore,
        client: WhatsAppClient,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = _now,
        backoff: Callable[..., float] = backoff_seconds,
    ) -> None:
        super().__init__(store, client, limiter or RateLimiter(rate=RATE_PER_SECOND), clock)
        self.wa_backoff = backoff

    async def send(self, recipient: str, message: dict[str, Any], tag: str | None = None) -> int:
        """Check the window, store the body, wake the sender; returns the outbox id.
        `recipient`: the conversation id (wa-<wa_id>); `message`: a complete Cloud API body."""
        if tag is not None:
            raise ValueError("WhatsApp has no message tags: outside the window only templates")
        last = await asyncio.to_thread(self.store.last_inbound, recipient)
        now = self.clock()
        if not window.may_send_free_text(last, now):
            raise OutsideWindowError(f"{recipient} wrote last at {last}; over 24 hours ago")
        item_id = await asyncio.to_thread(self.store.enqueue, recipient, message, now)
        self._wake.set()
        return item_id

    async def send_action(self, recipient: str, action: str) -> None:
        """WhatsApp shows no typing bubble for business messages sent this way: nothing."""

    async def _attempt(self, item: OutboxItem) -> bool:
        await self.limiter.acquire()
        status, data = await self.client.post(item.body)
        action = errors.of_answer(status, data)
        code, subcode, message = graph_error(data)
        error = f"{status} {code}/{subcode}: {message}"
        where = f"message {item.id} to {item.recipient}"
        if action is Action.SENT:
            wamid = wamid_of(data)
            if wamid is None:
                log.warning("%s: accepted without a message id", where)
            await asyncio.to_thread(self.store.mark_sent, item.id, wamid)
            return True
        wait = errors.retry_in(action, item.attempts, self.wa_backoff)
        if wait is not None and item.attempts + 1 < MAX_ATTEMPTS:
            log.warning("%s: %s (%s); retry in %s", where, error, action.value, wait)
            await asyncio.to_thread(self.store.mark_retry, item.id, self.clock() + wait, error)
            return False
        if action is Action.USE_TEMPLATE:
            # The customer's window closed while the answer waited: free text cannot go out.
            error = f"outside the 24-hour window (131047): {error}"
            log.warning("%s not sent: %s", where, error)
        else:
            log.error("%s not delivered (%s, code %s): %s", where, action.value, code, error)
        await asyncio.to_thread(self.store.mark_failed, item.id, error, "failed")
        return False
