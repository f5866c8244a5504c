"""A customer's photo or voice message, fetched from the chat provider and stored by the backend.

WhatsApp: `GET {graph}/{version}/{media_id}` (bearer) gives a short-lived URL, `GET url` (bearer)
the bytes. Messenger: the attachment's CDN URL, no authorisation. At most MAX_BYTES are read
(a larger file is refused as soon as it is known to be larger: by the announced size, the
Content-Length or the bytes read so far, never read to its end), then the bytes go to the
backend's `POST /api/v1/media`, which decides the type by content and answers the URL Rasa
and the Friend use. The customer's turn then reads `/share_image{"image_url": …}`,
`/share_voice{"voice_url": …}` or `/share_media_refused{"media_problem": …}` (a kind reply
saying what to send instead).

aiohttp only (no Rasa), so the backend's venv tests it too.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Literal

import aiohttp

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024  # the backend's limit (5 MiB)
CHUNK = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=30, connect=5)
DEFAULT_BACKEND_URL = "http://127.0.0.1:8000"
# WhatsApp kinds worth fetching; a video is refused without downloading it.
FETCHED_KINDS = ("image", "audio", "document")

Problem = Literal["too_big", "wrong_type", "unavailable"]


@dataclass(frozen=True)
class Stored:
    url: str
    kind: Literal["image", "audio"]


@dataclass(frozen=True)
class Refused:
    problem: Problem
    reason: str = ""


Result = Stored | Refused


def rasa_text(result: Result) -> str:
    """What Rasa reads for the customer's media message."""
    if isinstance(result, Refused):
        return "/share_media_refused" + json.dumps({"media_problem": result.problem})
    if result.kind == "audio":
        return "/share_voice" + json.dumps({"voice_url": result.url})
    return "/share_image" + json.dumps({"image_url": result.url})


class _TooBig(Exception):
    pass


class MediaFetcher:
    def __init__(
        self,
        backend_url: str,
        backend_token: str,
        graph_url: str = "",
        graph_version: str = "",
        access_token: str = "",
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.backend_url = backend_url.rstrip("/")
        self._backend_token = backend_token
        self.graph = f"{graph_url.rstrip('/')}/{graph_version}"
        self._access_token = access_token
        self.max_bytes = max_bytes
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_env(
        cls, graph_url: str = "", graph_version: str = "", access_token: str = ""
    ) -> MediaFetcher:
        env = os.environ
        return cls(
            env.get("BACKEND_URL") or DEFAULT_BACKEND_URL,
            env.get("BACKEND_API_TOKEN", ""),
            graph_url,
            graph_version,
            access_token,
        )

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily: the session must belong to the loop Sanic runs on.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def whatsapp(self, media_id: str) -> Result:
        """A WhatsApp media id → stored in the backend (or why not)."""
        bearer = {"Authorization": f"Bearer {self._access_token}"}
        try:
            async with self._http().get(f"{self.graph}/{media_id}", headers=bearer) as answer:
                info = await answer.json(content_type=None) if answer.status == 200 else None
            if not isinstance(info, dict) or not isinstance(info.get("url"), str):
                return Refused("unavailable", f"media {media_id}: no download URL")
            size = info.get("file_size")
            if isinstance(size, int) and size > self.max_bytes:
                return Refused("too_big", f"media {media_id}: {size} bytes announced")
            data = await self._download(info["url"], bearer)
        except _TooBig as exc:
            return Refused("too_big", str(exc))
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            return Refused("unavailable", f"media {media_id}: {exc!r}")
        if data is None:
            return Refused("unavailable", f"media {media_id}: download refused")
        return await self.upload(data, "whatsapp")

    async def url(self, url: str, source: str = "messenger") -> Result:
        """A public attachment URL (Messenger's CDN) → stored in the backend (or why not)."""
        try:
            data = await self._download(url, {})
        except _TooBig as exc:
            return Refused("too_big", str(exc))
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            return Refused("unavailable", f"{url}: {exc!r}")
        if data is None:
            return Refused("unavailable", f"{url}: download refused")
        return await self.upload(data, source)

    async def _download(self, url: str, headers: dict[str, str]) -> bytes | None:
        """The bytes (None for an error answer); _TooBig as soon as they exceed the limit."""
        async with self._http().get(url, headers=headers) as answer:
            if answer.status != 200:
                return None
            if answer.content_length is not None and answer.content_length > self.max_bytes:
                raise _TooBig(f"{answer.content_length} bytes announced")
            data = bytearray()
            async for chunk in answer.content.iter_chunked(CHUNK):
                data += chunk
                if len(data) > self.max_bytes:
                    # Stop reading: the connection is dropped with the rest unread.
                    raise _TooBig(f"more than {self.max_bytes} bytes")
            return bytes(data)

    async def upload(self, data: bytes, source: str) -> Result:
        """The bytes to the backend's media store; its answer decides."""
        if not data:
            return Refused("unavailable", "no bytes")
        headers = {"X-Media-Source": source, "Content-Type": "application/octet-stream"}
        if self._backend_token:
            headers["Authorization"] = f"Bearer {self._backend_token}"
        try:
            async with self._http().post(
                f"{self.backend_url}/api/v1/media", data=data, headers=headers
            ) as answer:
                body = await answer.json(content_type=None)
                status = answer.status
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("media upload failed: %r", exc)
            return Refused("unavailable", f"backend: {exc!r}")
        reason = str(body.get("error", "")) if isinstance(body, dict) else ""
        if status == 413:
            return Refused("too_big", reason)
        if status == 415:
            return Refused("wrong_type", reason)
        url = body.get("url") if isinstance(body, dict) else None
        kind = body.get("kind") if isinstance(body, dict) else None
        if status in (200, 201) and isinstance(url, str) and kind in ("image", "audio"):
            return Stored(url, "audio" if kind == "audio" else "image")
        log.warning("media upload answered %s: %s", status, reason or body)
        return Refused("unavailable", f"backend answered {status}")
