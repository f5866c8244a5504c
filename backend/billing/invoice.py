"""Invoices and credit notes as values: lines, net, VAT, gross, the labour share, the commission.

Composition only; numbering happens when a document is stored (backend/billing/numbering.py),
so a document here has no number yet, and a credit note names the number of the invoice it
corrects. An issued document is never edited: a cancellation is a credit note for the whole
invoice (every line negated), a price correction a credit note of one negative line.

Rounding (backend/billing/amounts.py): a line's gross is quantity × unit price, half-up to the
cent; its VAT is gross × rate / (100 + rate), half-up; its net is gross − VAT. Totals are sums
of the rounded lines. The labour share (§35a EStG in Germany: labour cost including VAT) is the
gross of the labour lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from backend.billing.amounts import cents
from backend.billing.vat import VatStatus
from backend.domain.money import commission, extra_blocks


class Kind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceError(ValueError):
    """A document that must not be issued like this."""


@dataclass(frozen=True)
class Item:
    """What is charged before VAT is worked out: a text key with its parameters (see
    backend/billing/texts.py), a quantity and the gross price per unit."""

    text: str
    quantity: int
    unit_price: Decimal
    labour: bool = True
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    text: str
    params: Mapping[str, str]
    quantity: int
    unit_price: Decimal
    labour: bool
    vat_rate: Decimal
    gross: Decimal
    vat: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.vat


@dataclass(frozen=True)
class Document:
    """An invoice or credit note ready to be numbered and stored."""

    kind: Kind
    country: str
    currency: str
    vat_status: VatStatus
    lines: tuple[Line, ...]
    # The platform's share of this document (negative on a credit note); the Friend's is
    # gross - commission.
    commission: Decimal
    corrects: str | None = None  # a credit note: the number of the invoice it corrects
    reason: str = ""

    @property
    def gross(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return sum((line.vat for line in self.lines), Decimal(0))

    @property
    def net(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal(0))

    @property
    def labour(self) -> Decimal:
        """Labour cost including VAT: the §35a EStG amount on a German invoice."""
        return sum((line.gross for line in self.lines if line.labour), Decimal(0))

    @property
    def friend_share(self) -> Decimal:
        return self.gross - self.commission


def line(item: Item, vat_status: VatStatus) -> Line:
    """One item with its gross and VAT rounded by the rule above."""
    if not isinstance(item.unit_price, Decimal):
        raise TypeError("prices are Decimal")
    gross = cents(item.unit_price * item.quantity)
    rate = vat_status.rate if vat_status.registered else Decimal(0)
    vat = cents(gross * rate / (Decimal(100) + rate))
    return Line(
        text=item.text,
        params=dict(item.params),
        quantity=item.quantity,
        unit_price=item.unit_price,
        labour=item.labour,
        vat_rate=rate,
        gross=gross,
        vat=vat,
    )


def job_items(
    package: str, package_price: Decimal, extra_minutes: int, rate_per_block: Decimal
) -> list[Item]:
    """A job's package and its extra time (per started 15 minutes) as items; both are labour."""
    items = [Item("line_package", 1, package_price, params={"package": package})]
    blocks = extra_blocks(extra_minutes)
    if blocks:
        items.append(
            Item(
                "line_extra_time",
                blocks,
                rate_per_block,
                params={"minutes": str(extra_minutes)},
            )
        )
    return items


def compose_invoice(items: Iterable[Item], vat_status: VatStatus, currency: str) -> Document:
    lines = tuple(line(item, vat_status) for item in items)
    if not lines:
        raise InvoiceError("an invoice needs at least one line")
    if any(item.quantity <= 0 or item.gross < 0 for item in lines):
        raise InvoiceError("invoice lines are positive; corrections are credit notes")
    gross = sum((item.gross for item in lines), Decimal(0))
    return Document(
        kind=Kind.INVOICE,
        country=vat_status.country,
        currency=currency,
        vat_status=vat_status,
        lines=lines,
        commission=commission(gross),
    )


def full_credit(original: Document, number: str, reason: str) -> Document:
    """Cancels invoice ``number`` as a whole: every line negated, the commission given back."""
    _must_be_invoice(original, number)
    lines = tuple(
        Line(
            text=item.text,
            params=item.params,
            quantity=-item.quantity,
            unit_price=item.unit_price,
            labour=item.labour,
            vat_rate=item.vat_rate,
            gross=-item.gross,
            vat=-item.vat,
        )
        for item in original.lines
    )
    return _credit(original, number, reason, lines, -original.commission)


def price_correction(
    original: Document,
    number: str,
    amount: Decimal,
    reason: str,
    already_credited: Decimal = Decimal(0),
    labour: bool = True,
) -> Document:
    """Takes ``amount`` (gross, positive) off invoice ``number``; ``already_credited`` is what
    earlier credit notes took off (positive). The commission follows the price that remains,
    so invoice plus credit notes always carry commission(remaining price)."""
    _must_be_invoice(original, number)
    if amount <= 0 or cents(amount) != amount:
        raise InvoiceError("a price correction takes a positive number of cents off")
    before = original.gross - already_credited
    if amount > before:
        raise InvoiceError("a credit note cannot take off more than remains of the invoice")
    item = Item("line_price_correction", 1, -amount, labour, {"invoice": number})
    correction = line(item, original.vat_status)
    return _credit(
        original,
        number,
        reason,
        (correction,),
        commission(before - amount) - commission(before),
    )


def _must_be_invoice(original: Document, number: str) -> None:
    if original.kind is not Kind.INVOICE:
        raise InvoiceError("only an invoice can be credited")
    if not number:
        raise InvoiceError("a credit note names the invoice it corrects")


def _credit(
    original: Document,
    number: str,
    reason: str,
    lines: tuple[Line, ...],
    commission_share: Decimal,
) -> Document:
    if not reason:
        raise InvoiceError("a credit note says why")
    return Document(
        kind=Kind.CREDIT_NOTE,
        country=original.country,
        currency=original.currency,
        vat_status=original.vat_status,
        lines=lines,
        commission=commission_share,
        corrects=number,
        reason=reason,
    )
