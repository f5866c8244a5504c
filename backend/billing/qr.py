"""How a customer pays an invoice by bank transfer, the local way.

- CH: a Swiss QR-bill (``qrbill``): a QR-IBAN with a QRR reference, or a normal IBAN with the
  SCOR (ISO 11649 RF) reference.
- DE, AT (EUR): an EPC QR code ("GiroCode", EPC069-12, BCD version 002, SEPA credit transfer)
  with the RF reference as structured remittance; drawn with ``segno.helpers.make_epc_qr``.
- elsewhere: the transfer details with the RF reference, no QR code.

``qr_payload`` is the text inside the QR code (the API's ``payment.qr_payload``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from io import StringIO
from typing import Any

import segno
from qrbill import QRBill
from segno import helpers

from backend.billing.numbers import InvoiceNumber
from backend.billing.references import is_qr_iban, qrr_reference, rf_reference, validate_iban

EPC_COUNTRIES = ("DE", "AT")
SWISS_COUNTRIES = ("CH",)
QR_BILL_LANGUAGES = ("de", "en", "fr", "it")


class Method(StrEnum):
    SWISS_QR_BILL = "swiss_qr_bill"
    EPC_QR = "epc_qr"
    TRANSFER = "transfer"


@dataclass(frozen=True)
class Creditor:
    """Who is paid: the account holder of ``iban`` and their postal address."""

    name: str
    iban: str
    street: str
    house_number: str
    postal_code: str
    city: str
    country: str
    bic: str = ""


@dataclass(frozen=True)
class Debtor:
    name: str
    street: str
    house_number: str
    postal_code: str
    city: str
    country: str


@dataclass(frozen=True)
class Payment:
    method: Method
    creditor: Creditor
    amount: Decimal
    currency: str
    reference: str
    qr_payload: str | None
    # Swiss QR-bills only: the debtor and the bill's language, to draw the payment part.
    debtor: Debtor | None = None
    language: str = "en"


def payment_for(
    number: InvoiceNumber,
    amount: Decimal,
    currency: str,
    creditor: Creditor,
    debtor: Debtor | None = None,
    language: str = "en",
) -> Payment:
    """The payment instructions of invoice ``number`` for ``amount`` in ``currency``."""
    if amount <= 0:
        raise ValueError("only a positive amount is paid by transfer")
    iban = validate_iban(creditor.iban)
    country = number.country
    if country in SWISS_COUNTRIES:
        reference = qrr_reference(number) if is_qr_iban(iban) else rf_reference(number)
        bill = swiss_qr_bill(creditor, amount, currency, reference, debtor, language)
        return Payment(
            Method.SWISS_QR_BILL,
            creditor,
            amount,
            currency,
            reference,
            str(bill.qr_data()),
            debtor,
            bill.language,
        )
    reference = rf_reference(number)
    if country in EPC_COUNTRIES and currency == "EUR":
        payload = epc_payload(creditor.name, iban, amount, reference, creditor.bic)
        return Payment(Method.EPC_QR, creditor, amount, currency, reference, payload)
    return Payment(Method.TRANSFER, creditor, amount, currency, reference, None)


def swiss_qr_bill(
    creditor: Creditor,
    amount: Decimal,
    currency: str,
    reference: str,
    debtor: Debtor | None = None,
    language: str = "en",
) -> QRBill:
    """The QR-bill, validated by ``qrbill`` itself (IBAN, reference type, address lengths)."""

    def address(party: Creditor | Debtor) -> dict[str, Any]:
        return {
            "name": swiss_text(party.name),
            "street": swiss_text(party.street),
            "house_num": swiss_text(party.house_number),
            "pcode": swiss_text(party.postal_code),
            "city": swiss_text(party.city),
            "country": party.country,
        }

    return QRBill(
        account=creditor.iban,
        creditor=address(creditor),
        amount=f"{amount:.2f}",
        currency=currency,
        debtor=address(debtor) if debtor else None,
        reference_number=reference,
        language=language if language in QR_BILL_LANGUAGES else "en",
    )


# Letters with a stroke have no decomposition; everything else outside Latin-1 loses its marks.
_STROKES = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"})


def swiss_text(text: str) -> str:
    """``text`` in the QR-bill's Latin character set (the Latin-1 letters of the Swiss
    Implementation Guidelines): "Łukasz Żółć" → "Lukasz Zólc", "Zürich" stays. The QR code and
    the printed payment part then say the same, and the part's Helvetica can print it."""
    out = []
    for char in text.translate(_STROKES):
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


def swiss_qr_bill_svg(payment: Payment) -> str:
    """The QR-bill's payment part and receipt (210 × 105 mm) as SVG, to place in the PDF."""
    bill = swiss_qr_bill(
        payment.creditor,
        payment.amount,
        payment.currency,
        payment.reference,
        payment.debtor,
        payment.language,
    )
    out = StringIO()
    bill.as_svg(out)
    return out.getvalue()


def epc_payload(name: str, iban: str, amount: Decimal, reference: str, bic: str = "") -> str:
    """The EPC069-12 text, one field a line: service tag BCD, version 002, character set 1
    (UTF-8), SCT, BIC, name, IBAN, amount as EUR12.5, purpose, RF reference (no free text)."""
    if not Decimal("0.01") <= amount <= Decimal("999999999.99"):
        raise ValueError("an EPC QR code carries 0.01 to 999999999.99 EUR")
    if len(name) > 70 or len(reference) > 35:
        raise ValueError("the EPC QR code's name is at most 70, its reference 35 characters")
    fields = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name,
        validate_iban(iban),
        f"EUR{amount:.2f}".rstrip("0").rstrip("."),
        "",
        reference,
    ]
    return "\n".join(fields)


def epc_qr(payment: Payment) -> segno.QRCode:
    """The GiroCode of an EPC payment, drawn by segno (error level M, version ≤ 13)."""
    if payment.method is not Method.EPC_QR:
        raise ValueError("not an EPC payment")
    return helpers.make_epc_qr(
        name=payment.creditor.name,
        iban=validate_iban(payment.creditor.iban),
        amount=payment.amount,
        reference=payment.reference,
        bic=payment.creditor.bic or None,
        encoding="utf-8",
    )
