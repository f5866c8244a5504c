"""Checks for what a new Friend types while signing up by chat (the phone: jobs.normalise_phone)."""

from __future__ import annotations

import re

from backend.domain.friend_commands import normalise
from product.categories import CATEGORIES, category_label
from product.languages import LANGUAGE_NAMES, LANGUAGES

RADIUS_CHOICES = (5, 10, 15, 25, 50)
MAX_RADIUS_KM = 100
_NUMBER = re.compile(r"(\d{1,3})")
_POSTAL_CODE = re.compile(r"\b(\d{2}-\d{3}|\d{4,5})\b")  # Poland: "00-950"
# What a Friend may type to name a language: its names in every language, and its code.
_LANGUAGE_WORDS = {
    code: {normalise(name) for name in names.values()} | {code}
    for code, names in LANGUAGE_NAMES.items()
}
_ALL_LANGUAGES = {
    "beides", "both", "beide", "alle", "all", "toutes", "tous", "tutte", "tutti", "wszystkie",
}  # fmt: skip


def clean_name(raw: str) -> str | None:
    """A name as typed, trimmed; None when it cannot be a name (empty, digits, a long text)."""
    name = " ".join(raw.split())
    if not 2 <= len(name) <= 100 or not any(c.isalpha() for c in name):
        return None
    if any(c.isdigit() for c in name):
        return None
    return name


def postal_code_in(raw: str) -> str | None:
    """The 4- or 5-digit postal code in "10115", "PLZ 10115 Berlin" or "00-950 Warszawa"."""
    match = _POSTAL_CODE.search(raw)
    return match.group(1) if match else None


def radius_in(raw: str) -> int | None:
    """ "15", "15 km", "bis 20 Kilometer" → km between 1 and MAX_RADIUS_KM; else None."""
    match = _NUMBER.search(raw)
    if not match:
        return None
    km = int(match.group(1))
    return km if 1 <= km <= MAX_RADIUS_KM else None


def languages_from(answer: str) -> list[str] | None:
    """The languages of a "LANGS:de,en" chip or of typed names ("Deutsch", "beides")."""
    if answer.startswith("LANGS:"):
        codes = [c for c in answer[6:].split(",") if c in LANGUAGES]
        return codes or None
    words = set(normalise(answer).split())
    found = [code for code in LANGUAGES if words & _LANGUAGE_WORDS[code]]
    if words & _ALL_LANGUAGES:
        found = list(LANGUAGES)
    return found or None


def skill_from(answer: str) -> str | None:
    """The category of a "SKILL:computer" chip, or the one whose name the Friend typed."""
    if answer.startswith("SKILL:") and answer[6:] in CATEGORIES:
        return answer[6:]
    typed = normalise(answer)
    for skill in CATEGORIES:
        labels = {normalise(category_label(skill, lang)) for lang in LANGUAGES}
        if typed and any(typed in label or label in typed for label in labels):
            return skill
    return None
