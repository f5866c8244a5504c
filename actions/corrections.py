"""Corrections in the middle of the form: "nein, die PLZ ist 10117", "meine Nummer ist
0171 1234567", "mein Name ist Hans Meier", "non, mon numéro est le 06 12 34 56 78", "il mio
numero giusto è 347 1234567", "nie, mój numer to 512 345 678" while the bot asks for something
else.

Pure module (no Rasa imports). Only messages that say which field they mean count, so an
ordinary answer is never mistaken for a correction.
"""

from __future__ import annotations

import re
from datetime import datetime

from actions.postal import extract_postal_code
from actions.time_window import parse_time_window

# "nein, …", "sorry, …", "Korrektur: …", "non, …", "scusi, …", "przepraszam, …" in front of the
# correction (Polish also without diacritics).
_NO = (
    r"(?:(?:nein|nee|ne|nö|sorry|entschuldigung|oh|oops|ups|no|korrektur|moment|halt|achtung|"
    r"non|pardon|désolée?|desolee?|oups|correction|attendez|erreur|"
    r"scusi|scusa|scusate|correzione|aspetti|errore|"
    r"nie|przepraszam|poprawka|korekta|chwila|błąd|blad)"
    r"\b[\s,.!:;-]*)*"
)
_IS = (
    r"\s*(?:ist|lautet|wäre|waere|is|est|c'est|è|e|to|jest|brzmi|=|:)?\s*"
    r"(?:eigentlich|richtig|korrekt|actually|correct|en\s+fait|plutôt|plutot|"
    r"in\s+realtà|in\s+realta|invece|właściwie|wlasciwie)?\s*:?\s*"
)
# "meine", "my", "mon", "il mio", "mój" … before the field; "richtige", "bon", "nuovo", "nowy" …
# before or (Italian, Polish) after it.
_OWNER = (
    r"(?:meine|die|unsere|my|the|our|mon|ma|le|la|l'|notre|votre|il\s+mio|la\s+mia|il|"
    r"mój|moj|moja|nasz|nasza)?\s*"
)
_RIGHT = r"richtige|correct|neue|new|bon|bonne|nouveau|nouvelle|vrai|giusto|corretto|nuovo"
_RIGHT += r"|esatto|prawidłowy|prawidlowy|poprawny|nowy|właściwy|wlasciwy"
_BEFORE = rf"(?:(?:{_RIGHT})\s+)?"
_AFTER = rf"(?:\s+(?:{_RIGHT}))?"

_POSTAL = re.compile(
    rf"^\s*{_NO}{_OWNER}{_BEFORE}"
    rf"(?:plz|postleitzahl|postcode|post\s+code|postal\s+code|zip(?:\s+code)?|"
    rf"code\s+postal|npa|cap|codice\s+postale|kod\s+pocztowy|kod){_AFTER}{_IS}(?P<value>.+)$",
    re.IGNORECASE,
)
_PHONE = re.compile(
    rf"^\s*{_NO}{_OWNER}{_BEFORE}"
    rf"(?:telefonnummer|handynummer|natelnummer|mobilnummer|rufnummer|nummer|telefon|handy|natel|"
    rf"tel\.?|phone\s+number|mobile\s+number|number|phone|mobile|"
    rf"numéro\s+de\s+(?:téléphone|portable|natel)|numero\s+de\s+telephone|numéro|numero|"
    rf"téléphone|telephone|portable|"
    rf"numero\s+di\s+(?:telefono|cellulare)|cellulare|telefonino|telefono|"
    rf"numer\s+(?:telefonu|komórki|komorki)|numer|komórka|komorka)"
    rf"{_AFTER}{_IS}(?:le\s+)?(?P<value>[+\d(].+)$",
    re.IGNORECASE,
)
_NAME = re.compile(
    rf"^\s*{_NO}(?:mein\s+name\s+ist|mein\s+name\s+lautet|ich\s+heiße|ich\s+heisse|"
    rf"my\s+name\s+is|der\s+name\s+ist|name\s*:|"
    rf"je\s+m'\s?appelle|mon\s+nom\s+est|le\s+nom\s+est|nom\s*:|"
    rf"mi\s+chiamo|il\s+mio\s+nome\s+[èe]|il\s+nome\s+[èe]|nome\s*:|"
    rf"nazywam\s+si[ęe]|mam\s+na\s+imi[ęe]|imi[ęe]\s*:)\s*(?P<value>.+)$",
    re.IGNORECASE,
)
# "rue", "via", "ulica" are part of the street itself ("Via Nassa 5"): never a label.
_STREET = re.compile(
    rf"^\s*{_NO}{_OWNER}{_BEFORE}"
    rf"(?:adresse|anschrift|straße|strasse|address|street|indirizzo|adres)"
    rf"{_AFTER}{_IS}(?P<value>.+)$",
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
