"""Street and house number as customers type them.

Pure module (no Rasa imports). The check is loose on purpose: the Friend calls the customer
anyway, so anything with a street name and a house number goes ("Hauptstr. 5a",
"Bahnhofstrasse 12", "12 Baker Street", "Am Markt 3/2", "Hauptstraße 5, 10115 Berlin",
"12 rue de Lausanne", "12bis avenue des Alpes", "Via Nassa 5", "Corso Buenos Aires 10",
"ul. Marszałkowska 10/12", "al. Jerozolimskie 44 m. 5"). Polish street abbreviations stay in
lower case as Poles write them ("ul.", "al.", "os.").
"""

from __future__ import annotations

import re

from actions.greetings import strip_lead_in

MAX_STREET = 120
MISSING_NUMBER = "missing_number"
INVALID = "invalid"

_LEAD_INS = (
    "meine adresse ist",
    "meine adresse lautet",
    "die adresse ist",
    "adresse:",
    "adresse",
    "anschrift:",
    "ich wohne in der",
    "ich wohne in",
    "ich wohne am",
    "ich wohne an der",
    "ich wohne",
    "wir wohnen in der",
    "wir wohnen in",
    "wir wohnen",
    "i wohn in der",
    "i wohn in",
    "straße:",
    "strasse:",
    "my address is",
    "the address is",
    "address:",
    "i live at",
    "i live in",
    "we live at",
    "it's",
    "it is",
    # French
    "mon adresse est",
    "mon adresse c'est",
    "mon adresse:",
    "l'adresse est",
    "l'adresse c'est",
    "l'adresse:",
    "j'habite au",
    "j'habite à",
    "j'habite",
    "nous habitons au",
    "nous habitons",
    "c'est au",
    "c'est",
    # Italian
    "il mio indirizzo è",
    "il mio indirizzo e",
    "il mio indirizzo:",
    "l'indirizzo è",
    "l'indirizzo e",
    "indirizzo:",
    "indirizzo",
    "abito in",
    "abito al",
    "abito a",
    "abito",
    "abitiamo in",
    "abitiamo",
    # Polish, with and without diacritics
    "mój adres to",
    "moj adres to",
    "mój adres:",
    "moj adres:",
    "adres to",
    "adres:",
    "adres",
    "mieszkam przy",
    "mieszkam na",
    "mieszkam w",
    "mieszkam",
    "mieszkamy przy",
    "mieszkamy na",
    "mieszkamy",
)
# Polish street abbreviations, lower case by custom: "ul. Marszałkowska", "al. Jerozolimskie".
# ("pl." is left as typed: German "Pl." is a Platz.)
_POLISH_PREFIX = re.compile(r"^(ul|al|os)\.\s*(?=[^\W\d_]|\d)", re.IGNORECASE)
# French "12, rue de la Paix" and "12 bis, rue …": the comma after the number goes.
_FRENCH_NUMBER_COMMA = re.compile(
    r"^(\d{1,4}\s?(?:bis|ter|quater|[a-z])?)\s*,\s*(?=[^\W\d_])", re.IGNORECASE
)
# A house number: digits, optionally a letter or a second number ("5a", "12 b", "3/2", "7-9").
_NUMBER = re.compile(r"(?<![\d])\d{1,4}(?:\s?[a-zA-Z](?![a-zA-Z]))?(?:\s?[/-]\s?\d{1,4}[a-zA-Z]?)?")
# A postal code and place after the street: ", 10115 Berlin", " 8001 Zürich", ", 00-950 Warszawa",
# ", F-75001 Paris".
_PLACE_TAIL = re.compile(r"[,;]?\s*(?:[A-Z]{1,2}-)?(?:\d{4,5}|\d{2}-\d{3})\s+[^\d,]+$|,\s*[^\d,]+$")
_LETTERS = re.compile(r"[^\W\d_]")


def clean_street(text: str | None) -> tuple[str | None, str | None]:
    """(street with house number, None) or (None, reason) with reason ``missing_number`` or
    ``invalid``."""
    if not text:
        return None, INVALID
    street = " ".join(text.replace("’", "'").split())
    if not street or street.startswith("/"):
        return None, INVALID
    street = strip_lead_in(street, _LEAD_INS)
    street = street.strip(" .,;:!?\"'“”„()")
    street = _FRENCH_NUMBER_COMMA.sub(r"\1 ", street)
    polish = _POLISH_PREFIX.match(street)
    if polish:
        street = f"{polish.group(1).lower()}. {street[polish.end() :]}"
    # Keep "Hauptstr. 5a" from "Hauptstr. 5a, 10115 Berlin"; only when a number stays.
    shorter = _PLACE_TAIL.sub("", street).strip(" ,;")
    if shorter != street and _NUMBER.search(shorter) and len(_LETTERS.findall(shorter)) >= 3:
        street = shorter
    if len(street) > MAX_STREET or "@" in street:
        return None, INVALID
    letters = len(_LETTERS.findall(street))
    has_number = bool(_NUMBER.search(street))
    if letters < 3:
        return None, INVALID
    if not has_number:
        return None, MISSING_NUMBER
    if sum(char.isdigit() for char in street) > 8:
        return None, INVALID  # a phone number, not a house number
    if street[0].islower() and not polish:
        street = street[0].upper() + street[1:]
    return street, None
