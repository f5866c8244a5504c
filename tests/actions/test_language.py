"""actions/language.py: German or English from cue words."""

from __future__ import annotations

import pytest

from actions.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Grüezi, min Fernseh gaht nüm",
        "Servus, mei Drucker spinnt",
        "Grüß Gott",
        "Moin",
        "Hoi zäme",
        "Mein WLAN bricht ständig ab",
        "Drucker druckt nicht",
        "Ja bitte",
        "Danke",
    ],
)
def test_german_messages_are_german(text: str) -> None:
    assert detect_language(text, "en") == "de"


@pytest.mark.parametrize(
    "text",
    [
        "the TV lost its channels",
        "Hello",
        "My printer won't print",
        "I can't send emails",
        "yes please",
        "Thank you",
    ],
)
def test_english_messages_are_english(text: str) -> None:
    assert detect_language(text, "de") == "en"


@pytest.mark.parametrize("previous", ["de", "en"])
@pytest.mark.parametrize("text", ["10115", "0171 9876543", "OK", "Hi", "👍", "John Smith", ""])
def test_no_signal_keeps_the_previous_language(text: str, previous: str) -> None:
    assert detect_language(text, previous) == previous


@pytest.mark.parametrize(
    "payload",
    ["/affirm", '/choose_category{"category":"printer"}', "/greet", "EXTERNAL: EXTERNAL_x"],
)
def test_payloads_and_external_events_never_switch(payload: str) -> None:
    assert detect_language(payload, "en") == "en"
    assert detect_language(payload, "de") == "de"


def test_missing_or_unknown_previous_language_defaults_to_german() -> None:
    assert detect_language(None, None) == "de"
    assert detect_language("12345", "fr") == "de"


def test_a_tie_keeps_the_previous_language() -> None:
    # one English cue ("my"), one German cue (the umlaut in the name)
    assert detect_language("my Zürich", "en") == "en"
    assert detect_language("my Zürich", "de") == "de"


def test_a_larger_margin_ignores_a_name_with_an_umlaut() -> None:
    assert detect_language("Sophie Müller", "en", min_margin=2) == "en"
    assert detect_language("Sophie Müller", "en") == "de"
    assert detect_language("Mein Name ist Sophie Müller", "en", min_margin=2) == "de"
