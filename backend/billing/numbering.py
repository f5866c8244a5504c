"""Allocating the next invoice number of a country and year, in the caller's transaction.

One counter row per (country, year): created if missing (INSERT … ON CONFLICT DO NOTHING), then
``UPDATE … SET last = last + 1 … RETURNING last``. The UPDATE holds the row's lock until the
caller commits or rolls back, so concurrent documents queue on it (PostgreSQL: row lock, READ
COMMITTED re-reads the committed value; SQLite: one writer at a time), and a rolled-back
document gives its number back: the sequence has no gaps. The caller stores the document in the
same transaction as the allocation.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.billing.journal import Entry
from backend.billing.numbers import InvoiceNumber
from backend.billing.orm import InvoiceCounter, JournalEntry, JournalPosting


async def allocate_number(session: AsyncSession, country: str, year: int) -> InvoiceNumber:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(InvoiceCounter)
        .values(country=country, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["country", "year"])
    )
    last = await session.scalar(
        update(InvoiceCounter)
        .where(InvoiceCounter.country == country, InvoiceCounter.year == year)
        .values(last=InvoiceCounter.last + 1)
        .returning(InvoiceCounter.last)
    )
    assert last is not None
    return InvoiceNumber(country, year, last)


def book(session: AsyncSession, entry: Entry) -> JournalEntry:
    """Adds a balanced entry (checked when it was made) to the caller's transaction."""
    row = JournalEntry(
        key=entry.key,
        kind=entry.kind,
        who=entry.who,
        why=entry.why,
        created_at=entry.at,
        postings=[
            JournalPosting(account=p.account, amount=p.amount, currency=p.currency)
            for p in entry.postings
        ],
    )
    session.add(row)
    return row
