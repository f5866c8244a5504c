"""actions/phone.py: phone numbers to E.164 with the postal code's country as default."""

from __future__ import annotations

import pytest

from actions.phone import (
    display_phone,
    normalise_phone,
    offer_reply,
    region_for,
    whatsapp_number,
)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("0171 9876543", "DE", "+491719876543"),
        ("0171/9876543", "DE", "+491719876543"),
        ("030 1234567", "DE", "+49301234567"),
        ("079 123 45 67", "CH", "+41791234567"),
        ("0664 1234567", "AT", "+436641234567"),
        ("+41 79 123 45 67", "DE", "+41791234567"),
        ("0041 79 123 45 67", "DE", "+41791234567"),
        ("Meine Nummer ist 0171 9876543", "DE", "+491719876543"),
        ("0171 9876543", None, "+491719876543"),
        # France, Italy, Poland: national forms in their own region
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("01 42 68 53 00", "FR", "+33142685300"),
        ("Mon numéro est le 06 12 34 56 78", "FR", "+33612345678"),
        ("347 123 4567", "IT", "+393471234567"),
        ("02 1234 5678", "IT", "+390212345678"),
        ("Il mio numero è 347 1234567", "IT", "+393471234567"),
        ("512 345 678", "PL", "+48512345678"),
        ("512-345-678", "PL", "+48512345678"),
        ("22 123 45 67", "PL", "+48221234567"),
        ("Mój numer to 512 345 678", "PL", "+48512345678"),
        # Swiss French and Ticino numbers are Swiss
        ("091 123 45 67", "CH", "+41911234567"),
        ("022 123 45 67", "CH", "+41221234567"),
        # a country code wins over the region
        ("+33 6 12 34 56 78", "DE", "+33612345678"),
        ("0033 6 12 34 56 78", "CH", "+33612345678"),
        ("+39 347 123 4567", "CH", "+393471234567"),
        ("+48 512 345 678", "DE", "+48512345678"),
        ("0048 512 345 678", "AT", "+48512345678"),
        ("+43 664 1234567", "FR", "+436641234567"),
        ("+49 171 9876543", "PL", "+491719876543"),
    ],
)
def test_valid_numbers_are_normalised(raw: str, region: str | None, expected: str) -> None:
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["12", "10115", "hallo", "", None, "/affirm", "0171"])
def test_invalid_input_is_rejected(raw: str | None) -> None:
    assert normalise_phone(raw, "DE") is None


def test_the_region_decides_a_national_number() -> None:
    # the same digits are a Swiss mobile number only when the customer is in Switzerland
    assert normalise_phone("079 123 45 67", "CH") == "+41791234567"
    assert normalise_phone("079 123 45 67", "DE") != "+41791234567"


@pytest.mark.parametrize(
    ("country", "language", "region"),
    [
        ("CH", "fr", "CH"),  # Geneva: the country wins over the language
        ("ch", "it", "CH"),
        (None, "fr", "FR"),
        (None, "it", "IT"),
        (None, "pl", "PL"),
        (None, "de", "DE"),
        (None, "en", "DE"),
        ("", None, "DE"),
        (None, "xx", "DE"),
    ],
)
def test_the_region_comes_from_the_country_else_the_language(
    country: str | None, language: str | None, region: str
) -> None:
    assert region_for(country, language) == region


def test_a_national_number_before_the_country_is_known() -> None:
    assert normalise_phone("06 12 34 56 78", region_for(None, "fr")) == "+33612345678"
    assert normalise_phone("347 123 4567", region_for(None, "it")) == "+393471234567"
    assert normalise_phone("512 345 678", region_for(None, "pl")) == "+48512345678"


def test_a_second_region_is_tried_only_when_the_first_fails() -> None:
    # Lugano: an Italian mobile number without +39 is no Swiss number
    assert normalise_phone("347 123 4567", "CH") is None
    assert normalise_phone("347 123 4567", "CH", also="IT") == "+393471234567"
    # a valid Swiss number stays Swiss
    assert normalise_phone("091 123 45 67", "CH", also="IT") == "+41911234567"
    # digits valid in both countries belong to the first: "061 …" is Basel
    assert normalise_phone("06 12 34 56 78", "CH", also="FR") == "+41612345678"
    assert normalise_phone("hallo", "CH", also="IT") is None


def test_display_form_is_readable() -> None:
    assert display_phone("+491719876543") == "+49 171 9876543"
    assert display_phone("+41791234567") == "+41 79 123 45 67"
    assert display_phone("+33612345678") == "+33 6 12 34 56 78"
    assert display_phone("+393471234567") == "+39 347 123 4567"
    assert display_phone("+48512345678") == "+48 512 345 678"
    assert display_phone(None) == ""


def test_a_whatsapp_conversation_names_a_callable_number() -> None:
    assert whatsapp_number("wa-41791234567") == "+41791234567"
    assert display_phone(whatsapp_number("wa-436641234567")) == "+43 664 1234567"
    assert whatsapp_number("2460351987654321") is None  # Messenger
    assert whatsapp_number("web-" + "ab" * 16) is None  # website chat
    assert whatsapp_number("wa-1234567") is None  # digits, but no number anyone can call
    assert whatsapp_number("wa-") is None


@pytest.mark.parametrize(
    ("intent", "said", "reply"),
    [
        ("affirm", "/affirm", True),
        ("deny", "/deny", False),
        ("inform", "Ja, gerne", True),
        ("inform", "passt", True),
        ("inform", "yes please", True),
        ("affirm", "ja, aber eine andere", False),  # a no-word wins
        ("inform", "No, another one", False),
        ("inform", "Nöd die", False),
        ("inform", "Oui, d'accord", True),
        ("inform", "oui, mais un autre", False),
        ("inform", "Sì, va bene", True),
        ("inform", "No, un altro", False),
        ("inform", "Tak, zgadza się", True),
        ("inform", "tak", True),
        ("inform", "Nie, inny numer", False),
        ("inform", "hmm", None),
        ("inform", "", None),
    ],
)
def test_the_answer_to_the_offered_number(intent: str, said: str, reply: bool | None) -> None:
    assert offer_reply(intent, said) is reply
