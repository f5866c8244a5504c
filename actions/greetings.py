"""What people put in front of what they say: greetings ("Grüezi, min Fernseh gaht nüm"), and
which greeting the bot answers with; lead-ins before an answer ("ich heiße …", "Adresse: …").

Pure module (no Rasa imports).
"""

from __future__ import annotations

import re

# Swiss and Austrian greetings; the bot answers them with "Grüezi" and "Grüß Gott".
SWISS = (
    r"grüezi(?:\s+mitenand|\s+wohl|\s+zäme)?|gruezi(?:\s+mitenand)?|grüessech|gruessech|"
    r"grüessdi|gruessdi|hoi(?:\s+zäme|\s+zusammen)?|hoii|sali(?:\s+zäme)?|salü(?:\s+zäme)?|salue|"
    r"guete\s+(?:morge|tag|abig|obig)|guet\s+morge"
)
AUSTRIAN = (
    r"servus|servas|grüß\s+gott|grüss\s+gott|gruess\s+gott|gruß\s+gott|grüß\s+di|"
    r"griaß\s+di|griass\s+di|griaß\s+eich|griass\s+eich|griaß\s+enk|habe\s+die\s+ehre"
)
STANDARD = (
    r"hallo|hallöchen|halo|hello|hi|hey|hiya|guten\s+(?:tag|morgen|abend)|moin(?:\s+moin)?|"
    r"good\s+(?:morning|afternoon|evening)"
)
# French, Italian and Polish greetings (Polish with and without diacritics). They are the same in
# France and Switzerland, in Italy and Ticino: they say nothing about the regional style, which
# then comes from other cues (the Messenger locale: style_from_locale) and stays as it was.
OTHER = (
    r"bonjour|bonsoir|salut|coucou|bonjour\s+madame|bonjour\s+monsieur|"
    r"buongiorno|buon\s+giorno|buonasera|buona\s+sera|buon\s+pomeriggio|ciao|salve|"
    r"dzień\s+dobry|dzien\s+dobry|dobry\s+wieczór|dobry\s+wieczor|cześć|czesc|witam|witajcie|"
    r"siema|hej"
)

GREETING = re.compile(
    rf"^\s*({SWISS}|{AUSTRIAN}|{STANDARD}|{OTHER})\b[\s,.!:;-]*",
    re.IGNORECASE,
)
_SWISS = re.compile(rf"^\s*(?:{SWISS})\b", re.IGNORECASE)
_AUSTRIAN = re.compile(rf"^\s*(?:{AUSTRIAN})\b", re.IGNORECASE)
_STANDARD = re.compile(rf"^\s*(?:{STANDARD})\b", re.IGNORECASE)

# The styles of greeting the bot answers in; the first is the plain German "Hallo", the default.
GREETING_STYLES = ("de", "ch", "at")
DEFAULT_GREETING_STYLE = GREETING_STYLES[0]


def strip_greeting(text: str) -> str:
    """``text`` without a leading greeting; the first letter of the rest upper-cased."""
    rest = GREETING.sub("", text, count=1).strip()
    if not rest:
        return ""
    return rest[0].upper() + rest[1:] if rest[0].islower() else rest


def greeting_style(text: str | None) -> str | None:
    """``"ch"`` for a Swiss greeting, ``"at"`` for an Austrian one, ``"de"`` for any other
    German or English greeting; None when the message does not start with a greeting or starts
    with a French, Italian or Polish one (the style stays)."""
    if not text:
        return None
    if _SWISS.match(text):
        return "ch"
    if _AUSTRIAN.match(text):
        return "at"
    if _STANDARD.match(text):
        return "de"
    return None


# Messenger locales of Switzerland and Austria: the regional style before any greeting.
_LOCALE_STYLES = {"CH": "ch", "AT": "at"}


def style_from_locale(locale: object) -> str | None:
    """ "fr_CH", "it_CH", "de_CH" → "ch"; "de_AT" → "at"; None for other or missing locales."""
    if not isinstance(locale, str):
        return None
    region = locale.replace("-", "_").partition("_")[2].upper()
    return _LOCALE_STYLES.get(region)


def strip_lead_in(text: str, lead_ins: tuple[str, ...]) -> str:
    """``text`` without the first of ``lead_ins`` (lower case) it starts with: "Ich heiße Hans
    Müller" → "Hans Müller". A lead-in ending in ":" needs no space after it."""
    lowered = text.lower()
    for lead_in in lead_ins:
        if lowered.startswith(lead_in + " ") or (
            lead_in.endswith(":") and lowered.startswith(lead_in)
        ):
            return text[len(lead_in) :].strip()
    return text
