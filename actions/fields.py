"""The parts of the summary a customer can change ("Change something"), and the slots behind
each.

Pure module (no Rasa imports).
"""

from __future__ import annotations

import json
import re

# Field -> slots cleared so that job_form asks for them again (in the form's order).
FIELD_SLOTS: dict[str, tuple[str, ...]] = {
    "problem": ("description", "category", "category_label", "device", "brand"),
    "package": ("package", "package_label"),
    # The country stays: when the new postal code is in another country, the package is asked
    # again with that country's prices.
    "address": ("postal_code", "postal_code_options", "city", "street"),
    "time": ("time_window", "window_start", "window_end", "window_label"),
    "name": ("customer_name",),
    "phone": ("phone", "phone_display"),
}
FIELDS = tuple(FIELD_SLOTS)

# A correction typed at the summary ("meine Nummer ist 0171 1234567") replaces one slot: these
# are cleared so that job_form takes the new value from the same message.
CORRECTED_SLOTS: dict[str, tuple[str, ...]] = {
    "postal_code": ("postal_code", "postal_code_options", "city"),
    "street": ("street",),
    "time_window": ("time_window", "window_start", "window_end", "window_label"),
    "customer_name": ("customer_name",),
    "phone": ("phone", "phone_display"),
}

# Quick-reply titles (at most 20 characters).
FIELD_TITLES: dict[str, dict[str, str]] = {
    "problem": {"de": "Problem", "en": "Problem"},
    "package": {"de": "Paket", "en": "Package"},
    "address": {"de": "Adresse", "en": "Address"},
    "time": {"de": "Termin", "en": "Time"},
    "name": {"de": "Name", "en": "Name"},
    "phone": {"de": "Telefon", "en": "Phone"},
}

_WORDS: dict[str, tuple[str, ...]] = {
    "problem": (
        "problem",
        "beschreibung",
        "fehler",
        "bereich",
        "kategorie",
        "description",
        "issue",
        "category",
        "gerät",
    ),
    "package": ("paket", "packet", "package", "preis", "price", "leistung"),
    "address": (
        "adresse",
        "addresse",
        "anschrift",
        "straße",
        "strasse",
        "str",
        "hausnummer",
        "plz",
        "postleitzahl",
        "ort",
        "wohnort",
        "address",
        "street",
        "postcode",
        "zip",
    ),
    "time": (
        "termin",
        "zeit",
        "uhrzeit",
        "datum",
        "tag",
        "wann",
        "zeitraum",
        "time",
        "date",
        "day",
        "when",
        "appointment",
    ),
    "name": ("name", "namen", "vorname", "nachname"),
    "phone": (
        "telefon",
        "telefonnummer",
        "nummer",
        "handynummer",
        "handy",
        "tel",
        "natel",
        "phone",
        "number",
        "mobile",
    ),
}


def match_field(text: str | None) -> str | None:
    """The field a quick-reply payload or a typed answer names; None when unclear."""
    if not text:
        return None
    stripped = text.strip()
    if stripped.startswith("/"):
        brace = stripped.find("{")
        if brace < 0:
            return None
        try:
            data = json.loads(stripped[brace:])
        except ValueError:
            return None
        field = data.get("field") if isinstance(data, dict) else None
        return field if field in FIELD_SLOTS else None
    if stripped in FIELD_SLOTS:
        return stripped
    tokens = set(re.findall(r"[a-zäöüß]+", stripped.lower()))
    found = [field for field, words in _WORDS.items() if tokens & set(words)]
    # "Telefonnummer" names the phone, even though "nummer" alone could be a house number.
    return found[0] if len(found) == 1 else None


def payload(field: str) -> str:
    return "/choose_field" + json.dumps({"field": field}, separators=(",", ":"))
