"""Who writes to the customers' page: first name and locale from the Graph API, once per sender.

No Rasa imports, so the backend venv can test it. The channel asks before the first turn of a
sender it does not know yet; the answer is kept in bot/messenger_store.py, so a restart or the
next message never asks Meta again. A failed lookup is not kept: the next message tries once
more, and the conversation goes on without a locale meanwhile (the text still decides the
language).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.messenger_store import MessengerStore

log = logging.getLogger(__name__)

# The profile only improves the first answer; never keep a customer waiting for it long.
TIMEOUT = aiohttp.ClientTimeout(total=3, connect=2)
FIELDS = "first_name,locale"


@dataclass(frozen=True)
class Profile:
    first_name: str | None
    locale: str | None


class ProfileLookup:
    def __init__(
        self,
        store: MessengerStore,
        graph_url: str,
        graph_version: str,
        access_token: str,
        session: Callable[[], aiohttp.ClientSession] | None = None,
    ) -> None:
        self.store = store
        self.base = f"{graph_url.rstrip('/')}/{graph_version}"
        self._token = access_token
        self._session_factory = session
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session_factory is not None:
            return self._session_factory()
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def profile(self, psid: str) -> Profile | None:
        """The sender's profile: from the store, else from the Graph API (then stored)."""
        known = await asyncio.to_thread(self.store.profile, psid)
        if known is not None:
            return Profile(first_name=known[0], locale=known[1])
        fetched = await self._fetch(psid)
        if fetched is None:
            return None
        await asyncio.to_thread(self.store.save_profile, psid, fetched.first_name, fetched.locale)
        return fetched

    async def _fetch(self, psid: str) -> Profile | None:
        url = f"{self.base}/{psid}"
        params = {"fields": FIELDS, "access_token": self._token}
        try:
            async with self._http().get(url, params=params, timeout=TIMEOUT) as response:
                if response.status != 200:
                    log.warning("profile of %s: HTTP %d", psid, response.status)
                    return None
                data: Any = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("profile of %s: %r", psid, exc)
            return None
        if not isinstance(data, dict):
            return None
        return Profile(first_name=_text(data.get("first_name")), locale=_text(data.get("locale")))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip()[:64] or None
