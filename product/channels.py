"""The doors customers come through: one word per channel, the same in every process.

A customer is (channel, id on that channel); the id is also the conversation's sender id in
Rasa. Adding a channel: append it here, write its input/output adapter in `bot/` and its
platform rules next to `messenger_platform/` (docs/architecture.md, "Adding a channel").
"""

from __future__ import annotations

MESSENGER = "messenger"
WEBCHAT = "webchat"

# Append only: the words are stored with every customer and job.
CHANNELS: tuple[str, ...] = (MESSENGER, WEBCHAT)
DEFAULT_CHANNEL = MESSENGER

# The website's conversations are named by the server (bot/webchat_channel.py): this prefix
# and 32 hex digits, so a web conversation can never take a Messenger PSID's name.
WEBCHAT_ID_PREFIX = "web-"


def supported(value: object) -> str | None:
    """``value`` when it is a channel we serve, else None."""
    return value if isinstance(value, str) and value in CHANNELS else None


def of_conversation(sender_id: str) -> str:
    """The channel a Rasa conversation id belongs to (ids are named so that this is certain)."""
    return WEBCHAT if sender_id.startswith(WEBCHAT_ID_PREFIX) else MESSENGER
