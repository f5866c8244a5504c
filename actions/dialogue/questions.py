"""Questions that come with quick replies built in code (see actions/buttons.py for why not in
domain.yml).

Most of them are nothing but a response and buttons in the customer's language: those are rows
of ``QUESTIONS``, from which one Action class per row is made. Adding such a question is one row
(and its response in domain.yml, its name under ``actions:``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import buttons, categories, phone
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import language


@dataclass(frozen=True)
class Question:
    action: str  # the action's name, as listed in domain.yml
    response: str  # the response in domain.yml, sent without buttons of its own
    buttons: Callable[[str | None], list[buttons.Button]]  # the quick replies, by language
    about: str  # when the bot asks it (the generated class's docstring)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "action_show_categories",
        "utter_choose_category",
        buttons.category_buttons,
        "The welcome's second message: the areas as quick replies.",
    ),
    Question(
        "action_ask_time_window",
        "utter_ask_time_window",
        buttons.time_buttons,
        "job_form's question for the time, with the common answers as quick replies.",
    ),
    Question(
        "action_ask_rating_comment",
        "utter_ask_rating_comment",
        buttons.no_comment_buttons,
        'rating_form\'s optional comment, with a "No, thanks" quick reply.',
    ),
    Question(
        "action_show_languages",
        "utter_language_switched",
        buttons.language_buttons,
        "After switch_language (the menu's language button, a quick reply, a typed wish): the "
        "language now set, and the five languages as quick replies.",
    ),
)


def _action_class(question: Question) -> type[DialogueAction]:
    class AskWithButtons(DialogueAction):
        NAME = question.action

        async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
            dispatcher.utter_message(
                response=question.response, buttons=question.buttons(language(tracker))
            )
            return []

    # "action_ask_time_window" → ActionAskTimeWindow, as in logs and tracebacks.
    AskWithButtons.__name__ = "".join(part.title() for part in question.action.split("_"))
    AskWithButtons.__qualname__ = AskWithButtons.__name__
    AskWithButtons.__doc__ = question.about
    return AskWithButtons


# rasa-sdk finds actions through Action.__subclasses__(), which holds them weakly:
# this table keeps the generated classes alive.
QUESTION_ACTIONS: dict[str, type[DialogueAction]] = {q.action: _action_class(q) for q in QUESTIONS}


class ActionAskConsent(DialogueAction):
    """Asks whether name, phone and address may go to the Friend; after a "no", explains why
    they are needed and offers to cancel."""

    NAME = "action_ask_consent"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if tracker.get_slot("consent_declined"):
            dispatcher.utter_message(response="utter_consent_declined")
            return [SlotSet("consent_declined", None)]
        dispatcher.utter_message(response="utter_ask_consent")
        return []


class ActionAskCategory(DialogueAction):
    """job_form's question for the area: the two or three likely areas and "Something else"
    when the description points at them, else all seven."""

    NAME = "action_ask_category"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        response, quick_replies = categories.category_question(
            tracker.get_slot("description"), language(tracker)
        )
        dispatcher.utter_message(response=response, buttons=quick_replies)
        return []


class ActionAskPhone(DialogueAction):
    """job_form's phone question. On WhatsApp the customer's number is a phone number: it is
    offered first ("Can the technician call you on +41 79 123 45 67?", yes/no); after a no, and
    on the other channels, the usual question."""

    NAME = "action_ask_phone"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        offered = phone.whatsapp_number(tracker.sender_id)
        if offered and tracker.get_slot("phone_offer") != phone.OFFER_ANSWERED:
            dispatcher.utter_message(
                response="utter_ask_phone_whatsapp", whatsapp_phone=phone.display_phone(offered)
            )
            return [SlotSet("phone_offer", phone.OFFER_ASKED)]
        dispatcher.utter_message(response="utter_ask_phone")
        return []
