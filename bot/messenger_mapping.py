"""Pure parts of the Messenger channel (no Rasa imports, so the backend venv can test them)."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Iterable

from messenger_platform.events import InboundEvent

DEDUPE_SECONDS = 24 * 3600
DEDUPE_MAX = 100_000


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
        return "/share_image" + json.dumps({"image_url": event.attachment_url})
    if event.kind == "sticker":
        return "/sticker"
    return None


class RecentKeys:
    """Event keys seen recently, so Meta's redeliveries are not answered twice."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, key: str) -> bool:
        now = time.monotonic()
        while self._seen and (
            len(self._seen) > DEDUPE_MAX or next(iter(self._seen.values())) < now - DEDUPE_SECONDS
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True
