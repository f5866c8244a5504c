"""product/channels.py: the channels' words are append-only and every conversation id tells
its channel."""

from __future__ import annotations

from product.channels import (
    CHANNELS,
    MESSENGER,
    WEBCHAT,
    WEBCHAT_ID_PREFIX,
    WHATSAPP,
    WHATSAPP_ID_PREFIX,
    of_conversation,
    supported,
)


def test_the_words_are_appended_never_moved() -> None:
    assert CHANNELS[:3] == ("messenger", "webchat", "whatsapp")
    assert len(set(CHANNELS)) == len(CHANNELS)
    assert supported("whatsapp") == WHATSAPP
    assert supported("sms") is None


def test_every_channel_has_its_own_conversation_ids() -> None:
    assert of_conversation("7654321098765432") == MESSENGER
    assert of_conversation(WEBCHAT_ID_PREFIX + "0" * 32) == WEBCHAT
    assert of_conversation(WHATSAPP_ID_PREFIX + "41791234567") == WHATSAPP
    # Neither prefix starts the other, and a PSID (digits) never starts with either.
    assert not WEBCHAT_ID_PREFIX.startswith(WHATSAPP_ID_PREFIX)
    assert not WHATSAPP_ID_PREFIX.startswith(WEBCHAT_ID_PREFIX)
    assert not any(c.isdigit() for c in WHATSAPP_ID_PREFIX + WEBCHAT_ID_PREFIX)
