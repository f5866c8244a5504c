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
from rasa_sdk.events import ConversationPaused, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import after_booking, buttons, categories, fields, notices, packages, postal
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
from actions.language import detect_language
from actions.names import clean_customer_name, is_a_reply_not_a_name, says_name
from actions.phone import display_phone, normalise_phone
from actions.time_window import PAST, TOO_FAR, describe_iso, describe_window, parse_time_window
from product.countries import COUNTRIES as ALL_COUNTRIES
from product.languages import or_default, supported

logger = logging.getLogger(__name__)

FORM = "job_form"
MAX_DESCRIPTION = 1000
# While the bot asks for these, answers are names, numbers and addresses: they carry little
# language signal, so the language only changes on a clear majority of cue words.
QUIET_SLOTS = ("postal_code", "package", "street", "customer_name", "phone")
MAX_PLACE_OPTIONS = 10
# Answers to "What is your name?" with these intents are not names.
NO_NAME_INTENTS = ("affirm", "deny", "thanks", "goodbye")
_YES = {"ja", "jo", "jawohl", "ok", "okay", "einverstanden", "gerne", "gern", "yes", "yeah", "sure"}
_NO = {"nein", "nee", "nö", "noe", "nöd", "no", "nope", "nicht"}


def _language(tracker: Tracker) -> str:
    return or_default(tracker.get_slot("language"))


def _intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _client() -> BackendClient:
    return BackendClient()


def _locale(tracker: Tracker) -> Optional[Text]:
    """The Messenger locale the channel put into the latest message's metadata."""
    metadata = tracker.latest_message.get("metadata")
    messenger = metadata.get("messenger") if isinstance(metadata, dict) else None
    locale = messenger.get("locale") if isinstance(messenger, dict) else None
    return locale if isinstance(locale, str) else None


async def _job_language(tracker: Tracker) -> Optional[Text]:
    """The language the customer booked the news' job in; None when the backend cannot say."""
    reference = next(tracker.get_latest_entity_values("job_reference"), None)
    if not reference:
        return None
    try:
        job = await _client().get_job(str(reference))
    except BackendError as error:
        logger.warning("language of job %s unknown: %s", reference, error)
        return None
    customer = (job or {}).get("customer")
    language = customer.get("language") if isinstance(customer, dict) else None
    return supported(language)


