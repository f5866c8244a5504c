"""The bot-side text tables in French, Italian and Polish (issue 17): greetings, list words,
decimals and the typed names of the summary's fields."""

from __future__ import annotations

import pytest

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
