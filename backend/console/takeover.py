"""Human takeover: pause the bot, reply as a person through the customer's channel, hand back.

Pause, resume and the record of a staff reply are events appended to the conversation through
Rasa's HTTP API (`POST /conversations/{id}/tracker/events`), so the bot and the transcript agree
on who had the conversation and who wrote what. How the reply itself reaches the customer
depends on their channel, and is decided here only (`may_reply`, `send_reply`):
- Messenger: the backend's outbox (page "customers") with the HUMAN_AGENT tag, which Meta allows
  for 7 days after the customer's last message; stored first, so it survives an outage.
- the website chat: the bot's push endpoint (`POST {RASA_URL}/webhooks/webchat/push`), which
  emits it to the customer's open page and keeps it in the chat's history for their return.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import text_message
from backend.adapters.orm import OutboxMessage
from product.channels import MESSENGER, WEBCHAT, of_conversation

log = logging.getLogger(__name__)

CUSTOMERS_PAGE = "customers"
HUMAN_AGENT_WINDOW = timedelta(days=7)
MAX_REPLY = 2000


def human_agent_body(psid: str, text: str) -> dict[str, Any]:
    return {
        "recipient": {"id": psid},
        "messaging_type": "MESSAGE_TAG",
        "tag": "HUMAN_AGENT",
        "message": text_message(text),
    }


def may_reply(sender_id: str, last_user_at: datetime | None, now: datetime) -> bool:
    """Whether the customer's channel lets a person answer now. Only Messenger has a window;
    the website chat keeps a late reply in the history the customer sees when they return."""
    if of_conversation(sender_id) == MESSENGER:
        return last_user_at is not None and now - last_user_at <= HUMAN_AGENT_WINDOW
    return True


def queue_reply(session: AsyncSession, psid: str, text: str, now: datetime) -> OutboxMessage:
    """Add the reply to the caller's transaction (sent by the customers' outbox worker)."""
    row = OutboxMessage(
        page=CUSTOMERS_PAGE,
        recipient=psid,
        body=human_agent_body(psid, text),
        created_at=now,
        next_attempt_at=now,
    )
    session.add(row)
    return row


class Sent(enum.Enum):
    """What became of a staff reply; the value is the console's message for it (i18n.py)."""

    QUEUED = "reply_queued"  # in the outbox, sent (and retried) by its worker
    DELIVERED = "reply_delivered"  # on the customer's open page now
    KEPT = "reply_kept"  # no page open: in the chat's history for when they come back
    FAILED = "reply_failed"  # the bot refused it or was away: nothing reached the customer

    @property
    def reached(self) -> bool:
        return self is not Sent.FAILED


@dataclass(frozen=True)
class ReplyRoutes:
    """What a staff reply needs to reach a customer on any channel."""

    sessions: async_sessionmaker[AsyncSession]
    http: aiohttp.ClientSession
    rasa_url: str
    rasa_token: str
    wake_outbox: Callable[[], None]


async def send_reply(routes: ReplyRoutes, sender_id: str, text: str, now: datetime) -> Sent:
    """Send a person's reply through the conversation's own channel."""
    if of_conversation(sender_id) == WEBCHAT:
        return await push_webchat(routes, sender_id, text)
    async with routes.sessions() as session:
        # Stored before we answer: the outbox sends it even if Meta or we go down meanwhile.
        queue_reply(session, sender_id, text, now)
        await session.commit()
    routes.wake_outbox()
    return Sent.QUEUED


async def push_webchat(routes: ReplyRoutes, conversation_id: str, text: str) -> Sent:
    """The bot's web-chat channel owns the sockets: it emits the reply to the open page.
    Not retried: the person sees FAILED at once and can send again."""
    url = f"{routes.rasa_url}/webhooks/webchat/push"
    params = {"token": routes.rasa_token} if routes.rasa_token else {}
    body = {"conversation_id": conversation_id, "text": text, "sender": "staff"}
    try:
        async with routes.http.post(
            url, params=params, json=body, timeout=aiohttp.ClientTimeout(total=15)
        ) as response:
            if response.status >= 400:
                log.warning(
                    "web chat push for %s refused: %s %s",
                    conversation_id,
                    response.status,
                    (await response.text())[:300],
                )
                return Sent.FAILED
            answer = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("web chat push for %s failed: %s", conversation_id, exc)
        return Sent.FAILED
    delivered = answer.get("delivered") if isinstance(answer, dict) else None
    return Sent.DELIVERED if isinstance(delivered, int) and delivered > 0 else Sent.KEPT


async def append_events(
    http: aiohttp.ClientSession,
    rasa_url: str,
    token: str,
    sender_id: str,
    events: list[dict[str, Any]],
) -> bool:
    """Append events to the conversation in Rasa; False when Rasa refused or was unreachable."""
    url = f"{rasa_url}/conversations/{quote(sender_id, safe='')}/tracker/events"
    params = {"token": token} if token else {}
    try:
        async with http.post(
            url, params=params, json=events, timeout=aiohttp.ClientTimeout(total=15)
        ) as response:
            if response.status >= 400:
                log.warning(
                    "Rasa refused events for %s: %s %s",
                    sender_id,
                    response.status,
                    (await response.text())[:300],
                )
                return False
            return True
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("Rasa unreachable for %s: %s", sender_id, exc)
        return False


def pause_events() -> list[dict[str, Any]]:
    return [{"event": "pause"}]


def resume_events() -> list[dict[str, Any]]:
    # The bot's own hand-off rule set handed_off; clear it so the bot answers normally again.
    # The closing action_listen is a turn boundary: without it the policies read the customer's
    # next message as part of the hand-off turn, fall back, and hand off once more.
    return [
        {"event": "resume"},
        {"event": "slot", "name": "handed_off", "value": False},
        {"event": "action", "name": "action_listen"},
    ]


def reply_event(text: str, agent: str, now: datetime) -> dict[str, Any]:
    return {
        "event": "bot",
        "text": text,
        "timestamp": now.timestamp(),
        "metadata": {"agent": agent},
    }
