"""What the backend says to Friends about the customer's photos and voice messages, in every
language of product/languages.py (the rest of the Friends' texts: texts.py)."""

from __future__ import annotations

from typing import Any

from product.languages import DEFAULT_LANGUAGE

# No ß: the same words read right in Germany, Switzerland and Austria.
MEDIA_TEXTS: dict[str, dict[str, str]] = {
    "offer_photos": {
        "de": "Fotos vom Kunden (zum Ansehen antippen):\n{urls}",
        "en": "Photos from the customer (tap to look):\n{urls}",
    },
    "offer_voice": {
        "de": "Sprachnachricht vom Kunden (zum Anhören antippen):\n{urls}",
        "en": "Voice message from the customer (tap to listen):\n{urls}",
    },
    "offer_voices": {
        "de": "Sprachnachrichten vom Kunden (zum Anhören antippen):\n{urls}",
        "en": "Voice messages from the customer (tap to listen):\n{urls}",
    },
    "offer_media_more": {
        "de": "Dazu {count} weitere Dateien, sobald Sie den Auftrag angenommen haben.",
        "en": "And {count} more files once you have accepted the job.",
    },
    "job_voice": {
        "de": "Sprachnachricht vom Kunden zu Auftrag {reference} (zum Anhören antippen):\n{urls}",
        "en": "Voice message from the customer for job {reference} (tap to listen):\n{urls}",
    },
    "job_voices": {
        "de": "Sprachnachrichten vom Kunden zu Auftrag {reference} (zum Anhören antippen):\n{urls}",
        "en": "Voice messages from the customer for job {reference} (tap to listen):\n{urls}",
    },
}


def media_text(key: str, language: str, **values: Any) -> str:
    variants = MEDIA_TEXTS[key]
    return variants.get(language, variants[DEFAULT_LANGUAGE]).format(**values)