def _language_was_set(tracker: Tracker) -> bool:
    """Whether an earlier message already decided the language (any user message before the
    latest one since the last restart; session starts carry the slot over but no message)."""
    count = 0
    for event in tracker.events:
        if event.get("event") == "restart":
            count = 0  # a restart forgets the slots: the language is open again
        elif event.get("event") == "user":
            count += 1
    return count > 1


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
            "image_urls",
            "fallback_count",
            "handed_off",
        ]

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        previous = _language(tracker)
        intent = _intent(tracker) or ""
        if intent.startswith("EXTERNAL"):
            # News from the backend carry no words of the customer. In a fresh conversation
            # (a new tracker store, a restart) the job remembers the customer's language.
            if not _language_was_set(tracker):
                return {"language": await _job_language(tracker) or previous}
            return {"language": previous}
        if not _language_was_set(tracker):
            # The first message: Messenger's locale is the best guess until the text says
            # otherwise (a "/get_started" tap or "10115" says nothing about the language).
            previous = after_booking.language_from_locale(_locale(tracker)) or previous
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
        return {"language": or_default(slot_value)}

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

    async def extract_image_urls(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A picture the customer sent goes with the job (at most five)."""
        if _intent(tracker) != "share_image":
            return {}
        current = tracker.get_slot("image_urls") or []
        url = next(tracker.get_latest_entity_values("image_url"), None)
        found = after_booking.add_image(current, url)
        return {"image_urls": found} if found != current else {}

    async def validate_image_urls(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"image_urls": slot_value}

    async def extract_fallback_count(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Failed attempts in a row: any understood message starts the count again."""
        intent = _intent(tracker) or ""
        if intent == "nlu_fallback" or intent.startswith("EXTERNAL"):
            return {}
        return {"fallback_count": 0.0} if tracker.get_slot("fallback_count") else {}

    async def validate_fallback_count(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"fallback_count": slot_value}

    async def extract_handed_off(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Support resumed the conversation (Rasa's ``resume`` event): the bot is back."""
        if tracker.get_slot("handed_off") and not tracker.is_paused():
            return {"handed_off": False}
        return {}

    async def validate_handed_off(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return {"handed_off": slot_value}


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
        text = _text(tracker)
        if (
            name
            and _intent(tracker) in NO_NAME_INTENTS
            and not says_name(text)
            and is_a_reply_not_a_name(text)
        ):
            name = None  # "Ja", "yes, that is fine", "Danke" are no names; "Gerda Lange" is
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
        country = ALL_COUNTRIES.get(place.get("country") or "")
        names.update(country.names.values() if country else ())
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
        if country not in ALL_COUNTRIES:
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
            country_in=ALL_COUNTRIES[country].in_country[language],
            package_list=packages.price_lines(options, language),
        )
        return [SlotSet("package_options", options)]


async def _post_job(sender_id: Text, request: Dict[Text, Any]) -> Dict[Text, Any]:
    """POST the job; pictures the backend refuses are left out rather than losing the job."""
    client = _client()
    try:
        return await client.create_job(request, idempotency_key(sender_id, request))
    except BackendValidationError as error:
        if set(error.errors) != {"image_urls"} or "image_urls" not in request:
            raise
        logger.warning("pictures of %s refused (%s), job sent without", sender_id, error.errors)
        plain = {key: value for key, value in request.items() if key != "image_urls"}
        return await client.create_job(plain, idempotency_key(sender_id, plain))


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
        try:
            job = await _post_job(tracker.sender_id, request)
        except BackendValidationError as error:
            logger.error("job for %s rejected by the backend: %s", tracker.sender_id, error.errors)
            return _ask_rejected_again(dispatcher, tracker, error.errors)
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


def _ask_rejected_again(
    dispatcher: CollectingDispatcher, tracker: Tracker, errors: Dict[Text, Text]
) -> List[EventType]:
    """The backend refused fields (422): say which, in plain words, and forget just those
    answers so that job_form (next, by the rules) asks for them again. Errors the customer
    cannot fix are a failure like any other."""
    parts = after_booking.rejected_fields(errors)
    if not parts:
        return [SlotSet("job_status", "failed")]
    dispatcher.utter_message(
        response="utter_field_rejected",
        field_names=after_booking.field_names(parts, _language(tracker)),
    )
    cleared = {slot for part in parts for slot in fields.FIELD_SLOTS[part]}
    return [SlotSet("job_status", "invalid"), *[SlotSet(slot, None) for slot in sorted(cleared)]]


# --- quick replies built here (see actions/buttons.py for why not in domain.yml) ---------------


class ActionShowCategories(Action):
    """The welcome's second message: the areas as quick replies."""

    def name(self) -> Text:
        return "action_show_categories"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_choose_category", buttons=buttons.category_buttons(_language(tracker))
        )
        return []


class ActionAskCategory(Action):
    """job_form's question for the area, with the areas as quick replies."""

    def name(self) -> Text:
        return "action_ask_category"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_ask_category", buttons=buttons.category_buttons(_language(tracker))
        )
        return []


class ActionAskTimeWindow(Action):
    """job_form's question for the time, with the common answers as quick replies."""

    def name(self) -> Text:
        return "action_ask_time_window"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_ask_time_window", buttons=buttons.time_buttons(_language(tracker))
        )
        return []


class ActionShowFields(Action):
    """ "What would you like to change?" with one quick reply per part of the summary."""

    def name(self) -> Text:
        return "action_show_fields"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_choose_field", buttons=buttons.field_buttons(_language(tracker))
        )
        return []


# --- not understood, and a person ---------------------------------------------------------------

MAX_FAILED_ATTEMPTS = 3


def _hand_off(dispatcher: CollectingDispatcher) -> List[EventType]:
    dispatcher.utter_message(response="utter_handoff")
    # Paused, Rasa keeps logging the customer's messages but answers none until support staff
    # send a `resume` event (support console).
    return [SlotSet("handed_off", True), SlotSet("fallback_count", 0.0), ConversationPaused()]


def _not_understood(
    dispatcher: CollectingDispatcher, tracker: Tracker, attempts: int, first: Text, again: Text
) -> List[EventType]:
    """The ``attempts``-th message in a row the bot could not handle: re-ask with the areas,
    the second time also offering a person; the third hands off."""
    language = _language(tracker)
    logger.info("%s: not understood (%d in a row)", tracker.sender_id, attempts)
    if attempts >= MAX_FAILED_ATTEMPTS:
        return _hand_off(dispatcher)
    if attempts == 1:
        dispatcher.utter_message(response=first, buttons=buttons.category_buttons(language))
    else:
        dispatcher.utter_message(
            response=again,
            buttons=[*buttons.category_buttons(language), buttons.person_button(language)],
        )
    return [SlotSet("fallback_count", float(attempts))]


