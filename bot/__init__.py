"""Rasa runtime code: our Messenger channel, the spaCy pipeline builder, endpoint templates."""
