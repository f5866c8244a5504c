"""The countries techfriends works in, and what the product needs to know of each.

Adding a country: one ``Country`` line below (never reorder ``COUNTRIES``), its packages and
prices in backend/packages.yml, its postal codes in the GeoNames data; the tests in
tests/product name every table that is still missing it.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    # International dialling code ("+49"), for the country a phone number hints at.
    phone_prefix: str = ""
    # How a postal code is written when it is not just its digits: "00-950" is "##-###".
    postal_format: str = ""


_ALL: tuple[Country, ...] = (
    Country(
        code="DE",
        currency="EUR",
        time_zone="Europe/Berlin",
        postal_digits=5,
        postal_prefixes=("D", "DE"),
        phone_example="0171 1234567",
        names={
            "de": "Deutschland",
            "en": "Germany",
            "fr": "Allemagne",
            "it": "Germania",
            "pl": "Niemcy",
        },
        in_country={
            "de": "in Deutschland",
            "en": "in Germany",
            "fr": "en Allemagne",
            "it": "in Germania",
            "pl": "w Niemczech",
        },
        words=("deutschland", "germany", "allemagne", "germania", "niemcy", "niemczech"),
        phone_prefix="+49",
    ),
    Country(
        code="AT",
        currency="EUR",
        time_zone="Europe/Vienna",
        postal_digits=4,
        postal_prefixes=("A", "AT"),
        phone_example="0664 1234567",
        names={
            "de": "Österreich",
            "en": "Austria",
            "fr": "Autriche",
            "it": "Austria",
            "pl": "Austria",
        },
        in_country={
            "de": "in Österreich",
            "en": "in Austria",
            "fr": "en Autriche",
            "it": "in Austria",
            "pl": "w Austrii",
        },
        words=("österreich", "oesterreich", "austria", "autriche", "austrii"),
        phone_prefix="+43",
    ),
    Country(
        code="CH",
        currency="CHF",
        time_zone="Europe/Zurich",
        postal_digits=4,
        postal_prefixes=("CH",),
        phone_example="079 123 45 67",
        names={
            "de": "Schweiz",
            "en": "Switzerland",
            "fr": "Suisse",
            "it": "Svizzera",
            "pl": "Szwajcaria",
        },
        in_country={
            "de": "in der Schweiz",
            "en": "in Switzerland",
            "fr": "en Suisse",
            "it": "in Svizzera",
            "pl": "w Szwajcarii",
        },
        words=("schweiz", "switzerland", "suisse", "svizzera", "szwajcaria", "szwajcarii"),
        phone_prefix="+41",
    ),
    Country(
        code="FR",
        currency="EUR",
        time_zone="Europe/Paris",
        postal_digits=5,
        postal_prefixes=("F", "FR"),
        phone_example="06 12 34 56 78",
        names={
            "de": "Frankreich",
            "en": "France",
            "fr": "France",
            "it": "Francia",
            "pl": "Francja",
        },
        in_country={
            "de": "in Frankreich",
            "en": "in France",
            "fr": "en France",
            "it": "in Francia",
            "pl": "we Francji",
        },
        words=("frankreich", "france", "francia", "francja", "francji"),
        phone_prefix="+33",
    ),
    Country(
        code="IT",
        currency="EUR",
        time_zone="Europe/Rome",
        postal_digits=5,
        postal_prefixes=("I", "IT"),
        phone_example="347 123 4567",
        names={"de": "Italien", "en": "Italy", "fr": "Italie", "it": "Italia", "pl": "Włochy"},
        in_country={
            "de": "in Italien",
            "en": "in Italy",
            "fr": "en Italie",
            "it": "in Italia",
            "pl": "we Włoszech",
        },
        words=("italien", "italy", "italie", "italia", "włochy", "wlochy", "włoszech", "wloszech"),
        phone_prefix="+39",
    ),
    Country(
        code="PL",
        currency="PLN",
        time_zone="Europe/Warsaw",
        postal_digits=5,
        postal_prefixes=("PL",),
        phone_example="512 345 678",
        names={"de": "Polen", "en": "Poland", "fr": "Pologne", "it": "Polonia", "pl": "Polska"},
        in_country={
            "de": "in Polen",
            "en": "in Poland",
            "fr": "en Pologne",
            "it": "in Polonia",
            "pl": "w Polsce",
        },
        words=("polen", "poland", "pologne", "polonia", "polska", "polsce"),
        phone_prefix="+48",
        postal_format="##-###",
    ),
)

COUNTRIES: dict[str, Country] = {country.code: country for country in _ALL}
COUNTRY_CODES: tuple[str, ...] = tuple(COUNTRIES)
DEFAULT_COUNTRY = "DE"
TIME_ZONES: dict[str, str] = {code: country.time_zone for code, country in COUNTRIES.items()}
CURRENCIES: tuple[str, ...] = tuple(dict.fromkeys(country.currency for country in _ALL))
PHONE_PREFIXES: dict[str, str] = {country.phone_prefix: code for code, country in COUNTRIES.items()}

# The environment variable that names the countries served (comma-separated ISO codes); both
# the backend (backend/config.py) and the action server read it through ``service_countries``.
SERVICE_COUNTRIES_VARIABLE = "SERVICE_COUNTRIES"
DEFAULT_SERVICE_COUNTRIES: tuple[str, ...] = ("DE", "AT", "CH")


def parse_service_countries(value: str | None) -> tuple[str, ...]:
    """``SERVICE_COUNTRIES`` ("DE,AT,CH,FR"): the codes in ``COUNTRIES`` order; empty or unset
    is the default. An unknown code is refused with a message that names it and the choices."""
    if not value or not value.strip():
        return DEFAULT_SERVICE_COUNTRIES
    wanted = [part.strip().upper() for part in value.split(",") if part.strip()]
    unknown = [code for code in wanted if code not in COUNTRIES]
    if unknown:
        raise ValueError(
            f"{SERVICE_COUNTRIES_VARIABLE}: unknown country {', '.join(unknown)} "
            f"(known: {', '.join(COUNTRY_CODES)})"
        )
    return tuple(code for code in COUNTRY_CODES if code in wanted)


def service_countries(env: Mapping[str, str]) -> tuple[str, ...]:
    """The countries served according to ``env`` (see ``parse_service_countries``)."""
    return parse_service_countries(env.get(SERVICE_COUNTRIES_VARIABLE))


def postal_form(code: str, country: str) -> str:
    """A postal code as ``country`` writes it: "00950" → "00-950" in Poland; digits elsewhere.
    A code that does not fit the country's form is returned as given."""
    known = COUNTRIES.get(country)
    digits = code.replace("-", "").replace(" ", "")
    if known is None or not digits.isdigit() or len(digits) != known.postal_digits:
        return code
    if not known.postal_format:
        return digits
    result, rest = [], iter(digits)
    for char in known.postal_format:
        result.append(next(rest) if char == "#" else char)
    return "".join(result)


def is_postal_code_form(code: str) -> bool:
    """Whether ``code`` is written as some country of ours writes a postal code: 4 or 5 ASCII
    digits, or Poland's "00-950"."""
    if code.isascii() and code.isdigit():
        return len(code) in {country.postal_digits for country in COUNTRIES.values()}
    digits = code.replace("-", "")
    return (
        digits.isascii()
        and digits.isdigit()
        and any(
            country.postal_format
            and len(digits) == country.postal_digits
            and postal_form(digits, country.code) == code
            for country in COUNTRIES.values()
        )
    )


def postal_digits_of(code: str) -> str:
    """The digits of a postal code ("00-950" → "00950"), for comparing codes across forms."""
    return code.replace("-", "").replace(" ", "")


def time_zone(code: str | None) -> str:
    """The IANA time zone of a country; the default country's for an unknown code."""
    return TIME_ZONES.get(code or "", TIME_ZONES[DEFAULT_COUNTRY])


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` ("Schweiz"); the code itself when unknown."""
    country = COUNTRIES.get(code)
    return country.names.get(language, code) if country else code
