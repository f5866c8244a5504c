"""The summary at the end of job_form: "Change something" (a part is forgotten and asked
again), "Yes" (the job is posted to the backend) or "Cancel" (the job in progress is
forgotten)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import after_booking, buttons, fields
from actions.backend_client import BackendError, BackendValidationError
from actions.corrections import correction_at_summary
from actions.dialogue.backend_calls import client
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import channel, entity, intent, is_webchat, language, now, text
from actions.jobs import (
    JOB_SLOTS,
    MEDIA_FIELDS,
    build_job_request,
    idempotency_key,
    missing_fields,
)

logger = logging.getLogger(__name__)


class ActionShowFields(DialogueAction):
    """ "What would you like to change?" with one quick reply per part of the summary (the
    website chat's has the e-mail address too)."""

    NAME = "action_show_fields"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        shown = buttons.field_buttons(language(tracker), channel(tracker))
        dispatcher.utter_message(response="utter_choose_field", buttons=shown)
        return []


class ActionChangeField(DialogueAction):
    """ "Change something": the customer picked a part of the summary, or typed a new value at
    the summary ("meine Nummer ist 0171 1234567", "lieber Samstag Vormittag"). The part is
    forgotten, so that job_form (activated next by the rules) asks for just that part (or takes
    the typed value from the same message) and then shows the summary again."""

    NAME = "action_change_field"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        said = text(tracker)
        if intent(tracker) != "choose_field":
            slot = correction_at_summary(said, tracker.get_slot("country"), now())
            if slot:
                logger.debug("%s corrects %s at the summary", tracker.sender_id, slot)
                return [
                    *[SlotSet(name, None) for name in fields.CORRECTED_SLOTS[slot]],
                    # job_form takes the value for this slot from the same message.
                    SlotSet("requested_slot", slot),
                ]
        field = entity(tracker, "field")
        if field not in fields.fields_on(channel(tracker)):
            field = fields.match_field(said, channel(tracker))
        if field is None:
            dispatcher.utter_message(response="utter_field_not_understood")
            return []
        logger.debug("%s changes %s", tracker.sender_id, field)
        return [SlotSet(slot, None) for slot in fields.FIELD_SLOTS[field]]


async def _post_job(sender_id: str, request: dict[str, Any]) -> dict[str, Any]:
    """POST the job; pictures and voice messages the backend refuses are left out rather than
    losing the job, and so is an e-mail address refused with a plain 400 (the contract allows
    one; a 422 naming customer.email asks the customer again instead). The chat and the status
    page still reach the customer."""
    backend = client()
    try:
        return await backend.create_job(request, idempotency_key(sender_id, request))
    except BackendValidationError as error:
        refused = set(error.errors)
        if not refused or not refused <= {field for field in MEDIA_FIELDS if field in request}:
            raise
        logger.warning("media of %s refused (%s), job sent without", sender_id, error.errors)
        plain = request
        for field in sorted(refused):
            plain = _without(plain, field)
        return await backend.create_job(plain, idempotency_key(sender_id, plain))
    except BackendError as error:
        # Our check is meant to match the backend's; should they differ, the address must not
        # keep the job from being booked.
        if error.status != 400 or "email" not in request.get("customer", {}):
            raise
        logger.warning("e-mail address of %s refused (%s), job sent without", sender_id, error)
        plain = _without(request, "email")
        return await backend.create_job(plain, idempotency_key(sender_id, plain))


def _without(request: dict[str, Any], part: str) -> dict[str, Any]:
    if part == "email":
        customer = {key: value for key, value in request["customer"].items() if key != "email"}
        return {**request, "customer": customer}
    return {key: value for key, value in request.items() if key != part}


def _status_page(tracker: Tracker, job: dict[str, Any]) -> Events:
    """The booked job's private status page, for the confirmation on the website chat (where
    the customer may close the page and come back by the link); Messenger's confirmation
    stays as it was, so the slots are never set there."""
    if not is_webchat(tracker):
        return []
    url = job.get("status_url")
    if not isinstance(url, str) or not url:
        # A backend without status pages: no link rather than another job's.
        logger.warning("job %s: the backend sent no status_url", job.get("reference"))
        return [SlotSet("status_url", None), SlotSet("status_link", None)]
    return [SlotSet("status_url", url), SlotSet("status_link", True)]


class ActionSubmitJob(DialogueAction):
    """Posts the confirmed job to the backend; sets ``job_status`` for the rules to answer."""

    NAME = "action_submit_job"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        slots = tracker.current_slot_values()
        missing = missing_fields(slots)
        if missing:
            logger.error("job for %s not posted: missing %s", tracker.sender_id, ", ".join(missing))
            return [SlotSet("job_status", "failed")]
        request = build_job_request(slots, tracker.sender_id, channel(tracker))
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
            *_status_page(tracker, job),
            *[SlotSet(slot, None) for slot in JOB_SLOTS],
        ]


def _ask_rejected_again(dispatcher: Dispatcher, tracker: Tracker, errors: dict[str, str]) -> Events:
    """The backend refused fields (422): say which, in plain words, and forget just those
    answers so that job_form (next, by the rules) asks for them again. Errors the customer
    cannot fix are a failure like any other."""
    parts = after_booking.rejected_fields(errors)
    if not parts:
        return [SlotSet("job_status", "failed")]
    dispatcher.utter_message(
        response="utter_field_rejected",
        field_names=after_booking.field_names(parts, language(tracker)),
    )
    cleared = {slot for part in parts for slot in fields.FIELD_SLOTS[part]}
    return [SlotSet("job_status", "invalid"), *[SlotSet(slot, None) for slot in sorted(cleared)]]


class ActionResetJob(DialogueAction):
    """Forgets the job in progress (after the customer cancelled)."""

    NAME = "action_reset_job"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        return [SlotSet(slot, None) for slot in JOB_SLOTS]
