"""A custom action that cannot run ends the turn honestly instead of silently.

Rasa drops the events of a custom action that fails (action server stopped, killed while
answering, overloaded, answering 5xx or not at all) and carries on as if it had not run: the
customer heard nothing, or the form went on with half its state. Two ways out here:

- The Confirm (`action_submit_job`) counts as `job_status: failed`, so the booking follows the
  rules for an unreachable backend: utter_job_failed says it was not sent, the answers are
  kept, and "Try again" posts it once the action server is back. The action posts with an
  Idempotency-Key made from the conversation and the answers, so a POST that reached the
  backend before the action server died gives the same job back on the retry, never a second.
- Any other action, in a turn our Messenger channel runs, aborts the whole turn with
  `TurnAborted` before Rasa saves the tracker, so the customer's message leaves no half-done
  state behind. The channel runs the turn once more after a short wait and, if it fails again,
  sends the apology the exception carries (utter_backend_unavailable: "please try again in a
  moment", in the customer's language) so the customer writes it again. At the Confirm (an
  "affirm" to the summary or to utter_job_failed) the apology is utter_job_failed with its
  "Try again" button instead: the turn's first call (action_validate_slot_mappings) fails
  before action_submit_job's would. Turns from Rasa's HTTP API (the backend's news) keep
  Rasa's own handling: an exception there would end the request without an answer.

A call that hangs counts as failed after ACTION_CALL_TIMEOUT_SECONDS (Rasa waits 5 minutes, and
the channel runs only a few turns at once, so a hung action server would stall everyone).

Installed by our Messenger channel when Rasa builds its routes (bot/messenger_channel.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from actions.after_booking import language_from_locale

log = logging.getLogger(__name__)

# Custom actions whose failure the dialogue already knows how to tell the customer about.
FAILED_AS: dict[str, list[tuple[str, Any]]] = {
    "action_submit_job": [("job_status", "failed")],
}
APOLOGY = "utter_backend_unavailable"
# A "yes" to these is the Confirm: the apology says the booking was not sent and offers a retry.
APOLOGY_FOR_AFFIRM_AFTER = {
    "utter_summary": "utter_job_failed",
    "utter_job_failed": "utter_job_failed",
}
DEFAULT_TIMEOUT_SECONDS = 60.0
_MARK = "_techfriends_unreachable_actions"
_channel_turn: ContextVar[bool] = ContextVar("techfriends_channel_turn", default=False)


@contextmanager
def channel_turn() -> Iterator[None]:
    """Within this, a custom action that cannot run raises TurnAborted."""
    token = _channel_turn.set(True)
    try:
        yield
    finally:
        _channel_turn.reset(token)


class TurnAborted(BaseException):
    """A custom action could not run: the turn stops here and is not saved.

    A BaseException because Rasa's processor catches every Exception from an action and
    carries on without its events; this one must reach our channel through Rasa.
    """

    def __init__(self, action: str, apology: list[dict[str, Any]]) -> None:
        super().__init__(f"custom action {action} could not run")
        self.action = action
        self.apology = apology


def timeout_seconds() -> float:
    try:
        value = float(os.environ.get("ACTION_CALL_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


def _bot_action_before_the_message(tracker: Any) -> str | None:
    after_message = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            after_message = True
        elif (
            after_message
            and isinstance(event, ActionExecuted)
            and event.action_name != ACTION_LISTEN_NAME
        ):
            return str(event.action_name)
    return None


def _apology_for(tracker: Any) -> str:
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    if intent == "affirm":
        return APOLOGY_FOR_AFFIRM_AFTER.get(_bot_action_before_the_message(tracker) or "", APOLOGY)
    return APOLOGY


async def _apology(nlg: Any, tracker: Any, channel: str) -> list[dict[str, Any]]:
    # On a first message the language slot is still its initial value and only the channel's
    # locale knows better (action_validate_slot_mappings, which would have set it, failed).
    if not any(isinstance(e, SlotSet) and e.key == "language" for e in tracker.events):
        metadata = (tracker.latest_message.metadata or {}) if tracker.latest_message else {}
        metadata = metadata if isinstance(metadata, dict) else {}
        messenger = metadata.get("messenger")
        # Messenger's own key, else the one every channel sets (the web chat's browser locale).
        locale = (messenger.get("locale") if isinstance(messenger, dict) else None) or (
            metadata.get("locale")
        )
        language = language_from_locale(locale)
        if language is not None:
            tracker = tracker.copy()
            tracker.update(SlotSet("language", language))
    message = await nlg.generate(_apology_for(tracker), tracker, channel)
    return [message] if message else []


def install() -> None:
    original = RemoteAction.run
    if getattr(original, _MARK, False):
        return

    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> list[Event]:
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), timeout_seconds()
            )
        except ActionExecutionRejection:
            raise  # the action refused on purpose (a form); Rasa handles that itself
        except Exception as exc:
            slots = FAILED_AS.get(self.name())
            if slots is not None:
                log.error("%s could not run (%r): counted as failed", self.name(), exc)
                return [SlotSet(name, value) for name, value in slots]
            if not _channel_turn.get():
                raise
            log.error("%s could not run (%r): the turn is not saved", self.name(), exc)
            apology = await _apology(nlg, tracker, output_channel.name())
            raise TurnAborted(self.name(), apology) from exc

    setattr(run, _MARK, True)
    RemoteAction.run = run  # type: ignore[method-assign]
