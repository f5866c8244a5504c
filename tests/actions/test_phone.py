"""actions/phone.py: phone numbers to E.164 with the postal code's country as default."""

from __future__ import annotations

import pytest

from actions.phone import display_phone, normalise_phone, offer_reply, whatsapp_number


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


def test_display_form_is_readable() -> None:
    assert display_phone("+491719876543") == "+49 171 9876543"
    assert display_phone("+41791234567") == "+41 79 123 45 67"
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
        ("inform", "hmm", None),
        ("inform", "", None),
    ],
)
def test_the_answer_to_the_offered_number(intent: str, said: str, reply: bool | None) -> None:
    assert offer_reply(intent, said) is reply
