"""Which job category a problem description belongs to, from German and English keywords.

Pure module (no Rasa imports). ``classify`` scores every category by the keywords found in the
text and is only *confident* when one category clearly leads; otherwise the bot asks the
customer with the category quick replies instead of guessing.

Matching is tolerant of what customers type on a phone:

- case, umlauts and accents are folded ("Fernsehgerät" == "fernsehgeraet"), so is "ß";
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
from product.categories import CATEGORIES, CATEGORY_LABELS, category_label

# keyword -> weight. Weight 1 for words that point at one category; 0.5 for words that lean
# towards it but also occur elsewhere ("Passwort", "Update", "Telefon").
KEYWORDS: dict[str, dict[str, float]] = {
    "internet_wifi": {
        "wlan": 1,
        "wlam": 1,
        "wlna": 1,
        "wifi": 1,
        "wify": 1,
        "wi fi": 1,
        "w lan": 1,
        "wireless": 1,
        "internet": 1,
        "router": 1,
        "fritzbox": 1,
        "fritz box": 1,
        "fritz": 1,
        "speedport": 1,
        "repeater": 1,
        "modem": 1,
        "dsl": 1,
        "vdsl": 1,
        "glasfaser": 1,
        "fiber": 1,
        "fibre": 1,
        "broadband": 1,
        "hotspot": 1,
        "mesh": 1,
        "netzwerk": 1,
        "network": 1,
        "lan": 1,
        "online": 0.5,
        "offline": 0.5,
        "verbindung": 0.5,
        "connection": 0.5,
        "festnetz": 0.5,
        "empfang": 0.5,
    },
    "smart_home": {
        "smart home": 1,
        "smarthome": 1,
        "heizung": 1,
        "heizkoerper": 1,
        "heating": 1,
        "thermostat": 1,
        "tado": 1,
        "netatmo": 1,
        "homematic": 1,
        "philips hue": 1,
        "hue": 1,
        "lampe": 1,
        "lampen": 1,
        "licht": 1,
        "lights": 1,
        "light": 1,
        "gluehbirne": 1,
        "leuchte": 1,
        "bulb": 1,
        "klingel": 1,
        "doorbell": 1,
        "kamera": 0.5,
        "camera": 0.5,
        "ueberwachung": 1,
        "alexa": 1,
        "google home": 1,
        "echo": 1,
        "steckdose": 1,
        "smart plug": 1,
        "smart lock": 1,
        "smartlock": 1,
        "rollladen": 1,
        "rolladen": 1,
        "jalousie": 1,
        "alarmanlage": 1,
        "rauchmelder": 1,
        "bewegungsmelder": 1,
        # issue 17: heating systems and door cameras, often "connected to the phone app"
        "waermepumpe": 1,
        "heat pump": 1,
        "boiler": 1,
        "radiator": 1,
        "radiators": 1,
        "fussbodenheizung": 1,
        "klimaanlage": 1,
        "air conditioning": 1,
        "haustuer": 1,
        "sprechanlage": 1,
        "intercom": 1,
        "nest": 1,
        "smart plugs": 1,
        "smart lights": 1,
        "smart bulbs": 1,
        "security camera": 1,
    },
    "tv_entertainment": {
        "fernseher": 1,
        "fernseh": 1,
        "fernsehen": 1,
        "fernsehgeraet": 1,
        "tv": 1,
        "tvs": 1,
        "television": 1,
        "telly": 1,
        "receiver": 1,
        "sat": 1,
        "satellit": 1,
        "satellite": 1,
        "sender*": 1,
        "kanal": 1,
        "kanaele": 1,
        "programm": 0.5,
        "channels": 1,
        "channel": 1,
        "fernbedienung": 1,
        "remote": 1,
        "netflix": 1,
        "streaming": 1,
        "disney": 1,
        "sky": 1,
        "zattoo": 1,
        "teleboy": 1,
        "magentatv": 1,
        "magenta tv": 1,
        "swisscom tv": 1,
        "blue tv": 1,
        "fire tv": 1,
        "firetv": 1,
        "apple tv": 1,
        "chromecast": 1,
        "dvd": 1,
        "blu ray": 1,
        "bluray": 1,
        "soundbar": 1,
        "lautsprecher": 1,
        "sonos": 1,
        "speaker": 1,
        "stereoanlage": 1,
        "radio": 1,
        "hifi": 1,
        "antenne": 1,
        "dvb": 1,
        # issue 17: game consoles and projectors are "TV & entertainment"
        "konsole": 1,
        "spielkonsole": 1,
        "console": 1,
        "consoles": 1,
        "playstation": 1,
        "ps4": 1,
        "ps5": 1,
        "xbox": 1,
        "nintendo": 1,
        "wii": 1,
        "controller": 1,
        "gamepad": 1,
        "joystick": 1,
        "zocken": 1,
        "gaming": 1,
        "videospiel": 1,
        "video game": 1,
        "beamer": 1,
        "projektor": 1,
        "projector": 1,
        "=bild": 0.5,
        "ton": 0.5,
    },
    "computer": {
        "computer": 1,
        "pc": 1,
        "pcs": 1,
        "laptop": 1,
        "notebook": 1,
        "rechner": 1,
        "mac": 1,
        "macbook": 1,
        "imac": 1,
        "windows": 1,
        "software": 1,
        "email": 1,
        "e mail": 1,
        "mail": 1,
        "mails": 1,
        "outlook": 1,
        "thunderbird": 1,
        "gmail": 1,
        "gmx": 1,
        "backup": 1,
        "datensicherung": 1,
        "virus": 1,
        "viren": 1,
        "trojaner": 1,
        "malware": 1,
        "antivirus": 1,
        "maus": 1,
        "mouse": 1,
        "tastatur": 1,
        "keyboard": 1,
        "monitor": 1,
        "festplatte": 1,
        "usb": 0.5,
        "word": 1,
        "excel": 1,
        "office": 1,
        "zoom": 0.5,
        "skype": 0.5,
        "browser": 1,
        "passwort": 0.5,
        "password": 0.5,
        "update": 0.5,
        "bildschirm": 0.5,
    },
    "phone_tablet": {
        "handy": 1,
        "handys": 1,
        "smartphone": 1,
        "iphone": 1,
        "ipad": 1,
        "tablet": 1,
        "tablets": 1,
        "mobiltelefon": 1,
        "natel": 1,
        "mobile": 1,
        "cell phone": 1,
        "cellphone": 1,
        # English "phone" is the mobile nearly always ("my phone won't charge"); "phone number"
        # is taken out before scoring. Start of a word only: not "Babyphone". German "Telefon"
        # stays 0.5: often the landline.
        "phone*": 1,
        "=fone": 1,
        "android": 1,
        "galaxy": 1,
        "whatsapp": 1,
        # Half weight: an app is often only the way another device is controlled ("die Heizung
        # reagiert nicht auf die App", the washing machine's app), so it must not outvote it.
        "app": 0.5,
        "apps": 0.5,
        "app store": 1,
        "play store": 1,
        "sim": 1,
        "simkarte": 1,
        "sim karte": 1,
        "sms": 1,
        "klingelton": 1,
        "facetime": 1,
        "icloud": 0.5,
        "akku": 0.5,
        "telefon": 0.5,
        "telefonieren": 0.5,
    },
    "printer": {
        "drucker": 1,
        "drucken": 1,
        "druckt": 1,
        "ausdrucken": 1,
        "ausdruck": 1,
        "patrone": 1,
        "patronen": 1,
        "tinte": 1,
        "toner": 1,
        "scanner": 1,
        "scannen": 1,
        "scan": 1,
        "printer": 1,
        "print": 1,
        "printing": 1,
        "prints": 1,
        "ink": 1,
        "cartridge": 1,
        "papierstau": 1,
        "paper jam": 1,
        "kopierer": 1,
        "epson": 1,
        "kyocera": 1,
        "canon": 0.5,
        "hp": 0.5,
        "brother": 0.5,
    },
    # Devices outside the six areas (issue 17: "the e-bike display's software" is no computer
    # problem). Never inferred: a message that names one makes the bot ask, with "Something
    # else" among the choices. Weight 2: the device outweighs the generic words next to it
    # ("Software", "Update", "App", "WLAN").
    "other": {
        "e bike": 2,
        "ebike": 2,
        "e bikes": 2,
        "pedelec": 2,
        "fahrrad": 2,
        "bike": 2,
        "waschmaschine": 2,
        "washing machine": 2,
        "trockner": 2,
        "dryer": 2,
        "geschirrspueler": 2,
        "spuelmaschine": 2,
        "dishwasher": 2,
        "kuehlschrank": 2,
        "fridge": 2,
        "backofen": 2,
        "oven": 2,
        "mikrowelle": 2,
        "microwave": 2,
        "kaffeemaschine": 2,
        "kaffeevollautomat": 2,
        "coffee machine": 2,
        "saugroboter": 2,
        "staubsauger": 2,
        "vacuum": 2,
        "maehroboter": 2,
        "rasenmaeher": 2,
        "lawn mower": 2,
        "hoergeraet": 2,
        "hearing aid": 2,
        "hearing aids": 2,
        "smartwatch": 2,
        "fitnessarmband": 2,
        "fitness tracker": 2,
        "navi": 2,
        "navigationsgeraet": 2,
        "sat nav": 2,
        "satnav": 2,
        "=auto": 2,
        "=car": 2,
        "bilderrahmen": 2,
        "photo frame": 2,
        "digitalkamera": 2,
        "fotoapparat": 2,
        "zahnbuerste": 2,
        "toothbrush": 2,
        "treppenlift": 2,
        "stairlift": 2,
        "hausnotruf": 2,
        "blutdruckmessgeraet": 2,
        "blood pressure": 2,
    },
}

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
    """Lower case, umlauts as ae/oe/ue, ß as ss, no accents, words separated by one space."""
    lowered = text.lower()
    for source, target in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
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
