"""Pictures the customer sends (a photo of the router, the TV): they go with the job to the
Friend who takes it. action_validate_slot_mappings has put the picture into ``image_urls``
before the rules call the action here."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import after_booking
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import FORM, entity


class ActionAcknowledgeImage(DialogueAction):
    """Thanks for a picture and says what happens with it."""

    NAME = "action_acknowledge_image"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        urls = tracker.get_slot("image_urls") or []
        url = entity(tracker, "image_url")
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
