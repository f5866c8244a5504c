"""What the actions read from the tracker: the customer's latest message, the language, the
channel and locale, the values slots had before this message, and whether job_form starts in
this turn.

The tracker is Rasa's record of one conversation: ``latest_message`` is the customer's message
this turn, ``events`` everything since the conversation began (Rasa sends them all).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk.interfaces import Tracker

from actions.customer_channel import channel_of, locale_of
from product import channels
from product.languages import or_default

FORM = "job_form"


def language(tracker: Tracker) -> str:
    return or_default(tracker.get_slot("language"))


def intent(tracker: Tracker) -> str | None:
    name = (tracker.latest_message.get("intent") or {}).get("name")
    return name if isinstance(name, str) else None


def is_news(tracker: Tracker) -> bool:
    """News from the backend (EXTERNAL_* intents) carry no words of the customer."""
    return (intent(tracker) or "").startswith("EXTERNAL")


def text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def entity(tracker: Tracker, name: str) -> Any:
    """The first value of entity ``name`` in the latest message, or None."""
    return next(tracker.get_latest_entity_values(name), None)


def now() -> datetime:
    return datetime.now(timezone.utc)


def locale(tracker: Tracker) -> str | None:
    """The customer's locale from the latest message's metadata (any channel)."""
    return locale_of(tracker.latest_message.get("metadata"))


def channel(tracker: Tracker) -> str:
    """The channel the conversation came through ("messenger", "webchat")."""
    return channel_of(tracker.get_latest_input_channel(), tracker.sender_id)


def is_webchat(tracker: Tracker) -> bool:
    return channel(tracker) == channels.WEBCHAT


def language_was_set(tracker: Tracker) -> bool:
    """Whether an earlier message already decided the language (any user message before the
    latest one since the last restart; session starts carry the slot over but no message)."""
    count = 0
    for event in tracker.events:
        if event.get("event") == "restart":
            count = 0  # a restart forgets the slots: the language is open again
        elif event.get("event") == "user":
            count += 1
    return count > 1


def previous_value(tracker: Tracker, slot: str) -> Any:
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


def is_form_activation(tracker: Tracker) -> bool:
    """Whether job_form is being activated in this turn (rather than going on)."""
    if tracker.get_slot("requested_slot") is None:
        return True
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return True
    return False


def keep_only_fresh_candidates(tracker: Tracker) -> None:
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
