"""Turn one webhook POST (possibly a batch of entries and events) into plain inbound events."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

MAX_BODY_BYTES = 1024 * 1024


class MalformedWebhook(ValueError):
    """The body is not a Messenger page webhook; answered with 400."""


@dataclass(frozen=True)
class InboundEvent:
    sender_id: str
    recipient_id: str
    timestamp: int
    kind: str  # text | quick_reply | postback | location | image | sticker | other
    text: str = ""
    payload: str = ""
    mid: str = ""
    latitude: float | None = None
    longitude: float | None = None
    attachment_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The event without Meta's raw payload, for storing until it is handled."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "raw"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InboundEvent:
        known = {f.name for f in fields(cls)} - {"raw"}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def dedupe_key(self) -> str:
        # Postbacks may come without a mid; sender, time and payload identify a redelivery.
        if self.mid:
            return f"mid:{self.mid}"
        return f"pb:{self.sender_id}:{self.timestamp}:{self.payload}"


def parse_body(body: bytes) -> list[InboundEvent]:
    """Every event of every entry, in delivery order; echoes, deliveries and reads dropped."""
    if len(body) > MAX_BODY_BYTES:
        raise MalformedWebhook("body larger than 1 MiB")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedWebhook(f"body is not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("object") != "page":
        raise MalformedWebhook("expected an object of type 'page'")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise MalformedWebhook("expected a list under 'entry'")
    events: list[InboundEvent] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise MalformedWebhook("every entry must be an object")
        for item in entry.get("messaging") or []:
            if not isinstance(item, dict):
                raise MalformedWebhook("every messaging event must be an object")
            event = _parse_event(item)
            if event is not None:
                events.append(event)
    return events


def _parse_event(item: dict[str, Any]) -> InboundEvent | None:
    sender = str((item.get("sender") or {}).get("id") or "")
    recipient = str((item.get("recipient") or {}).get("id") or "")
    if not sender:
        return None
    try:
        timestamp = int(item.get("timestamp") or 0)
    except (TypeError, ValueError):
        timestamp = 0
    base: dict[str, Any] = {
        "sender_id": sender,
        "recipient_id": recipient,
        "timestamp": timestamp,
        "raw": item,
    }

    postback = item.get("postback")
    if isinstance(postback, dict):
        return InboundEvent(
            kind="postback",
            payload=str(postback.get("payload") or ""),
            text=str(postback.get("title") or ""),
            mid=str(postback.get("mid") or ""),
            **base,
        )
    message = item.get("message")
    if not isinstance(message, dict) or message.get("is_echo"):
        return None  # deliveries, reads, echoes and other notifications
    mid = str(message.get("mid") or "")
    quick_reply = message.get("quick_reply")
    if isinstance(quick_reply, dict) and quick_reply.get("payload"):
        return InboundEvent(
            kind="quick_reply",
            payload=str(quick_reply["payload"]),
            text=str(message.get("text") or ""),
            mid=mid,
            **base,
        )
    if message.get("text"):
        return InboundEvent(kind="text", text=str(message["text"]), mid=mid, **base)
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        payload = attachment.get("payload") or {}
        kind = attachment.get("type")
        if kind == "location" and isinstance(payload.get("coordinates"), dict):
            coords = payload["coordinates"]
            try:
                lat, lon = float(coords["lat"]), float(coords["long"])
            except (KeyError, TypeError, ValueError):
                continue
            return InboundEvent(kind="location", latitude=lat, longitude=lon, mid=mid, **base)
        if kind == "image":
            if payload.get("sticker_id"):
                return InboundEvent(kind="sticker", mid=mid, **base)
            return InboundEvent(
                kind="image", attachment_url=str(payload.get("url") or ""), mid=mid, **base
            )
    if message.get("sticker_id"):
        return InboundEvent(kind="sticker", mid=mid, **base)
    return InboundEvent(kind="other", mid=mid, **base)
