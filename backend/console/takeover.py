"""Human takeover: pause the bot, reply as a person through the customer's channel, hand back.

Pause, resume and the record of a staff reply are events appended to the conversation through
Rasa's HTTP API (`POST /conversations/{id}/tracker/events`), so the bot and the transcript agree
on who had the conversation and who wrote what. How the reply itself reaches the customer
depends on their channel, and is decided here only (`may_reply`, `send_reply`):
- Messenger: the backend's outbox (page "customers") with the HUMAN_AGENT tag, which Meta allows
  for 7 days after the customer's last message; stored first, so it survives an outage.
- the website chat: the bot's push endpoint (`POST {RASA_URL}/webhooks/webchat/push`), which
  emits it to the customer's open page and keeps it in the chat's history for their return.
- WhatsApp: the bot's push endpoint (`POST {RASA_URL}/webhooks/whatsapp/push`), which stores it
  in the bot's WhatsApp outbox before it answers. Free text reaches a WhatsApp customer only
  within 24 hours of their last message (there is no 7-day tag as on Messenger); the window is
  read from the bot's store (`wa_contacts`) when the console knows it, and the bot refuses a
  late reply (409) in any case.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import text_message
from backend.adapters.messenger_window import ChannelWindow
from backend.adapters.orm import OutboxMessage
from product.channels import MESSENGER, WEBCHAT, WHATSAPP, of_conversation
from whatsapp_platform.window import may_send_free_text

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
    """Whether the customer's channel lets a person answer now, by the conversation's last
    message: Messenger for 7 days (HUMAN_AGENT), WhatsApp for 24 hours (the customer-service
    window); the website chat keeps a late reply in the history the customer sees when they
    return."""
    channel = of_conversation(sender_id)
    if channel == MESSENGER:
        return last_user_at is not None and now - last_user_at <= HUMAN_AGENT_WINDOW
    if channel == WHATSAPP:
        return may_send_free_text(last_user_at, now)
    return True


def window_closed(sender_id: str) -> str:
    """The console's message (i18n key) for a reply the channel no longer allows."""
    return (
        Sent.OUTSIDE_WHATSAPP_WINDOW.value
        if of_conversation(sender_id) == WHATSAPP
        else ("outside_window")
    )


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
    # WhatsApp: the bot did not take it (away, not configured): nothing reached the customer.
    WHATSAPP_FAILED = "reply_failed_whatsapp"
    # WhatsApp: the customer has not written for 24 hours; only templates may reach them.
    OUTSIDE_WHATSAPP_WINDOW = "outside_whatsapp_window"

    @property
    def reached(self) -> bool:
        return self in (Sent.QUEUED, Sent.DELIVERED, Sent.KEPT)


@dataclass(frozen=True)
class ReplyRoutes:
    """What a staff reply needs to reach a customer on any channel."""

    sessions: async_sessionmaker[AsyncSession]
    http: aiohttp.ClientSession
    rasa_url: str
    rasa_token: str
    wake_outbox: Callable[[], None]
    # Per channel, the bot's record of each customer's last message (the WhatsApp window).
    windows: Mapping[str, ChannelWindow] = field(default_factory=dict)


async def send_reply(routes: ReplyRoutes, sender_id: str, text: str, now: datetime) -> Sent:
    """Send a person's reply through the conversation's own channel."""
    channel = of_conversation(sender_id)
    if channel == WEBCHAT:
        return await push_webchat(routes, sender_id, text)
    if channel == WHATSAPP:
        return await push_whatsapp(routes, sender_id, text, now)
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


async def push_whatsapp(
    routes: ReplyRoutes, conversation_id: str, text: str, now: datetime
) -> Sent:
    """The bot's WhatsApp channel sends it from the customers' number (stored in its outbox
    first, sent and retried there). Refused here already when the bot's store says the window
    is closed: a reply that cannot go out should not wait in an outbox."""
    window = routes.windows.get(WHATSAPP)
    if window is not None and await window.is_open(conversation_id, now) is False:
        return Sent.OUTSIDE_WHATSAPP_WINDOW
    url = f"{routes.rasa_url}/webhooks/whatsapp/push"
    params = {"token": routes.rasa_token} if routes.rasa_token else {}
    body = {"conversation_id": conversation_id, "text": text}
    try:
        async with routes.http.post(
            url, params=params, json=body, timeout=aiohttp.ClientTimeout(total=15)
        ) as response:
            if response.status == 409:
                return Sent.OUTSIDE_WHATSAPP_WINDOW
            if response.status >= 400:
                log.warning(
                    "WhatsApp push for %s refused: %s %s",
                    conversation_id,
                    response.status,
                    (await response.text())[:300],
                )
                return Sent.WHATSAPP_FAILED
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("WhatsApp push for %s failed: %s", conversation_id, exc)
        return Sent.WHATSAPP_FAILED
    return Sent.QUEUED


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
