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
        "fr": (
            "Désolé, votre message est trop long pour moi. Merci d'écrire au maximum "
            "{max_chars} caractères à la fois et d'envoyer la suite ensuite."
        ),
        "it": (
            "Mi scusi, il Suo messaggio è troppo lungo per me. Scriva al massimo {max_chars} "
            "caratteri alla volta e poi mandi il resto, per favore."
        ),
        "pl": (
            "Przepraszam, ta wiadomość jest dla mnie za długa. Proszę pisać najwyżej "
            "{max_chars} znaków naraz, a resztę wysłać potem."
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
        "fr": (
            "Vous avez envoyé beaucoup de messages en peu de temps. Merci d'attendre une minute, "
            "puis de continuer à écrire. Ce que vous envoyez d'ici là, je ne peux "
            "malheureusement pas le lire."
        ),
        "it": (
            "Sono arrivati moltissimi messaggi in poco tempo. Aspetti un minuto, per favore, e "
            "poi continui a scrivere. Quello che invia nel frattempo purtroppo non riesco a "
            "leggerlo."
        ),
        "pl": (
            "To było bardzo dużo wiadomości w krótkim czasie. Proszę odczekać minutę i potem "
            "pisać dalej. Niestety nie mogę przeczytać tego, co zostanie wysłane w tym czasie."
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
