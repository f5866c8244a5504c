"""The platform keeps 20% of every job; the Friend gets the rest."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

COMMISSION_RATE = Decimal("0.20")
_CENT = Decimal("0.01")


def commission(price: Decimal) -> Decimal:
    return (price * COMMISSION_RATE).quantize(_CENT, rounding=ROUND_HALF_UP)


def friend_payout(price: Decimal) -> Decimal:
    # Derived from the rounded commission so that payout + commission == price, always.
    return price.quantize(_CENT, rounding=ROUND_HALF_UP) - commission(price)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    text = f"{amount:.2f}"
    if language == "de":
        text = text.replace(".", ",")
    return f"{text} {currency}"
