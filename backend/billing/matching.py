"""A bank credit matched to its invoice by reference, and an invoice's status from its money.

Matching is by the payment reference alone (RF/SCOR or QRR, which carry the invoice number);
the amount decides how: all of what is outstanding (paid), less (part paid), more (paid, the
rest to review), a currency other than the invoice's, a reference that is none of ours or an
invoice with nothing outstanding (all to review). What goes to review is booked to the journal's
``unmatched`` account until someone in the console decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from backend.billing.camt import Credit
from backend.billing.references import invoice_number


class Status(StrEnum):
    OPEN = "open"
    PAID = "paid"
    PART_PAID = "part_paid"
    CREDITED = "credited"


class Review(StrEnum):
    """Why (part of) a credit waits for a person."""

    NONE = ""
    UNKNOWN_REFERENCE = "unknown_reference"
    OVERPAID = "overpaid"
    WRONG_CURRENCY = "wrong_currency"
    NOTHING_OUTSTANDING = "nothing_outstanding"


@dataclass(frozen=True)
class Outstanding:
    """What an invoice still asks for: its gross less credit notes less payments matched."""

    number: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class Match:
    credit: Credit
    invoice: str | None  # the invoice number, when the reference names one of ours
    matched: Decimal  # settles the invoice
    unmatched: Decimal  # waits for review
    review: Review


def match(credit: Credit, outstanding: Mapping[str, Outstanding]) -> Match:
    """``outstanding`` by invoice number (only invoices paid through the platform)."""
    number = invoice_number(credit.reference) if credit.reference else None
    due = outstanding.get(str(number)) if number else None
    if due is None:
        return Match(credit, None, Decimal(0), credit.amount, Review.UNKNOWN_REFERENCE)
    if due.currency != credit.currency:
        return Match(credit, due.number, Decimal(0), credit.amount, Review.WRONG_CURRENCY)
    if due.amount <= 0:
        return Match(credit, due.number, Decimal(0), credit.amount, Review.NOTHING_OUTSTANDING)
    matched = min(credit.amount, due.amount)
    rest = credit.amount - matched
    return Match(credit, due.number, matched, rest, Review.OVERPAID if rest else Review.NONE)


def status(gross: Decimal, credited: Decimal, paid: Decimal) -> Status:
    """An invoice's status: ``credited`` (positive) is what credit notes took off, ``paid``
    what payments matched to it."""
    remaining = gross - credited
    if remaining <= 0:
        return Status.CREDITED
    if paid >= remaining:
        return Status.PAID
    return Status.PART_PAID if paid > 0 else Status.OPEN
