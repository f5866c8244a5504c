"""What a Friend means by a message: a tapped button's payload or typed words, as one Command.

Friends type on their phones, in a hurry: "kontacktiert", "erledigt!", "my jbos". Words are
normalised (lower case, umlauts folded, punctuation dropped) and compared with each command's
phrases by similarity, so one or two wrong letters still find the command. Buttons send
payloads ("CLAIM:TF-7K2Q"); `from_tap` reads those and `tap` writes them, from one table.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

# Job references look like TF-7K2Q (see backend/domain/jobs.py); a missing dash is forgiven.
REFERENCE = re.compile(r"\bTF-?([A-Z0-9]{4,8})\b", re.IGNORECASE)

# Phrases per command, already normalised. Longer phrases are tried first, so
# "kunde nicht erreichbar" wins over a lone "kunde".
PHRASES: dict[str, tuple[str, ...]] = {
    # German, English, then French, Italian and Polish (as the menu text names them).
    "claim": (
        "annehmen", "accept", "nehme an", "ich nehme", "uebernehmen", "take it", "claim",
        "accepter", "j accepte", "je prends", "accetto", "accettare", "prendo",
        "przyjmuje", "biore",
    ),
    "decline": (
        "ablehnen", "decline", "nicht fuer mich", "not for me", "no thanks", "nein danke",
        "refuser", "pas pour moi", "non merci", "non fa per me", "rifiuto", "no grazie",
        "nie dla mnie", "odrzucam", "nie dziekuje",
    ),
    "my_jobs": (
        "meine auftraege", "my jobs", "auftraege", "jobs", "meine jobs",
        "mes missions", "missions", "miei incarichi", "i miei incarichi", "incarichi",
        "moje zlecenia", "zlecenia",
    ),
    "contacted": (
        "kontaktiert", "contacted", "kunde kontaktiert", "customer contacted",
        "contacte", "client contacte", "contattato", "cliente contattato",
        "kontakt", "kontakt nawiazany", "nawiazany", "skontaktowany",
    ),
    "done": (
        "erledigt", "done", "fertig", "job done", "finished", "abgeschlossen",
        "termine", "fini", "fatto", "finito", "gotowe", "zrobione", "zakonczone",
    ),
    "hand_back": (
        "zurueckgeben", "hand back", "give back", "abgeben", "zurueck geben",
        "rendre", "rendre la mission", "restituisci", "restituire", "oddaj", "oddaje",
    ),
    "unreachable": (
        "kunde nicht erreichbar",
        "nicht erreichbar",
        "customer unreachable",
        "unreachable",
        "not reachable",
        "kein kontakt",
        "no answer",
        "client injoignable",
        "injoignable",
        "cliente non raggiungibile",
        "non raggiungibile",
        "klient nieosiagalny",
        "nieosiagalny",
        "nie odbiera",
    ),
    "online": ("online", "online gehen", "go online", "bin da", "start", "en ligne"),
    "offline": ("offline", "offline gehen", "go offline", "feierabend", "hors ligne"),
    "pause": (
        "pause", "pausieren", "urlaub", "holiday", "take a break",
        "vacances", "pausa", "ferie", "przerwa", "urlop",
    ),
    "radius": ("umkreis", "radius", "entfernung", "distance", "rayon", "raggio", "promien"),
    "profile": (
        "profil", "profile", "mein profil", "my profile", "einstellungen", "settings",
        "mon profil", "reglages", "profilo", "il mio profilo", "impostazioni",
        "moj profil", "ustawienia",
    ),
    "help": (
        "hilfe", "help", "menu", "menue", "was geht", "hallo", "hello", "hi",
        "aide", "bonjour", "salut", "aiuto", "buongiorno", "ciao", "pomoc", "dzien dobry",
        "czesc",
    ),
}  # fmt: skip
# Persistent-menu and button payloads that mean the same as a typed command.
PAYLOADS = {
    "MY_JOBS": "my_jobs",
    "GO_ONLINE": "online",
    "GO_OFFLINE": "offline",
    "HELP": "help",
    "PROFILE": "profile",
    "PAUSE": "pause",
    "START": "help",
}
# Button payloads that name a job (or a profile setting) after a colon: "CLAIM:TF-7K2Q",
# "DONEPKG:TF-7K2Q:setup", "SKILL:computer".
TAPS = {
    "CLAIM": "claim",
    "DECLINE": "decline",
    "CONTACTED": "contacted",
    "DONE": "done",
    "DONEPKG": "done_package",
    "DONEEXTRA": "done_extra",
    "HANDBACK": "hand_back",
    "UNREACHABLE": "unreachable",
    "PROFILE_EDIT": "profile_edit",
    "RADIUS": "radius",
    "SKILL": "skill",
    "LANGS": "languages",
}
_TAP_OF = {kind: action for action, kind in TAPS.items()}
# Settings, not jobs: the whole rest of the payload is the argument ("LANGS:de,en").
_SETTINGS = ("profile_edit", "radius", "skill", "languages")
_MINUTES = re.compile(r"^\s*(\d{1,3})\s*(min\.?|minuten|minutes|m)?\s*$", re.IGNORECASE)
# How alike a typed word and a phrase word of 6+ letters must be (difflib ratio):
# "kontaktirt" ≈ 0.95, "online" vs "offline" ≈ 0.77, so the two never swap.
SIMILAR = 0.8


# Every phrase as words, longest first, so "kunde nicht erreichbar" is tried before "kunde …".
_CANDIDATES = sorted(
    ((kind, phrase.split()) for kind, phrases in PHRASES.items() for phrase in phrases),
    key=lambda item: -len(item[1]),
)


@dataclass(frozen=True)
class Command:
    kind: str  # one of PHRASES' keys, one of TAPS' values, or "unknown"
    # The job reference the message named: upper case when typed, as sent when tapped.
    reference: str = ""
    # A number that came with it ("Umkreis 20" → 20; a completion's extra minutes, -1 if garbled)
    number: int | None = None
    # What a tapped payload carries besides the reference: a package, a skill, languages.
    argument: str = ""


def normalise(raw: str) -> str:
    """Lower case, umlauts as ae/oe/ue, ß as ss, ł as l, other accents dropped, only letters
    and digits."""
    folded = raw.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    folded = folded.replace("ß", "ss").replace("ł", "l")  # NFKD keeps "ł" whole
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def _word_match(word: str, target: str) -> bool:
    if word == target:
        return True
    if len(target) < 4 or len(word) < 3:  # short words must be exact ("hi", "ok")
        return False
    if len(target) <= 5:
        # One wrong letter is too much here ("Hause" is not "Pause"); swapped letters are
        # the typo left to forgive ("jbos", "dnoe").
        return (
            len(word) == len(target) and sorted(word) == sorted(target) and _swapped(word, target)
        )
    matcher = difflib.SequenceMatcher(None, word, target)
    # The cheap upper bounds rule most pairs out before the full comparison.
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def _swapped(word: str, target: str) -> bool:
    """The word is the target with two neighbouring letters swapped."""
    differ = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
    return len(differ) == 2 and differ[1] == differ[0] + 1


def _phrase_at(words: list[str], phrase: list[str]) -> bool:
    """The phrase appears in the words in order (adjacent), each word alike."""
    for start in range(len(words) - len(phrase) + 1):
        if all(_word_match(words[start + i], p) for i, p in enumerate(phrase)):
            return True
    # Typed as one word ("handback", "myjobs") or split ("zurück geben").
    joined = "".join(words)
    return len(phrase) > 1 and _word_match(joined, "".join(phrase))


def reference_in(raw: str) -> str:
    match = REFERENCE.search(raw)
    return f"TF-{match.group(1).upper()}" if match else ""


def parse(raw: str) -> Command:
    """The command a typed message means; a bare job reference means "claim it"."""
    reference = reference_in(raw)
    words = normalise(REFERENCE.sub(" ", raw)).split()
    for kind, phrase in _CANDIDATES:
        if _phrase_at(words, phrase):
            numbers = [int(w) for w in words if w.isdigit() and len(w) <= 3]
            return Command(kind, reference, numbers[0] if numbers else None)
    if reference:
        return Command("claim", reference)
    return Command("unknown")


def from_payload(payload: str) -> Command | None:
    """A persistent-menu payload (MY_JOBS, GO_ONLINE, …) as a command; None if it is not one."""
    kind = PAYLOADS.get(payload.strip().upper())
    return Command(kind) if kind else None


def from_tap(payload: str) -> Command:
    """Any button or chip payload as a command; "unknown" for one we never send."""
    action, _, argument = payload.partition(":")
    kind = TAPS.get(action)
    if kind is None or not argument.split(":", 1)[0]:
        return from_payload(payload) or Command("unknown")
    if kind in _SETTINGS:
        return Command(kind, argument=argument)
    reference, *rest = argument.split(":")
    if kind == "done_package":
        return Command(kind, reference, argument=argument.partition(":")[2])
    if kind == "done_extra":
        minutes = int(rest[1]) if len(rest) == 2 and rest[1].isdecimal() else -1
        return Command(kind, reference, minutes, rest[0] if rest else "")
    return Command(kind, reference)


def tap(kind: str, *parts: object) -> str:
    """The payload of a button that means `kind`: tap("claim", "TF-7K2Q") → "CLAIM:TF-7K2Q"."""
    return ":".join((_TAP_OF[kind], *(str(p) for p in parts)))


def parse_minutes(raw: str) -> int | None:
    """Typed extra time: "45", "45 min", "30 Minuten" → minutes; anything else None."""
    match = _MINUTES.match(raw)
    return int(match.group(1)) if match else None
