"""Telling a customer something through the bot: Rasa's trigger_intent HTTP API."""

from __future__ import annotations

import enum
import logging
from datetime import datetime
from typing import Any

import aiohttp

from backend.adapters.messenger_window import MessengerWindow
from messenger_platform import logs
from product.channels import MESSENGER

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


class RasaClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        token: str,
        timeout: float = 30.0,
        messenger_window: MessengerWindow | None = None,
    ) -> None:
        self._http = http
        self._base_url = base_url
        self._token = token
        self._timeout = timeout
        self._window = messenger_window

    async def can_reach(self, channel: str, conversation_id: str, now: datetime) -> bool:
        """False only when the customer's channel certainly may not write to them now."""
        if channel != MESSENGER or self._window is None:
            return True  # the web chat keeps it in the history; the status page shows it
        return await self._window.is_open(conversation_id, now) is not False

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
