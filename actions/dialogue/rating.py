"""The rating after a completed job: the stars question (with the news, as a reminder a day
later, or held back while the customer books another job), rating_form's validation, and
posting the rating. The optional comment's question is a row in questions.py."""

from __future__ import annotations

import logging

from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import after_booking, buttons, notices
from actions.backend_client import BackendError
from actions.dialogue.backend_calls import client
from actions.dialogue.base import Answer, DialogueAction, Dispatcher, Events, Slots, validator
from actions.dialogue.tracker import channel, entity, intent, is_news, language
from actions.invoice_message import invoice_file

logger = logging.getLogger(__name__)

# rating_stars when the customer left the rating ("später", "abbrechen").
RATING_SKIPPED = "skipped"
RATING_SLOTS = (
    "rating_stars",
    "rating_comment",
    "rating_reference",
    "rating_friend_name",
    "rating_pending",
)


def _about_the_job(tracker: Tracker) -> Slots:
    """The variables naming the job and its Friend in the rating's sentences."""
    return {
        "friend_name": tracker.get_slot("rating_friend_name")
        or after_booking.THE_TECHNICIAN[language(tracker)],
        "job_reference": tracker.get_slot("rating_reference") or "",
    }


def tell_invoice(dispatcher: Dispatcher, tracker: Tracker) -> None:
    """The invoice that came with the news of the completed job: its one line, then the PDF as
    a file on the customer's channel (actions/invoice_message.py). Nothing without one."""
    if intent(tracker) != "EXTERNAL_job_completed":
        return
    summary = entity(tracker, "invoice_summary")
    if not isinstance(summary, str) or not summary.strip():
        return
    dispatcher.utter_message(response="utter_invoice", invoice_summary=summary.strip())
    attachment = invoice_file(
        channel(tracker), entity(tracker, "invoice_url"), entity(tracker, "invoice_number")
    )
    if attachment is not None:
        dispatcher.utter_message(json_message=attachment)


class ActionAskRatingStars(DialogueAction):
    """rating_form's question for the stars: after the job (EXTERNAL_job_completed), as a
    gentle reminder a day later (EXTERNAL_rating_reminder), or again after an unclear answer."""

    NAME = "action_ask_rating_stars"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if notices.is_repeated_notice(tracker.latest_message, tracker.events):
            # Told already (the backend sent it again): the turn is undone, the form with it.
            return [UserUtteranceReverted()]
        news = intent(tracker)
        if tracker.get_slot("rating_pending") and not is_news(tracker):
            # Held back while the customer booked another job: name the job it is about.
            # (Fresh news from the backend speak for themselves.)
            response = "utter_ask_rating_held_back"
        elif news == "EXTERNAL_rating_reminder":
            response = "utter_rating_reminder"
        elif news == "EXTERNAL_job_completed":
            tell_invoice(dispatcher, tracker)
            response = "utter_ask_rating"
        else:
            response = "utter_ask_rating_again"
        dispatcher.utter_message(
            response=response,
            buttons=buttons.star_buttons(language(tracker)),
            **_about_the_job(tracker),
        )
        return [SlotSet("rating_pending", None)] if tracker.get_slot("rating_pending") else []


class ActionHoldRating(DialogueAction):
    """A job was completed (or the rating reminder came) while the customer books another: the
    news now, the booking's open question next (rules), the rating once the booking is posted
    or cancelled (rules on rating_pending)."""

    NAME = "action_hold_rating"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if notices.is_repeated_notice(tracker.latest_message, tracker.events):
            return [UserUtteranceReverted()]  # told already; the booking goes on as it was
        if intent(tracker) == "EXTERNAL_rating_reminder":
            response = "utter_rating_reminder_later"
        else:
            response = "utter_job_completed_rating_later"
        dispatcher.utter_message(response=response, **_about_the_job(tracker))
        tell_invoice(dispatcher, tracker)
        return [SlotSet("rating_pending", True)]


async def _stars(answer: Answer) -> Slots:
    tapped = entity(answer.tracker, "stars")
    stars = after_booking.parse_stars(tapped if tapped is not None else answer.value)
    if stars is None and (
        intent(answer.tracker) == "cancel" or after_booking.wants_to_stop(answer.value)
    ):
        # "abbrechen", "später": the form completes empty and action_submit_rating
        # ends the rating politely; no job is cancelled.
        return {"rating_stars": RATING_SKIPPED, "rating_comment": False}
    if stars is None:
        answer.dispatcher.utter_message(response="utter_rating_not_understood")
        return {"rating_stars": None}
    return {"rating_stars": float(stars)}


async def _comment(answer: Answer) -> Slots:
    # False is "no comment" (the quick reply or a "no"): filled, so the form is done.
    if answer.value is False or after_booking.wants_to_stop(answer.value):
        return {"rating_comment": False}
    return {"rating_comment": after_booking.clean_comment(answer.value) or False}


class ValidateRatingForm(FormValidationAction):
    """1–5 stars (tapped or typed) and an optional comment."""

    def name(self) -> str:
        return "validate_rating_form"

    validate_rating_stars = validator(_stars)
    validate_rating_comment = validator(_comment)


class ActionSubmitRating(DialogueAction):
    """Posts the rating; the stars and comment are kept until the backend has them."""

    NAME = "action_submit_rating"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
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
            await client().rate_job(reference, stars, comment, tracker.sender_id, channel(tracker))
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
                buttons=[buttons.try_again_button(language(tracker))],
            )
            return [SlotSet("rating_status", "failed")]
        logger.info("job %s rated %d by %s", reference, stars, tracker.sender_id)
        response = "utter_rating_thanks" if stars >= 4 else "utter_rating_thanks_low"
        dispatcher.utter_message(response=response)
        return [SlotSet("rating_status", "saved"), *done]
