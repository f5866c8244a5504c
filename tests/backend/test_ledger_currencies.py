"""The ledger keeps each job's currency and sums per currency: EUR, CHF and PLN never mix."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from backend.adapters.orm import Base, LedgerEntry
from backend.services import ledger


def _entry(job_id: int, friend_id: int, currency: str, price: str) -> LedgerEntry:
    amount = Decimal(price)
    cut = (amount / 5).quantize(Decimal("0.01"))
    return LedgerEntry(
        job_id=job_id,
        friend_id=friend_id,
        package="quick_help",
        extra_minutes=0,
        currency=currency,
        price=amount,
        commission=cut,
        payout=amount - cut,
        paid_via="cash",
        created_at=datetime(2026, 12, 8, tzinfo=UTC),
    )


async def test_totals_are_per_currency_and_never_add_euros_to_francs_or_zloty() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        session.add_all(
            [
                _entry(1, 1, "EUR", "49.00"),
                _entry(2, 1, "CHF", "79.00"),
                _entry(3, 2, "PLN", "149.00"),
                _entry(4, 2, "EUR", "55.00"),
            ]
        )
        await session.commit()
        assert await ledger.totals(session) == {
            "CHF": {"price": "79.00", "commission": "15.80", "payout": "63.20"},
            "EUR": {"price": "104.00", "commission": "20.80", "payout": "83.20"},
            "PLN": {"price": "149.00", "commission": "29.80", "payout": "119.20"},
        }
        assert await ledger.totals(session, friend_id=2) == {
            "EUR": {"price": "55.00", "commission": "11.00", "payout": "44.00"},
            "PLN": {"price": "149.00", "commission": "29.80", "payout": "119.20"},
        }
    await engine.dispose()
