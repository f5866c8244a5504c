"""Guess which language (de, en, fr, it, pl) a customer writes, from cue words.

Pure module (no Rasa imports). The global slot validation action calls ``detect_language`` on
every user message; the result selects the language variant of each response.

The heuristic counts words that are typical for one language and rare in the other. Words that
both languages use ("hi", "ok", "internet", "in", "so", "was", "will", "man") are not cues.
Umlauts and ß count as one German cue. When the counts are equal (including no cues at all, as
for a postal code, a phone number or most names) the previous language stays.

French, Italian and Polish have their own cue lists (Polish with and without diacritics) and
letters (ç ê œ …; ì ò; ą ć ę ł ń ó ś ź ż). Their cues are words German and English texts do not
use, so German/English detection behaves as before. An explicit request ("parlez-vous
français ?", "auf Deutsch bitte", "czy mogę po polsku?") names one language, which counts as
three extra cues.
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

FRENCH_CUES = _cues(
    """
    je j suis mon mes ton votre vos vous nous est sont pas ne n plus avec pour dans sur une des du
    au aux ce cette ces c qu que qui quoi comment pourquoi combien où oui ouais merci bonjour
    bonsoir salut coucou revoir bientôt voilà voici avez avoir ai fait faire marche marchent
    fonctionne ordinateur ordi imprimante télé télévision téléphone natel chaînes aide besoin
    problème parlez parle français francais svp plaît plait accord très tres demain matin soir
    après apres semaine annuler étoile étoiles septante nonante bonne journée allô et les
    peux pouvez voudrais veux ça ca rien personne quelqu quelque chose écran données
    """
)

ITALIAN_CUES = _cues(
    """
    io mio mia miei mie tuo sua suo è sono ho hai abbiamo avete che chi cosa come perché perche
    quanto quanta dove quando sì grazie buongiorno buonasera buondì salve arrivederci
    arrivederla prego per favore della del dello degli delle nel nella con una uno gli lo
    funziona funzionano stampante telefonino cellulare televisore aiuto bisogno problema parla
    parli italiano domani mattina pomeriggio sera settimana annulla annullare stelle stella va
    bene anche ancora più piu mi ti ci vorrei voglio posso può puo lei non niente nessuno
    qualcuno qualcosa scusi essere schermo dati no
    """
)

POLISH_CUES = _cues(
    """
    nie jest są sa mój moj moja moje mojej mam mnie się sie czy jak co gdzie kiedy kto ile tak
    dzień dzien dobry dobrze dobranoc cześć czesc witam dziękuję dziekuje dzięki dzieki proszę
    prosze działa dziala drukarka drukuje telewizor komórka komorka komputer pomoc pomocy
    potrzebuję potrzebuje polsku jutro rano wieczorem południu poludniu tydzień tydzien anuluj
    gwiazdki gwiazdek w pan pani panie mówi mowi mogę moge chcę chce bardzo ale już juz jeszcze
    który która ktoś ktos coś cos pakiet wizyta wizytę technik jestem jesteś jestes widzenia
    """
)

# Letters that one of the new languages uses and German/English texts do not.
_LETTERS = {
    "fr": re.compile(r"[çêœûîôë]"),
    "it": re.compile(r"[ìò]"),
    "pl": re.compile(r"[ąćęłńóśźż]"),
}
_NEW_CUES = {"fr": FRENCH_CUES, "it": ITALIAN_CUES, "pl": POLISH_CUES}
# French and Italian elide with an apostrophe ("j'ai", "l'imprimante", "c'è"): split there.
_PLAIN_WORD = re.compile(r"[a-zà-öø-ÿąćęłńśźż]+")

# Explicit requests: a language's name in one of the five languages ("auf Deutsch", "in English",
# "en français", "in italiano", "po polsku"). A name right after a negation ("je ne parle pas
# allemand", "nie mówię po niemiecku") is a language the customer does NOT want.
_LANGUAGE_NAMES = {
    "de": "deutsch german allemand tedesco niemiecku",
    "en": "englisch english anglais inglese angielsku",
    "fr": "französisch franzoesisch french français francais francese francusku",
    "it": "italienisch italian italien italiano włosku wlosku",
    "pl": "polnisch polish polonais polacco polsku",
}
_NAME_TO_CODE = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names.split()}
# A named language counts like this many cues: "auf Deutsch bitte", "in English please" switch,
# while "Der Fernseher zeigt alles auf Englisch" (four German cues) stays German.
_REQUEST_BONUS = 3
_NEGATIONS = frozenset(["kein", "keine", "nicht", "not", "don", "no", "pas", "non", "nie"])


def requested_language(text: str) -> str | None:
    """The one language ``text`` asks for by name, or None (no name, or several)."""
    words = _PLAIN_WORD.findall(text.lower().replace("’", "'").replace("'", " ' "))
    wanted: set[str] = set()
    for index, word in enumerate(words):
        code = _NAME_TO_CODE.get(word)
        if code is None:
            continue
        before = words[max(0, index - 3) : index]
        if any(w in _NEGATIONS for w in before):
            continue
        wanted.add(code)
    if len(wanted) == 1:
        return wanted.pop()
    return None


def language_scores(text: str) -> dict[str, int]:
    """Cue count per language (every code of LANGUAGES) in ``text``."""
    german, english = cue_counts(text)
    scores = dict.fromkeys(LANGUAGES, 0)
    scores["de"] = german
    scores["en"] = english
    lowered = text.lower().replace("’", "'")
    words = _PLAIN_WORD.findall(lowered)
    for code, cues in _NEW_CUES.items():
        if code not in scores:
            continue
        scores[code] = sum(1 for word in words if word in cues)
        if _LETTERS[code].search(lowered):
            scores[code] += 1
    return scores


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
    """The language code of ``text``; ``previous`` when the text gives no clear signal.

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
    scores = language_scores(stripped)
    asked = requested_language(stripped)
    if asked in scores:
        scores[asked] += _REQUEST_BONUS
    best = max(scores.values())
    # LANGUAGES order breaks a tie between two new candidates (de, en first, as before).
    for code in LANGUAGES:
        if code == current or scores[code] != best:
            continue
        if best - scores[current] >= min_margin:
            return code
        break
    return current
