"""action_validate_slot_mappings: Rasa runs it after every customer message, before anything
else. It keeps the slots that belong to the whole conversation up to date: the language, the
greeting style, the labels shown in the summary, pictures and voice messages, the count of
messages not understood and whether a person has taken over.

Each slot's extraction (from the tracker) and validation is a function below;
``ValidateSlotMappings`` at the end names them per slot.
"""

from __future__ import annotations

import logging

from rasa_sdk.forms import ValidationAction
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import after_booking, categories, media, packages
from actions.backend_client import BackendError
from actions.dialogue.backend_calls import client
from actions.dialogue.base import (
    Answer,
    Dispatcher,
    Extractor,
    Slots,
    extractor,
    kept,
    validator,
)
from actions.dialogue.tracker import (
    FORM,
    entity,
    intent,
    is_news,
    language,
    language_was_set,
    locale,
    now,
    text,
)
from actions.formatting import format_rating
from actions.greetings import (
    DEFAULT_GREETING_STYLE,
    GREETING_STYLES,
    greeting_style,
    style_from_locale,
)
from actions.language import detect_language
from actions.time_window import describe_iso
from product.languages import or_default, supported

logger = logging.getLogger(__name__)

# The slots this action looks after (the other global slots need no validation); language
# first: the labels follow it.
SLOTS = (
    "language",
    "greeting_style",
    "category_label",
    "package_label",
    "window_label",
    "friend_rating",
    "image_urls",
    "voice_urls",
    "fallback_count",
    "handed_off",
)
# While the bot asks for these, answers are names, numbers and addresses (e-mail ones too:
# "erika at web.de" is no English): they carry little language signal, so the language only
# changes on a clear majority of cue words.
QUIET_SLOTS = ("postal_code", "package", "street", "customer_name", "phone", "email")
# The customer picks a language (entity ``language``: de, en, fr, it, pl).
SWITCH_LANGUAGE = "switch_language"


# --- language and greeting ------------------------------------------------------------------


async def _job_language(tracker: Tracker) -> str | None:
    """The language the customer booked the news' job in; None when the backend cannot say."""
    reference = entity(tracker, "job_reference")
    if not reference:
        return None
    try:
        job = await client().get_job(str(reference))
    except BackendError as error:
        logger.warning("language of job %s unknown: %s", reference, error)
        return None
    customer = (job or {}).get("customer")
    found = customer.get("language") if isinstance(customer, dict) else None
    return supported(found)


async def _extract_language(tracker: Tracker) -> Slots:
    previous = language(tracker)
    if is_news(tracker):
        # News from the backend carry no words of the customer. In a fresh conversation
        # (a new tracker store, a restart) the job remembers the customer's language.
        if not language_was_set(tracker):
            return {"language": await _job_language(tracker) or previous}
        return {"language": previous}
    chosen = supported(entity(tracker, "language")) if intent(tracker) == SWITCH_LANGUAGE else None
    if chosen:
        # A tapped language (quick reply '/switch_language{"language":"fr"}') wins. The menu's
        # button ("/switch_language") says nothing: detection keeps the language, and the
        # answer offers the five. A typed "parlez-vous français ?" is told by detection too.
        return {"language": chosen}
    if not language_was_set(tracker):
        # The first message: Messenger's locale is the best guess until the text says
        # otherwise (a "/get_started" tap or "10115" says nothing about the language).
        previous = after_booking.language_from_locale(locale(tracker)) or previous
    quiet = (
        tracker.active_loop_name == FORM
        and tracker.get_slot("requested_slot") in (QUIET_SLOTS)
        and intent(tracker) != SWITCH_LANGUAGE  # "auf Deutsch bitte" while asked for the phone
    )
    found = detect_language(text(tracker), previous, min_margin=2 if quiet else 1)
    return {"language": found}


async def _validate_language(answer: Answer) -> Slots:
    return {"language": or_default(answer.value)}


