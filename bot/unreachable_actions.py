"""A confirmed booking counts as not sent when the action server cannot be reached.

Rasa drops the events of a custom action that fails (action server stopped, killed while
answering, or answering 5xx) and carries on as if it had not run: the customer who tapped
Confirm heard nothing at all. Reported as `job_status: failed` instead, the booking follows the
rules for an unreachable backend: utter_job_failed says it was not sent, the answers are kept,
and "Try again" posts it once the action server is back. The action posts with an
Idempotency-Key made from the conversation and the answers, so a POST that reached the backend
before the action server died gives the same job back on the retry, never a second one.

Installed by our Messenger channel when Rasa builds its routes (bot/messenger_channel.py).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.exceptions import RasaException

log = logging.getLogger(__name__)

# Custom actions whose failure the dialogue already knows how to tell the customer about.
FAILED_AS: dict[str, list[tuple[str, Any]]] = {
    "action_submit_job": [("job_status", "failed")],
}
_MARK = "_techfriends_unreachable_actions"


def install() -> None:
    original = RemoteAction.run
    if getattr(original, _MARK, False):
        return

    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> list[Event]:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # the action refused on purpose (a form); Rasa handles that itself
        except RasaException:
            slots = FAILED_AS.get(self.name())
            if slots is None:
                raise
            log.error("%s could not run on the action server: counted as failed", self.name())
            return [SlotSet(name, value) for name, value in slots]

    setattr(run, _MARK, True)
    RemoteAction.run = run  # type: ignore[method-assign]
