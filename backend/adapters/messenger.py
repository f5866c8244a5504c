"""Sending to the Friends' page through pymessenger, with our Graph base URL and version.

pymessenger is synchronous (requests), so every call runs in a worker thread, off the event
loop. Its helpers send no `messaging_type`, so payloads are built here and go out via send_raw.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import requests
from pymessenger.bot import Bot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    message_id: str = ""
    error_code: int | None = None
    error: str = ""


def postback_button(title: str, payload: str) -> dict[str, str]:
    return {"type": "postback", "title": title[:20], "payload": payload}


class MessengerClient:
    def __init__(self, graph_url: str, graph_version: str, access_token: str) -> None:
        self._bot = Bot(access_token)
        # pymessenger hard-codes graph.facebook.com and an old version; both come from config.
        self._bot.graph_url = f"{graph_url}/{graph_version}"

    async def send_text(self, recipient_id: str, text: str) -> SendResult:
        return await self._send(recipient_id, {"text": text})

    async def send_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, str]]
    ) -> SendResult:
        # Meta allows at most three buttons on a button template.
        message = {
            "attachment": {
                "type": "template",
                "payload": {"template_type": "button", "text": text, "buttons": buttons[:3]},
            }
        }
        return await self._send(recipient_id, message)

    async def _send(self, recipient_id: str, message: dict[str, Any]) -> SendResult:
        payload = {
            "recipient": {"id": recipient_id},
            "messaging_type": "RESPONSE",
            "message": message,
        }
        try:
            result: Any = await asyncio.to_thread(self._bot.send_raw, payload)
        except (requests.RequestException, ValueError) as exc:
            log.warning("send to %s failed: %s", recipient_id, exc)
            return SendResult(ok=False, error=str(exc))
        if isinstance(result, dict) and "error" in result:
            err = result["error"] if isinstance(result["error"], dict) else {}
            log.warning("Graph API refused send to %s: %s", recipient_id, err)
            return SendResult(ok=False, error_code=err.get("code"), error=str(err.get("message")))
        message_id = str(result.get("message_id", "")) if isinstance(result, dict) else ""
        return SendResult(ok=True, message_id=message_id)
