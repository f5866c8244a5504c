"""Whether the customers' Messenger page may still write to a customer: Meta allows messages
without a tag only within 24 hours of the customer's last message (messenger_platform's
WINDOW). The bot's channel store (bot/messenger_store.py, table `contacts`) knows that moment;
the backend reads it before it asks the bot to tell the customer something, because the bot
would only log the message it may not send, and the customer would never hear it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.adapters.db import store_engine
from messenger_platform.send_policy import within_window

log = logging.getLogger(__name__)


class MessengerWindow:
    """Reads the bot's store at `url` (SQLite or PostgreSQL); an empty url knows nothing."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: AsyncEngine | None = None

    def _connectable(self) -> AsyncEngine | None:
        if self._engine is None:
            self._engine = store_engine(self._url)
        return self._engine

    async def last_inbound(self, psid: str) -> datetime | None:
        engine = self._connectable()
        if engine is None:
            return None
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT last_inbound_at FROM contacts WHERE psid = :psid"), {"psid": psid}
            )
        return datetime.fromtimestamp(float(found), UTC) if found is not None else None

    async def is_open(self, psid: str, now: datetime) -> bool | None:
        """True or False when the store says; None when it cannot be read (then the bot tries,
        as before: a wrong "closed" would keep news from a customer who can get it)."""
        try:
            last = await self.last_inbound(psid)
        except (SQLAlchemyError, OSError, ValueError) as exc:
            log.warning("the customers' channel store is unreadable: %s", exc)
            return None
        if last is None:
            return None
        return within_window(last, now)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
