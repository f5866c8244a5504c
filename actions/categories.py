"""Which job category a problem description belongs to, from keywords in every language.

Pure module (no Rasa imports). The keywords and their weights are in actions/category_keywords/
(one table per language, merged here). ``classify`` scores every category by the keywords found
in the text and is only *confident* when one category clearly leads; otherwise the bot asks the
customer with the category quick replies instead of guessing.

Matching is tolerant of what customers type on a phone:

- case, umlauts and accents are folded ("Fernsehgerät" == "fernsehgeraet", "światłowód" ==
  "swiatlowod"), so are "ß", "ł" and "œ";
- German compounds match by prefix or suffix ("Druckerpatrone", "Heizungsthermostat");
- typos match by edit distance (one edit for words of 5-7 letters, two for longer words,
  a swap of two neighbouring letters counts as one edit): "Drukcer", "Fernsehr", "Ruter".

Short keywords are stricter: under five letters they match a whole word or (with four letters)
the start of a word, and only keywords of six letters or more are typo-tolerant, and only when
the first letter is right ("nicht" must not count as "licht"). A trailing "*" on a keyword means
"whole word or start of a word only", a leading "=" means "whole word only".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from actions import buttons
from actions.category_keywords import TABLES, Table
from product.categories import CATEGORIES, CATEGORY_LABELS, category_label


def _merged(tables: tuple[Table, ...]) -> Table:
    """One table: every language's keywords per category, the higher weight where two agree."""
    merged: Table = {}
    for table in tables:
        for category, keywords in table.items():
            into = merged.setdefault(category, {})
            for keyword, weight in keywords.items():
                into[keyword] = max(weight, into.get(keyword, 0.0))
    return merged


# category -> {keyword: weight}, all languages (see actions/category_keywords/).
KEYWORDS: Table = _merged(TABLES)

# A problem with a device that is controlled *through* a phone, a computer or the Wi-Fi belongs
# to that device ("die Heizung mit der App auf dem Handy steuern" is smart home, "I can't print
# from my laptop" is the printer): when one of these categories scores MIN_SCORE or more, the
# categories it is reached through count only SUBORDINATE_WEIGHT of their score, unless they
# lead it by more than MIN_LEAD.
_REACHED_THROUGH: dict[str, frozenset[str]] = {
    "smart_home": frozenset({"phone_tablet", "computer", "internet_wifi"}),
    "printer": frozenset({"phone_tablet", "computer", "internet_wifi"}),
}
SUBORDINATE_WEIGHT = 0.25

# Typed answers to "which area?" that name a category, including "other" (never inferred from
# a problem description).
_CHOICE_WORDS: dict[str, tuple[str, ...]] = {
    "other": (
        "etwas anderes",
        "anderes",
        "andere",
        "sonstiges",
        "sonstige",
        "other",
        "something else",
        "else",
        "weiss nicht",
        "keine ahnung",
        "don't know",
        "dont know",
        "not sure",
    ),
}

MIN_SCORE = 1.0
MIN_LEAD = 0.5


@dataclass(frozen=True)
class Classification:
    category: str | None
    scores: dict[str, float]

    @property
    def confident(self) -> bool:
        return self.category is not None


def normalise(text: str) -> str:
    """Lower case, umlauts as ae/oe/ue, ß as ss, no accents, words separated by one space.

    Letters that are no letter with an accent to Unicode are spelt out too: Polish "ł" as "l"
    ("łączy" -> "laczy", not "aczy"), French "œ" and "æ" as "oe" and "ae".
    """
    lowered = text.lower()
    for source, target in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("ß", "ss"),
        ("ł", "l"),
        ("œ", "oe"),
        ("æ", "ae"),
        ("ø", "o"),
    ):
        lowered = lowered.replace(source, target)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.findall(r"[a-z0-9]+", ascii_only))


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


# Common words one typo away from a keyword ("drücken" ~ "drucken", "drückt" ~ "druckt").
# "smartphone" is two edits from "smarthome".
_NO_FUZZY = frozenset(
    {
        "druecken",
        "drueckt",
        "druecke",
        "drueckst",
        "gedrueckt",
        "modern",
        "smartphone",
        "smartphones",
    }
)
# Phrases that contain a keyword but say nothing about the problem ("my phone number").
_NOT_KEYWORDS = re.compile(
    r"\b(?:(?:tele|cell |mobile )?phone (?:number|no|nr)s?|telefon ?(?:nummer|nr)n?|"
    r"handy ?(?:nummer|nr)n?)\b"
)


def _allowed_edits(length: int) -> int:
    if length >= 9:
        return 2
    if length >= 6:
        return 1
    return 0


def _word_matches(token: str, keyword: str) -> bool:
    exact_only = keyword.startswith("=")
    prefix_only = keyword.endswith("*")
    keyword = keyword.strip("=*")
    if token == keyword:
        return True
    if exact_only:
        return False
    if len(keyword) >= 4 and token.startswith(keyword):
        return True
    if prefix_only:
        return False
    if len(keyword) >= 5 and token.endswith(keyword):
        return True
    if len(token) < 4 or token in _NO_FUZZY or token[:1] != keyword[:1]:
        return False
    edits = _allowed_edits(len(keyword))
    return edits > 0 and _edit_distance(token, keyword, edits) <= edits


