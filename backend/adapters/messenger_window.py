"""Whether the customers' chat number or page may still write to a customer freely: Meta
allows that only within 24 hours of the customer's last message (messenger_platform's WINDOW;
WhatsApp's customer-service window is the same rule). The bot's channel stores keep that
moment per person: Messenger's in `contacts` (bot/messenger_store.py), WhatsApp's in
`wa_contacts` (the same store with the prefix `wa_`, psid = the conversation id "wa-<wa_id>").
The backend reads it before it asks the bot to tell the customer something, because the bot
would only log the message it may not send, and the customer would never hear it.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.adapters.db import store_engine
from messenger_platform.send_policy import within_window

log = logging.getLogger(__name__)

MESSENGER_CONTACTS = "contacts"
WHATSAPP_CONTACTS = "wa_contacts"
# The table's name goes into the SQL text: only plain names.
_TABLE = re.compile(r"[a-z_][a-z0-9_]*")


class ChannelWindow:
    """Reads the bot's store at `url` (SQLite or PostgreSQL), table `table` (psid,
    last_inbound_at in epoch seconds); an empty url knows nothing."""

    def __init__(self, url: str, table: str = MESSENGER_CONTACTS) -> None:
        if not _TABLE.fullmatch(table):
            raise ValueError(f"not a table name: {table!r}")
        self._url = url
        self._table = table
        self._engine: AsyncEngine | None = None

    def _connectable(self) -> AsyncEngine | None:
        if self._engine is None:
            self._engine = store_engine(self._url)
        return self._engine

    async def last_inbound(self, psid: str) -> datetime | None:
        engine = self._connectable()
        if engine is None:
            return None
        query = text(f"SELECT last_inbound_at FROM {self._table} WHERE psid = :psid")
        async with engine.connect() as connection:
            found = await connection.scalar(query, {"psid": psid})
        return datetime.fromtimestamp(float(found), UTC) if found is not None else None

    async def is_open(self, psid: str, now: datetime) -> bool | None:
        """True or False when the store says; None when it cannot be read or does not know the
        person (then the bot tries, as before: a wrong "closed" would keep news from a customer
        who can get it)."""
        try:
            last = await self.last_inbound(psid)
        except (SQLAlchemyError, OSError, ValueError) as exc:
            log.warning("the customers' channel store (%s) is unreadable: %s", self._table, exc)
            return None
        if last is None:
            return None
        return within_window(last, now)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


def messenger_window(url: str) -> ChannelWindow:
    return ChannelWindow(url, MESSENGER_CONTACTS)


def whatsapp_window(url: str) -> ChannelWindow:
    """The customers' WhatsApp window, from the bot's WhatsApp store (WHATSAPP_STORE_URL/PATH)."""
    return ChannelWindow(url, WHATSAPP_CONTACTS)


# The name the Messenger-only code knew it by.
MessengerWindow = ChannelWindow
