"""Erasure in the channels' own stores.

Each channel of the bot may keep rows about a customer in its own database, next to Rasa's
tracker store: our Messenger channel (bot/messenger_store.py) their raw webhook events (their
texts), queued replies and Graph profile (first name, locale). They forget them by themselves
after a while; an erasure request must not wait for that. The WhatsApp channel keeps the same
tables with the prefix `wa_` (its own store, WHATSAPP_STORE_URL/PATH), every row keyed by the
conversation id "wa-<wa_id>". The website chat keeps nothing of its own: the history it shows a
returning customer is Rasa's tracker, which erasure redacts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, column, delete, inspect, table, text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.adapters.db import store_engine
from product.channels import MESSENGER, WHATSAPP

# The tables of bot/messenger_store.py and the column naming the customer in each.
_STORE_ROWS: tuple[tuple[str, str], ...] = (
    ("inbox", "sender"),
    ("outbox", "recipient"),
    ("profiles", "psid"),
    ("contacts", "psid"),
    ("choices", "psid"),
)
WHATSAPP_PREFIX = "wa_"

# Per channel: each table and the column naming the customer (their id on the channel), as
# the channel's store creates them. A table that is not there (yet) is skipped.
ROWS_OF: dict[str, tuple[tuple[str, str], ...]] = {
    MESSENGER: _STORE_ROWS,
    WHATSAPP: tuple((WHATSAPP_PREFIX + name, key) for name, key in _STORE_ROWS),
}


async def _present(connection: AsyncConnection, channel: str) -> list[tuple[str, str]]:
    """The channel's tables (and customer columns) that exist in this store now."""
    names = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    return [(name, key) for name, key in ROWS_OF.get(channel, ()) if name in names]


async def erase(url: str, customer_id: str, channel: str = MESSENGER) -> int:
    """Delete every row of the customer's in the store of their channel at `url`; returns how
    many. An engine per call: erasures are rare, and the bot may create its store after the
    backend started."""
    engine = store_engine(url)
    if engine is None:
        return 0
    removed = 0
    try:
        async with engine.begin() as connection:
            for name, key in await _present(connection, channel):
                rows = table(name, column(key))
                result = await connection.execute(
                    delete(rows).where(rows.c[key] == bindparam("who")), {"who": customer_id}
                )
                removed += max(result.rowcount, 0)
    finally:
        await engine.dispose()
    return removed


async def export(url: str, customer_id: str, channel: str = MESSENGER) -> dict[str, Any]:
    """The customer's rows in their channel's store, by table (all columns, as stored)."""
    engine = store_engine(url)
    if engine is None:
        return {}
    found: dict[str, Any] = {}
    try:
        async with engine.connect() as connection:
            for name, key in await _present(connection, channel):
                # Every column, whichever the channel's version has; the names are ROWS_OF's.
                result = await connection.execute(
                    text(f'SELECT * FROM "{name}" WHERE "{key}" = :who'), {"who": customer_id}
                )
                found[name] = [dict(row._mapping) for row in result]
    finally:
        await engine.dispose()
    return found
