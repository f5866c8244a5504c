"""Issuing documents into the database: number, lines, payment reference and booking together;
credit notes point at their invoice; issued rows cannot be edited, only pseudonymised."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import Friend
from backend.billing.invoice import compose_invoice, full_credit, job_items
from backend.billing.journal import PaidVia
from backend.billing.orm import ImmutableRecord, Invoice, JournalEntry
from backend.billing.qr import Creditor, Method
from backend.billing.references import invoice_number
from backend.billing.store import IssueError, issue
from backend.billing.vat import VatStatus

AT = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
PLATFORM_CH = Creditor(
    "techfriends GmbH", "CH4431999123000889012", "Bahnhofstrasse", "1", "8001", "Zürich", "CH"
)


async def a_friend(session: AsyncSession) -> int:
    friend = Friend(
        name="Łukasz",
        messenger_id="f-1",
        postal_code="8001",
        country="CH",
        latitude=47.37,
        longitude=8.54,
        radius_km=10,
        status="active",
    )
    session.add(friend)
    await session.flush()
    return friend.id


async def test_an_invoice_and_its_credit_note_are_issued_with_numbers_and_bookings(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    invoice = compose_invoice(
        job_items("Basic", D("79.00"), 20, D("15.00")), VatStatus.vat_registered("CH"), "CHF"
    )
    async with sessions() as session:
        friend_id = await a_friend(session)
        row, payment = await issue(
            session,
            invoice,
            friend_id=friend_id,
            job_id=None,
            language="de",
            customer_name="Jürg Müller",
            customer_address="Seestrasse 5, 8002 Zürich",
            paid_via=PaidVia.PLATFORM,
            issued_by="friend:1",
            at=AT,
            creditor=PLATFORM_CH,
        )
        await session.commit()
    assert row.number == "CH-2026-000001"
    assert payment is not None and payment.method is Method.SWISS_QR_BILL
    assert row.payment_reference == payment.reference
    assert str(invoice_number(row.payment_reference)) == row.number  # a QRR for the QR-IBAN
    credit = full_credit(invoice, row.number, "storniert")
    async with sessions() as session:
        note, none = await issue(
            session,
            credit,
            friend_id=friend_id,
            job_id=None,
            language="de",
            customer_name="Jürg Müller",
            customer_address="",
            paid_via=PaidVia.PLATFORM,
            issued_by="console:anna",
            at=AT,
        )
        await session.commit()
    assert (note.number, note.kind, note.corrects_id, none) == (
        "CH-2026-000002",
        "credit_note",
        row.id,
        None,
    )
    async with sessions() as session:
        stored = await session.scalar(select(Invoice).where(Invoice.number == row.number))
        assert stored is not None
        assert [(line.position, line.text, line.gross) for line in stored.lines] == [
            (1, "line_package", D("79.00")),
            (2, "line_extra_time", D("30.00")),
        ]
        assert (stored.gross, stored.vat, stored.labour) == (D("109.00"), D("8.17"), D("109.00"))
        entries = (await session.scalars(select(JournalEntry).order_by(JournalEntry.id))).all()
        assert [e.key for e in entries] == ["document:CH-2026-000001", "document:CH-2026-000002"]
        totals: dict[tuple[str, str], D] = {}
        for entry in entries:
            for posting in entry.postings:
                key = (posting.account, posting.currency)
                totals[key] = totals.get(key, D(0)) + posting.amount
        # Invoice and full credit note cancel out on every account.
        assert set(totals.values()) == {D(0)}


async def test_the_year_of_a_number_is_the_issuing_countrys(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    document = compose_invoice(
        job_items("Basic", D("79.00"), 0, D("15.00")), VatStatus.small_business("DE"), "EUR"
    )
    async with sessions() as session:
        friend_id = await a_friend(session)
        row, payment = await issue(
            session,
            document,
            friend_id=friend_id,
            job_id=None,
            language="de",
            customer_name="Anna",
            customer_address="",
            paid_via=PaidVia.DIRECT,
            issued_by="friend:1",
            at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # 00:30 on New Year's Day in Berlin
        )
        await session.commit()
    assert row.number == "DE-2027-000001"
    assert payment is None and row.payment_method == ""


async def test_issued_rows_are_never_edited_only_pseudonymised(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    document = compose_invoice(
        job_items("Basic", D("79.00"), 0, D("15.00")), VatStatus.small_business("AT"), "EUR"
    )
    async with sessions() as session:
        friend_id = await a_friend(session)
        row, _ = await issue(
            session,
            document,
            friend_id=friend_id,
            job_id=None,
            language="de",
            customer_name="Anna Huber",
            customer_address="Ring 1, 1010 Wien",
            paid_via=PaidVia.DIRECT,
            issued_by="friend:1",
            at=AT,
        )
        await session.commit()
    async with sessions() as session:
        stored = await session.get(Invoice, row.id)
        assert stored is not None
        stored.customer_name, stored.customer_address = "erased customer", ""
        await session.commit()  # GDPR erasure: allowed
        stored.gross = D("1.00")
        with pytest.raises(ImmutableRecord):
            await session.flush()
        await session.rollback()
        stored = await session.get(Invoice, row.id)
        assert stored is not None
        stored.lines[0].gross = D("1.00")
        with pytest.raises(ImmutableRecord):
            await session.flush()
        await session.rollback()
        stored = await session.get(Invoice, row.id)
        await session.delete(stored)
        with pytest.raises(ImmutableRecord):
            await session.flush()
        await session.rollback()
        stored = await session.get(Invoice, row.id)
        assert stored is not None and stored.customer_name == "erased customer"
        assert stored.gross == D("79.00")


async def test_a_credit_note_needs_an_invoice_to_correct(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    invoice = compose_invoice(
        job_items("Basic", D("79.00"), 0, D("15.00")), VatStatus.small_business("DE"), "EUR"
    )
    async with sessions() as session:
        friend_id = await a_friend(session)
        with pytest.raises(IssueError):
            await issue(
                session,
                full_credit(invoice, "DE-2026-000099", "no such invoice"),
                friend_id=friend_id,
                job_id=None,
                language="de",
                customer_name="x",
                customer_address="",
                paid_via=PaidVia.DIRECT,
                issued_by="console:anna",
                at=AT,
            )
