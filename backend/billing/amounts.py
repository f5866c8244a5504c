"""The one rounding rule of billing, and amounts as cents.

Rounding rule: every amount on a document is rounded half-up to the cent once, per line (the
line's gross, then its VAT; its net is gross minus VAT, so net + VAT == gross on every line).
A document's totals are the sums of its rounded lines, never a rounding of an unrounded total.
Commission follows backend/domain/money.py (20 % of the gross, half-up; the Friend gets the
rest). Amounts are Decimal end to end; floats are refused.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent (2.345 → 2.35, -2.345 → -2.35)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(amount).__name__}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal) -> int:
    """A cent-exact amount as an integer number of cents (what sepaxml wants)."""
    if cents(amount) != amount:
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(amount * 100)
