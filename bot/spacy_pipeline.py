"""Build the small German spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained spaCy model can be downloaded here, so the bot runs on ``spacy.blank("de")`` plus
two rule-based components:

- a lookup lemmatizer (tables from spacy-lookups-data), so "Druckers"/"Drucker" or
  "Fernsehers"/"Fernseher" give the count-vector featurizers the same token;
- an EntityRuler that tags ``device`` and ``brand`` mentions case-insensitively.

Usage (from the repository root; the Makefile does this before ``rasa train``)::

    .venv-bot/bin/python -m bot.spacy_pipeline var/spacy/techfriends_de

The pattern tables below are plain data (no spaCy import at module level), so tests can check
them against the synonyms in data/nlu.yml without spaCy installed. The ruler tags the text as
written; data/nlu.yml maps each variant to the canonical value (the dict key) through
EntitySynonymMapper, so a Friend reads "Fernseher" whether the customer wrote "TV" or "Fernseh".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# Canonical device name -> variants as the customer may write them (lower case; single tokens
# unless they contain a space, which makes them a multi-token pattern). spaCy's German tokenizer
# keeps hyphenated compounds together ("WLAN-Repeater" is one token) and splits "Fritz!Box"
# into "Fritz", "!", "Box". Frequent typos and dialect spellings ("ruter", "fernsehr", "Händy",
# Swiss "Compi") are variants too. Plain "phone" is left out on purpose: it would tag
# "phone number" as a device.
DEVICES: dict[str, tuple[str, ...]] = {
    "Router": (
        "router",
        "routers",
        "wlan-router",
        "wifi-router",
        "wlanrouter",
        "internet-box",
        "ruter",
        "rooter",
    ),
    "Fritzbox": ("fritzbox", "fritz!box", "fritz-box", "fritzboxen", "fritz box"),
    "WLAN-Repeater": (
        "wlan-repeater",
        "repeater",
        "wlan repeater",
        "wifi repeater",
        "wifi-repeater",
        "wlan-verstärker",
    ),
    "Modem": ("modem", "modems", "dsl-modem", "kabelmodem"),
    "Fernseher": (
        "fernseher",
        "fernsehers",
        "fernsehern",
        "fernseh",
        "fernsehgerät",
        "fernsehapparat",
        "tv",
        "tv-gerät",
        "smart-tv",
        "smart tv",
        "television",
        "telly",
        "fernsehr",
        "fernsher",
    ),
    "Receiver": (
        "receiver",
        "sat-receiver",
        "satreceiver",
        "set-top-box",
        "set-top box",
        "settopbox",
        "tv-box",
    ),
    "Fernbedienung": ("fernbedienung", "remote", "remote control"),
    "Drucker": (
        "drucker",
        "druckers",
        "printer",
        "printers",
        "tintenstrahldrucker",
        "laserdrucker",
        "multifunktionsdrucker",
        "druker",
    ),
    "Scanner": ("scanner",),
    "Laptop": ("laptop", "laptops", "notebook", "notebooks", "macbook"),
    "Computer": (
        "computer",
        "computers",
        "pc",
        "rechner",
        "desktop-pc",
        "imac",
        "compi",
        "computor",
    ),
    # A landline or any phone: "phone" alone does not say which. "phone number" is blocked
    # below, so a customer giving their number does not name a device.
    "Telefon": (
        "telefon",
        "telefons",
        "festnetztelefon",
        "schnurlostelefon",
        "phone",
        "phones",
        "telephone",
        "landline",
        "cordless phone",
    ),
    "Handy": (
        "handy",
        "handys",
        "smartphone",
        "smartphones",
        "natel",
        "mobiltelefon",
        "mobile phone",
        "cell phone",
        "cellphone",
        "händy",
    ),
    "iPhone": ("iphone",),
    "Tablet": ("tablet", "tablets", "ipad", "ipads"),
    "Thermostat": (
        "thermostat",
        "thermostate",
        "thermostats",
        "heizkörperthermostat",
        "heizkörperthermostate",
        "heizungsthermostat",
    ),
    "Heizungssteuerung": ("heizungssteuerung", "heizungsregelung", "heating control"),
    "Lautsprecher": ("lautsprecher", "soundbar", "speaker", "speakers", "smart speaker"),
    "Türklingel": ("türklingel", "klingel", "video-türklingel", "doorbell", "video doorbell"),
    "Kamera": ("kamera", "überwachungskamera", "webcam", "camera"),
}

# French, Italian and Polish words for the same devices (issue 17): one shared model serves all
# five languages and the Friend reads the German canonical name. Polish nouns are listed in the
# case forms customers type after "mój", "z", "w" ("telewizorem", "drukarką"), with and without
# diacritics. French "portable" alone is a mobile phone ("ordinateur portable" is the longer,
# winning match for a laptop); "box" alone is left out (German "Box" is a loudspeaker).
MORE_LANGUAGE_DEVICES: dict[str, tuple[str, ...]] = {
    "Router": ("routeur", "routeurs", "box internet", "livebox", "freebox", "bbox"),
    "Modem": ("modemu", "modemem"),
    "Fernseher": (
        "télé",
        "tele",
        "télévision",
        "television",
        "téléviseur",
        "televiseur",
        "televisore",
        "televisori",
        "televisione",
        "telewizor",
        "telewizora",
        "telewizorem",
        "telewizorze",
        "telewizory",
    ),
    "Fernbedienung": ("télécommande", "telecommande", "telecomando", "pilot", "pilota", "pilotem"),
    "Drucker": (
        "imprimante",
        "imprimantes",
        "stampante",
        "stampanti",
        "drukarka",
        "drukarki",
        "drukarkę",
        "drukarke",
        "drukarką",
        "drukarka",
        "drukarce",
    ),
    "Laptop": ("ordinateur portable", "portatile", "portatili", "laptopa", "laptopem", "laptopie"),
    "Computer": (
        "ordinateur",
        "ordinateurs",
        "ordi",
        "komputer",
        "komputera",
        "komputerem",
        "komputerze",
        "mac",
    ),
    "Telefon": ("téléphone", "telephone", "téléphones", "telefono", "telefoni", "telefonu"),
    "Handy": (
        "portable",
        "téléphone portable",
        "telephone portable",
        "telefon komórkowy",
        "telefon komorkowy",
        "telefonino",
        "cellulare",
        "cellulari",
        "komórka",
        "komorka",
        "komórki",
        "komorki",
        "komórkę",
        "komorke",
        "komórce",
        "komorce",
        "smartfon",
        "smartfona",
        "smartfonie",
        "smartfonem",
    ),
    "Tablet": ("tablette", "tablettes", "tabletu", "tablecie", "tabletem"),
    "Thermostat": ("termostato", "termostat"),
    "Lautsprecher": ("enceinte", "haut-parleur", "altoparlante", "głośnik", "glosnik"),
    "Türklingel": ("sonnette", "campanello", "dzwonek"),
    "Kamera": ("caméra", "telecamera", "kamerka"),
}
DEVICES = {
    canonical: tuple(dict.fromkeys((*variants, *MORE_LANGUAGE_DEVICES.get(canonical, ()))))
    for canonical, variants in DEVICES.items()
}

BRANDS: dict[str, tuple[str, ...]] = {
    "AVM": ("avm", "fritz", "fritz!"),
    "tado": ("tado", "tado°"),
    "Samsung": ("samsung",),
    "LG": ("lg",),
    "HP": ("hp", "hewlett-packard", "hewlett packard"),
    "Canon": ("canon",),
    "Epson": ("epson",),
    "Apple": ("apple",),
    "Sonos": ("sonos",),
    "Philips Hue": ("philips hue", "philips-hue", "hue"),
    "Philips": ("philips",),
    "Netatmo": ("netatmo",),
    "Telekom": ("telekom", "speedport", "telekom speedport", "magentatv", "magenta tv"),
    "Swisscom": ("swisscom",),
    "Vodafone": ("vodafone",),
    "Sony": ("sony",),
    "Huawei": ("huawei",),
    "Xiaomi": ("xiaomi",),
    "Lenovo": ("lenovo",),
    "Dell": ("dell",),
    "Acer": ("acer",),
    "Asus": ("asus",),
    "Medion": ("medion",),
    "Homematic": ("homematic",),
    "Bosch": ("bosch",),
    "Amazon": ("amazon", "alexa", "echo dot"),
    "Google": ("google", "google nest", "google home"),
    # Further brands common in German-speaking households (TVs, printers, heating, phones for
    # older people, network gear, Swiss/Austrian providers). "Brother" is left out: in English
    # it is mostly a relative.
    "Panasonic": ("panasonic",),
    "Grundig": ("grundig",),
    "Loewe": ("loewe",),
    "Telefunken": ("telefunken",),
    "Bose": ("bose",),
    "JBL": ("jbl",),
    "Kyocera": ("kyocera",),
    "Lexmark": ("lexmark",),
    "Ricoh": ("ricoh",),
    "Siemens": ("siemens",),
    "Miele": ("miele",),
    "Viessmann": ("viessmann",),
    "Vaillant": ("vaillant",),
    "Buderus": ("buderus",),
    "Nokia": ("nokia",),
    "Motorola": ("motorola",),
    "Oppo": ("oppo",),
    "OnePlus": ("oneplus",),
    "Fairphone": ("fairphone",),
    "Doro": ("doro",),
    "Emporia": ("emporia",),
    "Gigaset": ("gigaset",),
    "Microsoft": ("microsoft",),
    "devolo": ("devolo",),
    "TP-Link": ("tp-link", "tplink"),
    "Netgear": ("netgear",),
    "Sunrise": ("sunrise",),
    "UPC": ("upc",),
    # French, Italian and Polish providers whose names are no common word ("Orange", "Free",
    # "Play" and "TIM" are left out: a colour, English words, a first name).
    "SFR": ("sfr",),
    "Bouygues": ("bouygues",),
    "Fastweb": ("fastweb",),
    "WindTre": ("windtre", "wind tre"),
    "Iliad": ("iliad",),
    "Netia": ("netia",),
    "T-Mobile": ("t-mobile", "tmobile"),
    "Synology": ("synology",),
}

# Phrases that contain a device word but name none: matched with a label SpacyNLP's extractor
# does not ask for (config.yml: dimensions device and brand), so the ruler's preference for the
# longest match keeps "phone" in "phone number" from becoming a device.
NOT_ENTITIES = (
    "phone number",
    "phone numbers",
    "phone no",
    "phone nr",
    "telephone number",
    "cell phone number",
    "mobile phone number",
    "telefon nummer",
    "telefon nr",
    "handy nummer",
    "handy nr",
    "numéro de téléphone",
    "numero de telephone",
    "numéro de natel",
    "numéro de portable",
    "numero di telefono",
    "numero del telefono",
    "numero del natel",
    "numero del telefonino",
    "numero di cellulare",
    "numer telefonu",
    "numer komórki",
    "numer komorki",
    # Italian "in camera" is "in the bedroom"; "camera da letto" the bedroom.
    "in camera",
    "camera da letto",
)

ELISION = r"(?:[cdjlmnstCDJLMNST]|[Qq]u|[DdNnSs]ell|[Dd]all|[Aa]ll|[Qq]uell|[Uu]n)['’]"

LABELS = {"device": DEVICES, "brand": BRANDS}


def _split_variant(variant: str) -> list[str]:
    """Tokens of a variant the way the German tokenizer sees them."""
    tokens: list[str] = []
    for part in variant.split(" "):
        # "fritz!box" is three tokens for spaCy; "fritz!" two. Keep the "!" as its own token.
        if "!" in part and part not in ("!",):
            pieces = part.split("!")
            for index, piece in enumerate(pieces):
                if piece:
                    tokens.append(piece)
                if index < len(pieces) - 1:
                    tokens.append("!")
        elif part:
            tokens.append(part)
    return tokens


def entity_patterns() -> list[dict[str, Any]]:
    """EntityRuler patterns: one token pattern per variant, matched on the lower-cased text."""
    patterns: list[dict[str, Any]] = []
    for label, table in LABELS.items():
        for canonical, variants in table.items():
            for variant in {*variants, canonical.lower()}:
                tokens = _split_variant(variant)
                if len(tokens) == 1:
                    # One-token variants also match when spaCy leaves punctuation glued on.
                    patterns.append({"label": label, "pattern": [{"LOWER": tokens[0]}]})
                patterns.append({"label": label, "pattern": [{"LOWER": token} for token in tokens]})
    # Drop exact duplicates while keeping a stable order.
    unique: dict[str, dict[str, Any]] = {}
    for pattern in patterns:
        unique.setdefault(repr(pattern), pattern)
    return list(unique.values())


def build(out_dir: str | Path) -> Path:
    """Create the pipeline and write it to ``out_dir``; returns the path."""
    import spacy
    from spacy.pipeline import EntityRuler
    from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]  # Cython, no stub

    nlp = spacy.blank("de")
    # French and Italian elisions ("l'imprimante", "dell'ordinateur", "c'è") become their own
    # token, so the device word after them is one token the ruler can match.
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)  # typed as any callable
    prefixes = [*(nlp.Defaults.prefixes or ()), ELISION]
    tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    try:
        # Lookup lemmatization needs the tables from spacy-lookups-data at build time only:
        # initialize() copies them into the pipeline, so loading the saved model needs nothing.
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception as error:  # pragma: no cover - only without spacy-lookups-data
        # Without the tables the bot still works, only with less generalisation across
        # inflected forms; say so instead of failing the build.
        print(f"spacy_pipeline: lookup lemmatizer left out ({error})", file=sys.stderr)
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    assert isinstance(ruler, EntityRuler)  # add_pipe is typed to return any Pipe
    ruler.add_patterns(entity_patterns())
    ruler.add_patterns(
        [
            {"label": "not_an_entity", "pattern": [{"LOWER": token} for token in phrase.split()]}
            for phrase in NOT_ENTITIES
        ]
    )
    nlp.meta["name"] = "techfriends_de"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = "Blank German pipeline with lookup lemmas and device/brand rules"
    path = Path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bot.spacy_pipeline OUT_DIR", file=sys.stderr)
        return 2
    path = build(args[0])
    print(f"spacy_pipeline: wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
