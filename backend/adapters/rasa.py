"""Telling a customer something through the bot: Rasa's trigger_intent HTTP API."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from messenger_platform import logs

log = logging.getLogger(__name__)


class RasaClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self._http = http
        self._base_url = base_url
        self._token = token

    async def trigger_intent(
        self, conversation_id: str, intent: str, entities: dict[str, Any]
    ) -> bool:
        url = f"{self._base_url}/conversations/{conversation_id}/trigger_intent"
        params = {"output_channel": "messenger"}
        if self._token:
            params["token"] = self._token
        # Rasa's log lines for this turn then name the request that caused it.
        headers = {**logs.outgoing_headers(), logs.CONVERSATION_ID_HEADER: conversation_id}
        try:
            async with self._http.post(
                url,
                params=params,
                json={"name": intent, "entities": entities},
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=30),
            ) as response:
                if response.status >= 400:
                    log.warning(
                        "Rasa refused %s for %s: %s %s",
                        intent,
                        conversation_id,
                        response.status,
                        (await response.text())[:300],
                    )
                    return False
                return True
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Rasa unreachable for %s: %s", conversation_id, exc)
            return False
