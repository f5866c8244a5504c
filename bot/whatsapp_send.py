"""An async client for the Cloud API's `POST /{version}/{phone_number_id}/messages` (the
customers' number): aiohttp, pooled, with timeouts and the bearer token. It only transports;
bot/whatsapp_outbox.py decides what an answer means."""

from __future__ import annotations

from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class WhatsAppClient:
    def __init__(
        self, graph_url: str, graph_version: str, phone_number_id: str, access_token: str
    ) -> None:
        self.endpoint = f"{graph_url.rstrip('/')}/{graph_version}/{phone_number_id}/messages"
        self._token = access_token
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
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._http().post(self.endpoint, json=body, headers=headers) as response:
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
