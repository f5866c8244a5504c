"""Invoice numbers allocated in the database: gapless and never repeated under concurrency, on
SQLite and PostgreSQL; and journal entries stored once per key."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.billing import journal
from backend.billing.numbering import allocate_number, book
from backend.billing.numbers import InvoiceNumber
from backend.billing.orm import JournalEntry, JournalPosting

NOW = datetime(2026, 12, 8, tzinfo=UTC)


async def test_twenty_concurrent_allocations_get_1_to_20(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def one() -> int:
        async with sessions() as session:
            number = await allocate_number(session, "CH", 2026)
            await asyncio.sleep(0)  # let the others run into the counter's lock
            await session.commit()
            return number.sequence

    got = await asyncio.gather(*(one() for _ in range(20)))
    assert sorted(got) == list(range(1, 21))


async def test_a_rolled_back_document_gives_its_number_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        assert await allocate_number(session, "DE", 2026) == InvoiceNumber("DE", 2026, 1)
        await session.commit()
    async with sessions() as session:
        assert (await allocate_number(session, "DE", 2026)).sequence == 2
        await session.rollback()  # storing the invoice failed
    async with sessions() as session:
        assert str(await allocate_number(session, "DE", 2026)) == "DE-2026-000002"
        await session.commit()


async def test_each_country_and_year_counts_on_its_own(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        got = [
            str(await allocate_number(session, country, year))
            for country, year in [("DE", 2026), ("AT", 2026), ("DE", 2026), ("DE", 2027)]
        ]
        await session.commit()
    assert got == ["DE-2026-000001", "AT-2026-000001", "DE-2026-000002", "DE-2027-000001"]


async def test_an_entry_is_stored_with_its_postings_and_never_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    entry = journal.payment_received(
        "camt:CH44:TX-1", D("100.00"), D("79.00"), "CHF", "import", "statement", NOW
    )
    async with sessions() as session:
        book(session, entry)
        await session.commit()
    async with sessions() as session:
        stored = await session.scalar(select(JournalEntry).where(JournalEntry.key == entry.key))
        assert stored is not None and stored.who == "import" and stored.created_at == NOW
        assert sorted((p.account, p.amount, p.currency) for p in stored.postings) == [
            ("bank", D("100.00"), "CHF"),
            ("customers", D("-79.00"), "CHF"),
            ("unmatched", D("-21.00"), "CHF"),
        ]
        total = await session.scalar(select(func.sum(JournalPosting.amount)))
        assert total == D(0)
    async with sessions() as session:
        book(session, entry)  # the same statement imported again
        with pytest.raises(IntegrityError):
            await session.commit()