def scores(text: str) -> dict[str, float]:
    """Score per category (only categories with at least one keyword hit).

    Each distinct word counts once per category, with the weight of the best keyword it
    matches ("Handy" must not score for both "handy" and "handys"); a multi-word keyword
    ("smart home") counts on its own.
    """
    joined = " ".join(_NOT_KEYWORDS.sub(" ", normalise(text)).split())
    tokens = list(dict.fromkeys(joined.split()))
    padded = f" {joined} "
    result: dict[str, float] = {}
    for category, keywords in KEYWORDS.items():
        total = 0.0
        for token in tokens:
            total += max(
                (
                    weight
                    for keyword, weight in keywords.items()
                    if " " not in keyword and _word_matches(token, keyword)
                ),
                default=0.0,
            )
        total += sum(
            weight
            for keyword, weight in keywords.items()
            if " " in keyword and f" {keyword} " in padded
        )
        if total:
            result[category] = total
    for host, means in _REACHED_THROUGH.items():
        host_score = result.get(host, 0.0)
        if host_score >= MIN_SCORE:
            for category in means & result.keys():
                # Not when the other category clearly says more ("the internet light on the
                # router": two Wi-Fi words against one "light").
                if result[category] <= host_score + MIN_LEAD:
                    result[category] *= SUBORDINATE_WEIGHT
    return result


def classify(text: str | None) -> Classification:
    """The category of a problem description, or ``category=None`` when not confident.

    Confident means: the best category scores at least ``MIN_SCORE`` and leads the runner-up
    by at least ``MIN_LEAD``. "other" is never inferred: when a device outside the six areas
    leads, the bot asks.
    """
    if not text:
        return Classification(None, {})
    found = scores(text)
    ranked = sorted(found.items(), key=lambda item: item[1], reverse=True)
    if not ranked:
        return Classification(None, found)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best != "other" and best_score >= MIN_SCORE and best_score - runner_up >= MIN_LEAD:
        return Classification(best, found)
    return Classification(None, found)


# When not confident: offer the categories whose score is at least this share of the best one
# (at most SHORTLIST_SIZE of them, "other" always last); with fewer than two, all seven.
SHORTLIST_SHARE = 0.5
SHORTLIST_SIZE = 3


def shortlist(found: dict[str, float]) -> tuple[str, ...]:
    """The two or three likeliest categories, then "other"; empty when nothing is likely.

    ``found`` is ``Classification.scores``. A category counts as likely when it scores at least
    ``SHORTLIST_SHARE`` of the best one; ties keep the order of ``CATEGORIES``. Empty (show all
    seven) when fewer than two categories are likely: one likely category the classifier was not
    confident about is too weak a hint, and no hint means the customer must see every area.
    """
    if not found:
        return ()
    best = max(found.values())
    if best <= 0:
        return ()
    likely = sorted(
        (c for c in CATEGORIES if c != "other" and found.get(c, 0.0) >= best * SHORTLIST_SHARE),
        key=lambda c: -found[c],
    )[:SHORTLIST_SIZE]
    # A device outside the areas ("other") counts as one of the likely ones: "Waschmaschine
    # ins WLAN" offers Internet and Something else.
    other_likely = found.get("other", 0.0) >= best * SHORTLIST_SHARE
    if len(likely) + other_likely < 2:
        return ()
    return (*likely, "other")


def category_question(
    description: str | None, language: str | None
) -> tuple[str, list[buttons.Button]]:
    """The response and quick replies of job_form's "which area?" (action_ask_category).

    When the description makes two or three areas likely (``shortlist``: "Mein Laptop findet
    das WLAN nicht mehr" → Internet, Computer), only those and "Something else", asked with
    utter_ask_category_likely; otherwise all seven with utter_ask_category (issue 17).
    """
    every = buttons.category_buttons(language)
    by_category = dict(zip(CATEGORIES, every, strict=True))
    offered = shortlist(classify(description).scores)
    if not offered:
        return "utter_ask_category", every
    return "utter_ask_category_likely", [by_category[category] for category in offered]


# Words that say "I have a problem" without saying which one.
_VAGUE_WORDS = frozenset(
    normalise(
        "hallo hi hey hello guten tag morgen abend grüezi servus moin hoi grüß gott zusammen "
        "ich i hab habe have has ein eine einen a an ich es it mein meine my mit with "
        "problem probleme problems issue frage question hilfe help brauche bräuchte need "
        "techniker technician jemand someone bitte please dringend urgent noch some "
        "kleines small großes big technisches technical tech technik"
    ).split(" ")
)


def is_vague(text: str | None) -> bool:
    """True for messages like "Hallo, ich habe ein Problem" that name no problem at all."""
    tokens = normalise(text or "").split()
    return all(token in _VAGUE_WORDS for token in tokens)


def match_choice(text: str | None) -> str | None:
    """The category a typed answer to "which area?" names, or None.

    Accepts category ids ("printer"), the quick-reply titles in either language, "other" words
    ("Sonstiges", "something else") and anything ``classify`` is confident about.
    """
    if not text:
        return None
    stripped = text.strip()
    if stripped in CATEGORIES:
        return stripped
    joined = normalise(stripped)
    for category, labels in CATEGORY_LABELS.items():
        if joined in {normalise(label) for label in labels.values()}:
            return category
    for category, words in _CHOICE_WORDS.items():
        if joined in {normalise(word) for word in words}:
            return category
    return classify(stripped).category


def label(category: str | None, language: str) -> str:
    """Human-readable category name in the customer's language."""
    return category_label(category or "other", language)
