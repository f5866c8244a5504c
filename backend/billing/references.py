"""Payment references made from invoice numbers, read back when a payment comes in; IBANs.

- ISO 11649 creditor reference (``RF`` + 2 check digits + the compact invoice number, e.g.
  ``RF71DE2026000123``): the structured reference of every invoice outside Switzerland, and the
  SCOR reference of a Swiss QR-bill paid to a normal IBAN.
- QRR (Swiss QR reference, 27 digits, the last a mod-10 recursive check digit): only with a
  QR-IBAN. Its 26 digits are the ISO 3166 numeric country, the year and the sequence, zero-padded
  on the left.

Both carry the whole invoice number, so ``invoice_number`` finds the invoice from the reference
of a bank statement's credit without a lookup table.
"""

from __future__ import annotations

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import iso11649

from backend.billing.numbers import InvalidInvoiceNumber, InvoiceNumber, parse

# ISO 3166-1 numeric codes of the countries we invoice in.
NUMERIC_COUNTRY: dict[str, int] = {
    "AT": 40,
    "CH": 756,
    "DE": 276,
    "FR": 250,
    "IT": 380,
    "PL": 616,
}
_COUNTRY_OF_NUMERIC = {number: code for code, number in NUMERIC_COUNTRY.items()}
# The mod-10 recursive table of the Swiss payment standards (ESR/QRR).
_MOD10_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
# Institution ids (IBAN positions 5-9) reserved for QR-IBANs.
_QR_IID = range(30000, 32000)


class InvalidIban(ValueError):
    pass


def rf_reference(number: InvoiceNumber) -> str:
    """The ISO 11649 creditor reference of an invoice number (electronic form, no spaces)."""
    body = number.compact
    rearranged = _digits(body + "RF00")
    return f"RF{98 - int(rearranged) % 97:02d}{body}"


def mod10_recursive(digits: str) -> int:
    """The check digit of the Swiss QRR/ESR reference over ``digits``."""
    carry = 0
    for digit in digits:
        carry = _MOD10_TABLE[(carry + int(digit)) % 10]
    return (10 - carry) % 10


def qrr_reference(number: InvoiceNumber) -> str:
    """The 27-digit QR reference of an invoice number (for a QR-IBAN)."""
    try:
        country = NUMERIC_COUNTRY[number.country]
    except KeyError:
        raise InvalidInvoiceNumber(f"no numeric code for {number.country}") from None
    payload = f"{country:03d}{number.year:04d}{number.sequence:06d}".zfill(26)
    return payload + str(mod10_recursive(payload))


def is_valid_qrr(reference: str) -> bool:
    compact = reference.replace(" ", "")
    return (
        len(compact) == 27
        and compact.isdigit()
        and mod10_recursive(compact[:26]) == int(compact[26])
    )


def invoice_number(reference: str) -> InvoiceNumber | None:
    """The invoice a payment reference (RF/SCOR or QRR, spaces allowed) was made for; None when
    it is none of ours or its check digits are wrong."""
    compact = reference.replace(" ", "").upper()
    try:
        if compact.startswith("RF"):
            if not iso11649.is_valid(compact):
                return None
            return parse(compact[4:])
        if is_valid_qrr(compact):
            payload = compact[:26]
            country = _COUNTRY_OF_NUMERIC.get(int(payload[:-10]))
            if country is None:
                return None
            return InvoiceNumber(country, int(payload[-10:-6]), int(payload[-6:]))
    except InvalidInvoiceNumber:
        return None
    return None


def validate_iban(text: str) -> str:
    """The IBAN in its compact form (``CH4431999123000889012``); InvalidIban when the country's
    format or the check digits are wrong."""
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as exc:
        raise InvalidIban(str(exc)) from None


def is_qr_iban(iban: str) -> bool:
    """A Swiss or Liechtenstein QR-IBAN (institution id 30000-31999): takes QRR references."""
    compact = validate_iban(iban)
    return compact[:2] in ("CH", "LI") and int(compact[4:9]) in _QR_IID


def format_iban(iban: str) -> str:
    """In groups of four, as printed on an invoice."""
    return str(IBAN(iban).formatted)


def format_reference(reference: str) -> str:
    """As printed for people: a QRR in 2 + 5 × 5 digits, an RF reference in groups of four."""
    compact = reference.replace(" ", "")
    if is_valid_qrr(compact):
        return " ".join([compact[:2], *(compact[i : i + 5] for i in range(2, 27, 5))])
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _digits(text: str) -> str:
    """ISO 7064 letters as numbers: A=10 … Z=35."""
    return "".join(str(int(char, 36)) for char in text)
