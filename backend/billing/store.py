"""Issuing a document: its number, its rows and its journal entry, in the caller's transaction.

The number is allocated first (backend/billing/numbering.py), so the document, its lines, its
payment reference and its booking commit together or not at all: a rollback leaves neither a
document nor a gap. Issued rows are immutable (backend/billing/orm.py refuses edits but the
pseudonymisation of the customer).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.billing import journal
from backend.billing.invoice import Document, Kind
from backend.billing.journal import PaidVia
from backend.billing.numbering import allocate_number, book
from backend.billing.orm import Invoice, InvoiceLine
from backend.billing.qr import Creditor, Debtor, Payment, payment_for
from product.countries import time_zone


class IssueError(ValueError):
    pass


async def issue(
    session: AsyncSession,
    document: Document,
    *,
    friend_id: int,
    job_id: int | None,
    language: str,
    customer_name: str,
    customer_address: str,
    paid_via: PaidVia,
    issued_by: str,
    at: datetime,
    creditor: Creditor | None = None,
    debtor: Debtor | None = None,
) -> tuple[Invoice, Payment | None]:
    """Stores ``document`` under the next number of its country and the year of ``at`` there,
    books it, and returns the row with the payment instructions (an invoice paid through the
    platform, given the platform's ``creditor`` account; else None)."""
    original = None
    if document.kind is Kind.CREDIT_NOTE:
        original = await session.scalar(select(Invoice).where(Invoice.number == document.corrects))
        if original is None or original.kind != Kind.INVOICE:
            raise IssueError(f"no invoice {document.corrects} to correct")
        if (original.country, original.currency) != (document.country, document.currency):
            raise IssueError("a credit note keeps its invoice's country and currency")
    year = at.astimezone(ZoneInfo(time_zone(document.country))).year
    number = await allocate_number(session, document.country, year)
    payment = None
    if document.kind is Kind.INVOICE and paid_via is PaidVia.PLATFORM and document.gross > 0:
        if creditor is None:
            raise IssueError("an invoice paid through the platform needs the platform's account")
        payment = payment_for(number, document.gross, document.currency, creditor, debtor, language)
    row = Invoice(
        number=str(number),
        kind=str(document.kind),
        country=document.country,
        currency=document.currency,
        job_id=job_id,
        invoiced_job_id=job_id if document.kind is Kind.INVOICE else None,
        friend_id=friend_id,
        corrects_id=original.id if original else None,
        language=language,
        customer_name=customer_name,
        customer_address=customer_address,
        vat_registered=document.vat_status.registered,
        vat_rate=document.vat_status.rate,
        vat_id=document.vat_status.vat_id,
        net=document.net,
        vat=document.vat,
        gross=document.gross,
        labour=document.labour,
        commission=document.commission,
        paid_via=str(paid_via),
        payment_method=str(payment.method) if payment else "",
        payment_reference=payment.reference if payment else "",
        reason=document.reason,
        issued_by=issued_by,
        issued_at=at,
        lines=[
            InvoiceLine(
                position=position,
                text=line.text,
                params=dict(line.params),
                quantity=line.quantity,
                unit_price=line.unit_price,
                labour=line.labour,
                vat_rate=line.vat_rate,
                gross=line.gross,
                vat=line.vat,
            )
            for position, line in enumerate(document.lines, start=1)
        ],
    )
    session.add(row)
    book(session, journal.issued(document, str(number), friend_id, paid_via, issued_by, at))
    await session.flush()
    return row, payment
