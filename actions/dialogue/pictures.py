"""Pictures and voice messages the customer sends (a photo of the router, a recording of the
problem): they go with the job to the Friend who takes it. action_validate_slot_mappings has
put the URL into the kind's slot (``image_urls``, ``voice_urls``; actions/media.py) before the
rules call the actions here. Also the answer when the channel could not take a file.
"""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import media
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import FORM, entity


def _acknowledge(kind: media.MediaKind, dispatcher: Dispatcher, tracker: Tracker) -> Events:
    """Thanks for a picture or a voice message and says what happens with it."""
    urls = tracker.get_slot(kind.slot) or []
    url = entity(tracker, kind.entity)
    in_progress = tracker.active_loop_name == FORM or bool(tracker.get_slot("description"))
    if not in_progress and tracker.get_slot("job_status") == "submitted":
        # Nothing can be added to a request already sent: the Friend sees it on site.
        dispatcher.utter_message(response=kind.after_booking)
        return [SlotSet(kind.slot, None)]
    if url is not None and not media.is_media_url(url):
        # A link the job cannot carry (the channels send https or the backend's own media
        # URLs): as if the file was not loaded. No link at all: typed ("Hier ist ein Foto").
        dispatcher.utter_message(response=media.problem_response(media.UNAVAILABLE))
        return []
    if url is not None and url not in urls:
        dispatcher.utter_message(response=kind.limit, max_items=str(media.MAX_ITEMS))
        return []
    if in_progress:
        dispatcher.utter_message(response=kind.received)
    else:
        dispatcher.utter_message(response=kind.received_before_job)
    return []


class ActionAcknowledgeImage(DialogueAction):
    """Thanks for a picture and says what happens with it."""

    NAME = "action_acknowledge_image"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        return _acknowledge(media.IMAGE, dispatcher, tracker)


class ActionAcknowledgeVoice(DialogueAction):
    """Thanks for a voice message, asks for a short text (the assistant cannot listen) and
    keeps the recording for the Friend."""

    NAME = "action_acknowledge_voice"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        return _acknowledge(media.VOICE, dispatcher, tracker)


class ActionExplainMediaRefused(DialogueAction):
    """The channel could not take what the customer sent (too big, a kind of file we do not
    take, not loaded): says what to send instead. The form goes on (rules)."""

    NAME = "action_explain_media_refused"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        problem = entity(tracker, "media_problem")
        dispatcher.utter_message(response=media.problem_response(problem))
        return []
