"""Which channel a conversation came through, the customer's locale, and what the channel
changes in the booking: the pure part of it (actions/dialogue/tracker.py reads the tracker).

Pure module (no Rasa imports).
"""

from __future__ import annotations

from typing import Any

from product import channels

# The website chat asks for an e-mail address (optional) right after the phone number.
EMAIL_SLOT = "email"
EMAIL_AFTER = "phone"


def channel_of(input_channel: Any, sender_id: str) -> str:
    """The channel of a conversation: the input channel Rasa recorded with the customer's
    latest message when it is one of ours, else the one the conversation id names (news from
    the backend, Rasa's REST channel in tests: the channels name their ids so that it tells)."""
    return channels.supported(input_channel) or channels.of_conversation(sender_id)


def locale_of(metadata: Any) -> str | None:
    """The locale ("de-CH", "en_GB") in one message's metadata: every channel's
    ``metadata.locale`` (issue 15), else Messenger's older ``metadata.messenger.locale``, which
    Messenger keeps sending."""
    if not isinstance(metadata, dict):
        return None
    found = metadata.get("locale")
    if isinstance(found, str) and found:
        return found
    messenger = metadata.get("messenger")
    found = messenger.get("locale") if isinstance(messenger, dict) else None
    return found if isinstance(found, str) and found else None


def form_slots(domain_slots: list[str], channel: str) -> list[str]:
    """job_form's questions on ``channel``: domain.yml's list, and on the website chat the
    e-mail address after the phone number. On Messenger it is domain.yml's own list, and
    rasa-sdk then leaves the next question to Rasa exactly as before channels existed."""
    if channel != channels.WEBCHAT or EMAIL_SLOT in domain_slots:
        return domain_slots
    if EMAIL_AFTER not in domain_slots:
        return [*domain_slots, EMAIL_SLOT]
    at = domain_slots.index(EMAIL_AFTER) + 1
    return [*domain_slots[:at], EMAIL_SLOT, *domain_slots[at:]]
