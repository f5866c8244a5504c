"""The doors customers come through: one word per channel, the same in every process.

A customer is (channel, id on that channel); the id is also the conversation's sender id in
Rasa. Adding a channel: append it here, write its input/output adapter in `bot/` and its
platform rules next to `messenger_platform/` (docs/architecture.md, "Adding a channel").

Conversation ids tell their channel by their form:
- Messenger: the page-scoped id (PSID) Meta gives, digits only;
- website chat: "web-" and 32 hex digits, named by the server (bot/webchat_channel.py);
- WhatsApp: "wa-" and the person's wa_id, the digits of their phone number in E.164 without
  the plus ("wa-41791234567"; whatsapp_platform/ids.py makes and reads them). The prefix keeps
  a number from ever taking a Messenger PSID's name, and the number is readable from the id.
"""

from __future__ import annotations

MESSENGER = "messenger"
WEBCHAT = "webchat"
WHATSAPP = "whatsapp"

# Append only: the words are stored with every customer and job.
CHANNELS: tuple[str, ...] = (MESSENGER, WEBCHAT, WHATSAPP)
DEFAULT_CHANNEL = MESSENGER

# The website's conversations are named by the server (bot/webchat_channel.py): this prefix
# and 32 hex digits, so a web conversation can never take a Messenger PSID's name.
WEBCHAT_ID_PREFIX = "web-"
# WhatsApp's conversations: this prefix and the wa_id (the phone number's digits).
WHATSAPP_ID_PREFIX = "wa-"


def supported(value: object) -> str | None:
    """``value`` when it is a channel we serve, else None."""
    return value if isinstance(value, str) and value in CHANNELS else None


def of_conversation(sender_id: str) -> str:
    """The channel a Rasa conversation id belongs to (ids are named so that this is certain)."""
    if sender_id.startswith(WEBCHAT_ID_PREFIX):
        return WEBCHAT
    if sender_id.startswith(WHATSAPP_ID_PREFIX):
        return WHATSAPP
    return MESSENGER
