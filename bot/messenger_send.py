"""An async Send API client for the customers' page: aiohttp, pooled, with timeouts.

Rasa's fbmessenger client is synchronous `requests` inside the event loop, with no timeout and
a fixed graph.facebook.com; this one takes the base URL and version from configuration.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class SendApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        self.code = error.get("code")
        self.subcode = error.get("error_subcode")
        super().__init__(f"Send API answered {status}: {error.get('message') or body}")


class SendApiClient:
    def __init__(self, graph_url: str, graph_version: str, access_token: str) -> None:
        self.endpoint = f"{graph_url.rstrip('/')}/{graph_version}/me/messages"
        self._token = access_token
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily: the session must belong to the loop Sanic runs on.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=TIMEOUT, connector=aiohttp.TCPConnector(limit=100)
            )
        return self._session

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            async with self._http().post(
                self.endpoint, params={"access_token": self._token}, json=body
            ) as response:
                data = await response.json(content_type=None)
                if response.status >= 400 or (isinstance(data, dict) and "error" in data):
                    raise SendApiError(response.status, data if isinstance(data, dict) else {})
                return data if isinstance(data, dict) else {}
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise SendApiError(0, {"error": {"message": str(exc)}}) from exc

    async def send_message(
        self, recipient_id: str, message: dict[str, Any], messaging_type: str = "RESPONSE"
    ) -> dict[str, Any]:
        return await self.send(
            {
                "recipient": {"id": recipient_id},
                "messaging_type": messaging_type,
                "message": message,
            }
        )

    async def send_action(self, recipient_id: str, action: str) -> None:
        try:
            await self.send({"recipient": {"id": recipient_id}, "sender_action": action})
        except SendApiError as exc:
            # Typing indicators are cosmetic; a failure must not stop the reply.
            log.debug("sender action %s for %s failed: %s", action, recipient_id, exc)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
