"""A WhatsApp Business number's Cloud API client: send a message, fetch a media file.

`post` answers like backend/adapters/messenger.py's (status, JSON), so the outbox uses it as
its Transport; status 0 means no answer came (timeout, refused connection), which the outbox
retries. The same class serves the Friends' number and, for templates, the customers'.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

SEND_TIMEOUT = 20.0
# WhatsApp media is at most 100 MB (documents); the backend keeps nothing over 5 MiB, so a
# download stops at the first byte beyond what the caller allows.
DEFAULT_MAX_MEDIA_BYTES = 5 * 1024 * 1024


class WhatsAppClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        graph_url: str,
        graph_version: str,
        phone_number_id: str,
        access_token: str,
    ) -> None:
        self._http = http
        self._base = f"{graph_url.rstrip('/')}/{graph_version}"
        self._messages = f"{self._base}/{phone_number_id}/messages"
        self._auth = {"Authorization": f"Bearer {access_token}"}

    async def post(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(status, answer) of one `POST /{phone_number_id}/messages`; 0 when none came."""
        try:
            async with self._http.post(
                self._messages,
                json=body,
                headers=self._auth,
                timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT),
            ) as response:
                status = response.status
                try:
                    data: Any = await response.json(content_type=None)
                except ValueError:
                    data = None
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, {"error": {"message": f"no answer: {exc!r}"}}
        if not isinstance(data, dict):
            # A proxy's HTML error page: the status still tells a failure from a success.
            text = "answer is not a JSON object"
            return (status if status >= 400 else 502), {"error": {"message": text}}
        return status, data

    async def media(
        self, media_id: str, max_bytes: int = DEFAULT_MAX_MEDIA_BYTES
    ) -> tuple[bytes, str] | None:
        """The bytes and the stated MIME type of a media id a webhook named; None when Meta
        does not give them (unknown or expired id, too big, no answer)."""
        timeout = aiohttp.ClientTimeout(total=SEND_TIMEOUT)
        try:
            async with self._http.get(
                f"{self._base}/{media_id}", headers=self._auth, timeout=timeout
            ) as response:
                info: Any = await response.json(content_type=None)
                if response.status != 200 or not isinstance(info, dict):
                    log.warning("whatsapp media %s: %s %s", media_id, response.status, info)
                    return None
            url, mime = info.get("url"), str(info.get("mime_type") or "")
            if not isinstance(url, str) or not url:
                return None
            size = info.get("file_size")
            if isinstance(size, int) and size > max_bytes:
                return None
            async with self._http.get(url, headers=self._auth, timeout=timeout) as response:
                if response.status != 200:
                    return None
                data = await response.content.read(max_bytes + 1)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("whatsapp media %s: no answer: %r", media_id, exc)
            return None
        return None if len(data) > max_bytes else (data, mime)
