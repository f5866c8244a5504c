"""whatsapp_platform.window and ids: the 24-hour window, E.164 numbers, conversation ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from product.channels import MESSENGER, WHATSAPP, of_conversation
from whatsapp_platform.ids import conversation_id, is_wa_id, phone_of, wa_id_of
from whatsapp_platform.window import closes_at, last_inbound_at, may_send_free_text, remaining

LAST = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def test_the_window_is_open_until_just_before_24_hours() -> None:
    assert may_send_free_text(LAST, LAST)
    assert may_send_free_text(LAST, LAST + timedelta(hours=23, minutes=59))
    assert may_send_free_text(LAST, LAST + timedelta(hours=24) - timedelta(microseconds=1))
    assert not may_send_free_text(LAST, LAST + timedelta(hours=24))
    assert not may_send_free_text(LAST, LAST + timedelta(days=3))
    assert not may_send_free_text(None, LAST)


def test_when_the_window_closes() -> None:
    assert closes_at(LAST) == LAST + timedelta(hours=24)
    assert closes_at(None) is None
    assert remaining(LAST, LAST + timedelta(hours=23)) == timedelta(hours=1)
    assert remaining(LAST, LAST + timedelta(hours=30)) == timedelta(0)
    assert remaining(None, LAST) == timedelta(0)
    assert last_inbound_at(1749416383) == datetime(2025, 6, 8, 20, 59, 43, tzinfo=UTC)


def test_phone_of_gives_e164() -> None:
    assert phone_of("41791234567") == "+41791234567"
    assert phone_of("4915112345678") == "+4915112345678"
    assert phone_of("16505551234") == "+16505551234"


@pytest.mark.parametrize(
    "bad",
    [
        "+41791234567",
        "041791234567",
        "41 79 123 45 67",
        "123456",
        "1" * 16,
        "",
        "４１７９１２３４５６７",
    ],
)
def test_phone_of_refuses_what_is_no_wa_id(bad: str) -> None:
    assert not is_wa_id(bad)
    with pytest.raises(ValueError, match="not a WhatsApp id"):
        phone_of(bad)


def test_conversation_ids_carry_the_number_and_tell_the_channel() -> None:
    sender = conversation_id("41791234567")
    assert sender == "wa-41791234567"
    assert of_conversation(sender) == WHATSAPP
    assert wa_id_of(sender) == "41791234567"
    assert wa_id_of("7654321098765432") is None  # a Messenger PSID
    assert wa_id_of("wa-+41") is None
    assert of_conversation("7654321098765432") == MESSENGER
    with pytest.raises(ValueError):
        conversation_id("+41791234567")
