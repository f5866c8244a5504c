"""What a valid completion, invoice correction and Friend billing detail look like (the JSON
API's input; the IBAN's check digits are backend/billing's, in the use case)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from backend.domain.money import MAX_EXTRA_MINUTES
from product.countries import COUNTRY_CODES

PAYMENTS = ("platform", "direct")
MAX_REASON = 500
MAX_IBAN = 34
MAX_VAT_ID = 30


@dataclass(frozen=True)
class CompletionAsked:
    extra_minutes: int
    payment: str  # one of PAYMENTS


@dataclass(frozen=True)
class CorrectionAsked:
    """A new (lower) gross price for the job, or None: credit the whole invoice."""

    new_price: Decimal | None
    reason: str


def validate_completion(data: Any) -> tuple[CompletionAsked | None, dict[str, str]]:
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    minutes = data.get("extra_minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        errors["extra_minutes"] = "must be a whole number of minutes"
    elif not 0 <= minutes <= MAX_EXTRA_MINUTES:
        errors["extra_minutes"] = f"must be between 0 and {MAX_EXTRA_MINUTES}"
    payment = data.get("payment")
    if payment not in PAYMENTS:
        errors["payment"] = f"must be one of {', '.join(PAYMENTS)}"
    if errors:
        return None, errors
    return CompletionAsked(int(minutes), str(payment)), {}


def validate_correction(data: Any) -> tuple[CorrectionAsked | None, dict[str, str]]:
    """``{"new_price": "49.00", "reason": …}`` or ``{"full_credit": true, "reason": …}``."""
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = "is required: a credit note says why"
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"must be at most {MAX_REASON} characters"
    full = data.get("full_credit", False)
    raw = data.get("new_price")
    price: Decimal | None = None
    if not isinstance(full, bool):
        errors["full_credit"] = "must be true or false"
    elif full and raw is not None:
        errors["new_price"] = "give a new price or full_credit, not both"
    elif not full:
        price = _money(raw)
        if price is None:
            errors["new_price"] = 'must be an amount as a string, e.g. "49.00" (or full_credit)'
    if errors:
        return None, errors
    return CorrectionAsked(price, str(reason).strip()), {}


def _money(raw: Any) -> Decimal | None:
    if not isinstance(raw, str) or len(raw) > 15:
        return None
    try:
        amount = Decimal(raw.strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def validate_billing_details(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The optional ``iban`` (its form; the check digits are checked by the use case) and
    ``vat`` ({country: {"registered": bool, "vat_id": str}}) of a Friend's record."""
    found: dict[str, Any] = {}
    if "iban" in data:
        iban = data["iban"]
        if not isinstance(iban, str) or len(iban.replace(" ", "")) > MAX_IBAN:
            errors["iban"] = f"must be an IBAN (at most {MAX_IBAN} characters)"
        else:
            found["iban"] = iban
    if "vat" in data:
        vat = data["vat"]
        if not isinstance(vat, dict):
            errors["vat"] = 'must be an object: {"DE": {"registered": true, "vat_id": "…"}}'
            return found
        clean: dict[str, dict[str, Any]] = {}
        for country, status in vat.items():
            if country not in COUNTRY_CODES:
                errors["vat"] = f"countries must be of {', '.join(COUNTRY_CODES)}"
            elif not isinstance(status, dict) or not isinstance(status.get("registered"), bool):
                errors["vat"] = f"{country}: registered must be true or false"
            elif not isinstance(status.get("vat_id", ""), str):
                errors["vat"] = f"{country}: vat_id must be a string"
            elif len(status.get("vat_id", "")) > MAX_VAT_ID:
                errors["vat"] = f"{country}: vat_id must be at most {MAX_VAT_ID} characters"
            else:
                clean[country] = {
                    "registered": status["registered"],
                    "vat_id": status.get("vat_id", "").strip(),
                }
        found["vat"] = clean
    return found
