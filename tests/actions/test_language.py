"""actions/language.py: de, en, fr, it or pl from cue words and explicit requests."""

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
    # "fr" is a served language now (issue 17); an unknown code still falls back to German.
    assert detect_language("12345", "xx") == "de"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour", "fr"),
        ("Mon imprimante n'imprime plus", "fr"),
        ("Mon natel ne marche plus", "fr"),
        ("Merci beaucoup", "fr"),
        ("Buongiorno", "it"),
        ("Il mio telefonino non funziona più", "it"),
        ("Grazie mille", "it"),
        ("Dzień dobry", "pl"),
        ("dzien dobry", "pl"),
        ("drukarka nie dziala", "pl"),
        ("Drukarka nie działa", "pl"),
        ("dziekuje", "pl"),
    ],
)
@pytest.mark.parametrize("previous", ["de", "en"])
def test_french_italian_polish_messages(text: str, language: str, previous: str) -> None:
    assert detect_language(text, previous) == language


@pytest.mark.parametrize(
    ("text", "previous", "language"),
    [
        ("parlez-vous français ?", "de", "fr"),
        ("je ne parle pas allemand, français svp", "de", "fr"),
        ("parla italiano?", "de", "it"),
        ("czy mogę po polsku?", "de", "pl"),
        ("czy moge po polsku?", "en", "pl"),
        ("czy mówi Pan po polsku?", "de", "pl"),
        ("auf Deutsch bitte", "fr", "de"),
        ("in English please", "pl", "en"),
        ("Sprechen Sie Englisch?", "de", "en"),
        # A named language in a German sentence is no request; a negated one neither.
        ("Der Fernseher zeigt alles auf Englisch", "de", "de"),
        ("Ich spreche kein Französisch", "de", "de"),
    ],
)
def test_explicit_language_requests(text: str, previous: str, language: str) -> None:
    assert detect_language(text, previous) == language


@pytest.mark.parametrize("previous", ["fr", "it", "pl"])
@pytest.mark.parametrize("text", ["10115", "00-950", "Marie Dupont", "+48 512 345 678", "👍"])
def test_no_signal_keeps_a_new_language(text: str, previous: str) -> None:
    assert detect_language(text, previous) == previous


def test_a_polish_name_needs_the_quiet_margin() -> None:
    assert detect_language("Łukasz Wiśniewski", "de", min_margin=2) == "de"


def test_italian_no_stays_italian() -> None:
    assert detect_language("No", "it") == "it"
    assert detect_language("No", "de") == "en"


def test_a_tie_keeps_the_previous_language() -> None:
    # one English cue ("my"), one German cue (the umlaut in the name)
    assert detect_language("my Zürich", "en") == "en"
    assert detect_language("my Zürich", "de") == "de"


def test_a_larger_margin_ignores_a_name_with_an_umlaut() -> None:
    assert detect_language("Sophie Müller", "en", min_margin=2) == "en"
    assert detect_language("Sophie Müller", "en") == "de"
    assert detect_language("Mein Name ist Sophie Müller", "en", min_margin=2) == "de"
