"""Customer names as typed in answer to "What is your name?".

Pure module (no Rasa imports).
"""

from __future__ import annotations

import re

from actions.greetings import GREETING, strip_lead_in

MAX_NAME = 80

# Lead-ins people write before their name, longest first.
_LEAD_INS = (
    "mein name ist",
    "mein name lautet",
    "ich heiße",
    "ich heisse",
    "i heiß",
    "i heiss",
    "ich bin",
    "hier ist",
    "hier schreibt",
    "es schreibt",
    "name:",
    "name",
    "my name is",
    "my name's",
    "this is",
    "i am",
    "i'm",
)
# "sorry, I prefer English. My name is John Smith": an explicit lead-in later in the message.
_NAME_LATER = re.compile(
    r"(?:^|[.!?,;:]\s*|\s)(?:mein\s+name\s+ist|mein\s+name\s+lautet|ich\s+heiße|ich\s+heisse|"
    r"my\s+name\s+is|my\s+name's)\s+(?P<name>[^.!?,;]+)",
    re.IGNORECASE,
)
_PARTICLES = {"von", "van", "der", "den", "de", "zu", "di", "da", "vom", "und"}
# Words of a yes, a no, a thank-you or a goodbye. The classifier reads some surnames as such
# replies ("Gerda Lange" as affirm), so an answer is only refused as a name when it contains
# one of these words, not merely because of the predicted intent.
_REPLY_WORDS = {
    "ja",
    "jo",
    "jawohl",
    "jep",
    "ok",
    "okay",
    "oke",
    "einverstanden",
    "gerne",
    "gern",
    "genau",
    "passt",
    "stimmt",
    "richtig",
    "klar",
    "super",
    "gut",
    "perfekt",
    "prima",
    "danke",
    "dankeschön",
    "merci",
    "vielen",
    "dank",
    "bitte",
    "nein",
    "nee",
    "nö",
    "noe",
    "nöd",
    "nicht",
    "tschüss",
    "tschüs",
    "ciao",
    "adieu",
    "servus",
    "yes",
    "yeah",
    "yep",
    "sure",
    "fine",
    "good",
    "great",
    "right",
    "correct",
    "no",
    "nope",
    "not",
    "thanks",
    "thank",
    "thx",
    "please",
    "bye",
    "goodbye",
    "cheers",
}
_LETTER = re.compile(r"[^\W\d_]")


def says_name(text: str | None) -> bool:
    """Whether the message introduces a name ("ich heiße …", "my name is …", "ich bin …")."""
    if not text:
        return False
    rest = GREETING.sub("", " ".join(text.split())).strip().lower()
    return bool(_NAME_LATER.search(rest)) or any(
        rest.startswith(lead_in + " ") for lead_in in _LEAD_INS if not lead_in.startswith("name")
    )


def is_a_reply_not_a_name(text: str | None) -> bool:
    """Whether the answer holds a yes/no/thanks/bye word ("Ja", "no thanks", "Danke!")."""
    words = {w.strip(".,;:!?\"'()").lower() for w in (text or "").split()}
    return bool(words & _REPLY_WORDS)


def clean_customer_name(text: str | None) -> str | None:
    """The name without lead-ins and stray punctuation, or None when it cannot be a name.

    "ich heiße hans müller." -> "Hans Müller"; "Erika Mustermann" stays; digits, payloads,
    empty or very long answers are rejected.
    """
    if not text:
        return None
    name = " ".join(text.split())
    if not name or name.startswith("/"):
        return None
    name = GREETING.sub("", name).strip()
    later = _NAME_LATER.search(name)
    if later:
        name = later.group("name").strip()
    name = strip_lead_in(name, _LEAD_INS)
    name = name.strip(" .,;:!?\"'“”„()-")
    if len(name) < 2 or len(name) > MAX_NAME:
        return None
    if any(char.isdigit() for char in name) or "@" in name:
        return None
    if len(_LETTER.findall(name)) < 2 or len(name.split()) > 6:
        return None
    if name == name.lower():
        name = " ".join(
            word if word in _PARTICLES else word[:1].upper() + word[1:] for word in name.split()
        )
    return name
