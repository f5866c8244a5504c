"""The outside world: the database, Meta's Send API, the Rasa server."""
