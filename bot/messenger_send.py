"""An async Send API client for the customers' page: aiohttp, pooled, with timeouts.

Rasa's fbmessenger client is synchronous `requests` inside the event loop, with no timeout and
a fixed graph.facebook.com; this one takes the base URL and version from configuration. It only
transports: what to retry and when is decided by bot/messenger_outbox.py.
"""

from __future__ import annotations

from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class SendApiClient:
    """Messenger's Send API (the page token as a query parameter); WhatsApp's client
    (bot/whatsapp_send.py) is the same transport with its own endpoint and a bearer token."""

    def __init__(self, graph_url: str, graph_version: str, access_token: str) -> None:
        self.endpoint = f"{graph_url.rstrip('/')}/{graph_version}/me/messages"
        self._params: dict[str, str] = {"access_token": access_token}
        self._headers: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily: the session must belong to the loop Sanic runs on.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=TIMEOUT, connector=aiohttp.TCPConnector(limit=100)
            )
        return self._session

    async def post(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON answer); status 0 when no answer came (network, timeout)."""
        try:
            async with self._http().post(
                self.endpoint, params=self._params, headers=self._headers, json=body
            ) as response:
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = {}
                return response.status, data if isinstance(data, dict) else {}
        except (TimeoutError, aiohttp.ClientError) as exc:
            return 0, {"error": {"message": f"no answer: {exc!r}"}}

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
