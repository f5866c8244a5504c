"""Corrections in the middle of the form: "nein, die PLZ ist 10117", "meine Nummer ist
0171 1234567", "mein Name ist Hans Meier" while the bot asks for something else.

Pure module (no Rasa imports). Only messages that say which field they mean count, so an
ordinary answer is never mistaken for a correction.
"""

from __future__ import annotations

import re
from datetime import datetime

from actions.postal import extract_postal_code
from actions.time_window import parse_time_window

# "nein, …", "sorry, …", "Korrektur: …" in front of the correction.
_NO = (
    r"(?:(?:nein|nee|ne|nö|sorry|entschuldigung|oh|oops|ups|no|korrektur|moment|halt|achtung)"
    r"\b[\s,.!:;-]*)*"
)
_IS = (
    r"\s*(?:ist|lautet|wäre|waere|is|=|:)?\s*"
    r"(?:eigentlich|richtig|korrekt|actually|correct)?\s*:?\s*"
)

_POSTAL = re.compile(
    rf"^\s*{_NO}(?:meine|die|unsere|my|the|our)?\s*"
    rf"(?:richtige\s+|correct\s+)?"
    rf"(?:plz|postleitzahl|postcode|post\s+code|postal\s+code|zip(?:\s+code)?){_IS}(?P<value>.+)$",
    re.IGNORECASE,
)
_PHONE = re.compile(
    rf"^\s*{_NO}(?:meine|die|unsere|my|the|our)?\s*"
    rf"(?:richtige\s+|correct\s+|neue\s+|new\s+)?"
    rf"(?:telefonnummer|handynummer|natelnummer|mobilnummer|rufnummer|nummer|telefon|handy|natel|tel\.?|"
    rf"phone\s+number|mobile\s+number|number|phone|mobile){_IS}(?P<value>[+\d(].+)$",
    re.IGNORECASE,
)
_NAME = re.compile(
    rf"^\s*{_NO}(?:mein\s+name\s+ist|mein\s+name\s+lautet|ich\s+heiße|ich\s+heisse|"
    rf"my\s+name\s+is|der\s+name\s+ist|name\s*:)\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_STREET = re.compile(
    rf"^\s*{_NO}(?:meine|die|unsere|my|the|our)?\s*"
    rf"(?:richtige\s+|correct\s+)?"
    rf"(?:adresse|anschrift|straße|strasse|address|street){_IS}(?P<value>.+)$",
    re.IGNORECASE,
)

# Slot -> pattern, in the order they are tried.
_PATTERNS = (
    ("postal_code", _POSTAL),
    ("phone", _PHONE),
    ("customer_name", _NAME),
    ("street", _STREET),
)


def find_correction(text: str | None) -> tuple[str, str] | None:
    """(slot, the new raw value) when ``text`` names a field and gives a value for it."""
    if not text or text.strip().startswith("/"):
        return None
    for slot, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        value = match.group("value").strip(" .!")
        if not value:
            continue
        if slot == "postal_code" and extract_postal_code(value)[0] is None:
            continue
        return slot, value
    return None


def correction_for_other_slot(
    text: str | None, requested_slot: str | None
) -> tuple[str, str] | None:
    """A correction of a slot other than the one the form is asking for.

    While the form asks for the problem itself, nothing counts as a correction: "Mein Handy
    zeigt die Nummer nicht an" is a description.
    """
    if requested_slot in (None, "description", "category"):
        return None
    found = find_correction(text)
    if found is None or found[0] == requested_slot:
        return None
    return found


def correction_at_summary(text: str, country: str | None, now: datetime) -> str | None:
    """The slot a message typed at the summary gives a new value for, if any: a named field
    ("meine Nummer ist 0171 1234567") or a time on its own ("lieber Samstag Vormittag")."""
    found = find_correction(text)
    if found:
        return found[0]
    if parse_time_window(text, now, country).window is not None:
        return "time_window"
    return None
