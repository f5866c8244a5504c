"""Phone numbers as customers type them, normalised to E.164.

Pure module (no Rasa imports). The default region is the country of the customer's postal code,
so a national number like "0171 9876543" (DE), "079 123 45 67" (CH), "06 12 34 56 78" (FR),
"347 123 4567" (IT) or "512 345 678" (PL) gets the right country code. Before the country is
known, the language's country stands in (``region_for``). Numbers written with a country code
(+43 ..., 0041 ..., +33, +39, +48) keep their own country.
On WhatsApp the customer's own number is offered first (``whatsapp_number``, ``offer_reply``).
"""

from __future__ import annotations

import re

import phonenumbers

from product.countries import COUNTRY_CODES, DEFAULT_COUNTRY
from whatsapp_platform import ids

SUPPORTED_REGIONS = COUNTRY_CODES
DEFAULT_REGION = DEFAULT_COUNTRY
# The country a national number most likely belongs to when only the language is known. English
# has no country of its own here: the default. Swiss French and Ticino Italian customers are
# told apart by the country (the postal code, the context), not by the language.
LANGUAGE_REGIONS = {"de": "DE", "en": DEFAULT_COUNTRY, "fr": "FR", "it": "IT", "pl": "PL"}


def _region(region: str | None) -> str:
    region = (region or "").upper()
    return region if region else DEFAULT_REGION


def region_for(country: str | None, language: str | None = None) -> str:
    """The region to read a national number in: the conversation's country when known, else
    the language's country ("fr" → "FR"), else the default country."""
    if country and country.strip():
        return country.strip().upper()
    return LANGUAGE_REGIONS.get((language or "").lower(), DEFAULT_REGION)


def _e164(number: phonenumbers.PhoneNumber) -> str | None:
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(
    raw: str | None, region: str | None = DEFAULT_REGION, also: str | None = None
) -> str | None:
    """The number in E.164 form ("+491719876543"), or None when it is not a valid number.

    ``raw`` may be a bare number ("0171 9876543", "0171/9876543", "+41 79 123 45 67",
    "0041 79 123 45 67", "06 12 34 56 78") or a sentence containing one ("Meine Nummer ist
    0171 9876543", "mi chiamo Rossi, il mio numero è 347 1234567"). ``also`` is a second region
    tried only when the number is no valid one of ``region``: a customer in Lugano who gives an
    Italian mobile number without +39 (``region="CH"``, ``also=region_for(None, "it")``).
    """
    if not raw:
        return None
    text = raw.strip()
    if not text or text.startswith("/"):
        return None
    regions = [_region(region)]
    if also and _region(also) not in regions:
        regions.append(_region(also))
    for default_region in regions:
        result = _in_region(text, default_region)
        if result:
            return result
    return None


def _in_region(text: str, default_region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None:
        result = _e164(parsed)
        if result:
            return result
    # A number inside a sentence: take the first valid one.
    for match in phonenumbers.PhoneNumberMatcher(text, default_region):
        result = _e164(match.number)
        if result:
            return result
    return None


def display_phone(e164: str | None) -> str:
    """Readable international form for the summary ("+49 171 9876543")."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- WhatsApp: the customer's number is a phone number ---------------------------------------

# phone_offer: the WhatsApp number was offered and the answer is awaited / was given.
OFFER_ASKED = "asked"
OFFER_ANSWERED = "answered"
# Words of a short answer to "Can the technician call you on …?"; a no-word wins ("ja, aber
# eine andere" is a no, so is "oui, mais un autre"). Polish with and without diacritics.
_OFFER_YES = {"ja", "jo", "jawohl", "gerne", "gern", "passt", "stimmt", "genau", "richtig"}
_OFFER_YES |= {"ok", "okay", "yes", "yeah", "yep", "sure", "fine", "correct", "right"}
_OFFER_YES |= {"oui", "ouais", "accord", "parfait", "volontiers", "exact", "exactement"}
_OFFER_YES |= {"sì", "si", "certo", "esatto", "giusto", "perfetto", "bene", "benissimo"}
_OFFER_YES |= {"tak", "dobrze", "jasne", "pewnie", "okej", "zgadza", "oczywiście", "oczywiscie"}
_OFFER_NO = {"nein", "nee", "nö", "noe", "nöd", "andere", "anderen", "anderer"}
_OFFER_NO |= {"no", "nope", "another", "other", "different"}
_OFFER_NO |= {"non", "autre", "différent"}
_OFFER_NO |= {"altro", "altra", "diverso", "diversa"}
_OFFER_NO |= {"nie", "inny", "inna", "innym", "inne", "innego"}


def whatsapp_number(sender_id: str) -> str | None:
    """The E.164 number of a WhatsApp conversation ("wa-41791234567" → "+41791234567"), None
    for other channels and for ids that are no valid number (never offer a number nobody can
    call)."""
    wa_id = ids.wa_id_of(sender_id)
    return normalise_phone(ids.phone_of(wa_id)) if wa_id else None


def offer_reply(intent: str | None, said: str) -> bool | None:
    """The customer's answer to the offered number: True (take it), False (another one) or
    None (neither: the offer is asked again)."""
    words = set(re.findall(r"[^\W\d_]+", said.lower()))
    if intent == "deny" or words & _OFFER_NO:
        return False
    if intent == "affirm" or words & _OFFER_YES:
        return True
    return None
