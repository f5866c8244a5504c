"""Who a WhatsApp person is: their wa_id (the phone number's digits, no plus), its E.164
form, and the Rasa conversation id made from it (product.channels.WHATSAPP_ID_PREFIX)."""

from __future__ import annotations

import re
from typing import TypeGuard

from product.channels import WHATSAPP_ID_PREFIX

# E.164: a country code and the national number, at most 15 digits, never a leading zero.
_WA_ID = re.compile(r"[1-9][0-9]{6,14}")


def is_wa_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and _WA_ID.fullmatch(value) is not None


def phone_of(wa_id: str) -> str:
    """``"41791234567"`` → ``"+41791234567"``: the number WhatsApp gives, in E.164.

    WhatsApp's ids are the digits of the number; anything else (a plus, spaces, letters, too
    few or too many digits) is a ValueError rather than a number nobody can call."""
    if not is_wa_id(wa_id):
        raise ValueError(f"not a WhatsApp id (7 to 15 digits, no plus): {wa_id!r}")
    return "+" + wa_id


def conversation_id(wa_id: str) -> str:
    """The Rasa conversation (sender) id of a WhatsApp customer: ``"wa-41791234567"``."""
    if not is_wa_id(wa_id):
        raise ValueError(f"not a WhatsApp id (7 to 15 digits, no plus): {wa_id!r}")
    return WHATSAPP_ID_PREFIX + wa_id


def wa_id_of(conversation: str) -> str | None:
    """The wa_id a conversation id was made from, None for another channel's id."""
    if not conversation.startswith(WHATSAPP_ID_PREFIX):
        return None
    wa_id = conversation.removeprefix(WHATSAPP_ID_PREFIX)
    return wa_id if is_wa_id(wa_id) else None
