"""job_form's validation: the problem and its area, postal code (postal_code.py), package,
street, time, name, phone, the e-mail address (website chat only) and consent; also
corrections of earlier answers given while the form asks something else ("nein, die PLZ ist
10117").

Each slot has a check of one ``Answer`` returning the slots to set (a slot set to None is asked
again); ``ValidateJobForm`` at the end names the check of every slot.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import categories, packages
from actions.address import MISSING_NUMBER, clean_street
from actions.corrections import correction_for_other_slot
from actions.customer_channel import form_slots
from actions.dialogue import postal_code
from actions.dialogue.backend_calls import package_options
from actions.dialogue.base import (
    Answer,
    Check,
    Dispatcher,
    Events,
    Extractor,
    Slots,
    Validator,
    extractor,
    validator,
)
from actions.dialogue.tracker import (
    channel,
    intent,
    is_form_activation,
    is_webchat,
    keep_only_fresh_candidates,
    language,
    now,
    previous_value,
    text,
)
from actions.email_address import NOT_AN_ANSWER, declines_email, normalise_email
from actions.fields import FIELD_SLOTS
from actions.greetings import strip_greeting
from actions.names import clean_customer_name, is_a_reply_not_a_name, says_name
from actions.phone import (
    OFFER_ANSWERED,
    OFFER_ASKED,
    display_phone,
    normalise_phone,
    offer_reply,
    region_for,
    whatsapp_number,
)
from actions.time_window import PAST, TOO_FAR, describe_window, parse_time_window

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 1000
# Answers to "What is your name?" with these intents are not names.
NO_NAME_INTENTS = ("affirm", "deny", "thanks", "goodbye")
_YES = {"ja", "jo", "jawohl", "ok", "okay", "einverstanden", "gerne", "gern", "yes", "yeah", "sure"}
_NO = {"nein", "nee", "nö", "noe", "nöd", "no", "nope", "nicht"}
# Why the time answer was not taken, and what the customer is told.
_TIME_PROBLEMS = {PAST: "utter_time_in_past", TOO_FAR: "utter_time_too_far"}
# What an answer that was not taken clears: the field's slots (as "Change something" does).
_NO_TIME: Slots = dict.fromkeys(FIELD_SLOTS["time"])
_NO_PHONE: Slots = dict.fromkeys(FIELD_SLOTS["phone"])
_NO_PACKAGE: Slots = dict.fromkeys(FIELD_SLOTS["package"])
_NO_EMAIL: Slots = {"email": None, "email_given": None}


# --- corrections ---------------------------------------------------------------------------


def _correction(tracker: Tracker) -> tuple[str, str] | None:
    """(slot, raw value) when the latest message corrects a slot the form is not asking for."""
    return correction_for_other_slot(text(tracker), tracker.get_slot("requested_slot"))


def _extracted_correction(tracker: Tracker, slot: str) -> Slots:
    found = _correction(tracker)
    if found is None or found[0] != slot:
        return {}
    return {slot: found[1]}


def _answer_to(slot: str, cleared: Slots, check: Check) -> Validator:
    """``validate_<slot>`` for a slot that corrections may name: the text the form took as the
    answer to ``slot`` may correct another slot instead ("meine Nummer ist …" at the street
    question), then ``slot`` is asked again; a correction of ``slot`` itself is checked with
    ``Answer.correcting``."""

    async def validate(
        action: Any, slot_value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        found = _correction(tracker)
        if found is not None and tracker.get_slot("requested_slot") == slot:
            return dict(cleared)
        correcting = found is not None and found[0] == slot
        return await check(Answer(slot_value, dispatcher, tracker, correcting))

    return validate


def _correction_of(slot: str) -> Extractor:
    """``extract_<slot>``: a correction of ``slot`` while the form asks something else."""

    async def extract(tracker: Tracker) -> Slots:
        return _extracted_correction(tracker, slot)

    return extractor(extract)


# --- description and category ---------------------------------------------------------------


async def _description(answer: Answer) -> Slots:
    tracker = answer.tracker
    said = strip_greeting(" ".join(str(answer.value or "").split()))
    letters = sum(1 for char in said if char.isalpha())
    if said.startswith("/") or letters < 3:
        answer.dispatcher.utter_message(response="utter_invalid_description")
        return {"description": None}
    if len(said) > MAX_DESCRIPTION:
        said = said[: MAX_DESCRIPTION - 1].rstrip() + "…"
    result: Slots = {"description": said}
    # Asked for explicitly (the customer picked a category first): keep that category.
    if tracker.get_slot("requested_slot") == "description" and tracker.get_slot("category"):
        return result
    # A (new) problem description: infer the category, or ask when not confident.
    classification = categories.classify(said)
    logger.debug("category scores for %r: %s", said, classification.scores)
    if tracker.get_slot("requested_slot") is None and categories.is_vague(said):
        # "Ich habe ein Problem": too vague for a technician; the form asks what is wrong.
        return {"description": None, "category": None, "category_label": None}
    if classification.category:
        result["category"] = classification.category
        result["category_label"] = categories.label(classification.category, language(tracker))
    else:
        result["category"] = None
        result["category_label"] = None
    return result


async def _category(answer: Answer) -> Slots:
    tracker = answer.tracker
    if tracker.get_slot("requested_slot") is None and intent(tracker) == "describe_problem":
        # A new problem starts the form: _description has just decided the category.
        return {
            "category": tracker.get_slot("category"),
            "category_label": tracker.get_slot("category_label"),
        }
    choice = categories.match_choice(str(answer.value or ""))
    if not choice:
        answer.dispatcher.utter_message(response="utter_category_not_understood")
        return {"category": None, "category_label": None}
    return {"category": choice, "category_label": categories.label(choice, language(tracker))}


# --- package, street, time -------------------------------------------------------------------


async def _package(answer: Answer) -> Slots:
    options = await package_options(answer.tracker)
    if options is None:
        # action_ask_package apologises and asks again; the other answers stay.
        return {**_NO_PACKAGE, "package_options": None}
    chosen = packages.match_package(answer.value, options)
    if not chosen:
        if not str(answer.value or "").startswith("/"):
            answer.dispatcher.utter_message(response="utter_package_not_understood")
        return {**_NO_PACKAGE, "package_options": options}
    return {
        "package": chosen,
        "package_label": packages.label(chosen, options, language(answer.tracker)),
        "package_options": options,
    }


async def _street(answer: Answer) -> Slots:
    street, reason = clean_street(str(answer.value or ""))
    if street:
        if answer.correcting:
            answer.dispatcher.utter_message(response="utter_street_corrected", street=street)
        return {"street": street}
    if not str(answer.value or "").startswith("/"):
        if reason == MISSING_NUMBER:
            answer.dispatcher.utter_message(response="utter_street_missing_number")
        else:
            answer.dispatcher.utter_message(response="utter_invalid_street")
    return {"street": previous_value(answer.tracker, "street") if answer.correcting else None}


async def _time_window(answer: Answer) -> Slots:
    said = str(answer.value or "")
    moment = now()
    result = parse_time_window(said, moment, answer.tracker.get_slot("country"))
    if result.window is None:
        if not said.startswith("/"):
            problem = _TIME_PROBLEMS.get(result.reason or "", "utter_time_not_understood")
            answer.dispatcher.utter_message(response=problem)
        return dict(_NO_TIME)
    window = result.window
    words = describe_window(window.start, window.end, moment, language(answer.tracker))
    answer.dispatcher.utter_message(response="utter_time_window_noted", window_label=words)
    return {
        "time_window": said,
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "window_label": words,
    }


# --- name, phone, consent ------------------------------------------------------------------


async def _customer_name(answer: Answer) -> Slots:
    tracker = answer.tracker
    name = clean_customer_name(str(answer.value or ""))
    said = text(tracker)
    if (
        name
        and intent(tracker) in NO_NAME_INTENTS
        and not says_name(said)
        and is_a_reply_not_a_name(said)
    ):
        name = None  # "Ja", "yes, that is fine", "Danke" are no names; "Gerda Lange" is
    if not name:
        answer.dispatcher.utter_message(response="utter_invalid_name")
        previous = previous_value(tracker, "customer_name") if answer.correcting else None
        return {"customer_name": previous}
    if answer.correcting:
        answer.dispatcher.utter_message(
            response="utter_customer_name_corrected", customer_name=name
        )
    return {"customer_name": name}


async def _phone(answer: Answer) -> Slots:
    # The conversation's country, else the language's ("06 12 34 56 78" from a French
    # customer); a number not valid there is tried in the language's country (Lugano, "347 …").
    spoken = language(answer.tracker)
    region = region_for(answer.tracker.get_slot("country"), spoken)
    if answer.tracker.get_slot("phone_offer") == OFFER_ASKED and not answer.correcting:
        return _answer_to_offer(answer, region)
    number = normalise_phone(str(answer.value or ""), region, also=region_for(None, spoken))
    if not number:
        answer.dispatcher.utter_message(response="utter_invalid_phone")
        if answer.correcting:
            previous = previous_value(answer.tracker, "phone")
            return {"phone": previous, "phone_display": display_phone(previous) or None}
        return dict(_NO_PHONE)
    if answer.correcting:
        answer.dispatcher.utter_message(
            response="utter_phone_corrected", phone_display=display_phone(number)
        )
    return {"phone": number, "phone_display": display_phone(number)}


def _answer_to_offer(answer: Answer, region: str) -> Slots:
    """The answer to "Can the technician call you on <the WhatsApp number>?" (WhatsApp only,
    action_ask_phone): yes takes that number, no asks the usual question, a number typed
    instead is checked as usual; anything else asks the offer again."""
    tracker = answer.tracker
    said = str(answer.value or "")
    answered: Slots = {"phone_offer": OFFER_ANSWERED}
    number = normalise_phone(said, region)
    offered = whatsapp_number(tracker.sender_id)
    if not number:
        reply = offer_reply(intent(tracker), said)
        if reply and offered:
            number = offered
        elif reply is False or not offered:
            return {**_NO_PHONE, **answered}
        elif not said.startswith("/") and any(char.isdigit() for char in said):
            # A number, but not one that can be called: say so, then the usual question.
            answer.dispatcher.utter_message(response="utter_invalid_phone")
            return {**_NO_PHONE, **answered}
        else:
            return dict(_NO_PHONE)
    return {"phone": number, "phone_display": display_phone(number), **answered}


async def _consent(answer: Answer) -> Slots:
    if answer.value is True:
        return {"consent": True, "consent_declined": None}
    if answer.value is False:
        return {"consent": None, "consent_declined": True}
    words = set(categories.normalise(str(answer.value or "")).split())
    if words & _NO:
        return {"consent": None, "consent_declined": True}
    if words & _YES:
        return {"consent": True, "consent_declined": None}
    # Anything else: action_ask_consent asks again.
    return {"consent": None}


# --- e-mail (website chat only) ----------------------------------------------------------------


async def _extract_email(tracker: Tracker) -> Slots:
    """The answer to the e-mail question. Not a domain mapping: a slot mapped with a job_form
    condition must be one of the form's slots in domain.yml, and then Messenger would be
    asked too. An address counts whatever the NLU made of it; "No, thanks" is false."""
    if tracker.get_slot("requested_slot") != "email" or not is_webchat(tracker):
        return {}
    said = text(tracker)
    if normalise_email(said):
        return {"email": said}
    if intent(tracker) == "deny" or declines_email(said):
        return {"email": False}
    if intent(tracker) in NOT_AN_ANSWER:
        return {}
    return {"email": said}


async def _email(answer: Answer) -> Slots:
    if answer.value is False:
        return {"email": False, "email_given": None}
    said = str(answer.value or "")
    address = normalise_email(said)
    if address:
        return {"email": address, "email_given": True}
    if not said.startswith("/"):
        answer.dispatcher.utter_message(response="utter_invalid_email")
    return dict(_NO_EMAIL)


class ValidateJobForm(FormValidationAction):
    """Validates the slots of ``job_form`` with the checks above."""

    def name(self) -> str:
        return "validate_job_form"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if is_form_activation(tracker):
            keep_only_fresh_candidates(tracker)
        events: Events = await super().run(dispatcher, tracker, domain)
        return events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: Dispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # The website chat adds the e-mail question (customer_channel.form_slots).
        return form_slots(domain_slots, channel(tracker))

    async def extract_postal_code(
        self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """A shared location fills the postal code through the backend's nearest lookup; a
        correction ("die PLZ ist 10117") while the form asks something else replaces it."""
        if not postal_code.is_shared_location(tracker):
            return _extracted_correction(tracker, "postal_code")
        return await postal_code.from_shared_location(dispatcher, tracker)

    extract_street = _correction_of("street")
    extract_customer_name = _correction_of("customer_name")
    extract_phone = _correction_of("phone")
    extract_email = extractor(_extract_email)

    validate_description = validator(_description)
    validate_category = validator(_category)
    validate_postal_code = _answer_to("postal_code", {"postal_code": None}, postal_code.validate)
    validate_package = _answer_to("package", _NO_PACKAGE, _package)
    validate_street = _answer_to("street", {"street": None}, _street)
    validate_time_window = _answer_to("time_window", _NO_TIME, _time_window)
    validate_customer_name = _answer_to("customer_name", {"customer_name": None}, _customer_name)
    validate_phone = _answer_to("phone", _NO_PHONE, _phone)
    validate_email = _answer_to("email", _NO_EMAIL, _email)
    validate_consent = _answer_to("consent", {"consent": None}, _consent)
