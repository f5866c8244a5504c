"""The bot-side text tables in French, Italian and Polish (issue 17): greetings, list words,
decimals and the typed names of the summary's fields."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.fields import FIELD_NAMES, FIELD_TITLES, match_field
from actions.formatting import format_rating, join_list
from actions.greetings import greeting_style, strip_greeting, style_from_locale
from product.languages import LANGUAGES


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Bonjour, ma télé ne trouve plus les chaînes", "Ma télé ne trouve plus les chaînes"),
        ("Salut ! mon imprimante n'imprime plus", "Mon imprimante n'imprime plus"),
        ("Bonsoir", ""),
        ("Buongiorno, il mio telefonino non si accende", "Il mio telefonino non si accende"),
        ("Buonasera la stampante non stampa", "La stampante non stampa"),
        ("Ciao, il wifi non va", "Il wifi non va"),
        ("Dzień dobry, drukarka nie drukuje", "Drukarka nie drukuje"),
        ("dzien dobry, telewizor nie dziala", "Telewizor nie dziala"),
        ("Cześć! router miga", "Router miga"),
        ("Witam, mam problem z laptopem", "Mam problem z laptopem"),
        # Not greetings: the words only start like one.
        ("Salutations distinguées", "Salutations distinguées"),
        ("Ciabatta", "Ciabatta"),
    ],
)
def test_french_italian_and_polish_greetings_are_stripped(text: str, rest: str) -> None:
    assert strip_greeting(text) == rest


@pytest.mark.parametrize("text", ["Bonjour", "Salut", "Buongiorno", "Ciao", "Dzień dobry", "Czesc"])
def test_their_greetings_keep_the_regional_style(text: str) -> None:
    # "Bonjour" is the same in Geneva and Paris: the style stays as it was (None = no change).
    assert greeting_style(text) is None


@pytest.mark.parametrize(
    ("locale", "style"),
    [
        ("fr_CH", "ch"),
        ("it_CH", "ch"),
        ("de-CH", "ch"),
        ("de_AT", "at"),
        ("fr_FR", None),
        ("it_IT", None),
        ("pl_PL", None),
        ("", None),
        (None, None),
    ],
)
def test_a_swiss_or_austrian_locale_names_the_style(locale: object, style: str | None) -> None:
    assert style_from_locale(locale) == style


@pytest.mark.parametrize(
    ("language", "both", "either", "rating"),
    [
        ("de", "A, B und C", "A oder B", "4,8"),
        ("en", "A, B and C", "A or B", "4.8"),
        ("fr", "A, B et C", "A ou B", "4,8"),
        ("it", "A, B e C", "A o B", "4,8"),
        ("pl", "A, B i C", "A lub B", "4,8"),
    ],
)
def test_lists_and_ratings_read_the_local_way(
    language: str, both: str, either: str, rating: str
) -> None:
    assert join_list(["A", "B", "C"], language) == both
    assert join_list(["A", "B"], language, "or") == either
    assert format_rating("4.8", language) == rating


def test_every_field_has_a_title_and_a_name_in_every_language() -> None:
    for field, titles in FIELD_TITLES.items():
        assert set(titles) == set(LANGUAGES), field
        assert all(0 < len(title) <= 20 for title in titles.values()), field
        assert set(FIELD_NAMES[field]) == set(LANGUAGES), field


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("le téléphone", "phone"),
        ("mon numéro de natel", "phone"),
        ("l'adresse", "address"),
        ("le rendez-vous", "time"),
        ("le forfait", "package"),
        ("il numero di telefono", "phone"),
        ("l'indirizzo", "address"),
        ("il cognome", "name"),
        ("l'appuntamento", "time"),
        ("numer telefonu", "phone"),
        ("imię i nazwisko", "name"),
        ("imie", "name"),
        ("ulica", "address"),
        ("miejscowosc", "address"),
        ("termin", "time"),
    ],
)
def test_a_typed_field_name_is_understood_in_each_language(text: str, field: str) -> None:
    assert match_field(text) == field


def _chosen_text(variants: list[dict[str, Any]], slots: dict[str, str]) -> str:
    """The text Rasa 3.6 sends (a random pick among all matching conditional variants, so the
    test in test_bot_data.py makes sure there is exactly one)."""
    matching = [
        v
        for v in variants
        if v.get("condition") and all(slots.get(c["name"]) == c["value"] for c in v["condition"])
    ]
    chosen = matching or [v for v in variants if not v.get("condition")]
    return str(chosen[0]["text"])


@pytest.mark.parametrize(
    ("language", "swiss_words", "other_words"),
    [
        ("fr", ("NPA", "natel"), ("code postal",)),
        ("it", ("NAP", "natel"), ("CAP",)),
    ],
)
def test_swiss_french_and_ticino_customers_read_their_own_words(
    language: str, swiss_words: tuple[str, ...], other_words: tuple[str, ...]
) -> None:
    """NPA/NAP and "natel" in Geneva and Lugano, "code postal"/"CAP" in Paris and Milan."""
    domain = Path(__file__).resolve().parents[2] / "domain.yml"
    responses = yaml.safe_load(domain.read_text(encoding="utf-8"))["responses"]
    swiss_seen = set()
    for name, variants in responses.items():
        swiss = _chosen_text(variants, {"language": language, "greeting_style": "ch"})
        plain = _chosen_text(variants, {"language": language, "greeting_style": "de"})
        assert not any(re.search(rf"\b{w}\b", swiss) for w in other_words), name
        assert not any(re.search(rf"\b{w}\b", plain) for w in swiss_words), name
        swiss_seen |= {w for w in swiss_words if w in swiss}
    assert swiss_seen == set(swiss_words)
