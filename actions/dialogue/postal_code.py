"""The postal code in job_form: from a shared location, typed, or corrected later; and the
question "which place?" when the code exists in more than one country ("1010": Wien in Austria,
Lausanne in Switzerland) and the conversation does not tell which (product/country_context.py:
a named country, the phone's prefix, the locale, the greeting, the language; "Grüezi" and 1010
is Lausanne, German and 20144 is Hamburg). Only SERVICE_COUNTRIES count; a code only elsewhere
gets utter_country_not_served ("we are not there yet").

A customer who answers "which place?" with the same code again is not asked the same question
forever: the second time the bot says how to answer (tap a place or type its name), from the
third time on it also offers a person (the human_handoff quick reply, which the rules hand to
action_handoff like a typed "I want to talk to a person").
"""

from __future__ import annotations

import logging
import os
from typing import Any, Optional

from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import buttons, postal
from actions.backend_client import BackendError
from actions.dialogue.backend_calls import client
from actions.dialogue.base import Answer, DialogueAction, Dispatcher, Events, Slots
from actions.dialogue.tracker import (
    FORM,
    entity,
    intent,
    language,
    locale,
    previous_value,
    text,
)
from product import country_context
from product.countries import COUNTRIES, service_countries
from whatsapp_platform.ids import phone_of, wa_id_of

logger = logging.getLogger(__name__)

MAX_PLACE_OPTIONS = 10
# How often in a row the customer's answers led to "which place?" for the same places.
PLACE_QUESTION_COUNT = "place_question_count"
# (response, offer a person too) by that count; the last one stays for any further time.
PLACE_QUESTIONS: tuple[tuple[str, bool], ...] = (
    ("utter_choose_place", False),
    ("utter_choose_place_how", False),
    ("utter_choose_place_or_person", True),
)
_NO_PLACE_QUESTION: Slots = {"postal_code_options": None, PLACE_QUESTION_COUNT: None}


def is_shared_location(tracker: Tracker) -> bool:
    return intent(tracker) == "share_location" and tracker.active_loop_name == FORM


async def from_shared_location(dispatcher: Dispatcher, tracker: Tracker) -> Slots:
    """The postal code of the place nearest to a shared location (the backend looks it up)."""
    current = tracker.get_slot("postal_code")
    latitude, longitude = _coordinate(tracker, "latitude"), _coordinate(tracker, "longitude")
    place = None
    if latitude is not None and longitude is not None:
        try:
            place = await client().nearest_postal_code(latitude, longitude)
        except BackendError as error:
            logger.error("nearest postal code lookup failed: %s", error)
    if place and place.get("postal_code") and place.get("country"):
        # "CH-8001": the country prefix keeps 4-digit codes unambiguous for validation.
        return {"postal_code": f"{place['country']}-{place['postal_code']}"}
    dispatcher.utter_message(response="utter_location_not_found")
    # Keep a postal code the customer gave before; otherwise the form asks for it.
    return {"postal_code": current}


def _coordinate(tracker: Tracker, name: str) -> float | None:
    try:
        return float(entity(tracker, name))
    except (TypeError, ValueError):
        return None


async def validate(answer: Answer) -> Slots:
    """job_form's check of an answer to the postal-code question, or of a correction
    ("nein, die PLZ ist 10117") given while the form asks something else."""
    tracker, dispatcher = answer.tracker, answer.dispatcher
    previous_country = tracker.get_slot("country")
    if answer.correcting:
        # A wrong correction keeps the postal code given before.
        cleared: Slots = {
            "postal_code": previous_value(tracker, "postal_code"),
            "country": previous_country,
            "city": tracker.get_slot("city"),
        }
    else:
        # The country stays until a new postal code decides it: it tells whether the
        # package must be chosen again.
        cleared = {"postal_code": None, "city": None}
    if not answer.value:
        return cleared
    code, hint = _code_and_hint(tracker, str(answer.value))
    if not code:
        dispatcher.utter_message(response="utter_invalid_postal_code")
        return {**cleared, **_NO_PLACE_QUESTION}
    places = await _places(code, hint)
    if not places:
        dispatcher.utter_message(response="utter_unknown_postal_code", postal_code=code)
        return {**cleared, **_NO_PLACE_QUESTION}
    served = served_countries()
    if answer.correcting and previous_country and len(postal.distinct_countries(places)) > 1:
        # "nein, die PLZ ist 1020" from someone in Austria: Vienna, not Renens (CH).
        places = [p for p in places if p["country"] == previous_country] or places
    if len(postal.distinct_countries(places)) > 1:
        # "1010 Wien" names the place along with the code.
        named = postal.place_by_name(places, text(tracker))
        if named is not None and named["country"] in served:
            places = [named]
    having = postal.distinct_countries(places)
    decision = country_context.decide_country(
        having,
        served,
        weak=country_context.written_otherwise(code, having),
        named=hint,
        phone=_phone(tracker),
        locale=locale(tracker),
        greeting_style=tracker.get_slot("greeting_style"),
        language=language(tracker),
    )
    if decision.country is None and not decision.candidates:
        # The code is only in countries we do not serve yet ("we are not yet in Poland").
        not_served = decision.not_served[0]
        dispatcher.utter_message(
            response="utter_country_not_served",
            postal_code=code,
            in_country=_in_country(not_served, language(tracker)),
        )
        return {**cleared, **_NO_PLACE_QUESTION}
    if decision.must_ask:
        return _ask_which_place(tracker, [p for p in places if p["country"] in decision.candidates])
    places = [p for p in places if p["country"] == decision.country]
    return _place_found(dispatcher, places[0], previous_country, answer.correcting)


