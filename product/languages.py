"""The languages customers, Friends and staff are served in.

Adding a language: append it to ``LANGUAGES`` (never reorder: the position is its bit in the
Friends' matching index, see ``product.bits``), add its names below, then its texts and
training data; the tests in tests/product name every table that is still missing it.
"""

from __future__ import annotations

# Append only: a language's position is stored in the database as a bit.
LANGUAGES: tuple[str, ...] = ("de", "en", "fr", "it", "pl")
DEFAULT_LANGUAGE = "de"

# Each language's name, in every language (for buttons like "Deutsch" / "English").
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "de": {"de": "Deutsch", "en": "German", "fr": "allemand", "it": "tedesco", "pl": "niemiecki"},
    "en": {"de": "Englisch", "en": "English", "fr": "anglais", "it": "inglese", "pl": "angielski"},
    "fr": {
        "de": "Französisch",
        "en": "French",
        "fr": "français",
        "it": "francese",
        "pl": "francuski",
    },
    "it": {"de": "Italienisch", "en": "Italian", "fr": "italien", "it": "italiano", "pl": "włoski"},
    "pl": {"de": "Polnisch", "en": "Polish", "fr": "polonais", "it": "polacco", "pl": "polski"},
}
# How a language calls itself, for language buttons a reader of any language recognises.
# Capitalised: they are button titles ("Français", "Polski").
OWN_NAMES: dict[str, str] = {
    language: LANGUAGE_NAMES[language][language].capitalize() for language in LANGUAGES
}


def supported(value: object) -> str | None:
    """``value`` when it is a language we serve, else None."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def or_default(value: object) -> str:
    """``value`` when it is a language we serve, else the default language."""
    return supported(value) or DEFAULT_LANGUAGE


def from_locale(locale: object) -> str | None:
    """The language of a locale or language tag ("de_CH", "en-GB", "fr"), if we serve it."""
    if not isinstance(locale, str):
        return None
    return supported(locale.replace("-", "_").split("_", 1)[0].strip().lower())


def from_accept_language(header: str) -> str:
    """The first language of an HTTP Accept-Language header that we serve, else the default."""
    for part in header.split(","):
        language = from_locale(part.split(";", 1)[0])
        if language:
            return language
    return DEFAULT_LANGUAGE


def first_of(languages: object) -> str:
    """The language to write in to someone who speaks ``languages`` (their first we serve)."""
    if isinstance(languages, list | tuple):
        for language in languages:
            if supported(language):
                return str(language)
    return DEFAULT_LANGUAGE
