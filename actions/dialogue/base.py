"""What the actions here are built from: ``DialogueAction``, an Action named by a class
attribute; ``validator`` and ``extractor``, which make a validation action's
``validate_<slot>`` and ``extract_<slot>`` methods from plain functions of one ``Answer`` or of
the tracker.

They keep each action down to what is particular to it: rasa-sdk's own signatures
(``run(dispatcher, tracker, domain)``, ``validate_<slot>(slot_value, dispatcher, tracker,
domain)``, ``extract_<slot>(dispatcher, tracker, domain)``) are written once, here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action, Tracker
from rasa_sdk.types import DomainDict

Dispatcher = CollectingDispatcher
Events = list[EventType]
# Slot name -> value, as validations and extractions return them (None: ask again).
Slots = dict[str, Any]


class DialogueAction(Action, ABC):
    """An Action whose name (the one domain.yml lists) is ``NAME``.

    Abstract on purpose: rasa-sdk's executor registers every Action subclass it can
    instantiate, and would register this base under no name at all.
    """

    NAME: ClassVar[str]

    def name(self) -> str:
        return self.NAME

    @abstractmethod
    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        """The action's turn: messages through ``dispatcher``, events returned."""


@dataclass(frozen=True)
class Answer:
    """A slot value a form validates, with what its check needs to reply and to look back.

    ``correcting`` (job_form only): the message corrects this slot while the form asks for
    another one ("nein, die PLZ ist 10117" at the street question).
    """

    value: Any
    dispatcher: Dispatcher
    tracker: Tracker
    correcting: bool = False


Check = Callable[[Answer], Awaitable[Slots]]
# rasa-sdk calls validate_<slot>(slot_value, dispatcher, tracker, domain) and
# extract_<slot>(dispatcher, tracker, domain) on the instance.
Validator = Callable[[Any, Any, Dispatcher, Tracker, DomainDict], Awaitable[Slots]]
Extractor = Callable[[Any, Dispatcher, Tracker, DomainDict], Awaitable[Slots]]


def validator(check: Check) -> Validator:
    """A ``validate_<slot>`` method that hands the value to ``check``."""

    async def validate(
        action: Any, slot_value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return await check(Answer(slot_value, dispatcher, tracker))

    return validate


def kept(slot: str) -> Validator:
    """A ``validate_<slot>`` that keeps the value: without one rasa-sdk logs a warning for the
    slot after every message."""

    async def keep(answer: Answer) -> Slots:
        return {slot: answer.value}

    return validator(keep)


def extractor(extract: Callable[[Tracker], Awaitable[Slots]]) -> Extractor:
    """An ``extract_<slot>`` method that finds the slot's value in the tracker alone."""

    async def method(
        action: Any, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return await extract(tracker)

    return method
