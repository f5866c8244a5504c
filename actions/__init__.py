"""The customer assistant's custom actions, run by the action server (``python -m
bot.action_server``, rasa-sdk's app for this package).

Two layers, kept apart on purpose:

- ``actions.dialogue``: the Rasa action classes, one module per stage of the conversation.
  Only they import rasa_sdk.
- the modules directly in ``actions/`` (address, after_booking, buttons, categories, …): the
  decisions, as pure functions without Rasa, tested in the backend's environment.
"""
