"""Human takeover: pause the bot, reply as a person through the customers' page, hand back.

Pause, resume and the record of a staff reply are events appended to the conversation through
Rasa's HTTP API (`POST /conversations/{id}/tracker/events`), so the bot and the transcript agree
on who had the conversation and who wrote what. The reply itself goes through the backend's
outbox (page "customers") with the HUMAN_AGENT tag, which Meta allows for 7 days after the
customer's last message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.messenger import text_message
from backend.adapters.orm import OutboxMessage

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


def may_reply(last_user_at: datetime | None, now: datetime) -> bool:
    return last_user_at is not None and now - last_user_at <= HUMAN_AGENT_WINDOW


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
