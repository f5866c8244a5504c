"""Amounts of money as customers, Friends and staff read them: the one function that writes a
price, for the bot, the backend's chats and e-mails, WhatsApp templates and the console.

The currency's home decides where the symbol goes and how decimals are written, the language
only where the currency is shared by several of them:

- CHF the Swiss way in every language: "CHF 79.00" (de-CH, fr-CH, it-CH and English alike).
- PLN the Polish way: "79,00 zł".
- EUR in the reader's language: "79,00 €" (de, fr, it, pl), "€79.00" (en).

Babel (CLDR data) does the writing; it is in both virtual environments (.venv and .venv-bot).
Non-breaking spaces become plain spaces so texts and tests read the same everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from product.languages import DEFAULT_LANGUAGE

# The locale a currency is written in whatever the language (None: the reader's language).
_CURRENCY_LOCALES: dict[str, str] = {"CHF": "de_CH", "PLN": "pl_PL"}
_SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})
_ZERO_CENTS = re.compile(r"[.,]00(?!\d)")


def _decimal(amount: Decimal | str | int | float) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


def money_locale(currency: str, language: str | None) -> str:
    """The locale ``format_money`` writes ``currency`` in for a reader of ``language``."""
    fixed = _CURRENCY_LOCALES.get(currency.upper())
    if fixed:
        return fixed
    try:
        return str(Locale.parse(language or DEFAULT_LANGUAGE))
    except (UnknownLocaleError, ValueError, TypeError):
        return DEFAULT_LANGUAGE


def format_money(
    amount: Decimal | str | int | float,
    currency: str,
    language: str | None,
    compact: bool = False,
) -> str:
    """ "CHF 79.00", "79,00 €", "€79.00", "79,00 zł"; ``compact`` drops zero cents ("79 €",
    "CHF 79") for buttons. An unknown currency code is written as its code."""
    value = _decimal(amount)
    code = currency.upper().strip()
    if not code:
        return f"{value:.2f}"
    text = format_currency(value, code, locale=money_locale(code, language))
    text = text.translate(_SPACES)
    if compact and value == value.to_integral_value():
        text = _ZERO_CENTS.sub("", text, count=1)
    return text


def amount_only(amount: Decimal | str | int | float, currency: str, language: str | None) -> str:
    """The compact amount without its currency ("79", "49"): for a button title that has no
    room for the currency when the question above names it."""
    text = format_money(amount, currency, language, compact=True)
    return re.sub(r"[^\d.,']", "", text).strip(".,")
