"""Read-only views for admins: the money ledger and the support alerts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Friend, Job, LedgerEntry, SupportAlert

LIMIT = 500


async def totals(session: AsyncSession, friend_id: int | None = None) -> dict[str, dict[str, str]]:
    """Price, commission and payout summed per currency ({"EUR": {...}, "CHF": {...}}): the
    database adds only entries of one currency, never EUR to CHF or PLN."""
    query = select(
        LedgerEntry.currency,
        func.sum(LedgerEntry.price),
        func.sum(LedgerEntry.commission),
        func.sum(LedgerEntry.payout),
    ).group_by(LedgerEntry.currency)
    if friend_id is not None:
        query = query.where(LedgerEntry.friend_id == friend_id)
    return {
        currency: {
            "price": f"{Decimal(str(price or 0)):.2f}",
            "commission": f"{Decimal(str(commission or 0)):.2f}",
            "payout": f"{Decimal(str(payout or 0)):.2f}",
        }
        for currency, price, commission, payout in (
            await session.execute(query.order_by(LedgerEntry.currency))
        ).all()
    }


async def entries(session: AsyncSession, friend_id: int | None = None) -> list[dict[str, Any]]:
    """The newest ledger entries first (at most LIMIT), optionally of one Friend."""
    query = (
        select(LedgerEntry, Job.reference, Friend.name)
        .join(Job, LedgerEntry.job_id == Job.id)
        .join(Friend, LedgerEntry.friend_id == Friend.id)
        .order_by(LedgerEntry.id.desc())
        .limit(LIMIT)
    )
    if friend_id is not None:
        query = query.where(LedgerEntry.friend_id == friend_id)
    return [
        {
            "id": entry.id,
            "job_reference": reference,
            "friend_id": entry.friend_id,
            "friend_name": name,
            "package": entry.package,
            "extra_minutes": entry.extra_minutes,
            "currency": entry.currency,
            # Money as strings: exact, no binary floating point on the way.
            "price": f"{entry.price:.2f}",
            "commission": f"{entry.commission:.2f}",
            "payout": f"{entry.payout:.2f}",
            "paid_via": entry.paid_via,
            "created_at": entry.created_at.isoformat(),
        }
        for entry, reference, name in (await session.execute(query)).all()
    ]


async def support_alerts(
    session: AsyncSession, include_resolved: bool = False, kind: str | None = None
) -> list[dict[str, Any]]:
    """Newest first (at most LIMIT); unresolved only unless include_resolved."""
    query = (
        select(SupportAlert, Job.reference)
        .outerjoin(Job, SupportAlert.job_id == Job.id)
        .order_by(SupportAlert.id.desc())
        .limit(LIMIT)
    )
    if not include_resolved:
        query = query.where(SupportAlert.resolved_at.is_(None))
    if kind:
        query = query.where(SupportAlert.kind == kind)
    return [
        {
            "id": alert.id,
            "kind": alert.kind,
            "job_reference": reference,
            "friend_id": alert.friend_id,
            "detail": alert.detail,
            "created_at": alert.created_at.isoformat(),
            "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        }
        for alert, reference in (await session.execute(query)).all()
    ]
