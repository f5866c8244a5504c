"""The platform keeps 20% of every job; the Friend gets the rest. Money keeps its currency:
amounts in different currencies are never added (``Money.__add__`` refuses, totals are per
currency), since a job in Zurich is paid in CHF, one in Warsaw in PLN and one in Paris in EUR.

Rounding rule: the price is a whole number of cents (package price plus extra time, both in
cents); the commission is 20% of the price rounded half-up to the cent; the payout is the price
minus that commission. So commission + payout == price, always, and a half cent goes to the
platform (e.g. 0.05 → commission 0.01, payout 0.04).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from product import money as product_money

COMMISSION_RATE = Decimal("0.20")
_CENT = Decimal("0.01")
EXTRA_BLOCK_MINUTES = 15
MAX_EXTRA_MINUTES = 8 * 60


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were to be added or compared."""


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)


def totals_by_currency(amounts: Iterable[Money]) -> dict[str, Decimal]:
    """Sums kept apart per currency ({"EUR": 88.80, "CHF": 63.20}), in first-seen order."""
    totals: dict[str, Money] = {}
    for money in amounts:
        current = totals.get(money.currency)
        totals[money.currency] = money if current is None else current + money
    return {currency: total.amount for currency, total in totals.items()}


def commission(price: Decimal) -> Decimal:
    return (price * COMMISSION_RATE).quantize(_CENT, rounding=ROUND_HALF_UP)


def friend_payout(price: Decimal) -> Decimal:
    # Derived from the rounded commission so that payout + commission == price, always.
    return price.quantize(_CENT, rounding=ROUND_HALF_UP) - commission(price)


def extra_blocks(minutes: int) -> int:
    """Extra time is billed per started 15 minutes (20 minutes are two blocks)."""
    if minutes < 0:
        raise ValueError("extra time cannot be negative")
    return -(-minutes // EXTRA_BLOCK_MINUTES)


@dataclass(frozen=True)
class Settlement:
    price: Decimal
    commission: Decimal
    payout: Decimal


def settle_money(package_price: Money, extra_minutes: int, rate_per_block: Money) -> Settlement:
    """``settle`` for amounts with their currency: a rate in another currency than the price
    is refused (CurrencyMismatch), never added."""
    if extra_minutes and rate_per_block.currency != package_price.currency:
        raise CurrencyMismatch(
            f"extra time in {rate_per_block.currency}, package in {package_price.currency}"
        )
    return settle(package_price.amount, extra_minutes, rate_per_block.amount)


def settle(package_price: Decimal, extra_minutes: int, rate_per_block: Decimal) -> Settlement:
    """The money of one job: package price plus extra time, split by the rounding rule above."""
    price = (package_price + extra_blocks(extra_minutes) * rate_per_block).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )
    cut = commission(price)
    return Settlement(price=price, commission=cut, payout=price - cut)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """ "79,00 €", "CHF 79.00", "79,00 zł": product/money.py writes every amount."""
    return product_money.format_money(amount, currency, language)
