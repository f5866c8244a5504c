"""product/country_context.py: the country of a postal code from the conversation's context;
the bot asks only when the context leaves it open."""

from __future__ import annotations

from typing import Any

import pytest

from product.country_context import (
    decide_country,
    locale_country,
    phone_country,
    written_otherwise,
)

ALL = ("DE", "AT", "CH", "FR", "IT", "PL")
DEFAULT = ("DE", "AT", "CH")
FIVE = ("DE", "FR", "IT")  # "10115"-like codes that exist in several countries
FOUR = ("AT", "CH")  # "1010": Wien and Lausanne


# (having the code, served, context, decided country or None, asked between)
CASES: list[
    tuple[str, tuple[str, ...], tuple[str, ...], dict[str, Any], str | None, tuple[str, ...]]
] = [
    # A German customer typing "10115" is never asked, whatever is served.
    ("German 10115, default countries", FIVE, DEFAULT, {"language": "de"}, "DE", ()),
    ("German 10115, all countries", FIVE, ALL, {"language": "de"}, "DE", ()),
    ("German 10115, Messenger de_DE", FIVE, ALL, {"language": "de", "locale": "de_DE"}, "DE", ()),
    ("English 10115, default countries", FIVE, DEFAULT, {"language": "en"}, "DE", ()),
    # French and Italian customers: their own country.
    ("French 75001", FIVE, ALL, {"language": "fr"}, "FR", ()),
    ("Italian 20121", FIVE, ALL, {"language": "it"}, "IT", ()),
    ("Polish five digits", ("DE", "PL"), ALL, {"language": "pl"}, "PL", ()),
    # Only one country has the code: nothing to decide.
    ("only France has it", ("FR",), ALL, {"language": "de"}, "FR", ()),
    # The phone's prefix outweighs the language (a German speaker in France).
    ("+33 phone", FIVE, ALL, {"language": "de", "phone": "+33 6 12 34 56 78"}, "FR", ()),
    ("0039 phone", FIVE, ALL, {"language": "en", "phone": "0039 347 123 4567"}, "IT", ()),
    ("national phone says nothing", FIVE, ALL, {"language": "en", "phone": "06 12 34"}, None, FIVE),
    # The locale's region outweighs the language; a region we do not serve says nothing.
    ("en-FR browser", FIVE, ALL, {"language": "en", "locale": "en-FR"}, "FR", ()),
    ("en_GB locale", FIVE, ALL, {"language": "en", "locale": "en_GB"}, None, FIVE),
    # Named explicitly ("F-75001", a tapped country) wins over everything.
    ("named Italy", FIVE, ALL, {"language": "de", "named": "IT", "phone": "+49 171"}, "IT", ()),
    # English and nothing else: ask, between the served countries that have it.
    ("English 10115, all countries", FIVE, ALL, {"language": "en"}, None, FIVE),
    (
        "English, FR not served",
        FIVE,
        ("DE", "AT", "CH", "IT"),
        {"language": "en"},
        None,
        ("DE", "IT"),
    ),
    # Four digits: the greeting, the locale or a Swiss language decides; German alone does not.
    ("German 1010", FOUR, ALL, {"language": "de"}, None, FOUR),
    ("German 1010, Messenger de_DE", FOUR, ALL, {"language": "de", "locale": "de_DE"}, None, FOUR),
    ("Servus 1010", FOUR, ALL, {"language": "de", "greeting_style": "at"}, "AT", ()),
    ("Grüezi 1010", FOUR, ALL, {"language": "de", "greeting_style": "ch"}, "CH", ()),
    ("de-CH web chat", FOUR, ALL, {"language": "de", "locale": "de-CH"}, "CH", ()),
    ("French 1010 is Lausanne", FOUR, ALL, {"language": "fr"}, "CH", ()),
    ("Italian 6900 is Lugano", FOUR, ALL, {"language": "it"}, "CH", ()),
    ("+43 WhatsApp number", FOUR, ALL, {"language": "de", "phone": "+43664123456"}, "AT", ()),
    # Evidence against every candidate is passed over, not obeyed.
    ("locale fr_FR, code 1010", FOUR, ALL, {"language": "fr", "locale": "fr_FR"}, "CH", ()),
    ("phone +49, code 1010", FOUR, ALL, {"language": "de", "phone": "+49 171 1234567"}, None, FOUR),
    # "10115" typed is also Olsztyn's "10-115": Poland counts only when the context says so.
    (
        "English 10115, Olsztyn too",
        ("DE", "PL"),
        ALL,
        {"language": "en", "weak": ("PL",)},
        "DE",
        (),
    ),
    ("Polish 10115 without dash", ("DE", "PL"), ALL, {"language": "pl", "weak": ("PL",)}, "PL", ()),
    (
        "+48 phone, 10115",
        ("DE", "PL"),
        ALL,
        {"language": "en", "phone": "+48 512", "weak": ("PL",)},
        "PL",
        (),
    ),
    ("only Poland has it", ("PL",), ALL, {"language": "de", "weak": ("PL",)}, "PL", ()),
    (
        "English 20144",
        ("DE", "FR", "IT", "PL"),
        ALL,
        {"language": "en", "weak": ("PL",)},
        None,
        FIVE,
    ),
]


@pytest.mark.parametrize(
    ("having", "served", "context", "country", "asked"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_country_comes_from_the_context(
    having: tuple[str, ...],
    served: tuple[str, ...],
    context: dict[str, Any],
    country: str | None,
    asked: tuple[str, ...],
) -> None:
    decision = decide_country(having, served, **context)
    assert decision.country == country
    assert decision.must_ask == bool(asked)
    if asked:
        assert decision.candidates == asked


def test_a_code_only_in_countries_not_served_is_not_served_not_unknown() -> None:
    decision = decide_country(("PL",), DEFAULT, language="de")
    assert decision.country is None and decision.candidates == ()
    assert decision.not_served == ("PL",)
    # Served elsewhere too: the served one, without a word about the other.
    assert decide_country(("DE", "PL"), DEFAULT, language="pl").country == "DE"
    unknown = decide_country((), ALL, language="de")
    assert unknown.candidates == () and unknown.not_served == ()


@pytest.mark.parametrize(
    ("phone", "country"),
    [
        ("+41 79 123 45 67", "CH"),
        ("0048 512 345 678", "PL"),
        ("+39 347 123 4567", "IT"),
        ("+33612345678", "FR"),
        ("+1 212 555 0100", None),
        ("0171 1234567", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_country(phone: str | None, country: str | None) -> None:
    assert phone_country(phone) == country


def test_written_otherwise_names_the_countries_with_another_form() -> None:
    assert written_otherwise("10115", ("DE", "FR", "IT", "PL")) == ("PL",)
    assert written_otherwise("10-115", ("PL",)) == ()
    assert written_otherwise("1010", ("AT", "CH")) == ()


def test_locale_country() -> None:
    assert locale_country("de-CH") == "CH"
    assert locale_country("fr_FR") == "FR"
    assert locale_country("pl_PL") == "PL"
    assert locale_country("en_GB") is None
    assert locale_country("de") is None
    assert locale_country(None) is None
