"""The Friends' page transport: pymessenger, with our Graph base URL and version.

pymessenger is synchronous (requests, without a timeout), so each call runs in a worker thread
and is abandoned after SEND_TIMEOUT: the outbox then retries it. Its helpers send no
`messaging_type`, so payloads are built by us (backend/services/outbox.py) and go out through
`send_raw`; its `auth_args` add the appsecret_proof when an app secret is given.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import requests
from pymessenger.bot import Bot

log = logging.getLogger(__name__)

SEND_TIMEOUT = 20.0


def postback_button(title: str, payload: str) -> dict[str, str]:
    return {"type": "postback", "title": title[:20], "payload": payload}


def text_message(text: str) -> dict[str, Any]:
    return {"text": text[:2000]}


def button_message(text: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
    # Meta allows at most three buttons on a button template and 640 characters of text.
    return {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "button", "text": text[:640], "buttons": buttons[:3]},
        }
    }


def quick_replies(body: str, choices: list[tuple[str, str]]) -> dict[str, Any]:
    """A text with up to 13 quick-reply chips (title ≤ 20 characters, Meta's limits)."""
    return {
        "text": body[:2000],
        "quick_replies": [
            {"content_type": "text", "title": title[:20], "payload": payload}
            for title, payload in choices[:13]
        ],
    }


class MessengerClient:
    def __init__(self, graph_url: str, graph_version: str, access_token: str) -> None:
        self._bot = Bot(access_token)
        # pymessenger hard-codes graph.facebook.com and an old version; both come from config.
        self._bot.graph_url = f"{graph_url}/{graph_version}"

    async def post(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(status, answer) of one Send API call; status 0 when no answer came."""
        try:
            result: Any = await asyncio.wait_for(
                asyncio.to_thread(self._bot.send_raw, body), SEND_TIMEOUT
            )
        except (requests.RequestException, ValueError, TimeoutError) as exc:
            return 0, {"error": {"message": f"no answer: {exc!r}"}}
        if not isinstance(result, dict):
            return 0, {"error": {"message": "answer is not a JSON object"}}
        # send_raw hides the HTTP status; a Graph error object is what tells failures apart.
        return (400 if "error" in result else 200), result