async def _extract_greeting_style(tracker: Tracker) -> Slots:
    """ "Grüezi" → ch, "Servus" → at, "Hallo" → de; other messages keep the style, except that
    a French or Italian customer with a Swiss locale gets the Swiss wording."""
    if is_news(tracker):
        return {}
    style = greeting_style(text(tracker))
    if style is None and language(tracker) in ("fr", "it"):
        # "Bonjour", "Buongiorno" are the same in Geneva and Paris: a Swiss Messenger locale
        # (fr_CH, it_CH) picks the Swiss French and Ticino wording ("NPA", "natel").
        found = style_from_locale(locale(tracker))
        if found and tracker.get_slot("greeting_style") in (None, DEFAULT_GREETING_STYLE):
            return {"greeting_style": found}
    return {"greeting_style": style} if style else {}


async def _validate_greeting_style(answer: Answer) -> Slots:
    known = answer.value in GREETING_STYLES
    return {"greeting_style": answer.value if known else DEFAULT_GREETING_STYLE}


# --- the labels of the summary, in the current language --------------------------------------


async def _extract_category_label(tracker: Tracker) -> Slots:
    category = tracker.get_slot("category")
    if not category:
        return {}
    return {"category_label": categories.label(category, language(tracker))}


async def _extract_package_label(tracker: Tracker) -> Slots:
    found = packages.label(
        tracker.get_slot("package"),
        tracker.get_slot("package_options") or [],
        language(tracker),
    )
    return {"package_label": found} if found else {}


async def _extract_window_label(tracker: Tracker) -> Slots:
    """The time window in words, relative to today."""
    found = describe_iso(
        tracker.get_slot("window_start"),
        tracker.get_slot("window_end"),
        now(),
        language(tracker),
    )
    return {"window_label": found} if found else {}


async def _validate_friend_rating(answer: Answer) -> Slots:
    if answer.value is None:
        return {"friend_rating": None}
    formatted = format_rating(answer.value, language(answer.tracker))
    return {"friend_rating": formatted or str(answer.value)}


# --- pictures and voice messages, failed attempts, a person ---------------------------------


def _media_extractor(kind: media.MediaKind) -> Extractor:
    """``extract_<slot>`` for a kind of media: what the customer sent goes with the job (at
    most five of each kind)."""

    async def extract(tracker: Tracker) -> Slots:
        if intent(tracker) != kind.intent:
            return {}
        current = tracker.get_slot(kind.slot) or []
        found = media.add_url(current, entity(tracker, kind.entity))
        return {kind.slot: found} if found != current else {}

    return extractor(extract)


async def _extract_fallback_count(tracker: Tracker) -> Slots:
    """Failed attempts in a row: any understood message starts the count again."""
    if intent(tracker) == "nlu_fallback" or is_news(tracker):
        return {}
    return {"fallback_count": 0.0} if tracker.get_slot("fallback_count") else {}


async def _extract_handed_off(tracker: Tracker) -> Slots:
    """Support resumed the conversation (Rasa's ``resume`` event): the bot is back."""
    if tracker.get_slot("handed_off") and not tracker.is_paused():
        return {"handed_off": False}
    return {}


class ValidateSlotMappings(ValidationAction):
    """Global slot validation: runs after every user message (Rasa calls it by this name)."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: Dispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return list(SLOTS)

    # Each slot: extract_<slot> finds its value in the latest message (or elsewhere in the
    # tracker), validate_<slot> decides what is kept.
    extract_language = extractor(_extract_language)
    validate_language = validator(_validate_language)

    extract_greeting_style = extractor(_extract_greeting_style)
    validate_greeting_style = validator(_validate_greeting_style)

    # The summary's labels follow the language; what they say was decided when extracted.
    extract_category_label = extractor(_extract_category_label)
    validate_category_label = kept("category_label")
    extract_package_label = extractor(_extract_package_label)
    validate_package_label = kept("package_label")
    extract_window_label = extractor(_extract_window_label)
    validate_window_label = kept("window_label")

    # Set by the backend's news (a Friend was found): only formatted here.
    validate_friend_rating = validator(_validate_friend_rating)

    extract_image_urls = _media_extractor(media.IMAGE)
    validate_image_urls = kept("image_urls")
    extract_voice_urls = _media_extractor(media.VOICE)
    validate_voice_urls = kept("voice_urls")

    extract_fallback_count = extractor(_extract_fallback_count)
    validate_fallback_count = kept("fallback_count")

    extract_handed_off = extractor(_extract_handed_off)
    validate_handed_off = kept("handed_off")
