"""Turn a click or a typed line in the simulator into a signed webhook POST to our code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import aiohttp

from messenger_platform.events import MAX_ID
from simulator import webhook_bodies as wb
from simulator.settings import PAGES, PageConfig, WhatsAppNumber

JSON = dict[str, Any]
MAX_IMAGE_URL = 2000


@dataclass(frozen=True)
class SendRequest:
    page: str
    sender: str
    kind: str  # text | quick_reply | postback | location | image
    text: str = ""
    payload: str = ""
    lat: float = 0.0
    long: float = 0.0
    image_url: str = ""

    def event(self, page_id: str, mid: str) -> JSON:
        if self.kind == "postback":
            return wb.postback_event(self.sender, page_id, self.payload, self.text, mid=mid)
        if self.kind == "location":
            return wb.location_event(self.sender, page_id, self.lat, self.long, mid=mid)
        if self.kind == "image":
            return wb.image_event(self.sender, page_id, self.image_url, mid=mid)
        if self.kind == "quick_reply":
            return wb.quick_reply_event(self.sender, page_id, self.text, self.payload, mid=mid)
        return wb.text_event(self.sender, page_id, self.text, mid=mid)

    def display_text(self) -> str:
        if self.kind == "location":
            return f"📍 Location {self.lat:.4f}, {self.long:.4f}"
        if self.kind == "image":
            return f"📷 Photo {self.image_url}"
        return self.text or self.payload


class SendRequestError(ValueError):
    """The browser (or a test) asked for something Messenger could not have sent."""


def _optional_str(data: JSON, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SendRequestError(f"{key} must be a string")
    return value


def _coordinate(location: JSON, key: str, limit: float) -> float:
    value = location.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SendRequestError(f"location.{key} must be a number")
    if not math.isfinite(value) or abs(value) > limit:
        raise SendRequestError(f"location.{key} is out of range")
    return float(value)


def parse_send_request(data: Any, own_origin: str = "") -> SendRequest:
    """`own_origin`: the simulator's own http://host:port, whose demo photo may be sent too."""
    if not isinstance(data, dict):
        raise SendRequestError("expected a JSON object")
    page, sender = data.get("page"), data.get("sender")
    if page not in PAGES:
        raise SendRequestError(f"page must be one of {', '.join(PAGES)}")
    # As long as a page-scoped id may be: our webhooks refuse longer ones.
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_ID:
        raise SendRequestError(f"sender must be a non-empty id of at most {MAX_ID}")
    sender = sender.strip()
    text = _optional_str(data, "text")
    quick_reply = _optional_str(data, "quick_reply_payload")
    postback = _optional_str(data, "postback_payload")
    title = _optional_str(data, "postback_title") or ""
    location = data.get("location")
    image_url = _optional_str(data, "image_url")

    # A real person produces exactly one kind of event per tap.
    kinds = {
        "message": text or quick_reply,
        "postback": postback,
        "location": location,
        "image": image_url,
    }
    given = [k for k, v in kinds.items() if v is not None and v != ""]
    if len(given) > 1:
        raise SendRequestError(f"send one of text, postback, location or image, not {given}")
    if postback:
        return SendRequest(page, sender, "postback", text=title, payload=postback)
    if location is not None:
        if not isinstance(location, dict):
            raise SendRequestError("location must be an object with lat and long")
        lat, long = _coordinate(location, "lat", 90), _coordinate(location, "long", 180)
        return SendRequest(page, sender, "location", lat=lat, long=long)
    if image_url:
        # Meta hands out https links to the photos it hosts; the simulator hosts its demo
        # photo itself, over plain http on this machine.
        own = bool(own_origin) and image_url.startswith(own_origin.rstrip("/") + "/")
        if not (image_url.startswith("https://") or own) or len(image_url) > MAX_IMAGE_URL:
            raise SendRequestError(f"image_url must be an https URL of at most {MAX_IMAGE_URL}")
        return SendRequest(page, sender, "image", image_url=image_url)
    if quick_reply:
        # Messenger always sends the tapped quick reply's title as the text.
        shown = text or quick_reply
        return SendRequest(page, sender, "quick_reply", text=shown, payload=quick_reply)
    if text and text.strip():
        return SendRequest(page, sender, "text", text=text)
    raise SendRequestError(
        "nothing to send: give text, quick_reply_payload, postback, location or image_url"
    )


@dataclass(frozen=True)
class Delivery:
    status: int
    response_text: str


async def deliver(
    session: aiohttp.ClientSession, page: PageConfig | WhatsAppNumber, body: JSON
) -> Delivery:
    """POST the signed body to the page's (or number's) webhook; aiohttp.ClientError if
    unreachable.

    The timeout is the session's, so one setting covers every delivery.
    """
    raw, headers = wb.encode_signed(body, page.app_secret)
    async with session.post(page.webhook_url, data=raw, headers=headers) as resp:
        text = await resp.text(errors="replace")
        return Delivery(resp.status, text[:2000])
