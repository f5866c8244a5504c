"""The optional e-mail address of the website chat's booking: is a typed answer an address,
or a "no, thanks"?

Pure module (no Rasa imports). Deliberately a plain check, not an NLU entity: an address has
a shape that a pattern tells for certain, so the model needs no new training data for it.
"""

from __future__ import annotations

import re

# What the backend stores (RFC 5321 caps a path at 254 characters, a local part at 64).
MAX_LENGTH = 254
MAX_LOCAL = 64

# A local part of the usual characters (dots not first, last or doubled), "@", a domain of
# labels (letters, digits, hyphens inside) and a top-level domain of two or more letters.
# Quoted local parts and IP-address domains are valid mail addresses too, but no customer of
# ours types them; refusing them costs a re-ask, taking a typo costs every e-mail.
_ADDRESS = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    re.IGNORECASE,
)
# Words around the address people write anyway ("meine Adresse ist …", "<…>", "… danke").
_AROUND = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
_TRAILING = ".!?"

# Intents that are no answer to job_form's question (the not_intent lists of domain.yml's
# from_text mappings; a test keeps them equal): the form steps aside, the rules answer, and the
# form asks again. The e-mail slot has no domain mapping (see validate_job_form), so the list
# is written here.
NOT_AN_ANSWER = frozenset(
    (
        "cancel",
        "change",
        "choose_field",
        "bot_challenge",
        "ask_price",
        "ask_how_it_works",
        "ask_who_comes",
        "ask_privacy",
        "chitchat",
        "get_started",
        "choose_category",
        "share_location",
        "share_image",
        "share_voice",
        "share_media_refused",
        "sticker",
        "my_jobs",
        "choose_job",
        "human_handoff",
        "EXTERNAL_friend_assigned",
        "EXTERNAL_friend_missed_deadline",
        "EXTERNAL_nobody_found",
        "EXTERNAL_job_completed",
        "EXTERNAL_rating_reminder",
        "EXTERNAL_friend_handed_back",
        "EXTERNAL_friend_contacted",
        "EXTERNAL_job_cancelled",
        "switch_language",
    )
)

# "No, thanks" typed instead of tapped (the button sends the intent deny), in every language
# (Polish also without diacritics).
_NO_WORDS = {
    "nein",
    "nee",
    "nö",
    "no",
    "nope",
    "keine",
    "keins",
    "nicht",
    "ohne",
    "none",
    "not",
    "skip",
    "überspringen",
    "nöd",
    "ned",
    # French
    "non",
    "pas",
    "aucun",
    "aucune",
    "sans",
    "passer",
    # Italian
    "nessuno",
    "nessuna",
    "senza",
    "saltare",
    "salta",
    # Polish
    "nie",
    "bez",
    "brak",
    "pomiń",
    "pomin",
}


def normalise_email(text: str | None) -> str | None:
    """The address in the customer's answer, lower-cased after the "@" (domains are not case
    sensitive, the part before may be); None when the answer holds no usable address."""
    if not text:
        return None
    candidates = _AROUND.findall(text)
    if len(candidates) != 1:
        return None  # none, or two addresses: asking again is clearer than guessing
    address = candidates[0].rstrip(_TRAILING)
    if not _ADDRESS.fullmatch(address) or len(address) > MAX_LENGTH:
        return None
    local, domain = address.rsplit("@", 1)
    if len(local) > MAX_LOCAL:
        return None
    return f"{local}@{domain.lower()}"


def declines_email(text: str | None) -> bool:
    """Whether a typed answer without an address says "no" ("nein danke", "keine", "no")."""
    if not text or "@" in text:
        return False
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    return bool(words & _NO_WORDS)
