"""How Messenger events become what Rasa reads, and how long texts are cut."""

from __future__ import annotations

import json

from bot.messenger_mapping import event_to_text, split_text
from messenger_platform.events import parse_body


def _events(*items: dict[str, object]) -> list[str | None]:
    body = json.dumps({"object": "page", "entry": [{"id": "p", "messaging": list(items)}]})
    return [event_to_text(e) for e in parse_body(body.encode())]


def test_events_become_text_or_intent_payloads() -> None:
    s = {"sender": {"id": "c"}, "timestamp": 1}
    texts = _events(
        s | {"message": {"mid": "1", "text": "Mein WLAN bricht ab"}},
        s | {"message": {"mid": "2", "text": "Ja", "quick_reply": {"payload": "/affirm"}}},
        s | {"postback": {"payload": "/get_started", "title": "Los geht's"}},
        s
        | {
            "message": {
                "mid": "3",
                "attachments": [
                    {"type": "location", "payload": {"coordinates": {"lat": 52.5, "long": 13.4}}}
                ],
            }
        },
        s
        | {
            "message": {
                "mid": "4",
                "attachments": [{"type": "image", "payload": {"url": "https://x/y.jpg"}}],
            }
        },
        s | {"message": {"mid": "5", "sticker_id": 369239263222822, "attachments": []}},
        s | {"message": {"mid": "6", "attachments": [{"type": "audio", "payload": {}}]}},
    )
    assert texts == [
        "Mein WLAN bricht ab",
        "/affirm",
        "/get_started",
        '/share_location{"latitude": 52.5, "longitude": 13.4}',
        '/share_image{"image_url": "https://x/y.jpg"}',
        "/sticker",
        None,
    ]


def test_long_texts_are_split_at_line_breaks_within_the_limit() -> None:
    text = "\n".join(f"Zeile {i} " + "x" * 80 for i in range(60))
    parts = list(split_text(text, 2000))
    assert all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == text
    assert list(split_text("", 2000)) == []
