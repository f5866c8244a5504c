"""Job categories and how they are called in each language.

Adding a category: append it to ``CATEGORIES`` (never reorder: the position is its bit in the
Friends' matching index, see ``product.bits``), give it labels here, then training data and the
texts that name it; the tests in tests/product name every table that is still missing it.
"""

from __future__ import annotations

from product.languages import DEFAULT_LANGUAGE

# Append only: a category's position is stored in the database as a bit.
CATEGORIES: tuple[str, ...] = (
    "internet_wifi",
    "smart_home",
    "tv_entertainment",
    "computer",
    "phone_tablet",
    "printer",
    "other",
)

# Also quick-reply titles, which Messenger cuts at 20 characters.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "internet_wifi": {
        "de": "Internet & WLAN",
        "en": "Internet & Wi-Fi",
        "fr": "Internet & Wi-Fi",
        "it": "Internet & Wi-Fi",
        "pl": "Internet i Wi-Fi",
    },
    "smart_home": {
        "de": "Smart Home & Heizung",
        "en": "Smart home & heating",
        "fr": "Maison & chauffage",
        "it": "Casa smart & caldaia",
        "pl": "Dom i ogrzewanie",
    },
    "tv_entertainment": {
        "de": "TV & Unterhaltung",
        "en": "TV & entertainment",
        "fr": "TV & loisirs",
        "it": "TV & intrattenimento",
        "pl": "TV i rozrywka",
    },
    "computer": {
        "de": "Computer & Laptop",
        "en": "Computer & laptop",
        "fr": "Ordinateur",
        "it": "Computer & portatile",
        "pl": "Komputer i laptop",
    },
    "phone_tablet": {
        "de": "Handy & Tablet",
        "en": "Phone & tablet",
        "fr": "Portable & tablette",
        "it": "Cellulare & tablet",
        "pl": "Telefon i tablet",
    },
    "printer": {
        "de": "Drucker & Scanner",
        "en": "Printer & scanner",
        "fr": "Imprimante",
        "it": "Stampante & scanner",
        "pl": "Drukarka i skaner",
    },
    "other": {
        "de": "Etwas anderes",
        "en": "Something else",
        "fr": "Autre chose",
        "it": "Altro",
        "pl": "Coś innego",
    },
}


def category_label(category: str, language: str) -> str:
    labels = CATEGORY_LABELS.get(category, CATEGORY_LABELS["other"])
    return labels.get(language, labels[DEFAULT_LANGUAGE])
