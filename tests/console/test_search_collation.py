"""Word-prefix search on a PostgreSQL database created with a language's collation (ICU
English), as many installations are: words ending in "z" were missed, and "mü" matched "musik".
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.console.models import ConversationSummary, ConversationWord
from backend.console.summaries import Filters, page, words
from tools import postgres

TEXTS = {
    "psid-jazz": "Ich heiße Heinz Schwarz und höre Jazz",
    "psid-musik": "Die Musik ist weg",
    "psid-mueller": "Hier ist Frau Müller",
}


async def _create_icu_database(server: postgres.Server, name: str) -> None:
    conn = await server.connect()
    try:
        await conn.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        )
    finally:
        await conn.close()


async def test_prefix_search_finds_whole_words_in_a_language_collation(
    postgres_server: postgres.Server,
) -> None:
    name = postgres.unique_name("icu")
    await _create_icu_database(postgres_server, name)
    url = postgres_server.url(name)
    try:
        await asyncio.to_thread(migrate, url)  # Alembic runs its own event loop
        engine = make_engine(url)
        at = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
        async with make_sessionmaker(engine)() as session:
            for psid, text in TEXTS.items():
                session.add(
                    ConversationSummary(sender_id=psid, first_event_at=at, last_event_at=at)
                )
                rows = [{"word": w, "sender_id": psid} for w in words(text)]
                await session.execute(insert(ConversationWord).values(rows))
            await session.commit()

            async def found(search: str) -> set[str]:
                rows, _ = await page(session, Filters(search=search))
                return {r.sender_id for r in rows}

            assert await found("Schwarz") == {"psid-jazz"}
            assert await found("jazz") == {"psid-jazz"}
            assert await found("Heinz") == {"psid-jazz"}
            assert await found("Mü") == {"psid-mueller"}
            assert await found("mus") == {"psid-musik"}
        await engine.dispose()
    finally:
        await postgres.drop_database(postgres_server, name)
