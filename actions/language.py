"""Guess whether a customer writes German or English, from cue words.

Pure module (no Rasa imports). The global slot validation action calls ``detect_language`` on
every user message; the result selects the German or English variant of each response.

The heuristic counts words that are typical for one language and rare in the other. Words that
both languages use ("hi", "ok", "internet", "in", "so", "was", "will", "man") are not cues.
Umlauts and ß count as one German cue. When the counts are equal (including no cues at all, as
for a postal code, a phone number or most names) the previous language stays.
"""

from __future__ import annotations

import re

from product.languages import DEFAULT_LANGUAGE, LANGUAGES


def _cues(words: str) -> frozenset[str]:
    return frozenset(words.split())


GERMAN_CUES = _cues(
    """
    ich mein meine meinen meinem meiner meins mir mich wir uns unser unsere sie ihr ihnen du
    dein deine nicht nichts kein keine keinen ist sind bin bist waren wird werden wurde
    und oder aber weil dass wenn denn doch auch noch schon immer ständig staendig wieder mehr nur
    der die das dem den des ein eine einen einem einer es mit von vom zum zur bei beim für fuer
    über ueber unter nach seit aus auf ab zu ins im
    geht gehen ging gegangen funktioniert funktionieren funktioniere läuft laeuft lauft kaputt
    defekt hängt haengt spinnt streikt bricht abgebrochen verbindet druckt drucken zeigt
    habe hab hat haben hätte kann können koennen kann's muss müssen soll möchte moechte brauche
    bräuchte braeuche helfen hilfe bitte danke dankeschön dankeschoen vielen herzlichen
    hallo guten tag morgen abend grüezi gruezi grüessech gruessech grüß gruess gruss grüss gott
    servus moin moinsen hoi salü salue sali griaß griass griasdi tschüss tschuess tschüs tschau
    wiedersehen wiederhören ade adieu
    ja jawohl jo genau richtig stimmt passt gerne gern nein nee nö noe ne nöd noed
    abbrechen stopp aufhören aufhoeren beenden
    wie wieso warum weshalb wer wo wann welche welcher welches
    fernseher fernseh drucker handy rechner heizung bildschirm gerät geraet sender kanäle
    kanaele kaputtes
    gaht nüm nümme nuem nuemme isch hät het öppis oeppis min mis mini nöt
    leider sehr gut schlecht heute gestern jetzt sofort schnell
    stern sterne sternen mensch menschen sprechen reden auftrag aufträge auftraege techniker
    stornieren storniert mitarbeiter
    """
)

ENGLISH_CUES = _cues(
    """
    i i'm i've i'd me my mine we our you your he she they them their it its it's
    is are isn't aren't wasn't doesn't don't didn't can't cannot won't wouldn't couldn't
    does do did has have had been can could would should
    the of to for from with on at by about into and but or because since when if
    not no nope yes yeah yep sure correct right
    hello hey hiya good morning evening afternoon thanks thank cheers please help
    bye goodbye later
    broken working work works worked stopped stops keeps lost anymore again any
    printer printing print phone television channels channel screen picture
    what why how who where which this that there here
    cancel quit
    star stars human talk speak someone somebody anyone nobody request booking coming
    """
)

# A German-only letter is a strong hint (names with umlauts are handled by the caller's margin).
_GERMAN_LETTERS = re.compile(r"[äöüß]")
_WORD = re.compile(r"[a-zäöüß]+(?:'[a-z]+)?")


def cue_counts(text: str) -> tuple[int, int]:
    """(German cues, English cues) in ``text``."""
    lowered = text.lower().replace("’", "'")
    words = _WORD.findall(lowered)
    german = sum(1 for word in words if word in GERMAN_CUES)
    english = sum(1 for word in words if word in ENGLISH_CUES)
    if _GERMAN_LETTERS.search(lowered):
        german += 1
    return german, english


def detect_language(
    text: str | None, previous: str | None = DEFAULT_LANGUAGE, min_margin: int = 1
) -> str:
    """``"de"`` or ``"en"`` for ``text``; ``previous`` when the text gives no clear signal.

    ``min_margin`` is how many more cues one language needs before the language changes; the
    caller raises it while the bot asks for a name, a postal code or a phone number, where
    answers carry little language signal. Payload messages ("/affirm", "/choose_category{...}")
    and external events never change the language.
    """
    current = previous if previous in LANGUAGES else DEFAULT_LANGUAGE
    if not text:
        return current
    stripped = text.strip()
    if not stripped or stripped.startswith("/") or stripped.startswith("EXTERNAL"):
        return current
    german, english = cue_counts(stripped)
    if german - english >= min_margin:
        return "de"
    if english - german >= min_margin:
        return "en"
    return current
