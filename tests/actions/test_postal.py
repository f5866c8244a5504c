"""actions/postal.py: postal codes in text and the places the backend returns."""

from __future__ import annotations

import json

import pytest

from actions.postal import (
    extract_postal_code,
    filter_places,
    offline_places,
    place_by_name,
    place_name,
    place_names,
    place_payload,
    place_title,
    possible_countries,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10115", ("10115", None)),
        ("Meine PLZ ist 80331", ("80331", None)),
        ("D-10115", ("10115", "DE")),
        ("CH-8001", ("8001", "CH")),
        ("A-1010", ("1010", "AT")),
        ("1010 Wien", ("1010", None)),
        ("8001 Zürich, Schweiz", ("8001", "CH")),
        ("1010 Deutschland", ("1010", None)),  # 4 digits are never German
        ("F-75001", ("75001", "FR")),
        ("75008 Paris, France", ("75008", "FR")),
        ("20121 Milano, Italia", ("20121", "IT")),
        ("00-950 Warszawa", ("00-950", "PL")),  # the dash form is Polish
        ("kod 00950", ("00950", None)),  # without it, five digits as anywhere
        ("PL-31-000", ("31-000", "PL")),
        ("10-12 Uhr", (None, None)),
        ("123", (None, None)),
        ("12345678", (None, None)),
        ("/inform", (None, None)),
        # Digits of other scripts are no postal code: asked again (the backend refuses them).
        ("١٠١١٥", (None, None)),
        ("¹⁰¹¹⁵", (None, None)),
        (None, (None, None)),
    ],
)
def test_extract_postal_code(text: str | None, expected: tuple[str | None, str | None]) -> None:
    assert extract_postal_code(text) == expected


def test_possible_countries_follow_the_form() -> None:
    assert possible_countries("10115") == ("DE", "FR", "IT", "PL")
    assert possible_countries("1010") == ("AT", "CH")
    assert possible_countries("00-950") == ("PL",)


def test_filter_places_keeps_real_matches_once() -> None:
    places = [
        {"country": "AT", "postal_code": "1010", "city": "Wien"},
        {"country": "AT", "postal_code": "1010", "city": "Wien"},
        {"country": "CH", "postal_code": "1010", "city": "Lausanne"},
        {"country": "XX", "postal_code": "1010", "city": "Nowhere"},
        {"country": "DE", "postal_code": "10115", "city": "Berlin"},
        "junk",
    ]
    assert filter_places(places, "1010") == [
        {"country": "AT", "postal_code": "1010", "city": "Wien"},
        {"country": "CH", "postal_code": "1010", "city": "Lausanne"},
    ]
    assert filter_places(places, "1010", "CH") == [
        {"country": "CH", "postal_code": "1010", "city": "Lausanne"}
    ]
    # Typed without its dash, a Polish code still finds the backend's "00-950".
    warsaw = {"country": "PL", "postal_code": "00-950", "city": "Warszawa"}
    assert filter_places([warsaw], "00950") == [warsaw]


def test_offline_places_without_backend() -> None:
    # Five digits may be German, French, Italian or Polish: actions/country.py decides.
    assert [p["country"] for p in offline_places("10115")] == ["DE", "FR", "IT", "PL"]
    assert [p["postal_code"] for p in offline_places("00950", "PL")] == ["00-950"]
    assert [p["country"] for p in offline_places("1010")] == ["AT", "CH"]
    assert [p["country"] for p in offline_places("1010", "CH")] == ["CH"]


def test_quick_reply_for_a_place() -> None:
    place = {"country": "AT", "postal_code": "1010", "city": "Wien"}
    assert place_title(place, "de") == "1010 Wien (AT)"
    payload = place_payload(place)
    assert payload.startswith("/inform{")
    assert json.loads(payload[len("/inform") :]) == {"postal_code": "1010", "country": "AT"}
    no_city = {"country": "CH", "postal_code": "8000", "city": ""}
    assert place_title(no_city, "de") == "8000 Schweiz"
    assert place_title(no_city, "en") == "8000 Switzerland"
    long_city = {"country": "CH", "postal_code": "3000", "city": "Bern Bundeshaus Nord West"}
    assert len(place_title(long_city, "de")) <= 20
    # The country stays: several countries may share the code.
    hamburg = {"country": "DE", "postal_code": "20144", "city": "Hamburg Rotherbaum"}
    assert place_title(hamburg, "de") == "Hamburg Rother… (DE)"
    assert place_title(long_city, "de").endswith("(CH)")
    lublin = {"country": "PL", "postal_code": "20-144", "city": "Lublin"}
    assert place_title(lublin, "pl") == "20-144 Lublin (PL)"


VIENNA = {"country": "AT", "postal_code": "1010", "city": "Wien"}
LAUSANNE = {"country": "CH", "postal_code": "1010", "city": "Lausanne"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wien", VIENNA),
        ("lausanne", LAUSANNE),
        ("Schweiz", LAUSANNE),
        ("AT", VIENNA),
        ("1010 Wien", VIENNA),
        ("in Lausanne bitte", LAUSANNE),
        ("1010", None),
        ("Graz", None),
        ("Wien oder Lausanne", None),  # two countries: still open
        ("I am at home in Lausanne", LAUSANNE),  # "at" in a sentence is no country
        ("", None),
    ],
)
def test_the_place_an_answer_names(text: str, expected: dict[str, str] | None) -> None:
    assert place_by_name([VIENNA, LAUSANNE], text) == expected


def test_places_to_choose_from_in_words() -> None:
    assert place_names([VIENNA, LAUSANNE], "de") == "Wien oder Lausanne"
    assert place_names([VIENNA, LAUSANNE], "en") == "Wien or Lausanne"
    offline = offline_places("1010")
    assert place_names(offline, "de") == "Österreich oder Schweiz"
    assert place_name(offline[1], "en") == "Switzerland"
