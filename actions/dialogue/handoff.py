"""Messages the bot could not handle, and a person from support taking over.

Three failed attempts in a row: the first is re-asked with the areas, the second also offers a
person, the third hands off. Handing off pauses the conversation: Rasa keeps logging the
customer's messages but answers none until support staff resume it (support console).
"""

from __future__ import annotations

import logging

from rasa_sdk.events import ConversationPaused, SlotSet, UserUtteranceReverted
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import buttons
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import language, previous_value

logger = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 3


def _hand_off(dispatcher: Dispatcher) -> Events:
    dispatcher.utter_message(response="utter_handoff")
    return [SlotSet("handed_off", True), SlotSet("fallback_count", 0.0), ConversationPaused()]


def _not_understood(
    dispatcher: Dispatcher, tracker: Tracker, attempts: int, first: str, again: str
) -> Events:
    """The ``attempts``-th message in a row the bot could not handle: re-ask with the areas,
    the second time also offering a person; the third hands off."""
    lang = language(tracker)
    logger.info("%s: not understood (%d in a row)", tracker.sender_id, attempts)
    if attempts >= MAX_FAILED_ATTEMPTS:
        return _hand_off(dispatcher)
    if attempts == 1:
        dispatcher.utter_message(response=first, buttons=buttons.category_buttons(lang))
    else:
        dispatcher.utter_message(
            response=again,
            buttons=[*buttons.category_buttons(lang), buttons.person_button(lang)],
        )
    return [SlotSet("fallback_count", float(attempts))]


class ActionRephrase(DialogueAction):
    """Two-stage fallback for messages the NLU is unsure about (nlu_fallback): first a re-ask
    with the areas, then a re-ask that also offers a person; the third failed attempt in a row
    hands the conversation to support staff."""

    NAME = "action_rephrase"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        attempts = int(tracker.get_slot("fallback_count") or 0) + 1
        return _not_understood(
            dispatcher, tracker, attempts, "utter_please_rephrase", "utter_please_rephrase_again"
        )


class ActionDefaultFallback(DialogueAction):
    """Replaces Rasa's core fallback (same name): the message was understood but fits nowhere
    in the conversation. Counts as a failed attempt like nlu_fallback; the customer's message is
    reverted as Rasa's own fallback does."""

    NAME = "action_default_fallback"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        # The count before this message: the reset action_validate_slot_mappings made for it
        # is reverted together with the message.
        attempts = int(previous_value(tracker, "fallback_count") or 0) + 1
        events = _not_understood(
            dispatcher, tracker, attempts, "utter_default", "utter_please_rephrase_again"
        )
        # Reverted first, so that the count (and a hand-off) stay.
        return [UserUtteranceReverted(), *events]


class ActionHandoff(DialogueAction):
    """ "I want to talk to a person" (typed, or the quick reply the bot offers after failed
    attempts): says so and pauses the bot for this customer."""

    NAME = "action_handoff"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        logger.info("%s handed off to support", tracker.sender_id)
        return _hand_off(dispatcher)
