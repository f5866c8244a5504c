"""Turn one webhook POST (possibly a batch of entries and events) into plain inbound events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

MAX_BODY_BYTES = 1024 * 1024
# Meta's page-scoped ids are about 16 digits; the stores keep at most 64 characters.
MAX_ID = 64
# Longer redelivery keys are hashed: the stores' key columns are 300 characters wide.
MAX_KEY = 200


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
        key = (
            f"mid:{self.mid}"
            if self.mid
            else f"pb:{self.sender_id}:{self.timestamp}:{self.payload}"
        )
        if len(key) <= MAX_KEY:
            return key
        return f"sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def parse_body(body: bytes) -> list[InboundEvent]:
    """Every event of every entry, in delivery order; echoes, deliveries and reads dropped."""
    if len(body) > MAX_BODY_BYTES:
        raise MalformedWebhook("body larger than 1 MiB")
    try:
        # Meta sends UTF-8 (RFC 8259); json.loads would also guess UTF-16 and UTF-32.
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedWebhook(f"body is not UTF-8 JSON: {exc}") from exc
    except RecursionError as exc:
        raise MalformedWebhook("body is nested too deeply") from exc
    if not isinstance(data, dict) or data.get("object") != "page":
        raise MalformedWebhook("expected an object of type 'page'")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise MalformedWebhook("expected a list under 'entry'")
    events: list[InboundEvent] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise MalformedWebhook("every entry must be an object")
        messaging = entry.get("messaging") or []
        if not isinstance(messaging, list):
            raise MalformedWebhook("expected a list under 'messaging'")
        for item in messaging:
            if not isinstance(item, dict):
                raise MalformedWebhook("every messaging event must be an object")
            try:
                event = _parse_event(item)
            except (AttributeError, TypeError) as exc:  # a part of the wrong JSON type
                raise MalformedWebhook(
                    f"a messaging event has a part of the wrong type: {exc}"
                ) from exc
            if event is not None:
                _check_strings(event)
                events.append(event)
    return events


def _check_strings(event: InboundEvent) -> None:
    """Refuse what no Messenger user can send and no store can keep."""
    for name in ("sender_id", "recipient_id"):
        if len(getattr(event, name)) > MAX_ID:
            raise MalformedWebhook(f"{name} longer than {MAX_ID} characters")
    for name in ("sender_id", "recipient_id", "text", "payload", "mid", "attachment_url"):
        value: str = getattr(event, name)
        if "\x00" in value:
            raise MalformedWebhook(f"{name} contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedWebhook(f"{name} is not valid Unicode (a lone surrogate)") from exc


def _parse_event(item: dict[str, Any]) -> InboundEvent | None:
    sender = str((item.get("sender") or {}).get("id") or "")
    recipient = str((item.get("recipient") or {}).get("id") or "")
    if not sender:
        return None
    try:
        timestamp = int(item.get("timestamp") or 0)
    except (TypeError, ValueError, OverflowError):
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
        if not isinstance(message["text"], str):
            raise TypeError("a message's text must be a string")
        return InboundEvent(kind="text", text=message["text"], mid=mid, **base)
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