class ActionRephrase(Action):
    """Two-stage fallback for messages the NLU is unsure about (nlu_fallback): first a re-ask
    with the areas, then a re-ask that also offers a person; the third failed attempt in a row
    hands the conversation to support staff."""

    def name(self) -> Text:
        return "action_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        attempts = int(tracker.get_slot("fallback_count") or 0) + 1
        return _not_understood(
            dispatcher, tracker, attempts, "utter_please_rephrase", "utter_please_rephrase_again"
        )


class ActionDefaultFallback(Action):
    """Replaces Rasa's core fallback (same name): the message was understood but fits nowhere
    in the conversation. Counts as a failed attempt like nlu_fallback; the customer's message is
    reverted as Rasa's own fallback does."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # The count before this message: the reset action_validate_slot_mappings made for it
        # is reverted together with the message.
        attempts = int(_previous_value(tracker, "fallback_count") or 0) + 1
        events = _not_understood(
            dispatcher, tracker, attempts, "utter_default", "utter_please_rephrase_again"
        )
        # Reverted first, so that the count (and a hand-off) stay.
        return [UserUtteranceReverted(), *events]


class ActionHandoff(Action):
    """ "I want to talk to a person": says so and pauses the bot for this customer."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        logger.info("%s handed off to support", tracker.sender_id)
        return _hand_off(dispatcher)


# --- pictures -------------------------------------------------------------------------------


class ActionAcknowledgeImage(Action):
    """Thanks for a picture (action_validate_slot_mappings has put it into ``image_urls``) and
    says what happens with it."""

    def name(self) -> Text:
        return "action_acknowledge_image"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        urls = tracker.get_slot("image_urls") or []
        url = next(tracker.get_latest_entity_values("image_url"), None)
        in_progress = tracker.active_loop_name == FORM or bool(tracker.get_slot("description"))
        if not in_progress and tracker.get_slot("job_status") == "submitted":
            # No picture can be added to a request already sent: the Friend sees it on site.
            dispatcher.utter_message(response="utter_image_after_booking")
            return [SlotSet("image_urls", None)]
        if url and url not in urls:
            dispatcher.utter_message(
                response="utter_image_limit", max_images=str(after_booking.MAX_IMAGES)
            )
            return []
        if in_progress:
            dispatcher.utter_message(response="utter_image_received")
        else:
            dispatcher.utter_message(response="utter_image_received_before_job")
        return []


# --- after booking: status, cancel -------------------------------------------------------------


class ActionShowJobs(Action):
    """ "Where is my helper?": the customer's jobs from the backend in plain words."""

    def name(self) -> Text:
        return "action_show_jobs"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            jobs = await _client().list_jobs(tracker.sender_id)
        except BackendError as error:
            logger.error("jobs of %s could not be loaded: %s", tracker.sender_id, error)
            dispatcher.utter_message(response="utter_backend_unavailable")
            return []
        shown = after_booking.jobs_to_show(jobs)
        if not shown:
            dispatcher.utter_message(response="utter_no_jobs")
            return []
        language = _language(tracker)
        now = _now()
        for job in shown:
            line = after_booking.describe_job(job, now, language)
            dispatcher.utter_message(response=line.response, **line.values)
        return []


async def _ask_which_job_to_cancel(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType]:
    """One cancellable job: ask to confirm; several: ask which; none: say so."""
    try:
        jobs = after_booking.cancellable(await _client().list_jobs(tracker.sender_id))
    except BackendError as error:
        logger.error("jobs of %s could not be loaded: %s", tracker.sender_id, error)
        dispatcher.utter_message(response="utter_backend_unavailable")
        return [SlotSet("cancel_reference", None)]
    language = _language(tracker)
    chosen = next(tracker.get_latest_entity_values("job_reference"), None)
    if _intent(tracker) == "choose_job" and chosen:
        jobs = [job for job in jobs if job.get("reference") == chosen]
    if not jobs:
        dispatcher.utter_message(response="utter_nothing_to_cancel")
        return [SlotSet("cancel_reference", None)]
    if len(jobs) == 1:
        job = jobs[0]
        dispatcher.utter_message(
            response="utter_confirm_cancel_job",
            buttons=buttons.cancel_confirm_buttons(language),
            job_reference=str(job["reference"]),
            job_summary=_job_summary(job, language),
        )
        return [SlotSet("cancel_reference", str(job["reference"]))]
    shown = jobs[: packages.MAX_QUICK_REPLIES]
    dispatcher.utter_message(
        response="utter_which_job_to_cancel",
        buttons=buttons.job_buttons([str(job["reference"]) for job in shown]),
        job_list="\n".join(f"{job['reference']}: {_job_summary(job, language)}" for job in shown),
    )
    return [SlotSet("cancel_reference", None)]


