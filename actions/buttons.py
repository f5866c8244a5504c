"""Quick replies whose payloads carry entities (``/intent{"entity":"value"}``).

Pure module (no Rasa imports). These buttons are built here and handed to the response by an
action instead of being written into domain.yml: Rasa fills ``{…}`` placeholders in every field
of a domain response, mistakes a JSON payload for a placeholder and logs an ERROR each time the
response is sent. Buttons an action passes along are added after that step.
"""

from __future__ import annotations

import json

from actions.fields import FIELD_TITLES, fields_on
from actions.fields import payload as field_payload
from product import channels
from product.categories import CATEGORIES, CATEGORY_LABELS
from product.languages import LANGUAGES, OWN_NAMES
from product.languages import or_default as _lang

Button = dict[str, str]
TITLE_LIMIT = 20


def intent_payload(intent: str, **entities: str) -> str:
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(entities, separators=(",", ":"), ensure_ascii=False)


def category_buttons(language: str | None) -> list[Button]:
    """The seven areas, titled as in the summary."""
    lang = _lang(language)
    return [
        {
            "title": CATEGORY_LABELS[category][lang],
            "payload": intent_payload("choose_category", category=category),
        }
        for category in CATEGORIES
    ]


_CANCEL_REQUEST = {
    "de": "Auftrag abbrechen",
    "en": "Cancel request",
    "fr": "Annuler la demande",
    "it": "Annulla richiesta",
    "pl": "Anuluj zlecenie",
}


def field_buttons(language: str | None, channel: str = channels.MESSENGER) -> list[Button]:
    """ "What would you like to change?": one button per part of the summary on ``channel``,
    then cancel."""
    lang = _lang(language)
    buttons = [
        {"title": FIELD_TITLES[field][lang], "payload": field_payload(field)}
        for field in fields_on(channel)
    ]
    buttons.append({"title": _CANCEL_REQUEST[lang], "payload": "/cancel"})
    return buttons


# (title, the words job_form parses) for the quick replies of "when?".
_TIME_CHOICES = {
    "de": (
        ("Möglichst schnell", "asap"),
        ("Morgen Vormittag", "morgen Vormittag"),
        ("Morgen Nachmittag", "morgen Nachmittag"),
        ("Morgen Abend", "morgen Abend"),
    ),
    "en": (
        ("As soon as possible", "asap"),
        ("Tomorrow morning", "tomorrow morning"),
        ("Tomorrow afternoon", "tomorrow afternoon"),
        ("Tomorrow evening", "tomorrow evening"),
    ),
    # The words are English: parse_time_window understands them whatever the language.
    "fr": (
        ("Dès que possible", "asap"),
        ("Demain matin", "tomorrow morning"),
        ("Demain après-midi", "tomorrow afternoon"),
        ("Demain soir", "tomorrow evening"),
    ),
    "it": (
        ("Il prima possibile", "asap"),
        ("Domani mattina", "tomorrow morning"),
        ("Domani pomeriggio", "tomorrow afternoon"),
        ("Domani sera", "tomorrow evening"),
    ),
    "pl": (
        ("Jak najszybciej", "asap"),
        ("Jutro rano", "tomorrow morning"),
        ("Jutro po południu", "tomorrow afternoon"),
        ("Jutro wieczorem", "tomorrow evening"),
    ),
}


def time_buttons(language: str | None) -> list[Button]:
    return [
        {"title": title, "payload": intent_payload("inform", time_window=words)}
        for title, words in _TIME_CHOICES[_lang(language)]
    ]


_STAR_TITLES = {
    "de": ("1 – schlecht", "2", "3", "4", "5 – sehr gut"),
    "en": ("1 – poor", "2", "3", "4", "5 – very good"),
    "fr": ("1 – mauvais", "2", "3", "4", "5 – très bien"),
    "it": ("1 – scarso", "2", "3", "4", "5 – molto bene"),
    "pl": ("1 – słabo", "2", "3", "4", "5 – bardzo dobrze"),
}


def star_buttons(language: str | None) -> list[Button]:
    """1 to 5 stars; the title starts with the number so that typing it works the same."""
    return [
        {"title": title, "payload": intent_payload("rate", stars=str(number))}
        for number, title in enumerate(_STAR_TITLES[_lang(language)], start=1)
    ]


_NO_COMMENT = {
    "de": "Nein, danke",
    "en": "No, thanks",
    "fr": "Non, merci",
    "it": "No, grazie",
    "pl": "Nie, dziękuję",
}


def no_comment_buttons(language: str | None) -> list[Button]:
    return [{"title": _NO_COMMENT[_lang(language)], "payload": "/deny"}]


def job_buttons(references: list[str]) -> list[Button]:
    """One button per job reference ("which request do you mean?")."""
    return [
        {
            "title": reference[:TITLE_LIMIT],
            "payload": intent_payload("choose_job", job_reference=reference),
        }
        for reference in references
    ]


_YES_NO = {
    "de": (("Ja, stornieren", "/affirm"), ("Nein, behalten", "/deny")),
    "en": (("Yes, cancel it", "/affirm"), ("No, keep it", "/deny")),
    "fr": (("Oui, annuler", "/affirm"), ("Non, la garder", "/deny")),
    "it": (("Sì, annulla", "/affirm"), ("No, mantienila", "/deny")),
    "pl": (("Tak, anuluj", "/affirm"), ("Nie, zostaw", "/deny")),
}


def cancel_confirm_buttons(language: str | None) -> list[Button]:
    return [{"title": title, "payload": payload} for title, payload in _YES_NO[_lang(language)]]


_PERSON = {
    "de": "Mit Mensch sprechen",
    "en": "Talk to a person",
    "fr": "Parler à quelqu’un",
    "it": "Parlare con qualcuno",
    "pl": "Rozmowa z osobą",
}


def person_button(language: str | None) -> Button:
    return {"title": _PERSON[_lang(language)], "payload": "/human_handoff"}


_TRY_AGAIN = {
    "de": "Nochmal versuchen",
    "en": "Try again",
    "fr": "Réessayer",
    "it": "Riprova",
    "pl": "Spróbuj ponownie",
}


def try_again_button(language: str | None) -> Button:
    return {"title": _TRY_AGAIN[_lang(language)], "payload": "/affirm"}


def language_buttons(language: str | None = None) -> list[Button]:
    """The five languages, each in its own name ("Français", "Polski"): tapping one switches
    (switch_language). The same in every language."""
    return [
        {"title": OWN_NAMES[code], "payload": intent_payload("switch_language", language=code)}
        for code in LANGUAGES
    ]
