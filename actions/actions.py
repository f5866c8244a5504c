"""Custom actions of the techfriends customer assistant (run by ``rasa run actions``).

One class per action; every ``name()`` is listed in domain.yml. All customer-facing sentences
live in domain.yml (German default, English variant); the actions only pick a response and fill
its variables. The decision logic lives in the pure modules next to this file (language,
greetings, categories, postal, packages, address, time_window, phone, names, corrections,
fields, jobs, formatting), which are tested without Rasa.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import categories, fields, packages, postal
from actions.address import MISSING_NUMBER, clean_street
from actions.backend_client import BackendClient, BackendError, BackendValidationError
from actions.corrections import correction_for_other_slot, find_correction
from actions.formatting import format_rating
from actions.greetings import greeting_style, strip_greeting
from actions.jobs import (
    JOB_SLOTS,
    build_job_request,
    idempotency_key,
    missing_fields,
)
from actions.language import DEFAULT_LANGUAGE, detect_language
from actions.names import clean_customer_name, says_name
from actions.phone import display_phone, normalise_phone
from actions.time_window import PAST, TOO_FAR, describe_iso, describe_window, parse_time_window

logger = logging.getLogger(__name__)

FORM = "job_form"
MAX_DESCRIPTION = 1000
# While the bot asks for these, answers are names, numbers and addresses: they carry little
# language signal, so the language only changes on a clear majority of cue words.
QUIET_SLOTS = ("postal_code", "package", "street", "customer_name", "phone")
MAX_PLACE_OPTIONS = 10
COUNTRY_IN = {
    "DE": {"de": "in Deutschland", "en": "in Germany"},
    "AT": {"de": "in Österreich", "en": "in Austria"},
    "CH": {"de": "in der Schweiz", "en": "in Switzerland"},
}
# Answers to "What is your name?" with these intents are not names.
NO_NAME_INTENTS = ("affirm", "deny", "thanks", "goodbye")
_YES = {"ja", "jo", "jawohl", "ok", "okay", "einverstanden", "gerne", "gern", "yes", "yeah", "sure"}
_NO = {"nein", "nee", "nö", "noe", "nöd", "no", "nope", "nicht"}


def _language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in ("de", "en") else DEFAULT_LANGUAGE


def _intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _client() -> BackendClient:
    return BackendClient()


def _previous_value(tracker: Tracker, slot: Text) -> Any:
    """The slot's value before the customer's latest message."""
    events = tracker.events
    index = len(events)
    for position in range(len(events) - 1, -1, -1):
        if events[position].get("event") == "user":
            index = position
            break
    for event in reversed(events[:index]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def _is_form_activation(tracker: Tracker) -> bool:
    """Whether job_form is being activated in this turn (rather than going on)."""
    if tracker.get_slot("requested_slot") is None:
        return True
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return True
    return False


def _keep_only_fresh_candidates(tracker: Tracker) -> None:
    """At form activation Rasa asks to validate every slot that is already filled. Slots filled
    in earlier turns were validated then (and may have been kept on purpose, as after "Change
    something"); only the ones filled by the customer's latest message are validated again."""
    events = tracker.events
    tail = len(events)
    while tail > 0 and events[tail - 1].get("event") == "slot":
        tail -= 1
    this_turn = set()
    for event in reversed(events[:tail]):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("value") is not None:
            this_turn.add(event.get("name"))
    tracker.events = events[:tail] + [e for e in events[tail:] if e.get("name") in this_turn]


async def _packages_for(country: Optional[Text]) -> List[Dict[Text, Any]]:
    """The backend's packages for ``country``; raises BackendError when there are none."""
    found = packages.valid_packages(await _client().list_packages(country or "DE"))
    if not found:
        raise BackendError(f"no packages for {country}")
    return found


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
        # language first: the labels follow it.
        return [
            "language",
            "greeting_style",
            "category_label",
            "package_label",
            "window_label",
            "friend_rating",
        ]

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

    async def extract_greeting_style(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """ "Grüezi" → ch, "Servus" → at, "Hallo" → de; other messages keep the style."""
        if (_intent(tracker) or "").startswith("EXTERNAL"):
            return {}
        style = greeting_style(_text(tracker))
        return {"greeting_style": style} if style else {}

    async def extract_category_label(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Keeps the category's name in the summary in the customer's current language."""
        category = tracker.get_slot("category")
        if not category:
            return {}
        return {"category_label": categories.label(category, _language(tracker))}

    async def extract_package_label(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        found = packages.label(
            tracker.get_slot("package"),
            tracker.get_slot("package_options") or [],
            _language(tracker),
        )
        return {"package_label": found} if found else {}

    async def extract_window_label(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The time window in words, in the current language and relative to today."""
        found = describe_iso(
            tracker.get_slot("window_start"),
            tracker.get_slot("window_end"),
            _now(),
            _language(tracker),
        )
        return {"window_label": found} if found else {}

    async def validate_greeting_style(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"greeting_style": slot_value if slot_value in ("de", "ch", "at") else "de"}

    async def validate_category_label(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"category_label": slot_value}

    async def validate_package_label(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"package_label": slot_value}

    async def validate_window_label(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"window_label": slot_value}

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
    """Validates the slots of ``job_form``: problem, package, address, time, name, phone and
    consent; also picks up corrections of earlier answers ("nein, die PLZ ist 10117")."""

    def name(self) -> Text:
        return "validate_job_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if _is_form_activation(tracker):
            _keep_only_fresh_candidates(tracker)
        return await super().run(dispatcher, tracker, domain)

    # --- corrections -----------------------------------------------------------------------

    @staticmethod
    def _correction(tracker: Tracker) -> Optional[Tuple[Text, Text]]:
        """(slot, raw value) when the latest message corrects a slot the form is not asking
        for."""
        return correction_for_other_slot(_text(tracker), tracker.get_slot("requested_slot"))

    def _answer_is_a_correction(self, tracker: Tracker, slot: Text) -> bool:
        """The text the form took as the answer to ``slot`` corrects another slot instead."""
        return tracker.get_slot("requested_slot") == slot and self._correction(tracker) is not None

    def _corrects(self, tracker: Tracker, slot: Text) -> bool:
        found = self._correction(tracker)
        return found is not None and found[0] == slot

    def _extract_correction(self, tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        found = self._correction(tracker)
        if found is None or found[0] != slot:
            return {}
        return {slot: found[1]}

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
            # A new problem starts the form: validate_description has just decided the category.
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
        """A shared location fills the postal code through the backend's nearest lookup; a
        correction ("die PLZ ist 10117") while the form asks something else replaces it."""
        if _intent(tracker) != "share_location" or tracker.active_loop_name != FORM:
            return self._extract_correction(tracker, "postal_code")
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
        if self._answer_is_a_correction(tracker, "postal_code"):
            return {"postal_code": None}
        correcting = self._corrects(tracker, "postal_code")
        previous_country = tracker.get_slot("country")
        if correcting:
            # A wrong correction keeps the postal code given before.
            cleared: Dict[Text, Any] = {
                "postal_code": _previous_value(tracker, "postal_code"),
                "country": previous_country,
                "city": tracker.get_slot("city"),
            }
        else:
            # The country stays until a new postal code decides it: it tells whether the
            # package must be chosen again.
            cleared = {"postal_code": None, "city": None}
        if not slot_value:
            return cleared
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
        if correcting and previous_country and len(postal.distinct_countries(places)) > 1:
            # "nein, die PLZ ist 1020" from someone in Austria: Vienna, not Renens (CH).
            places = [p for p in places if p["country"] == previous_country] or places
        if len(postal.distinct_countries(places)) > 1:
            # The same code in Austria and Switzerland: action_ask_postal_code asks which.
            return {
                "postal_code": None,
                "city": None,
                "postal_code_options": places[:MAX_PLACE_OPTIONS],
            }
        place = places[0]
        result: Dict[Text, Any] = {
            "postal_code": place["postal_code"],
            "country": place["country"],
            "city": place["city"],
            "postal_code_options": None,
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

    # --- package ---------------------------------------------------------------------------

    async def validate_package(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        cleared: Dict[Text, Any] = {"package": None, "package_label": None}
        if self._answer_is_a_correction(tracker, "package"):
            return cleared
        options = tracker.get_slot("package_options") or []
        if not options:
            try:
                options = await _packages_for(tracker.get_slot("country"))
            except BackendError as error:
                # action_ask_package apologises and asks again; the other answers stay.
                logger.error("packages could not be loaded: %s", error)
                return {**cleared, "package_options": None}
        chosen = packages.match_package(slot_value, options)
        if not chosen:
            if not str(slot_value or "").startswith("/"):
                dispatcher.utter_message(response="utter_package_not_understood")
            return {**cleared, "package_options": options}
        return {
            "package": chosen,
            "package_label": packages.label(chosen, options, _language(tracker)),
            "package_options": options,
        }

    # --- street ----------------------------------------------------------------------------

    async def extract_street(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extract_correction(tracker, "street")

    async def validate_street(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if self._answer_is_a_correction(tracker, "street"):
            return {"street": None}
        correcting = self._corrects(tracker, "street")
        street, reason = clean_street(str(slot_value or ""))
        if street:
            if correcting:
                dispatcher.utter_message(response="utter_street_corrected", street=street)
            return {"street": street}
        if not str(slot_value or "").startswith("/"):
            if reason == MISSING_NUMBER:
                dispatcher.utter_message(response="utter_street_missing_number")
            else:
                dispatcher.utter_message(response="utter_invalid_street")
        return {"street": _previous_value(tracker, "street") if correcting else None}

    # --- time window -----------------------------------------------------------------------

    async def validate_time_window(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        cleared: Dict[Text, Any] = {
            "time_window": None,
            "window_start": None,
            "window_end": None,
            "window_label": None,
        }
        if self._answer_is_a_correction(tracker, "time_window"):
            return cleared
        text = str(slot_value or "")
        now = _now()
        result = parse_time_window(text, now, tracker.get_slot("country"))
        if result.window is None:
            if text.startswith("/"):
                return cleared
            if result.reason == PAST:
                dispatcher.utter_message(response="utter_time_in_past")
            elif result.reason == TOO_FAR:
                dispatcher.utter_message(response="utter_time_too_far")
            else:
                dispatcher.utter_message(response="utter_time_not_understood")
            return cleared
        window = result.window
        words = describe_window(window.start, window.end, now, _language(tracker))
        dispatcher.utter_message(response="utter_time_window_noted", window_label=words)
        return {
            "time_window": text,
            "window_start": window.start.isoformat(),
            "window_end": window.end.isoformat(),
            "window_label": words,
        }

    # --- name and phone ------------------------------------------------------------------

    async def extract_customer_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extract_correction(tracker, "customer_name")

    async def validate_customer_name(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if self._answer_is_a_correction(tracker, "customer_name"):
            return {"customer_name": None}
        correcting = self._corrects(tracker, "customer_name")
        name = clean_customer_name(str(slot_value or ""))
        if name and _intent(tracker) in NO_NAME_INTENTS and not says_name(_text(tracker)):
            name = None  # "Ja", "yes, that is fine", "Danke" are no names
        if not name:
            dispatcher.utter_message(response="utter_invalid_name")
            previous = _previous_value(tracker, "customer_name") if correcting else None
            return {"customer_name": previous}
        if correcting:
            dispatcher.utter_message(response="utter_customer_name_corrected", customer_name=name)
        return {"customer_name": name}

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self._extract_correction(tracker, "phone")

    async def validate_phone(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if self._answer_is_a_correction(tracker, "phone"):
            return {"phone": None, "phone_display": None}
        correcting = self._corrects(tracker, "phone")
        region = tracker.get_slot("country") or "DE"
        number = normalise_phone(str(slot_value or ""), region)
        if not number:
            dispatcher.utter_message(response="utter_invalid_phone")
            if correcting:
                previous = _previous_value(tracker, "phone")
                return {"phone": previous, "phone_display": display_phone(previous) or None}
            return {"phone": None, "phone_display": None}
        if correcting:
            dispatcher.utter_message(
                response="utter_phone_corrected", phone_display=display_phone(number)
            )
        return {"phone": number, "phone_display": display_phone(number)}

    # --- consent ---------------------------------------------------------------------------

    async def validate_consent(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if self._answer_is_a_correction(tracker, "consent"):
            return {"consent": None}
        if slot_value is True:
            return {"consent": True, "consent_declined": None}
        if slot_value is False:
            return {"consent": None, "consent_declined": True}
        words = set(categories.normalise(str(slot_value or "")).split())
        if words & _NO:
            return {"consent": None, "consent_declined": True}
        if words & _YES:
            return {"consent": True, "consent_declined": None}
        # Anything else: action_ask_consent asks again.
        return {"consent": None}


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


class ActionAskPackage(Action):
    """Asks which package, with the backend's prices for the customer's country as quick
    replies; when the backend cannot be reached, apologises (the answers so far are kept)."""

    def name(self) -> Text:
        return "action_ask_package"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        options = tracker.get_slot("package_options") or []
        if not options:
            try:
                options = await _packages_for(tracker.get_slot("country"))
            except BackendError as error:
                logger.error("packages could not be loaded: %s", error)
                dispatcher.utter_message(response="utter_packages_unavailable")
                return [SlotSet("package_options", None)]
        language = _language(tracker)
        dispatcher.utter_message(
            response="utter_ask_package",
            buttons=packages.buttons(options, language),
            package_list=packages.price_lines(options, language),
        )
        return [SlotSet("package_options", options)]


class ActionAskConsent(Action):
    """Asks whether name, phone and address may go to the Friend; after a "no", explains why
    they are needed and offers to cancel."""

    def name(self) -> Text:
        return "action_ask_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("consent_declined"):
            dispatcher.utter_message(response="utter_consent_declined")
            return [SlotSet("consent_declined", None)]
        dispatcher.utter_message(response="utter_ask_consent")
        return []


class ActionChangeField(Action):
    """ "Change something": the customer picked a part of the summary, or typed a new value at
    the summary ("meine Nummer ist 0171 1234567", "lieber Samstag Vormittag"). The part is
    forgotten, so that job_form (activated next by the rules) asks for just that part (or takes
    the typed value from the same message) and then shows the summary again."""

    def name(self) -> Text:
        return "action_change_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = _text(tracker)
        if _intent(tracker) != "choose_field":
            slot = _typed_correction(text, tracker.get_slot("country"))
            if slot:
                logger.debug("%s corrects %s at the summary", tracker.sender_id, slot)
                return [
                    *[SlotSet(name, None) for name in fields.CORRECTED_SLOTS[slot]],
                    # job_form takes the value for this slot from the same message.
                    SlotSet("requested_slot", slot),
                ]
        field = next(tracker.get_latest_entity_values("field"), None)
        if field not in fields.FIELD_SLOTS:
            field = fields.match_field(text)
        if field is None:
            dispatcher.utter_message(response="utter_field_not_understood")
            return []
        logger.debug("%s changes %s", tracker.sender_id, field)
        return [SlotSet(slot, None) for slot in fields.FIELD_SLOTS[field]]


def _typed_correction(text: Text, country: Optional[Text]) -> Optional[Text]:
    """The slot a message typed at the summary gives a new value for, if any."""
    found = find_correction(text)
    if found:
        return found[0]
    if parse_time_window(text, _now(), country).window is not None:
        return "time_window"
    return None


class ActionTellPrice(Action):
    """Answers "what does it cost?": the packages with their prices for the customer's
    country when it is known and the backend answers, otherwise a general line."""

    def name(self) -> Text:
        return "action_tell_price"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        country = tracker.get_slot("country")
        if country not in COUNTRY_IN:
            dispatcher.utter_message(response="utter_prices_general")
            return []
        options = tracker.get_slot("package_options") or []
        if not options:
            try:
                options = await _packages_for(country)
            except BackendError as error:
                logger.error("packages could not be loaded: %s", error)
                dispatcher.utter_message(response="utter_prices_unavailable")
                return []
        language = _language(tracker)
        dispatcher.utter_message(
            response="utter_prices",
            country_in=COUNTRY_IN[country][language],
            package_list=packages.price_lines(options, language),
        )
        return [SlotSet("package_options", options)]


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
