"""Postal codes as customers type them, and what to do with the backend's matches.

Pure module (no Rasa imports). Germany, France, Italy and Poland have 5-digit postal codes
(Poland writes them "00-950"); Austria and Switzerland both have 4-digit ones, so "1010" is
Vienna (AT) and Lausanne (CH). The backend returns every place with the code; actions/country.py
decides the country from the conversation, and only when it cannot does the bot ask which place
is meant.
"""

from __future__ import annotations

import json
import re
from typing import Any

from actions.categories import normalise
from actions.formatting import join_list
from product.countries import COUNTRIES as ALL_COUNTRIES
from product.countries import COUNTRY_CODES, country_name, postal_digits_of, postal_form

COUNTRIES = COUNTRY_CODES
_PREFIXES = {prefix: code for code, c in ALL_COUNTRIES.items() for prefix in c.postal_prefixes}
_COUNTRY_WORDS = {word: code for code, c in ALL_COUNTRIES.items() for word in c.words}
_DIGITS = sorted({c.postal_digits for c in ALL_COUNTRIES.values()})
_CODE = re.compile(
    r"(?<![\d+])(?:\b(?P<prefix>"
    + "|".join(sorted(_PREFIXES, key=len, reverse=True))
    + r")\s?-\s?)?(?P<code>\d{2}-\d{3}|\d{"
    + f"{_DIGITS[0]},{_DIGITS[-1]}"
    + r"})(?!\d)",
    # ASCII digits only: "١٠١١٥" is no postal code (the backend refuses it), so it is asked again.
    re.IGNORECASE | re.ASCII,
)

# Messenger cuts quick-reply titles at 20 characters.
MAX_TITLE = 20


def extract_postal_code(text: str | None) -> tuple[str | None, str | None]:
    """(postal code, country hint) found in ``text``; (None, None) when there is none.

    Accepts "10115", "PLZ 10115", "D-10115", "CH-8001", "1010 Wien", "8001 Zürich, Schweiz",
    "F-75001", "00-950 Warszawa" (the dash form is Polish: its hint is PL).
    The hint comes from a prefix (D-, A-, CH-, F-, I-, PL-), a country name in the text or the
    Polish form, and is dropped when it contradicts the form of the code (4 digits are not
    German).
    """
    if not text:
        return None, None
    stripped = text.strip()
    if stripped.startswith("/"):
        return None, None
    match = _CODE.search(stripped)
    if not match:
        return None, None
    code = match.group("code")
    hint = None
    if "-" in code:
        hint = "PL"
    elif match.group("prefix"):
        hint = _PREFIXES[match.group("prefix").upper()]
    else:
        lowered = stripped.lower()
        for word, country in _COUNTRY_WORDS.items():
            if word in lowered:
                hint = country
                break
    if hint and not matches_country(code, hint):
        hint = None
    return code, hint


def matches_country(code: str, country: str) -> bool:
    """Whether the code has the form that ``country`` uses ("00-950" only Poland's)."""
    known = ALL_COUNTRIES.get(country)
    if known is None:
        return False
    digits = postal_digits_of(code)
    if not digits.isdigit() or len(digits) != known.postal_digits:
        return False
    return "-" not in code or postal_form(digits, country) == code


def possible_countries(code: str) -> tuple[str, ...]:
    """Countries a code of this length can belong to."""
    return tuple(country for country in COUNTRIES if matches_country(code, country))


def filter_places(
    places: list[dict[str, Any]], code: str, country: str | None = None
) -> list[dict[str, Any]]:
    """Places from the backend that really have ``code`` (and ``country``, when given).

    One entry per (country, postal code, city), in the backend's order.
    """
    seen: set[tuple[str, str, str]] = set()
    result: list[dict[str, Any]] = []
    for place in places:
        if not isinstance(place, dict):
            continue
        place_country = str(place.get("country") or "").upper()
        place_code = str(place.get("postal_code") or "")
        city = str(place.get("city") or "")
        # "00950" typed is the backend's "00-950"; the place keeps the country's own form.
        if postal_digits_of(place_code) != postal_digits_of(code) or place_country not in COUNTRIES:
            continue
        if country and place_country != country:
            continue
        key = (place_country, place_code, city)
        if key in seen:
            continue
        seen.add(key)
        result.append({"country": place_country, "postal_code": place_code, "city": city})
    return result


def distinct_countries(places: list[dict[str, Any]]) -> list[str]:
    countries: list[str] = []
    for place in places:
        if place["country"] not in countries:
            countries.append(place["country"])
    return countries


def offline_places(code: str, country: str | None = None) -> list[dict[str, Any]]:
    """Stand-in matches (without city) when the backend cannot be asked."""
    countries = [country] if country else list(possible_countries(code))
    return [
        {"country": c, "postal_code": postal_form(code, c), "city": ""}
        for c in countries
        if matches_country(code, c)
    ]


def place_title(place: dict[str, Any], language: str) -> str:
    """Quick-reply title for a place, e.g. "1010 Wien (AT)" or "1010 Österreich". The country
    stays when the title is too long: the places offered often differ only in it ("20144": Hamburg
    Rotherbaum, Zonza, Milano) — "Hamburg Rother… (DE)"."""
    code = place["postal_code"]
    city = place.get("city") or ""
    if city:
        suffix = f" ({place['country']})"
        for title in (f"{code} {city}{suffix}", f"{city}{suffix}"):
            if len(title) <= MAX_TITLE:
                return title
        return city[: MAX_TITLE - len(suffix) - 1].rstrip() + "…" + suffix
    return f"{code} {place_name(place, language)}"[:MAX_TITLE]


def place_name(place: dict[str, Any], language: str) -> str:
    """How a customer would write the place: its town, or its country when the town is unknown
    (places found without the backend)."""
    return str(place.get("city") or country_name(place["country"], language))


def place_names(places: list[dict[str, Any]], language: str) -> str:
    """ "Wien oder Lausanne": the places to choose from, as the customer may write them."""
    names = list(dict.fromkeys(place_name(place, language) for place in places))
    return join_list(names, language, "or")


def _names(place: dict[str, Any]) -> set[str]:
    names = {place.get("city") or "", place.get("country") or ""}
    country = ALL_COUNTRIES.get(place.get("country") or "")
    names.update(country.names.values() if country else ())
    return {normalise(name) for name in names if name}


def place_by_name(places: list[dict[str, Any]], text: str) -> dict[str, Any] | None:
    """The place an answer to "which place?" names: the whole answer is its town, country or
    country code ("Wien", "Schweiz", "AT"), or its words hold the town or country ("1010 Wien",
    "in Lausanne bitte"). None when it names none, or places in more than one country."""
    wanted = normalise(text)
    if not wanted:
        return None
    for place in places:
        if wanted in _names(place):
            return place
    # Within a sentence a two-letter code is too often a word ("at home").
    words = f" {wanted} "
    named = [p for p in places if any(f" {n} " in words for n in _names(p) if len(n) > 2)]
    return named[0] if len(distinct_countries(named)) == 1 else None


def place_payload(place: dict[str, Any]) -> str:
    """Payload of the quick reply that picks this place."""
    entities = {"postal_code": place["postal_code"], "country": place["country"]}
    return "/inform" + json.dumps(entities, separators=(",", ":"))