def _job_summary(job: Dict[Text, Any], language: Text) -> Text:
    description = " ".join(str(job.get("description") or "").split())
    if len(description) > 60:
        description = description[:59].rstrip() + "…"
    area = categories.label(job.get("category"), language)
    return f"{area} – {description}" if description else area


class ActionAskCancelJob(Action):
    """ "Ich möchte meinen Auftrag stornieren" (outside the booking) or a tapped job: which job
    and "Wirklich stornieren?"."""

    def name(self) -> Text:
        return "action_ask_cancel_job"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await _ask_which_job_to_cancel(dispatcher, tracker)
        text = _text(tracker)
        if _intent(tracker) == "cancel" and text and not text.startswith("/"):
            events.append(SlotSet("cancel_reason", text[:400]))
        return [SlotSet("cancel_status", None), *events]


CANCEL_REASON = "cancelled by the customer in the chat"


class ActionCancelJob(Action):
    """The customer confirmed: cancel the chosen job in the backend."""

    def name(self) -> Text:
        return "action_cancel_job"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("cancel_reference")
        if not reference:
            return [
                SlotSet("cancel_status", None),
                *await _ask_which_job_to_cancel(dispatcher, tracker),
            ]
        said = tracker.get_slot("cancel_reason")
        reason = f"{CANCEL_REASON}: {said}" if said else CANCEL_REASON
        client = _client()
        try:
            await client.cancel_job(reference, reason)
        except BackendError as error:
            if error.status == 409 and await _is_cancelled(client, reference):
                pass  # a retried request that had gone through: cancelled all the same
            elif error.status in (404, 409):
                logger.info("job %s cannot be cancelled: %s", reference, error)
                dispatcher.utter_message(response="utter_cancel_too_late", job_reference=reference)
                return [SlotSet("cancel_reference", None), SlotSet("cancel_status", None)]
            else:
                logger.error("job %s could not be cancelled: %s", reference, error)
                dispatcher.utter_message(
                    response="utter_cancel_failed",
                    buttons=[buttons.try_again_button(_language(tracker))],
                )
                return [SlotSet("cancel_status", "failed")]
        logger.info("job %s cancelled by %s", reference, tracker.sender_id)
        dispatcher.utter_message(
            response="utter_job_cancelled_by_customer", job_reference=reference
        )
        return [
            SlotSet("cancel_status", "cancelled"),
            SlotSet("cancel_reference", None),
            SlotSet("cancel_reason", None),
        ]


async def _is_cancelled(client: BackendClient, reference: Text) -> bool:
    try:
        job = await client.get_job(reference)
    except BackendError:
        return False
    return bool(job) and job.get("status") == "cancelled"


# --- rating ---------------------------------------------------------------------------------


_THE_TECHNICIAN = {"de": "der Techniker", "en": "the technician"}
# rating_stars when the customer left the rating ("später", "abbrechen").
RATING_SKIPPED = "skipped"


class ActionAskRatingStars(Action):
    """rating_form's question for the stars: after the job (EXTERNAL_job_completed), as a
    gentle reminder a day later (EXTERNAL_rating_reminder), or again after an unclear answer."""

    def name(self) -> Text:
        return "action_ask_rating_stars"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if notices.is_repeated_notice(tracker.latest_message, tracker.events):
            # Told already (the backend sent it again): the turn is undone, the form with it.
            return [UserUtteranceReverted()]
        intent = _intent(tracker) or ""
        if tracker.get_slot("rating_pending") and not intent.startswith("EXTERNAL"):
            # Held back while the customer booked another job: name the job it is about.
            # (Fresh news from the backend speak for themselves.)
            response = "utter_ask_rating_held_back"
        elif intent == "EXTERNAL_rating_reminder":
            response = "utter_rating_reminder"
        elif intent == "EXTERNAL_job_completed":
            response = "utter_ask_rating"
        else:
            response = "utter_ask_rating_again"
        dispatcher.utter_message(
            response=response,
            buttons=buttons.star_buttons(_language(tracker)),
            friend_name=tracker.get_slot("rating_friend_name")
            or _THE_TECHNICIAN[_language(tracker)],
            job_reference=tracker.get_slot("rating_reference") or "",
        )
        return [SlotSet("rating_pending", None)] if tracker.get_slot("rating_pending") else []


