"""Telling a customer something through the bot: Rasa's trigger_intent HTTP API."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp

from backend.adapters.messenger_window import ChannelWindow
from messenger_platform import logs
from product.channels import MESSENGER
from whatsapp_platform.errors import Action

log = logging.getLogger(__name__)

# Answers that may be different a moment later; any other 4xx means the bot will never take it
# (an intent the model does not know, a wrong token).
_TRANSIENT = frozenset({408, 409, 423, 425, 429})
NOTICE_ENTITY = "notice_id"


class Delivery(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # unreachable, 5xx: try again later
    # Sent, but no answer came (timed out, connection lost): the bot may be working on it still.
    UNCERTAIN = "uncertain"
    REFUSED = "refused"  # the bot said no for good
    # The channel may not write to them now (Messenger: 24 hours since their last message).
    UNREACHABLE = "unreachable"


class TemplateResult(Protocol):
    """What came of a notice sent as a template (backend/whatsapp/news.TemplateOutcome)."""

    @property
    def action(self) -> Action: ...
    @property
    def template(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def wait(self) -> timedelta | None: ...


class TemplateNews(Protocol):
    """Tells a notice without the bot, where the bot may not write (WhatsApp outside the
    24-hour window): backend/whatsapp/news.WhatsAppNews, a layer above this one."""

    def tells(self, intent: str) -> bool: ...

    async def tell(
        self,
        conversation_id: str,
        language: str,
        intent: str,
        entities: Mapping[str, Any],
        notice_id: str,
        earlier_attempts: int = 0,
    ) -> TemplateResult: ...


class RasaClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        token: str,
        timeout: float = 30.0,
        messenger_window: ChannelWindow | None = None,
        windows: Mapping[str, ChannelWindow] | None = None,
        whatsapp_news: TemplateNews | None = None,
    ) -> None:
        self._http = http
        self._base_url = base_url
        self._token = token
        self._timeout = timeout
        # Per channel, the store that knows when each customer last wrote (Messenger's and
        # WhatsApp's 24-hour windows); the web chat has none: it keeps news in its history.
        self._windows: dict[str, ChannelWindow] = dict(windows or {})
        if messenger_window is not None:
            self._windows.setdefault(MESSENGER, messenger_window)
        # News the bot may not send (WhatsApp outside the window) go as templates from here.
        self.whatsapp_news = whatsapp_news

    async def window_open(self, channel: str, conversation_id: str, now: datetime) -> bool | None:
        """Whether `channel` may write to the customer freely at `now`; None when unknown (no
        window on this channel, no store, no row for them)."""
        window = self._windows.get(channel)
        if window is None:
            return None
        return await window.is_open(conversation_id, now)

    async def can_reach(self, channel: str, conversation_id: str, now: datetime) -> bool:
        """False only when the customer's channel certainly may not write to them now."""
        return await self.window_open(channel, conversation_id, now) is not False

    def _params(self, **extra: str) -> dict[str, str]:
        return {**extra, "token": self._token} if self._token else extra

    async def trigger_intent(
        self, conversation_id: str, intent: str, entities: dict[str, Any], channel: str
    ) -> Delivery:
        """Rasa runs the intent's turn and sends what the bot says through `channel`'s output
        (the customer's own: Messenger's Send API, the website chat's socket)."""
        url = f"{self._base_url}/conversations/{conversation_id}/trigger_intent"
        # Rasa's log lines for this turn then name the request that caused it.
        headers = {**logs.outgoing_headers(), logs.CONVERSATION_ID_HEADER: conversation_id}
        try:
            async with self._http.post(
                url,
                params=self._params(output_channel=channel),
                json={"name": intent, "entities": entities},
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                if response.status >= 400:
                    log.warning(
                        "Rasa refused %s for %s: %s %s",
                        intent,
                        conversation_id,
                        response.status,
                        (await response.text())[:300],
                    )
                    transient = response.status >= 500 or response.status in _TRANSIENT
                    return Delivery.RETRY if transient else Delivery.REFUSED
                return Delivery.DELIVERED
        except aiohttp.ClientConnectorError as exc:
            log.warning("Rasa unreachable for %s: %s", conversation_id, exc)
            return Delivery.RETRY
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Rasa did not answer %s for %s: %s", intent, conversation_id, exc)
            return Delivery.UNCERTAIN

    async def has_notice(self, conversation_id: str, notice_id: str) -> bool | None:
        """Did the conversation already take this notice? None when the tracker cannot be read.

        An attempt that timed out, or whose process died, may still have reached the bot; the
        tracker shows the notice's external user event once Rasa has handled it.
        """
        url = f"{self._base_url}/conversations/{conversation_id}/tracker"
        try:
            async with self._http.get(
                url,
                params=self._params(include_events="AFTER_RESTART"),
                headers=logs.outgoing_headers(),
                timeout=aiohttp.ClientTimeout(total=15),
            ) as response:
                if response.status >= 400:
                    log.warning("Rasa tracker of %s: %s", conversation_id, response.status)
                    return None
                tracker = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("Rasa tracker of %s unreadable: %s", conversation_id, exc)
            return None
        events = tracker.get("events") if isinstance(tracker, dict) else None
        return any(_carries(event, notice_id) for event in events or [])


def _carries(event: Any, notice_id: str) -> bool:
    if not isinstance(event, dict) or event.get("event") != "user":
        return False
    entities = (event.get("parse_data") or {}).get("entities") or []
    return any(
        isinstance(e, dict) and e.get("entity") == NOTICE_ENTITY and e.get("value") == notice_id
        for e in entities
    )