def served_countries() -> tuple[str, ...]:
    """SERVICE_COUNTRIES, read as the backend reads it (product.countries); the action server
    refuses to start with an unknown code (bot/action_server.py), so this cannot fail then."""
    return service_countries(os.environ)


def _phone(tracker: Tracker) -> Optional[str]:
    """A phone number the conversation already has: the one given in the form, or the
    WhatsApp customer's own number (their conversation id)."""
    given = tracker.get_slot("phone")
    if isinstance(given, str) and given:
        return given
    wa_id = wa_id_of(tracker.sender_id or "")
    return phone_of(wa_id) if wa_id else None


def _in_country(code: str, lang: str) -> str:
    known = COUNTRIES.get(code)
    return known.in_country.get(lang, known.in_country["en"]) if known else code


def _code_and_hint(tracker: Tracker, answer: str) -> tuple[str | None, str | None]:
    """(postal code, country) the answer gives; the country may be unknown (None)."""
    code, hint = postal.extract_postal_code(answer)
    tapped_country = entity(tracker, "country")
    if code and tapped_country and postal.matches_country(code, str(tapped_country).upper()):
        hint = str(tapped_country).upper()
    options = tracker.get_slot("postal_code_options") or []
    if not code and options:
        # Answer to "which place?" typed instead of tapped: "Wien", "Schweiz".
        chosen = postal.place_by_name(options, answer)
        if chosen:
            code, hint = chosen["postal_code"], chosen["country"]
    return code, hint


async def _places(code: str, country: str | None) -> list[dict[str, Any]]:
    try:
        found = postal.filter_places(
            await client().lookup_postal_code(code, country), code, country
        )
        if not found and country:
            # A country word that was no hint ("Via Italia 3, 10115 Berlin"): every country.
            found = postal.filter_places(await client().lookup_postal_code(code), code)
        return found
    except BackendError as error:
        # Without the backend the code's form and the conversation still decide the country
        # (5 digits: DE, FR, IT or PL, see product/country_context.py); the job does not need
        # the city.
        logger.error("postal code lookup failed for %s: %s", code, error)
        return postal.offline_places(code, country)


def _ask_which_place(tracker: Tracker, places: list[dict[str, Any]]) -> Slots:
    """The same code in Austria and Switzerland: action_ask_postal_code asks which place."""
    shown = places[:MAX_PLACE_OPTIONS]
    asked_before = tracker.get_slot("postal_code_options") or []
    count = _place_question_count(tracker) + 1 if shown == asked_before else 1
    return {
        "postal_code": None,
        "city": None,
        "postal_code_options": shown,
        PLACE_QUESTION_COUNT: float(count),
    }


def _place_question_count(tracker: Tracker) -> int:
    return int(tracker.get_slot(PLACE_QUESTION_COUNT) or 0)


def _place_found(
    dispatcher: Dispatcher,
    place: dict[str, Any],
    previous_country: str | None,
    correcting: bool,
) -> Slots:
    result: Slots = {
        "postal_code": place["postal_code"],
        "country": place["country"],
        "city": place["city"],
        **_NO_PLACE_QUESTION,
    }
    if previous_country and previous_country != place["country"]:
        # Prices differ by country: the package is chosen again with the new prices.
        result.update({"package": None, "package_label": None, "package_options": None})
    if correcting:
        dispatcher.utter_message(
            response="utter_postal_code_corrected",
            postal_code=place["postal_code"],
            city=place["city"],
        )
    return result


class ActionAskPostalCode(DialogueAction):
    """Asks for the postal code, or which place is meant when the code exists in AT and CH."""

    NAME = "action_ask_postal_code"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        options = tracker.get_slot("postal_code_options") or []
        if not options:
            dispatcher.utter_message(response="utter_ask_postal_code")
            return []
        lang = language(tracker)
        choices = [
            {"title": postal.place_title(place, lang), "payload": postal.place_payload(place)}
            for place in options[:MAX_PLACE_OPTIONS]
        ]
        count = min(max(_place_question_count(tracker), 1), len(PLACE_QUESTIONS))
        response, offer_person = PLACE_QUESTIONS[count - 1]
        if offer_person:
            choices.append(buttons.person_button(lang))
        dispatcher.utter_message(
            response=response,
            buttons=choices,
            postal_code=options[0]["postal_code"],
            place_names=postal.place_names(options[:MAX_PLACE_OPTIONS], lang),
        )
        return []