class ActionHoldRating(Action):
    """A job was completed (or the rating reminder came) while the customer books another: the
    news now, the booking's open question next (rules), the rating once the booking is posted
    or cancelled (rules on rating_pending)."""

    def name(self) -> Text:
        return "action_hold_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if notices.is_repeated_notice(tracker.latest_message, tracker.events):
            return [UserUtteranceReverted()]  # told already; the booking goes on as it was
        if _intent(tracker) == "EXTERNAL_rating_reminder":
            response = "utter_rating_reminder_later"
        else:
            response = "utter_job_completed_rating_later"
        dispatcher.utter_message(
            response=response,
            friend_name=tracker.get_slot("rating_friend_name")
            or _THE_TECHNICIAN[_language(tracker)],
            job_reference=tracker.get_slot("rating_reference") or "",
        )
        return [SlotSet("rating_pending", True)]


class ActionAskRatingComment(Action):
    """rating_form's optional comment, with a "No, thanks" quick reply."""

    def name(self) -> Text:
        return "action_ask_rating_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_ask_rating_comment",
            buttons=buttons.no_comment_buttons(_language(tracker)),
        )
        return []


class ValidateRatingForm(FormValidationAction):
    """1–5 stars (tapped or typed) and an optional comment."""

    def name(self) -> Text:
        return "validate_rating_form"

    async def validate_rating_stars(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        tapped = next(tracker.get_latest_entity_values("stars"), None)
        stars = after_booking.parse_stars(tapped if tapped is not None else slot_value)
        if stars is None and (
            _intent(tracker) == "cancel" or after_booking.wants_to_stop(slot_value)
        ):
            # "abbrechen", "später": the form completes empty and action_submit_rating
            # ends the rating politely; no job is cancelled.
            return {"rating_stars": RATING_SKIPPED, "rating_comment": False}
        if stars is None:
            dispatcher.utter_message(response="utter_rating_not_understood")
            return {"rating_stars": None}
        return {"rating_stars": float(stars)}

    async def validate_rating_comment(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        # False is "no comment" (the quick reply or a "no"): filled, so the form is done.
        if slot_value is False or after_booking.wants_to_stop(slot_value):
            return {"rating_comment": False}
        return {"rating_comment": after_booking.clean_comment(slot_value) or False}


RATING_SLOTS = (
    "rating_stars",
    "rating_comment",
    "rating_reference",
    "rating_friend_name",
    "rating_pending",
)


class ActionSubmitRating(Action):
    """Posts the rating; the stars and comment are kept until the backend has them."""

    def name(self) -> Text:
        return "action_submit_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("rating_reference")
        stars = after_booking.parse_stars(tracker.get_slot("rating_stars"))
        comment = after_booking.clean_comment(tracker.get_slot("rating_comment"))
        done = [SlotSet(slot, None) for slot in RATING_SLOTS]
        if tracker.get_slot("rating_stars") == RATING_SKIPPED:
            logger.info("rating of %s left by %s", reference, tracker.sender_id)
            dispatcher.utter_message(response="utter_rating_later")
            return [SlotSet("rating_status", None), *done]
        if not reference or stars is None:
            logger.error("rating of %s incomplete: %s %s", tracker.sender_id, reference, stars)
            dispatcher.utter_message(response="utter_rating_thanks")
            return [SlotSet("rating_status", None), *done]
        try:
            await _client().rate_job(reference, stars, comment, tracker.sender_id)
        except BackendError as error:
            if error.status == 409:
                logger.info("job %s was rated already: %s", reference, error)
                dispatcher.utter_message(response="utter_rating_already_given")
                return [SlotSet("rating_status", None), *done]
            if error.status == 404:
                logger.error("job %s not found for rating by %s", reference, tracker.sender_id)
                dispatcher.utter_message(response="utter_rating_thanks")
                return [SlotSet("rating_status", None), *done]
            logger.error("rating of job %s could not be saved: %s", reference, error)
            dispatcher.utter_message(
                response="utter_rating_failed",
                buttons=[buttons.try_again_button(_language(tracker))],
            )
            return [SlotSet("rating_status", "failed")]
        logger.info("job %s rated %d by %s", reference, stars, tracker.sender_id)
        response = "utter_rating_thanks" if stars >= 4 else "utter_rating_thanks_low"
        dispatcher.utter_message(response=response)
        return [SlotSet("rating_status", "saved"), *done]
