"""The countries techfriends works in, and what the product needs to know of each.

Adding a country: one ``Country`` line below (never reorder ``COUNTRIES``), its packages and
prices in backend/packages.yml, its postal codes in the GeoNames data; the tests in
tests/product name every table that is still missing it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    time_zone: str  # IANA
    postal_digits: int
    # Prefixes people put before a postal code ("D-10115", "CH-8001").
    postal_prefixes: tuple[str, ...]
    # A national phone number as people of the country write it, for examples in questions.
    phone_example: str
    # The country's name in each language, and "in <country>" (German needs the article).
    names: dict[str, str]
    in_country: dict[str, str]
    # Words in a customer's message that name the country (lower case, any language).
    words: tuple[str, ...]


_ALL: tuple[Country, ...] = (
    Country(
        code="DE",
        currency="EUR",
        time_zone="Europe/Berlin",
        postal_digits=5,
        postal_prefixes=("D", "DE"),
        phone_example="0171 1234567",
        names={"de": "Deutschland", "en": "Germany"},
        in_country={"de": "in Deutschland", "en": "in Germany"},
        words=("deutschland", "germany"),
    ),
    Country(
        code="AT",
        currency="EUR",
        time_zone="Europe/Vienna",
        postal_digits=4,
        postal_prefixes=("A", "AT"),
        phone_example="0664 1234567",
        names={"de": "Österreich", "en": "Austria"},
        in_country={"de": "in Österreich", "en": "in Austria"},
        words=("österreich", "oesterreich", "austria"),
    ),
    Country(
        code="CH",
        currency="CHF",
        time_zone="Europe/Zurich",
        postal_digits=4,
        postal_prefixes=("CH",),
        phone_example="079 123 45 67",
        names={"de": "Schweiz", "en": "Switzerland"},
        in_country={"de": "in der Schweiz", "en": "in Switzerland"},
        words=("schweiz", "switzerland", "suisse", "svizzera"),
    ),
)

COUNTRIES: dict[str, Country] = {country.code: country for country in _ALL}
COUNTRY_CODES: tuple[str, ...] = tuple(COUNTRIES)
DEFAULT_COUNTRY = "DE"
TIME_ZONES: dict[str, str] = {code: country.time_zone for code, country in COUNTRIES.items()}
CURRENCIES: tuple[str, ...] = tuple(dict.fromkeys(country.currency for country in _ALL))
# How prices are written next to the amount; a currency without a symbol shows its code.
CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€"}


def time_zone(code: str | None) -> str:
    """The IANA time zone of a country; the default country's for an unknown code."""
    return TIME_ZONES.get(code or "", TIME_ZONES[DEFAULT_COUNTRY])


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` ("Schweiz"); the code itself when unknown."""
    country = COUNTRIES.get(code)
    return country.names.get(language, code) if country else code
