"""The parts of the summary a customer can change ("Change something"), and the slots behind
each.

Pure module (no Rasa imports).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from product import channels


@dataclass(frozen=True)
class Field:
    """A part of the summary."""

    # Cleared so that job_form asks for them again (in the form's order).
    slots: tuple[str, ...]
    # Its quick reply (at most 20 characters), and how the assistant names it in a sentence
    # when asking for it again after the backend refused it.
    title: dict[str, str]
    called: dict[str, str]
    # Words of a typed answer to "What would you like to change?" that name it (every language;
    # Polish with and without diacritics).
    words: tuple[str, ...]
    # The one channel whose booking asks for it (None: every channel's).
    only_on: str | None = None


_FIELDS: dict[str, Field] = {
    "problem": Field(
        slots=("description", "category", "category_label", "device", "brand"),
        title={
            "de": "Problem",
            "en": "Problem",
            "fr": "Problème",
            "it": "Problema",
            "pl": "Problem",
        },
        called={
            "de": "die Beschreibung Ihres Problems",
            "en": "the description of your problem",
            "fr": "la description de votre problème",
            "it": "la descrizione del Suo problema",
            "pl": "opis problemu",
        },
        words=(
            "problem",
            "beschreibung",
            "fehler",
            "bereich",
            "kategorie",
            "description",
            "issue",
            "category",
            "gerät",
            "problème",
            "probleme",
            "panne",
            "catégorie",
            "categorie",
            "domaine",
            "problema",
            "descrizione",
            "guasto",
            "categoria",
            "opis",
            "usterka",
            "kategoria",
            "urządzenie",
            "urzadzenie",
        ),
    ),
    "package": Field(
        slots=("package", "package_label"),
        title={
            "de": "Paket",
            "en": "Package",
            "fr": "Forfait",
            "it": "Pacchetto",
            "pl": "Pakiet",
        },
        called={
            "de": "das Paket",
            "en": "the package",
            "fr": "le forfait",
            "it": "il pacchetto",
            "pl": "pakiet",
        },
        words=(
            "paket",
            "packet",
            "package",
            "preis",
            "price",
            "leistung",
            "forfait",
            "prix",
            "tarif",
            "pacchetto",
            "prezzo",
            "pakiet",
            "cena",
        ),
    ),
    "address": Field(
        # The country stays: when the new postal code is in another country, the package is
        # asked again with that country's prices.
        slots=("postal_code", "postal_code_options", "city", "street"),
        title={
            "de": "Adresse",
            "en": "Address",
            "fr": "Adresse",
            "it": "Indirizzo",
            "pl": "Adres",
        },
        called={
            "de": "Ihre Adresse",
            "en": "your address",
            "fr": "votre adresse",
            "it": "il Suo indirizzo",
            "pl": "adres",
        },
        words=(
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
            "rue",
            "npa",
            "localité",
            "localite",
            "indirizzo",
            "cap",
            "nap",
            "località",
            "localita",
            "adres",
            "ulica",
            "ul",
            "kod",
            "pocztowy",
            "miejscowość",
            "miejscowosc",
        ),
    ),
    "time": Field(
        slots=("time_window", "window_start", "window_end", "window_label"),
        title={
            "de": "Termin",
            "en": "Time",
            "fr": "Rendez-vous",
            "it": "Appuntamento",
            "pl": "Termin",
        },
        called={
            "de": "der gewünschte Termin",
            "en": "the time you chose",
            "fr": "le moment choisi",
            "it": "l’orario scelto",
            "pl": "wybrany termin",
        },
        words=(
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
            "heure",
            "rendez",
            "rdv",
            "jour",
            "quand",
            "moment",
            "orario",
            "giorno",
            "quando",
            "appuntamento",
            "godzina",
            "dzień",
            "dzien",
            "kiedy",
        ),
    ),
    "name": Field(
        slots=("customer_name",),
        title={
            "de": "Name",
            "en": "Name",
            "fr": "Nom",
            "it": "Nome",
            "pl": "Imię i nazwisko",
        },
        called={
            "de": "Ihr Name",
            "en": "your name",
            "fr": "votre nom",
            "it": "il Suo nome",
            "pl": "imię i nazwisko",
        },
        words=(
            "name",
            "namen",
            "vorname",
            "nachname",
            "nom",
            "prénom",
            "prenom",
            "nome",
            "cognome",
            "imię",
            "imie",
            "nazwisko",
        ),
    ),
    "phone": Field(
        slots=("phone", "phone_display"),
        title={
            "de": "Telefon",
            "en": "Phone",
            "fr": "Téléphone",
            "it": "Telefono",
            "pl": "Telefon",
        },
        called={
            "de": "Ihre Telefonnummer",
            "en": "your phone number",
            "fr": "votre numéro de téléphone",
            "it": "il Suo numero di telefono",
            "pl": "numer telefonu",
        },
        words=(
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
            "téléphone",
            "telephone",
            "numéro",
            "numero",
            "portable",
            "telefono",
            "cellulare",
            "telefonino",
            "numer",
            "komórka",
            "komorka",
            "komórki",
            "komorki",
        ),
    ),
    # Asked on the website chat only (actions/customer_channel.form_slots).
    "email": Field(
        slots=("email", "email_given"),
        title={
            "de": "E-Mail",
            "en": "E-mail",
            "fr": "E-mail",
            "it": "E-mail",
            "pl": "E-mail",
        },
        called={
            "de": "Ihre E-Mail-Adresse",
            "en": "your e-mail address",
            "fr": "votre adresse e-mail",
            "it": "il Suo indirizzo e-mail",
            "pl": "adres e-mail",
        },
        words=(
            "email",
            "mail",
            "mailadresse",
            "courriel",
        ),
        only_on=channels.WEBCHAT,
    ),
}
FIELDS = tuple(_FIELDS)
FIELD_SLOTS: dict[str, tuple[str, ...]] = {name: f.slots for name, f in _FIELDS.items()}
FIELD_TITLES: dict[str, dict[str, str]] = {name: f.title for name, f in _FIELDS.items()}
FIELD_NAMES: dict[str, dict[str, str]] = {name: f.called for name, f in _FIELDS.items()}

# A correction typed at the summary ("meine Nummer ist 0171 1234567") replaces one slot: these
# are cleared so that job_form takes the new value from the same message.
CORRECTED_SLOTS: dict[str, tuple[str, ...]] = {
    "postal_code": ("postal_code", "postal_code_options", "city"),
    "street": ("street",),
    "time_window": ("time_window", "window_start", "window_end", "window_label"),
    "customer_name": ("customer_name",),
    "phone": ("phone", "phone_display"),
}


def fields_on(channel: str) -> tuple[str, ...]:
    """The parts of the summary on ``channel`` (Messenger's summary has no e-mail address)."""
    return tuple(name for name, f in _FIELDS.items() if f.only_on in (None, channel))


def match_field(text: str | None, channel: str = channels.MESSENGER) -> str | None:
    """The field a quick-reply payload or a typed answer names on ``channel``; None when
    unclear."""
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
        return field if field in fields_on(channel) else None
    if stripped in fields_on(channel):
        return stripped
    # "E-Mail-Adresse" is one word here, not "e", "mail" and an address.
    said = re.sub(r"\be-?mail(?:-?adresse)?", "email", stripped.lower())
    tokens = set(re.findall(r"[a-zäöüßà-ÿąćęłńśźżœ]+", said))
    found = [name for name in fields_on(channel) if tokens & set(_FIELDS[name].words)]
    # "Telefonnummer" names the phone, even though "nummer" alone could be a house number.
    return found[0] if len(found) == 1 else None


def payload(field: str) -> str:
    return "/choose_field" + json.dumps({"field": field}, separators=(",", ":"))
