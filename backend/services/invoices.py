"""A job's invoice: issued in the completion's transaction, read back as JSON and as a PDF,
corrected by credit notes (issue 18).

The invoice is composed by backend/billing (package and extra time as labour lines, VAT per the
Friend's status in the job's country) and issued by ``billing.store.issue`` (gapless number per
country and year, the payment reference, the journal entry), all in the caller's transaction.
The stored rows are the truth: the JSON and the PDF are made from them, never from the job or
the packages of today. The payment's QR payload is made again from the stored number, amount
and reference with the platform's account as configured (backend/billing/accounts.py).

Status: ``credited`` when credit notes took off the whole price; for an invoice paid through
the platform, ``paid``/``part_paid``/``open`` by the payments matched to it in the journal
(entries of kind ``payment`` keyed ``payment:<number>:…``; the bank-statement import books
them); an invoice paid directly to the Friend is ``paid`` (the Friend collected on the spot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Customer, Friend, Job
from backend.billing import invoice as billing
from backend.billing import journal, matching, pdf, store
from backend.billing.accounts import BillingSettings
from backend.billing.invoice import Document, InvoiceError, Kind, Line
from backend.billing.journal import PaidVia
from backend.billing.numbers import InvoiceNumber, parse
from backend.billing.orm import Invoice, JournalEntry, JournalPosting
from backend.billing.qr import Debtor, Payment, payment_for
from backend.billing.references import format_reference, is_valid_qrr
from backend.billing.texts import LANGUAGES, text
from backend.billing.vat import VatStatus
from backend.domain.money import Settlement
from backend.domain.packages import Package
from backend.services.jobs import record_event
from product.countries import COUNTRIES, time_zone


class InvoicingError(Exception):
    """The invoice cannot be issued or corrected like this (409 in the API)."""


def vat_status(friend: Friend, country: str) -> VatStatus:
    """The Friend's VAT status in ``country``: registered as configured, else exempt."""
    configured = (friend.vat or {}).get(country) or {}
    if configured.get("registered"):
        return VatStatus.vat_registered(country, str(configured.get("vat_id", "")))
    return VatStatus.small_business(country)


def invoice_language(customer: Customer) -> str:
    language = (customer.language or "").split("-")[0].lower()
    return language if language in LANGUAGES else "en"


_HOUSE = re.compile(r"^(.*?)[\s,]+(\d+\s?[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?)$")


def customer_address(job: Job) -> str:
    street = job.street.strip()
    return "\n".join(part for part in (street, f"{job.postal_code} {job.city}".strip()) if part)


