"""Webhook bodies shaped like the ones Meta POSTs to a page's webhook, and their signatures.

The simulator uses these to play the customer or the Friend; tests reuse them to send signed
webhooks without a browser.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

from messenger_platform import signature

JSON = dict[str, Any]

# Meta still sends the legacy SHA-1 header next to the SHA-256 one, and Rasa's stock
# Messenger channel only checks the legacy one; sending both keeps either receiver honest.
LEGACY_HEADER = "X-Hub-Signature"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_mid() -> str:
    return f"m_{uuid.uuid4().hex}"


def _event(sender: str, page_id: str, timestamp: int | None) -> JSON:
    return {
        "sender": {"id": sender},
        "recipient": {"id": page_id},
        "timestamp": now_ms() if timestamp is None else timestamp,
    }


def text_event(
    sender: str, page_id: str, text: str, *, mid: str | None = None, timestamp: int | None = None
) -> JSON:
    message = {"mid": mid or new_mid(), "text": text}
    return {**_event(sender, page_id, timestamp), "message": message}


def quick_reply_event(
    sender: str,
    page_id: str,
    text: str,
    payload: str,
    *,
    mid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    # Meta sends the tapped quick reply's title as text alongside its payload.
    message = {"mid": mid or new_mid(), "text": text, "quick_reply": {"payload": payload}}
    return {**_event(sender, page_id, timestamp), "message": message}


def postback_event(
    sender: str,
    page_id: str,
    payload: str,
    title: str = "",
    *,
    mid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    postback = {"title": title, "payload": payload, "mid": mid or new_mid()}
    return {**_event(sender, page_id, timestamp), "postback": postback}


def location_event(
    sender: str,
    page_id: str,
    lat: float,
    long: float,
    *,
    mid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    attachment = {"type": "location", "payload": {"coordinates": {"lat": lat, "long": long}}}
    message = {"mid": mid or new_mid(), "attachments": [attachment]}
    return {**_event(sender, page_id, timestamp), "message": message}


def image_event(
    sender: str,
    page_id: str,
    url: str,
    *,
    mid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    """A photo the person sent; Meta hosts it and passes its (expiring) URL."""
    attachment = {"type": "image", "payload": {"url": url}}
    message = {"mid": mid or new_mid(), "attachments": [attachment]}
    return {**_event(sender, page_id, timestamp), "message": message}


def page_body(page_id: str, events: Sequence[JSON], *, time_ms: int | None = None) -> JSON:
    """One entry for the page carrying `events`, as Meta batches them."""
    entry = {"id": page_id, "time": now_ms() if time_ms is None else time_ms}
    return {"object": "page", "entry": [{**entry, "messaging": list(events)}]}


def signature_headers(raw: bytes, app_secret: str) -> dict[str, str]:
    legacy = hmac.new(app_secret.encode(), raw, hashlib.sha1).hexdigest()
    return {
        "Content-Type": "application/json",
        signature.HEADER: signature.sign(raw, app_secret),
        LEGACY_HEADER: f"sha1={legacy}",
    }


def encode_signed(body: JSON, app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The exact bytes to POST and the headers that authenticate them.

    The signature covers these bytes, so send `raw` as-is (`data=raw`), never re-serialise.
    """
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return raw, signature_headers(raw, app_secret)
