"""Simulated webhooks look like Meta's and authenticate the way our receivers check."""

from __future__ import annotations

import hashlib
import hmac
import json

from messenger_platform import events, signature
from simulator import webhook_bodies as wb

SECRET = "app-secret"


def test_signed_body_verifies_with_the_shared_checker() -> None:
    body = wb.page_body("page-1", [wb.text_event("cust-1", "page-1", "Mein WLAN geht nicht")])

    raw, headers = wb.encode_signed(body, SECRET)

    assert signature.is_valid(raw, headers[signature.HEADER], SECRET)
    assert not signature.is_valid(raw, headers[signature.HEADER], "other-secret")
    assert not signature.is_valid(raw + b" ", headers[signature.HEADER], SECRET)
    legacy = hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
    assert headers[wb.LEGACY_HEADER] == f"sha1={legacy}"
    assert json.loads(raw) == body


def test_page_body_wraps_events_in_one_entry() -> None:
    event = wb.text_event("cust-1", "page-1", "hi", timestamp=1000)

    body = wb.page_body("page-1", [event], time_ms=2000)

    assert body == {
        "object": "page",
        "entry": [{"id": "page-1", "time": 2000, "messaging": [event]}],
    }


def test_text_event_shape() -> None:
    event = wb.text_event("cust-1", "page-1", "Grüezi", mid="m_1", timestamp=5)

    assert event == {
        "sender": {"id": "cust-1"},
        "recipient": {"id": "page-1"},
        "timestamp": 5,
        "message": {"mid": "m_1", "text": "Grüezi"},
    }


def test_quick_reply_event_carries_title_and_payload() -> None:
    event = wb.quick_reply_event("cust-1", "page-1", "Ja", "/affirm", mid="m_2")

    assert event["message"] == {"mid": "m_2", "text": "Ja", "quick_reply": {"payload": "/affirm"}}


def test_postback_event_shape() -> None:
    event = wb.postback_event("friend-anna", "friends-page", "CLAIM:42", "Annehmen", mid="m_3")

    assert event["postback"] == {"title": "Annehmen", "payload": "CLAIM:42", "mid": "m_3"}
    assert "message" not in event


def test_location_event_shape() -> None:
    event = wb.location_event("cust-1", "page-1", 52.52, 13.405, mid="m_4")

    assert event["message"] == {
        "mid": "m_4",
        "attachments": [
            {"type": "location", "payload": {"coordinates": {"lat": 52.52, "long": 13.405}}}
        ],
    }


def test_image_event_shape() -> None:
    event = wb.image_event("cust-1", "page-1", "https://cdn.example/p.jpg", mid="m_5")

    assert event["message"] == {
        "mid": "m_5",
        "attachments": [{"type": "image", "payload": {"url": "https://cdn.example/p.jpg"}}],
    }


def test_generated_mids_and_timestamps_are_filled_in() -> None:
    a, b = wb.text_event("c", "p", "x"), wb.text_event("c", "p", "x")

    assert a["message"]["mid"].startswith("m_")
    assert a["message"]["mid"] != b["message"]["mid"]
    assert a["timestamp"] > 1_600_000_000_000  # milliseconds, like Meta


def test_shared_parser_reads_every_kind_we_build() -> None:
    page = "page-1"
    body = wb.page_body(
        page,
        [
            wb.text_event("c", page, "hallo"),
            wb.quick_reply_event("c", page, "Ja", "/affirm"),
            wb.postback_event("c", page, "/get_started", "Get Started"),
            wb.location_event("c", page, 52.52, 13.405),
            wb.image_event("c", page, "https://cdn.example/p.jpg"),
        ],
    )
    raw, _ = wb.encode_signed(body, SECRET)

    parsed = events.parse_body(raw)

    assert [(e.kind, e.text, e.payload) for e in parsed] == [
        ("text", "hallo", ""),
        ("quick_reply", "Ja", "/affirm"),
        ("postback", "Get Started", "/get_started"),
        ("location", "", ""),
        ("image", "", ""),
    ]
    assert (parsed[3].latitude, parsed[3].longitude) == (52.52, 13.405)
    assert parsed[4].attachment_url == "https://cdn.example/p.jpg"
    assert all(e.sender_id == "c" and e.recipient_id == page for e in parsed)
