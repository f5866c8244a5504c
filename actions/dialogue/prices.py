"""The packages and their prices, which depend on the customer's country: job_form's package
question, and the answer to "what does it cost?" at any time."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions import packages
from actions.dialogue.backend_calls import package_options
from actions.dialogue.base import DialogueAction, Dispatcher, Events
from actions.dialogue.tracker import language
from product.countries import COUNTRIES


class ActionAskPackage(DialogueAction):
    """Asks which package, with the backend's prices for the customer's country as quick
    replies; when the backend cannot be reached, apologises (the answers so far are kept)."""

    NAME = "action_ask_package"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        options = await package_options(tracker)
        if options is None:
            dispatcher.utter_message(response="utter_packages_unavailable")
            return [SlotSet("package_options", None)]
        lang = language(tracker)
        dispatcher.utter_message(
            response="utter_ask_package",
            buttons=packages.buttons(options, lang),
            package_list=packages.price_lines(options, lang),
        )
        return [SlotSet("package_options", options)]


class ActionTellPrice(DialogueAction):
    """Answers "what does it cost?": the packages with their prices for the customer's
    country when it is known and the backend answers, otherwise a general line."""

    NAME = "action_tell_price"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        country = tracker.get_slot("country")
        if country not in COUNTRIES:
            dispatcher.utter_message(response="utter_prices_general")
            return []
        options = await package_options(tracker)
        if options is None:
            dispatcher.utter_message(response="utter_prices_unavailable")
            return []
        lang = language(tracker)
        dispatcher.utter_message(
            response="utter_prices",
            country_in=COUNTRIES[country].in_country[lang],
            package_list=packages.price_lines(options, lang),
        )
        return [SlotSet("package_options", options)]
