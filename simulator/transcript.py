"""What each simulated person saw: their own messages and the page's sends, as chat items.

Outbound Graph bodies are turned into plain display items here, in Python, so the page's
JavaScript only draws and never interprets Messenger's message formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.fake_graph import RecordedCall

JSON = dict[str, Any]

# Messenger drops a typing indicator after 20 s unless the page renews it.
TYPING_TIMEOUT = timedelta(seconds=20)


@dataclass
class Inbound:
    """A message the simulator delivered to a webhook on behalf of a person."""

    seq: int
    at: datetime
    page: str
    psid: str
    kind: str  # text | quick_reply | postback | location | image
    text: str
    payload: str = ""
    # Filled in once the webhook answered; the message is logged before, to sort before replies.
    delivery_error: str = ""
    # A photo or voice message the person sent: {"type", "url"} for the phone to show.
    attachment: JSON | None = None

    def to_item(self) -> JSON:
        item = {**_blank_item(self.seq, self.at, "in"), "text": self.text}
        item["attachment"] = self.attachment
        notes = [self._note(), self.delivery_error]
        return {
            **item,
            "note": " · ".join(n for n in notes if n),
            "failed": bool(self.delivery_error),
        }

    def _note(self) -> str:
        if self.kind == "postback":
            return f"postback {self.payload}"
        if self.kind == "quick_reply":
            return f"quick reply {self.payload}"
        if self.kind in ("button_reply", "list_reply", "button"):
            return f"{self.kind.replace('_', ' ')} {self.payload}"
        return ""


class InboundLog:
    def __init__(self, seq: Iterator[int]) -> None:
        self._seq = seq
        self._items: list[Inbound] = []
        self.last_seq = 0

    def add(self, page: str, psid: str, kind: str, text: str, payload: str = "") -> Inbound:
        item = Inbound(next(self._seq), datetime.now(UTC), page, psid, kind, text, payload)
        self.last_seq = item.seq
        self._items.append(item)
        return item

    def for_person(self, page: str, psid: str, since: int = 0) -> list[Inbound]:
        return [i for i in self._items if i.page == page and i.psid == psid and i.seq > since]


def _blank_item(seq: int, at: datetime, direction: str) -> JSON:
    return {
        "seq": seq,
        "at": at.isoformat(),
        "direction": direction,
        "text": "",
        "note": "",
        "quick_replies": [],
        "buttons": [],
        "cards": [],
        "attachment": None,
        "failed": False,
    }


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


# The fields the chat shows of a button and of a quick reply, with Messenger's defaults.
_BUTTON = {"type": "postback", "title": "", "payload": "", "url": ""}
_QUICK_REPLY = {"content_type": "text", "title": "", "payload": ""}


def _strings(raw: Any, defaults: dict[str, str]) -> JSON:
    """`defaults`' fields of `raw`: its strings, the default where it has none."""
    raw = raw if isinstance(raw, dict) else {}
    return {key: _str(raw.get(key)) or default for key, default in defaults.items()}


def _buttons(raw: Any) -> list[JSON]:
    return [_strings(b, _BUTTON) for b in raw] if isinstance(raw, list) else []


def outbound_item(call: RecordedCall) -> JSON | None:
    """The chat item for a recorded send, or None for sender actions and non-message calls."""
    message = call.body.get("message")
    if not isinstance(message, dict):
        return None
    item = _blank_item(call.seq, call.at, "out")
    item["failed"] = call.status >= 400
    item["text"] = _str(message.get("text"))
    quick_replies = message.get("quick_replies")
    if isinstance(quick_replies, list):
        item["quick_replies"] = [_strings(q, _QUICK_REPLY) for q in quick_replies]
    attachment = message.get("attachment")
    if isinstance(attachment, dict):
        _add_attachment(item, attachment)
    return item


def _add_attachment(item: JSON, attachment: JSON) -> None:
    kind = _str(attachment.get("type"))
    payload = attachment.get("payload")
    payload = payload if isinstance(payload, dict) else {}
    if kind != "template":
        item["attachment"] = {"type": kind, "url": _str(payload.get("url"))}
        return
    template = _str(payload.get("template_type"))
    if template == "button":
        item["text"] = item["text"] or _str(payload.get("text"))
        item["buttons"] = _buttons(payload.get("buttons"))
    elif template == "generic":
        elements = payload.get("elements")
        item["cards"] = [
            {
                "title": _str(e.get("title")),
                "subtitle": _str(e.get("subtitle")),
                "image_url": _str(e.get("image_url")),
                "buttons": _buttons(e.get("buttons")),
            }
            for e in (elements if isinstance(elements, list) else [])
            if isinstance(e, dict)
        ]
    else:
        item["note"] = f"{template or 'unknown'} template (not rendered by the simulator)"


def is_typing(calls: list[RecordedCall], now: datetime | None = None) -> bool:
    """Whether the page's latest word to this person is a still-fresh typing_on."""
    relevant = [c for c in calls if "message" in c.body or "sender_action" in c.body]
    if not relevant:
        return False
    last = relevant[-1]
    fresh = (now or datetime.now(UTC)) - last.at < TYPING_TIMEOUT
    return last.body.get("sender_action") == "typing_on" and fresh
