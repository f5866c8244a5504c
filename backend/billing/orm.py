"""Billing tables: issued invoices and credit notes with their lines, the number counters, the
double-entry journal. Created by migration 0019.

Issued documents and journal entries are written once and never updated (a correction is a new
credit note or entry); they are kept for ten years. GDPR erasure pseudonymises
``Invoice.customer_name`` and ``customer_address`` and keeps every amount, number and posting
(Art. 17(3)(b) GDPR: retention required by tax law).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship
from sqlalchemy.orm.attributes import instance_state

from backend.adapters.orm import Base, utcnow

MONEY = Numeric(14, 2)
RATE = Numeric(5, 2)


class Invoice(Base):
    """An issued invoice or credit note (``kind``), immutable."""

    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    # Set on a job's invoice only (not on its credit notes): one invoice per job, however many
    # times completion is retried.
    invoiced_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), unique=True)
    friend_id: Mapped[int | None] = mapped_column(ForeignKey("friends.id"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_address: Mapped[str] = mapped_column(Text, default="")
    vat_registered: Mapped[bool] = mapped_column(Boolean)
    vat_rate: Mapped[Decimal] = mapped_column(RATE)
    vat_id: Mapped[str] = mapped_column(String(30), default="")
    net: Mapped[Decimal] = mapped_column(MONEY)
    vat: Mapped[Decimal] = mapped_column(MONEY)
    gross: Mapped[Decimal] = mapped_column(MONEY)
    labour: Mapped[Decimal] = mapped_column(MONEY)
    commission: Mapped[Decimal] = mapped_column(MONEY)
    # "platform" (the customer pays us by transfer) or "direct" (they pay the Friend).
    paid_via: Mapped[str] = mapped_column(String(10))
    payment_method: Mapped[str] = mapped_column(String(20), default="")
    payment_reference: Mapped[str] = mapped_column(String(35), default="", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.position", lazy="selectin"
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(50))  # a backend/billing/texts.py key
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    labour: Mapped[bool] = mapped_column(Boolean)
    vat_rate: Mapped[Decimal] = mapped_column(RATE)
    gross: Mapped[Decimal] = mapped_column(MONEY)
    vat: Mapped[Decimal] = mapped_column(MONEY)


class InvoiceCounter(Base):
    """The last number issued per country and year (backend/billing/numbering.py)."""

    __tablename__ = "invoice_counters"
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class JournalEntry(Base):
    """One booking (backend/billing/journal.py): who, when, why; its postings sum to zero per
    currency. ``key`` is unique, so the same event is never booked twice."""

    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    who: Mapped[str] = mapped_column(String(100))
    why: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    postings: Mapped[list[JournalPosting]] = relationship(lazy="selectin")


class JournalPosting(Base):
    __tablename__ = "journal_postings"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account: Mapped[str] = mapped_column(String(50), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))


class ImmutableRecord(Exception):
    """An issued document or a booking was about to be edited or deleted."""


# What erasure may still change on an issued document: who the customer was.
PSEUDONYMISABLE = frozenset({"customer_name", "customer_address"})
_IMMUTABLE = (Invoice, InvoiceLine, JournalEntry, JournalPosting)


@event.listens_for(Session, "before_flush")
def _refuse_edits(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """Through the ORM, issued rows are written once: a correction is a new credit note or
    entry. (A bulk UPDATE statement bypasses this; the billing code issues none but the number
    counter's.)"""
    for row in session.deleted:
        if isinstance(row, _IMMUTABLE):
            raise ImmutableRecord(f"{type(row).__name__} rows are never deleted")
    for row in session.dirty:
        if not isinstance(row, _IMMUTABLE):
            continue
        changed = {attr.key for attr in instance_state(row).attrs if attr.history.has_changes()}
        allowed = PSEUDONYMISABLE if isinstance(row, Invoice) else frozenset()
        if changed - allowed:
            raise ImmutableRecord(f"{type(row).__name__} is issued; not editable: {changed}")
