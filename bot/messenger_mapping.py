"""Pure parts of the Messenger channel (no Rasa imports, so the backend venv can test them)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from messenger_platform.events import InboundEvent


def split_text(text: str, size: int) -> Iterable[str]:
    text = text or ""
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        yield text[:cut]
        text = text[cut:].lstrip("\n")
    if text:
        yield text


def event_to_text(event: InboundEvent) -> str | None:
    """What Rasa should read for a Messenger event; None for events it cannot use."""
    if event.kind == "text":
        return event.text
    if event.kind in ("quick_reply", "postback"):
        return event.payload or event.text
    if event.kind == "location":
        entities = {"latitude": event.latitude, "longitude": event.longitude}
        return "/share_location" + json.dumps(entities)
    if event.kind == "image":
        # The channel stores the photo first (bot/media_fetch.py) and passes the backend's URL
        # instead of this one; Meta's CDN URL expires.
        return "/share_image" + json.dumps({"image_url": event.attachment_url})
    if event.kind == "sticker":
        return "/sticker"
    return None
