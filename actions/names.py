"""Customer names as typed in answer to "What is your name?", in every language we serve:
"ich heiße …", "my name is …", "je m'appelle …", "mi chiamo …", "nazywam się …" (Polish also
without diacritics). Particles stay lower case ("Jean de la Fontaine", "Hans von der Heide"),
letters of any alphabet we serve count ("Łukasz Wiśniewski"), and the parts of an apostrophe or
hyphen name are capitalised ("D'Angelo", "Müller-Lüdenscheid") when the name comes in one case.

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
    # French
    "je m'appelle",
    "je m appelle",
    "mon nom est",
    "mon nom c'est",
    "mon nom:",
    "nom:",
    "moi c'est",
    "c'est",
    "je suis",
    "ici",
    # Italian
    "mi chiamo",
    "il mio nome è",
    "il mio nome e",
    "il mio nome:",
    "nome:",
    "sono",
    "qui è",
    "qui e",
    # Polish, with and without diacritics
    "nazywam się",
    "nazywam sie",
    "mam na imię",
    "mam na imie",
    "moje imię i nazwisko to",
    "moje imie i nazwisko to",
    "moje imię to",
    "moje imie to",
    "imię i nazwisko:",
    "imie i nazwisko:",
    "imię:",
    "imie:",
    "z tej strony",
    "jestem",
)
# Lead-ins that are also ordinary sentences ("je suis d'accord", "sono d'accordo", "jestem
# zadowolony"): stripped before a name, but no sign that the message gives one.
_WEAK_LEAD_INS = {"c'est", "je suis", "ici", "sono", "qui è", "qui e", "jestem"}
# "sorry, I prefer English. My name is John Smith": an explicit lead-in later in the message.
_NAME_LATER = re.compile(
    r"(?:^|[.!?,;:]\s*|\s)(?:mein\s+name\s+ist|mein\s+name\s+lautet|ich\s+heiße|ich\s+heisse|"
    r"my\s+name\s+is|my\s+name's|je\s+m'\s?appelle|mon\s+nom\s+est|mi\s+chiamo|"
    r"il\s+mio\s+nome\s+[èe]|nazywam\s+si[ęe]|mam\s+na\s+imi[ęe])\s+(?P<name>[^.!?,;]+)",
    re.IGNORECASE,
)
_PARTICLES = {"von", "van", "der", "den", "de", "zu", "di", "da", "vom", "und", "zum", "zur"}
_PARTICLES |= {"du", "des", "del", "della", "dei", "degli", "dello", "ter", "ten"}
# Articles are particles only after one ("Jean de la Fontaine"; but "Maria La Rosa", "Hans Le").
_ARTICLES = {"la", "le", "l'"}
# An elided particle typed in lower case is capitalised as Italian surnames write it
# ("d'angelo" → "D'Angelo"); a name typed with capitals keeps them ("Jean d'Ormesson").
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
    # French
    "oui",
    "ouais",
    "non",
    "d'accord",
    "daccord",
    "parfait",
    "bien",
    "volontiers",
    "svp",
    "plaît",
    "plait",
    "revoir",
    # Italian
    "sì",
    "si",
    "certo",
    "esatto",
    "perfetto",
    "bene",
    "grazie",
    "prego",
    "d'accordo",
    "arrivederci",
    # Polish, with and without diacritics
    "tak",
    "nie",
    "dobrze",
    "jasne",
    "okej",
    "dziękuję",
    "dziekuje",
    "dzięki",
    "dzieki",
    "proszę",
    "prosze",
    "widzenia",
}
_LETTER = re.compile(r"[^\W\d_]")


def says_name(text: str | None) -> bool:
    """Whether the message introduces a name ("ich heiße …", "my name is …", "ich bin …")."""
    if not text:
        return False
    rest = GREETING.sub("", " ".join(text.split())).strip().lower().replace("’", "'")
    return bool(_NAME_LATER.search(rest)) or any(
        rest.startswith(lead_in + " ")
        for lead_in in _LEAD_INS
        if not lead_in.endswith(":") and lead_in != "name" and lead_in not in _WEAK_LEAD_INS
    )


def is_a_reply_not_a_name(text: str | None) -> bool:
    """Whether the answer holds a yes/no/thanks/bye word ("Ja", "no thanks", "Danke!")."""
    words = {w.strip(".,;:!?\"'()").lower() for w in (text or "").replace("’", "'").split()}
    return bool(words & _REPLY_WORDS)


def clean_customer_name(text: str | None) -> str | None:
    """The name without lead-ins and stray punctuation, or None when it cannot be a name.

    "ich heiße hans müller." -> "Hans Müller"; "Erika Mustermann" stays; digits, payloads,
    empty or very long answers are rejected.
    """
    if not text:
        return None
    name = " ".join(text.replace("’", "'").split())
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
    if name == name.lower() or (name == name.upper() and len(_LETTER.findall(name)) > 3):
        words = name.lower().split()
        name = " ".join(
            _capitalised(word, words[i - 1] if i else None, i == len(words) - 1)
            for i, word in enumerate(words)
        )
    return name


def _capitalised(word: str, before: str | None, last: bool) -> str:
    """ "müller-lüdenscheid" → "Müller-Lüdenscheid", "d'angelo" → "D'Angelo", "łukasz" →
    "Łukasz"; particles before the surname stay lower case ("de", "van", "della", and "la"
    after "de")."""
    if not last and (word in _PARTICLES or (word in _ARTICLES and before in _PARTICLES)):
        return word
    return "-".join(
        "'".join(part[:1].upper() + part[1:] for part in piece.split("'"))
        for piece in word.split("-")
    )
