"""What the web chat channel itself says (everything else comes from the bot's domain).

Plain, friendly sentences for older readers, in the customer's language; Swiss and
Liechtenstein German write "ss" for "ß".
"""

from __future__ import annotations

from product.languages import DEFAULT_LANGUAGE, from_locale

TEXTS: dict[str, dict[str, str]] = {
    "too_long": {
        "de": (
            "Entschuldigung, Ihre Nachricht ist zu lang für mich. Bitte schreiben Sie "
            "höchstens {max_chars} Zeichen auf einmal und schicken Sie den Rest danach."
        ),
        "en": (
            "Sorry, your message is too long for me. Please write at most {max_chars} "
            "characters at a time and send the rest afterwards."
        ),
    },
    "slow_down": {
        "de": (
            "Das waren sehr viele Nachrichten in kurzer Zeit. Bitte warten Sie eine Minute "
            "und schreiben Sie dann weiter. Was Sie bis dahin schicken, kann ich leider "
            "nicht lesen."
        ),
        "en": (
            "That was a lot of messages in a short time. Please wait a minute, then carry "
            "on writing. I cannot read what you send until then, sorry."
        ),
    },
}
_SWISS = ("de_CH", "de_LI")


def language_of(locale: str | None) -> str:
    return from_locale(locale) or DEFAULT_LANGUAGE


def text(key: str, locale: str | None, **values: object) -> str:
    result = TEXTS[key][language_of(locale)].format(**values)
    if locale and locale.replace("-", "_")[:5] in _SWISS:
        result = result.replace("ß", "ss")
    return result
