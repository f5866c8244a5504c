"""Custom actions of the techfriends customer assistant (run by ``rasa run actions``).

One class per action; every ``name()`` is listed in domain.yml. All customer-facing sentences
live in domain.yml (German default, English variant); the actions only pick a response and fill
its variables. The decision logic lives in the pure modules next to this file (language,
categories, postal, phone, names, jobs, formatting), which are tested without Rasa.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import categories, postal
from actions.backend_client import BackendClient, BackendError, BackendValidationError
from actions.formatting import format_rating
from actions.greetings import strip_greeting
from actions.jobs import (
    JOB_SLOTS,
    build_job_request,
    idempotency_key,
    missing_fields,
)
from actions.language import DEFAULT_LANGUAGE, detect_language
from actions.names import clean_customer_name
from actions.phone import display_phone, normalise_phone

logger = logging.getLogger(__name__)

FORM = "job_form"
MAX_DESCRIPTION = 1000
# While the bot asks for these, answers are names and numbers: they carry little language signal,
# so the language only changes on a clear majority of cue words.
QUIET_SLOTS = ("postal_code", "customer_name", "phone")
MAX_PLACE_OPTIONS = 10


def _language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in ("de", "en") else DEFAULT_LANGUAGE


def _intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def _client() -> BackendClient:
    return BackendClient()


class ValidateSlotMappings(ValidationAction):
    """Global slot validation: runs after every user message (Rasa calls it by this name)."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        # Only the slots this action looks after; the other global slots need no validation.
        # language first: category_label follows it.
        return ["language", "category_label", "friend_rating"]

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        previous = _language(tracker)
        intent = _intent(tracker) or ""
        if intent.startswith("EXTERNAL"):
            return {"language": previous}
        quiet = tracker.active_loop_name == FORM and tracker.get_slot("requested_slot") in (
            QUIET_SLOTS
        )
        language = detect_language(_text(tracker), previous, min_margin=2 if quiet else 1)
        return {"language": language}

    async def extract_category_label(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keeps the category's name in the summary in the customer's current language."""
        category = tracker.get_slot("category")
        if not category:
            return {}
        return {"category_label": categories.label(category, _language(tracker))}

    async def validate_category_label(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"category_label": slot_value}

    async def validate_language(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"language": slot_value if slot_value in ("de", "en") else DEFAULT_LANGUAGE}

    async def validate_friend_rating(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if slot_value is None:
            return {"friend_rating": None}
        formatted = format_rating(slot_value, _language(tracker))
        return {"friend_rating": formatted or str(slot_value)}


class ValidateJobForm(FormValidationAction):
    """Validates the slots of ``job_form`` (description, category, postal code, name, phone)."""

    def name(self) -> Text:
        return "validate_job_form"

    # --- description and category -------------------------------------------------------

    async def validate_description(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        text = strip_greeting(" ".join(str(slot_value or "").split()))
        letters = sum(1 for char in text if char.isalpha())
        if text.startswith("/") or letters < 3:
            dispatcher.utter_message(response="utter_invalid_description")
            return {"description": None}
        if len(text) > MAX_DESCRIPTION:
            text = text[: MAX_DESCRIPTION - 1].rstrip() + "…"
        result: Dict[Text, Any] = {"description": text}
        # Asked for explicitly (the customer picked a category first): keep that category.
        if tracker.get_slot("requested_slot") == "description" and tracker.get_slot("category"):
            return result
        # A (new) problem description: infer the category, or ask when not confident.
        classification = categories.classify(text)
        logger.debug("category scores for %r: %s", text, classification.scores)
        if tracker.get_slot("requested_slot") is None and categories.is_vague(text):
            # "Ich habe ein Problem": too vague for a technician; the form asks what is wrong.
            return {"description": None, "category": None, "category_label": None}
        if classification.category:
            result["category"] = classification.category
            result["category_label"] = categories.label(classification.category, _language(tracker))
        else:
            result["category"] = None
            result["category_label"] = None
        return result

    async def validate_category(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") is None and _intent(tracker) == "describe_problem":
            # Left over from an earlier job (kept after a failed post) while a new problem
            # starts the form: validate_description has just decided the category.
            return {
                "category": tracker.get_slot("category"),
                "category_label": tracker.get_slot("category_label"),
            }
        choice = categories.match_choice(str(slot_value or ""))
        if not choice:
            dispatcher.utter_message(response="utter_category_not_understood")
            return {"category": None, "category_label": None}
        return {"category": choice, "category_label": categories.label(choice, _language(tracker))}

    # --- postal code ---------------------------------------------------------------------

    async def extract_postal_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A shared location fills the postal code through the backend's nearest lookup."""
        if _intent(tracker) != "share_location" or tracker.active_loop_name != FORM:
            return {}
        current = tracker.get_slot("postal_code")
        try:
            latitude = float(next(tracker.get_latest_entity_values("latitude"), None))
            longitude = float(next(tracker.get_latest_entity_values("longitude"), None))
        except (TypeError, ValueError):
            latitude = longitude = None
        place = None
        if latitude is not None and longitude is not None:
            try:
                place = await _client().nearest_postal_code(latitude, longitude)
            except BackendError as error:
                logger.error("nearest postal code lookup failed: %s", error)
        if place and place.get("postal_code") and place.get("country"):
            # "CH-8001": the country prefix keeps 4-digit codes unambiguous for validation.
            return {"postal_code": f"{place['country']}-{place['postal_code']}"}
        dispatcher.utter_message(response="utter_location_not_found")
        # Keep a postal code the customer gave before; otherwise the form asks for it.
        return {"postal_code": current}

    async def validate_postal_code(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        cleared: Dict[Text, Any] = {"postal_code": None, "country": None, "city": None}
        if not slot_value:
            return cleared
        language = _language(tracker)
        options = tracker.get_slot("postal_code_options") or []
        code, hint = postal.extract_postal_code(str(slot_value))
        entity_country = next(tracker.get_latest_entity_values("country"), None)
        if code and entity_country and postal.matches_country(code, str(entity_country).upper()):
            hint = str(entity_country).upper()
        if not code and options:
            # Answer to "which place?" typed instead of tapped: "Wien", "Schweiz".
            chosen = _place_by_name(options, str(slot_value))
            if chosen:
                code, hint = chosen["postal_code"], chosen["country"]
        if not code:
            dispatcher.utter_message(response="utter_invalid_postal_code")
            return {**cleared, "postal_code_options": None}

        try:
            places = postal.filter_places(
                await _client().lookup_postal_code(code, hint), code, hint
            )
        except BackendError as error:
            # Without the backend the code still decides the country (5 digits: DE); the job
            # does not need the city.
            logger.error("postal code lookup failed for %s: %s", code, error)
            places = postal.offline_places(code, hint)
        if not places:
            dispatcher.utter_message(response="utter_unknown_postal_code", postal_code=code)
            return {**cleared, "postal_code_options": None}
        if len(postal.distinct_countries(places)) > 1:
            # The same code in Austria and Switzerland: action_ask_postal_code asks which.
            return {**cleared, "postal_code_options": places[:MAX_PLACE_OPTIONS]}
        place = places[0]
        logger.debug("postal code %s resolved to %s (%s)", code, place, language)
        return {
            "postal_code": place["postal_code"],
            "country": place["country"],
            "city": place["city"],
            "postal_code_options": None,
        }

    # --- name and phone ------------------------------------------------------------------

    async def validate_customer_name(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        name = clean_customer_name(str(slot_value or ""))
        if not name:
            dispatcher.utter_message(response="utter_invalid_name")
            return {"customer_name": None}
        return {"customer_name": name}

    async def validate_phone(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        region = tracker.get_slot("country") or "DE"
        number = normalise_phone(str(slot_value or ""), region)
        if not number:
            dispatcher.utter_message(response="utter_invalid_phone")
            return {"phone": None, "phone_display": None}
        return {"phone": number, "phone_display": display_phone(number)}


def _place_by_name(options: List[Dict[Text, Any]], text: Text) -> Optional[Dict[Text, Any]]:
    wanted = categories.normalise(text)
    if not wanted:
        return None
    for place in options:
        names = {place.get("city") or "", place.get("country") or ""}
        names.update(postal.COUNTRY_NAMES.get(place.get("country") or "", {}).values())
        if wanted in {categories.normalise(name) for name in names if name}:
            return place
    return None


class ActionAskPostalCode(Action):
    """Asks for the postal code, or which place is meant when the code exists in AT and CH."""

    def name(self) -> Text:
        return "action_ask_postal_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        options = tracker.get_slot("postal_code_options") or []
        if not options:
            dispatcher.utter_message(response="utter_ask_postal_code")
            return []
        language = _language(tracker)
        buttons = [
            {"title": postal.place_title(place, language), "payload": postal.place_payload(place)}
            for place in options[:MAX_PLACE_OPTIONS]
        ]
        dispatcher.utter_message(
            response="utter_choose_place", buttons=buttons, postal_code=options[0]["postal_code"]
        )
        return []


class ActionSubmitJob(Action):
    """Posts the confirmed job to the backend; sets ``job_status`` for the rules to answer."""

    def name(self) -> Text:
        return "action_submit_job"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        slots = tracker.current_slot_values()
        missing = missing_fields(slots)
        if missing:
            logger.error("job for %s not posted: missing %s", tracker.sender_id, ", ".join(missing))
            return [SlotSet("job_status", "failed")]
        request = build_job_request(slots, tracker.sender_id)
        key = idempotency_key(tracker.sender_id, request)
        try:
            job = await _client().create_job(request, key)
        except BackendValidationError as error:
            logger.error("job for %s rejected by the backend: %s", tracker.sender_id, error.errors)
            return [SlotSet("job_status", "failed")]
        except BackendError as error:
            logger.error("job for %s could not be posted: %s", tracker.sender_id, error)
            return [SlotSet("job_status", "failed")]
        except Exception:  # never let the customer hit a crashed action
            logger.exception("job for %s: unexpected error while posting", tracker.sender_id)
            return [SlotSet("job_status", "failed")]
        reference = str(job.get("reference"))
        logger.info("job %s posted for %s", reference, tracker.sender_id)
        return [
            SlotSet("job_reference", reference),
            SlotSet("job_status", "submitted"),
            *[SlotSet(slot, None) for slot in JOB_SLOTS],
        ]


class ActionResetJob(Action):
    """Forgets the job in progress (after the customer cancelled)."""

    def name(self) -> Text:
        return "action_reset_job"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(slot, None) for slot in JOB_SLOTS]