def debtor_of(name: str, address: str, country: str) -> Debtor | None:
    """The payer on a Swiss QR-bill, from the invoice's stored name and address lines."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) != 2 or not name.strip():
        return None
    found = _HOUSE.match(lines[0])
    street, house = (found.group(1), found.group(2)) if found else (lines[0], "")
    postal, _, city = lines[1].partition(" ")
    if not postal or not city:
        return None
    return Debtor(name.strip()[:70], street[:70], house[:16], postal[:16], city[:35], country)


async def issue_job_invoice(
    session: AsyncSession,
    job: Job,
    friend: Friend,
    customer: Customer,
    package: Package,
    extra_minutes: int,
    settlement: Settlement,
    paid_via: PaidVia,
    actor: str,
    now: datetime,
    settings: BillingSettings,
) -> tuple[Invoice, Payment | None]:
    """The job's one invoice, in the caller's transaction (the completion's)."""
    price = package.prices[job.country]
    rate = package.extra_per_15_min.get(job.country)
    language = invoice_language(customer)
    name = package.names.get(language) or package.names.get("en") or package.id
    extra = rate.amount if rate else Decimal(0)
    items = billing.job_items(name, price.amount, extra_minutes, extra)
    document = billing.compose_invoice(items, vat_status(friend, job.country), price.currency)
    # Both follow the one rounding rule; the ledger's summary and the invoice must agree.
    assert (document.gross, document.commission) == (settlement.price, settlement.commission)
    customer_name = job.contact(customer)[0] or customer.name
    address = customer_address(job)
    creditor = settings.creditor(job.country) if paid_via is PaidVia.PLATFORM else None
    debtor = debtor_of(customer_name, address, job.country)
    if creditor is not None and debtor is not None and document.gross > 0:
        try:  # the QR-bill checks the payer's address (lengths, characters) before we number
            payment_for(
                InvoiceNumber(job.country, now.year, 1),
                document.gross,
                document.currency,
                creditor,
                debtor,
                language,
            )
        except ValueError:
            debtor = None  # without a payer, as the standard allows
    return await store.issue(
        session,
        document,
        friend_id=friend.id,
        job_id=job.id,
        language=language,
        customer_name=customer_name,
        customer_address=address,
        paid_via=paid_via,
        issued_by=actor,
        at=now,
        creditor=creditor,
        debtor=debtor,
    )


@dataclass(frozen=True)
class JobInvoice:
    job: Job
    invoice: Invoice
    credit_notes: tuple[Invoice, ...]
    friend: Friend | None
    paid: Decimal

    @property
    def credited(self) -> Decimal:
        """What credit notes took off (positive)."""
        return -sum((note.gross for note in self.credit_notes), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        return self.invoice.gross - self.credited

    @property
    def status(self) -> matching.Status:
        paid = self.paid if self.invoice.paid_via == PaidVia.PLATFORM else self.remaining
        return matching.status(self.invoice.gross, self.credited, paid)


async def job_invoice(session: AsyncSession, reference: str) -> JobInvoice | None:
    """The job's invoice with its credit notes; None when the job has none (or no such job)."""
    job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
    if job is None:
        return None
    invoice = await session.scalar(select(Invoice).where(Invoice.invoiced_job_id == job.id))
    if invoice is None:
        return None
    notes = (
        await session.scalars(
            select(Invoice).where(Invoice.corrects_id == invoice.id).order_by(Invoice.id)
        )
    ).all()
    friend = await session.get(Friend, invoice.friend_id) if invoice.friend_id else None
    paid = await session.scalar(
        select(func.coalesce(func.sum(JournalPosting.amount), 0))
        .join(JournalEntry, JournalPosting.entry_id == JournalEntry.id)
        .where(
            JournalEntry.kind == "payment",
            JournalEntry.key.like(f"payment:{invoice.number}:%"),
            JournalPosting.account == journal.CUSTOMERS,
        )
    )
    return JobInvoice(job, invoice, tuple(notes), friend, -Decimal(paid or 0))


def document_of(row: Invoice, corrects: str | None = None) -> Document:
    """The stored document as billing's value again (what the PDF is drawn from)."""
    status = VatStatus(row.country, row.vat_registered, Decimal(row.vat_rate), row.vat_id)
    return Document(
        kind=Kind(row.kind),
        country=row.country,
        currency=row.currency,
        vat_status=status,
        lines=tuple(
            Line(
                text=line.text,
                params=dict(line.params),
                quantity=line.quantity,
                unit_price=line.unit_price,
                labour=line.labour,
                vat_rate=line.vat_rate,
                gross=line.gross,
                vat=line.vat,
            )
            for line in row.lines
        ),
        commission=row.commission,
        corrects=corrects,
        reason=row.reason,
    )


def payment_of(row: Invoice, settings: BillingSettings) -> Payment | None:
    """The stored invoice's payment instructions (None: paid directly, or a credit note). The
    account is the one the stored reference was made for: a QRR goes to the QR-IBAN, an RF
    reference to the IBAN, even when the configuration has gained or lost a QR-IBAN since."""
    account = settings.accounts.get(row.country)
    if not row.payment_method or account is None:
        return None
    creditor = account.creditor()
    if account.qr_iban and not is_valid_qrr(row.payment_reference):
        creditor = replace(creditor, iban=account.iban)
    debtor = debtor_of(row.customer_name, row.customer_address, row.country)
    number = parse(row.number)
    try:
        return payment_for(number, row.gross, row.currency, creditor, debtor, row.language)
    except ValueError:
        return payment_for(number, row.gross, row.currency, creditor, None, row.language)


def due_on(row: Invoice, settings: BillingSettings) -> date:
    return local_date(row.issued_at, row.country) + timedelta(days=settings.payment_days)


def local_date(at: datetime, country: str) -> date:
    return at.astimezone(ZoneInfo(time_zone(country))).date()


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def invoice_json(found: JobInvoice, settings: BillingSettings) -> dict[str, Any]:
    row = found.invoice
    payment = payment_of(row, settings)
    return {
        "number": row.number,
        "job_reference": found.job.reference,
        "country": row.country,
        "currency": row.currency,
        "language": row.language,
        "issued_at": row.issued_at.isoformat(),
        "total": _money(row.gross),
        "net": _money(row.net),
        "vat": _money(row.vat),
        "vat_rate": f"{Decimal(row.vat_rate).normalize():f}" if row.vat_registered else None,
        # Labour cost including VAT (§ 35a EStG on a German invoice).
        "labour": _money(row.labour),
        "lines": [
            {
                "description": text(line.text, row.language, line.params),
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "amount": _money(line.gross),
                "vat": _money(line.vat),
                "labour": line.labour,
            }
            for line in row.lines
        ],
        "status": str(found.status),
        "outstanding": _money(max(found.remaining - found.paid, Decimal(0)))
        if row.paid_via == PaidVia.PLATFORM
        else "0.00",
        "payment": {
            "method": str(payment.method) if payment else "direct",
            "paid_via": row.paid_via,
            "reference": row.payment_reference,
            "qr_payload": payment.qr_payload if payment else None,
            "iban": payment.creditor.iban if payment else None,
            "due_on": due_on(row, settings).isoformat() if payment else None,
        },
        "credit_notes": [
            {
                "number": note.number,
                "total": _money(note.gross),
                "reason": note.reason,
                "issued_at": note.issued_at.isoformat(),
            }
            for note in found.credit_notes
        ],
    }


def summary(found: JobInvoice, settings: BillingSettings, language: str) -> str:
    """The customer's one line about their invoice, in ``language``: "CHF 79.00, payable
    within 10 days, scan the QR code in your banking app"."""
    row = found.invoice
    language = language.split("-")[0].lower()
    if found.status in (matching.Status.CREDITED, matching.Status.PAID) and (
        row.paid_via == PaidVia.PLATFORM or found.status is matching.Status.CREDITED
    ):
        return text("summary_settled", language, {"number": row.number})
    due = found.remaining - found.paid
    amount = pdf.money(due, row.currency, language, row.country)
    payment = payment_of(row, settings)
    if payment is None:
        return text("summary_direct", language, {"amount": amount})
    days = str(settings.payment_days)
    if payment.qr_payload:
        return text("summary_qr", language, {"amount": amount, "days": days})
    reference = format_reference(payment.reference)
    return text(
        "summary_transfer", language, {"amount": amount, "days": days, "reference": reference}
    )


def customer_news(
    job: Job, invoice: Invoice, customer: Customer, settings: BillingSettings
) -> dict[str, str]:
    """What the completion's news (EXTERNAL_job_completed) carries about the new invoice for
    the customer's chat: the one line in their language and the PDF's link by the status
    page's key (the bot sends it as a file: a Messenger file attachment, a WhatsApp document)."""
    if not job.status_token:
        return {}
    found = JobInvoice(job, invoice, (), None, Decimal(0))
    return {
        "invoice_number": invoice.number,
        "invoice_summary": summary(found, settings, invoice_language(customer)),
        "invoice_url": f"{settings.public_base_url.rstrip('/')}/b/{job.status_token}/invoice.pdf",
    }


def render_pdf(found: JobInvoice, settings: BillingSettings, number: str | None = None) -> bytes:
    """The invoice (or, by ``number``, one of its credit notes) as PDF, from the stored rows."""
    row = found.invoice
    if number is not None and number != row.number:
        notes = [note for note in found.credit_notes if note.number == number]
        if not notes:
            raise InvoicingError(f"no document {number} for this job")
        row = notes[0]
    corrects = found.invoice.number if row is not found.invoice else None
    friend = found.friend
    country = COUNTRIES[row.country]
    supplier = pdf.Party(
        friend.name if friend else "",
        (f"{friend.postal_code} {country.names.get(row.language, country.names['en'])}",)
        if friend
        else (),
        row.vat_id if row.vat_registered else "",
    )
    customer = pdf.Party(row.customer_name, tuple(row.customer_address.splitlines()))
    payment = payment_of(row, settings) if row is found.invoice else None
    completed = found.job.completed_at
    printed = pdf.Printed(
        number=row.number,
        document=document_of(row, corrects),
        language=row.language,
        issued_on=local_date(row.issued_at, row.country),
        supplier=supplier,
        customer=customer,
        paid_via=PaidVia(row.paid_via),
        payment=payment,
        due_on=due_on(row, settings) if payment else None,
        service_on=local_date(completed, row.country) if completed else None,
    )
    return pdf.render(printed)


async def correct(
    session: AsyncSession,
    reference: str,
    new_price: Decimal | None,
    reason: str,
    actor: str,
    now: datetime,
    settings: BillingSettings,
) -> tuple[JobInvoice, Invoice] | None:
    """A credit note for the job's invoice: down to ``new_price`` (gross), or all of it (None).
    Never an edit. None when the job has no invoice; InvoicingError when nothing is left to
    take off. The first statement writes the job's row (to itself), so two corrections at once
    queue: PostgreSQL's row lock, SQLite's one writer (the second then reads what the first
    credited)."""
    locked = await session.scalar(
        update(Job)
        .where(Job.reference == reference.upper())
        .values(reference=Job.reference)
        .returning(Job.id)
    )
    if locked is None:
        return None
    found = await job_invoice(session, reference)
    if found is None:
        return None
    row, remaining = found.invoice, found.remaining
    original = document_of(row)
    try:
        if new_price is None:
            if remaining <= 0:
                raise InvoicingError(f"invoice {row.number} is credited in full already")
            if found.credited == 0:
                note = billing.full_credit(original, row.number, reason)
            else:
                note = billing.price_correction(
                    original, row.number, remaining, reason, already_credited=found.credited
                )
        else:
            if new_price >= remaining:
                raise InvoicingError(
                    f"invoice {row.number} asks {remaining:.2f} {row.currency}; a credit note "
                    "can only lower it"
                )
            note = billing.price_correction(
                original,
                row.number,
                remaining - new_price,
                reason,
                already_credited=found.credited,
            )
    except InvoiceError as exc:
        raise InvoicingError(str(exc)) from None
    credit, _ = await store.issue(
        session,
        note,
        friend_id=row.friend_id or 0,
        job_id=found.job.id,
        language=row.language,
        customer_name=row.customer_name,
        customer_address=row.customer_address,
        paid_via=PaidVia(row.paid_via),
        issued_by=actor,
        at=now,
    )
    record_event(
        session,
        found.job,
        actor,
        "credit_note_issued",
        number=credit.number,
        invoice=row.number,
        amount=_money(credit.gross),
        reason=reason,
    )
    await session.commit()
    again = await job_invoice(session, reference)
    assert again is not None
    return again, credit


def pseudonym(customer_id: int) -> str:
    """What an erased customer's invoices name instead of them: the bookkeeping record stays
    (tax law keeps invoices ten years, Art. 17(3)(b) GDPR), the person is no longer named;
    the customer id links the record to the (erased) customer row, nothing else does."""
    return f"[erased customer {customer_id}]"


async def documents_of_jobs(session: AsyncSession, job_ids: list[int]) -> list[Invoice]:
    """Invoices and credit notes of these jobs, oldest first."""
    if not job_ids:
        return []
    return list(
        (
            await session.scalars(
                select(Invoice).where(Invoice.job_id.in_(job_ids)).order_by(Invoice.id)
            )
        ).all()
    )


async def pseudonymise(session: AsyncSession, job_ids: list[int], customer_id: int) -> int:
    """GDPR erasure: the customer's name and address on their invoices and credit notes are
    replaced; every number, amount, line and booking stays (the only change billing's ORM
    guard lets through on an issued document). In the caller's transaction; how many."""
    documents = await documents_of_jobs(session, job_ids)
    for document in documents:
        document.customer_name = pseudonym(customer_id)
        document.customer_address = ""
    return len(documents)


def export_json(documents: list[Invoice], references: dict[int, str]) -> list[dict[str, Any]]:
    """The customer's invoices and credit notes for the privacy export."""
    return [
        {
            "number": row.number,
            "kind": row.kind,
            "job": references.get(row.job_id or 0),
            "issued_at": row.issued_at.isoformat(),
            "customer_name": row.customer_name,
            "customer_address": row.customer_address,
            "currency": row.currency,
            "total": _money(row.gross),
            "paid_via": row.paid_via,
            "payment_reference": row.payment_reference,
        }
        for row in documents
    ]
