"""After booking: "Where is my helper?" (the customer's jobs in plain words) and cancelling a
booked job ("Ich möchte meinen Auftrag stornieren")."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import after_booking, buttons, packages
from actions.backend_client import BackendClient, BackendError
from actions.dialogue.backend_calls import client
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import channel, entity, intent, language, now, text

logger = logging.getLogger(__name__)

CANCEL_REASON = "cancelled by the customer in the chat"


class ActionShowJobs(DialogueAction):
    """ "Where is my helper?": the customer's jobs from the backend in plain words."""

    NAME = "action_show_jobs"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        try:
            jobs = await client().list_jobs(tracker.sender_id, channel(tracker))
        except BackendError as error:
            logger.error("jobs of %s could not be loaded: %s", tracker.sender_id, error)
            dispatcher.utter_message(response="utter_backend_unavailable")
            return []
        shown = after_booking.jobs_to_show(jobs)
        if not shown:
            dispatcher.utter_message(response="utter_no_jobs")
            return []
        lang = language(tracker)
        moment = now()
        for job in shown:
            line = after_booking.describe_job(job, moment, lang)
            values: dict[str, Any] = dict(line.values)
            dispatcher.utter_message(response=line.response, **values)
        return []


async def _ask_which_job_to_cancel(dispatcher: Dispatcher, tracker: Tracker) -> Events:
    """One cancellable job: ask to confirm; several: ask which; none: say so."""
    try:
        jobs = after_booking.cancellable(
            await client().list_jobs(tracker.sender_id, channel(tracker))
        )
    except BackendError as error:
        logger.error("jobs of %s could not be loaded: %s", tracker.sender_id, error)
        dispatcher.utter_message(response="utter_backend_unavailable")
        return [SlotSet("cancel_reference", None)]
    lang = language(tracker)
    chosen = entity(tracker, "job_reference")
    if intent(tracker) == "choose_job" and chosen:
        jobs = [job for job in jobs if job.get("reference") == chosen]
    if not jobs:
        dispatcher.utter_message(response="utter_nothing_to_cancel")
        return [SlotSet("cancel_reference", None)]
    if len(jobs) == 1:
        job = jobs[0]
        dispatcher.utter_message(
            response="utter_confirm_cancel_job",
            buttons=buttons.cancel_confirm_buttons(lang),
            job_reference=str(job["reference"]),
            job_summary=after_booking.job_summary(job, lang),
        )
        return [SlotSet("cancel_reference", str(job["reference"]))]
    shown = jobs[: packages.MAX_QUICK_REPLIES]
    dispatcher.utter_message(
        response="utter_which_job_to_cancel",
        buttons=buttons.job_buttons([str(job["reference"]) for job in shown]),
        job_list="\n".join(
            f"{job['reference']}: {after_booking.job_summary(job, lang)}" for job in shown
        ),
    )
    return [SlotSet("cancel_reference", None)]


class ActionAskCancelJob(DialogueAction):
    """ "Ich möchte meinen Auftrag stornieren" (outside the booking) or a tapped job: which job
    and "Wirklich stornieren?"."""

    NAME = "action_ask_cancel_job"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        events = await _ask_which_job_to_cancel(dispatcher, tracker)
        said = text(tracker)
        if intent(tracker) == "cancel" and said and not said.startswith("/"):
            events.append(SlotSet("cancel_reason", said[:400]))
        return [SlotSet("cancel_status", None), *events]


class ActionCancelJob(DialogueAction):
    """The customer confirmed: cancel the chosen job in the backend."""

    NAME = "action_cancel_job"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        reference = tracker.get_slot("cancel_reference")
        if not reference:
            return [
                SlotSet("cancel_status", None),
                *await _ask_which_job_to_cancel(dispatcher, tracker),
            ]
        said = tracker.get_slot("cancel_reason")
        reason = f"{CANCEL_REASON}: {said}" if said else CANCEL_REASON
        backend = client()
        try:
            await backend.cancel_job(reference, reason)
        except BackendError as error:
            if error.status == 409 and await _is_cancelled(backend, reference):
                pass  # a retried request that had gone through: cancelled all the same
            elif error.status in (404, 409):
                logger.info("job %s cannot be cancelled: %s", reference, error)
                dispatcher.utter_message(response="utter_cancel_too_late", job_reference=reference)
                return [SlotSet("cancel_reference", None), SlotSet("cancel_status", None)]
            else:
                logger.error("job %s could not be cancelled: %s", reference, error)
                dispatcher.utter_message(
                    response="utter_cancel_failed",
                    buttons=[buttons.try_again_button(language(tracker))],
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


async def _is_cancelled(backend: BackendClient, reference: str) -> bool:
    try:
        job = await backend.get_job(reference)
    except BackendError:
        return False
    return job is not None and job.get("status") == "cancelled"
