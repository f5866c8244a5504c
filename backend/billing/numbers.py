"""Invoice numbers: ``DE-2026-000123``, one gapless sequence per issuing country and year.

Invoices and credit notes share their country's sequence (a credit note is a document of its
own with its own number; it names the invoice it corrects). The sequence restarts at 1 each
calendar year; the number is allocated in the transaction that stores the document
(backend/billing/numbering.py), so a rolled-back document leaves no gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SEQUENCE = 999_999
_NUMBER = re.compile(r"^([A-Z]{2})-(\d{4})-(\d{6})$")


class InvalidInvoiceNumber(ValueError):
    pass


@dataclass(frozen=True, order=True)
class InvoiceNumber:
    country: str
    year: int
    sequence: int

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]{2}", self.country):
            raise InvalidInvoiceNumber(f"country {self.country!r} is not ISO 3166 alpha-2")
        if not 2000 <= self.year <= 9999:
            raise InvalidInvoiceNumber(f"year {self.year} out of range")
        if not 1 <= self.sequence <= MAX_SEQUENCE:
            raise InvalidInvoiceNumber(f"sequence {self.sequence} out of range")

    def __str__(self) -> str:
        return f"{self.country}-{self.year:04d}-{self.sequence:06d}"

    @property
    def compact(self) -> str:
        """Letters and digits only (``DE2026000123``): what a payment reference carries."""
        return f"{self.country}{self.year:04d}{self.sequence:06d}"


def parse(text: str) -> InvoiceNumber:
    """``DE-2026-000123`` (case and surrounding spaces forgiven) or its compact form."""
    cleaned = text.strip().upper()
    match = _NUMBER.match(cleaned) or re.match(r"^([A-Z]{2})(\d{4})(\d{6})$", cleaned)
    if match is None:
        raise InvalidInvoiceNumber(f"{text!r} is not an invoice number")
    return InvoiceNumber(match.group(1), int(match.group(2)), int(match.group(3)))
