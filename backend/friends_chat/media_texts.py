"""What the backend says to Friends about the customer's photos and voice messages, in every
language of product/languages.py (the rest of the Friends' texts: texts.py)."""

from __future__ import annotations

from typing import Any

from product.languages import DEFAULT_LANGUAGE

# No ß: the same words read right in Germany, Switzerland and Austria. The offer's labels ask
# for no tap (a button template's text may not link them everywhere); after the claim, in a
# plain text, the links open with a tap.
MEDIA_TEXTS: dict[str, dict[str, str]] = {
    "offer_photos": {
        "de": "Fotos vom Kunden:\n{urls}",
        "en": "Photos from the customer:\n{urls}",
        "fr": "Photos du client :\n{urls}",
        "it": "Foto del cliente:\n{urls}",
        "pl": "Zdjęcia od klienta:\n{urls}",
    },
    "offer_voice": {
        "de": "Sprachnachricht vom Kunden:\n{urls}",
        "en": "Voice message from the customer:\n{urls}",
        "fr": "Message vocal du client :\n{urls}",
        "it": "Messaggio vocale del cliente:\n{urls}",
        "pl": "Wiadomość głosowa od klienta:\n{urls}",
    },
    "offer_voices": {
        "de": "Sprachnachrichten vom Kunden:\n{urls}",
        "en": "Voice messages from the customer:\n{urls}",
        "fr": "Messages vocaux du client :\n{urls}",
        "it": "Messaggi vocali del cliente:\n{urls}",
        "pl": "Wiadomości głosowe od klienta:\n{urls}",
    },
    "offer_media_more": {
        "de": "Dazu {count} weitere Fotos oder Sprachnachrichten, sobald Sie den Auftrag "
        "angenommen haben.",
        "en": "And {count} more photos or voice messages once you have accepted the job.",
        "fr": "Et {count} autres photos ou messages vocaux dès que vous aurez accepté la mission.",
        "it": "E altre {count} foto o messaggi vocali non appena avrà accettato l'incarico.",
        "pl": "Oraz kolejne zdjęcia lub wiadomości głosowe ({count}) po przyjęciu zlecenia.",
    },
    "job_voice": {
        "de": "Sprachnachricht vom Kunden zu Auftrag {reference} (zum Anhören antippen):\n{urls}",
        "en": "Voice message from the customer for job {reference} (tap to listen):\n{urls}",
        "fr": "Message vocal du client pour la mission {reference} "
        "(touchez pour écouter) :\n{urls}",
        "it": "Messaggio vocale del cliente per l'incarico {reference} "
        "(tocchi per ascoltare):\n{urls}",
        "pl": "Wiadomość głosowa od klienta do zlecenia {reference} "
        "(proszę dotknąć, aby odsłuchać):\n{urls}",
    },
    "job_voices": {
        "de": "Sprachnachrichten vom Kunden zu Auftrag {reference} (zum Anhören antippen):\n{urls}",
        "en": "Voice messages from the customer for job {reference} (tap to listen):\n{urls}",
        "fr": "Messages vocaux du client pour la mission {reference} "
        "(touchez pour écouter) :\n{urls}",
        "it": "Messaggi vocali del cliente per l'incarico {reference} "
        "(tocchi per ascoltare):\n{urls}",
        "pl": "Wiadomości głosowe od klienta do zlecenia {reference} "
        "(proszę dotknąć, aby odsłuchać):\n{urls}",
    },
}


def media_text(key: str, language: str, **values: Any) -> str:
    variants = MEDIA_TEXTS[key]
    return variants.get(language, variants[DEFAULT_LANGUAGE]).format(**values)
