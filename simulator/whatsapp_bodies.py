"""Webhook bodies shaped like the ones Meta POSTs for a WhatsApp Business number.

`object: "whatsapp_business_account"`, one entry with one change (`field: "messages"`) whose
`value` carries `metadata` (the business number), `contacts` (the person's wa_id and profile
name) and either `messages` (what the person sent) or `statuses` (what became of a message we
sent). Signed like Messenger's (X-Hub-Signature-256): use webhook_bodies.encode_signed.
"""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

JSON = dict[str, Any]
OBJECT = "whatsapp_business_account"
WABA_ID = "102290129340398"  # the business account every change comes from in the demo
VOICE_MIME = "audio/ogg; codecs=opus"


def new_wamid() -> str:
    """A message id like Meta's: "wamid." and about 56 base64 characters."""
    return "wamid." + base64.b64encode(secrets.token_bytes(42)).decode()


def now_s() -> int:
    return int(time.time())


def body(
    phone_number_id: str,
    display_number: str,
    *,
    messages: list[JSON] | None = None,
    statuses: list[JSON] | None = None,
    contacts: list[JSON] | None = None,
) -> JSON:
    value: JSON = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": display_number, "phone_number_id": phone_number_id},
    }
    if contacts:
        value["contacts"] = contacts
    if messages is not None:
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    change = {"value": value, "field": "messages"}
    return {"object": OBJECT, "entry": [{"id": WABA_ID, "changes": [change]}]}


def contact(wa_id: str, name: str) -> JSON:
    return {"profile": {"name": name}, "wa_id": wa_id}


def message_body(
    phone_number_id: str, display_number: str, wa_id: str, name: str, message: JSON
) -> JSON:
    """One message of a person, with their contact, as Meta delivers it."""
    return body(
        phone_number_id, display_number, messages=[message], contacts=[contact(wa_id, name)]
    )


def _message(
    wa_id: str, kind: str, part: JSON | None, wamid: str | None, timestamp: int | None
) -> JSON:
    message: JSON = {
        "from": wa_id,
        "id": wamid or new_wamid(),
        "timestamp": str(now_s() if timestamp is None else timestamp),
        "type": kind,
    }
    if part is not None:
        message[kind] = part
    return message


def _with_context(message: JSON, display_number: str, context_id: str) -> JSON:
    if context_id:
        message["context"] = {"from": display_number, "id": context_id}
    return message


def text_message(
    wa_id: str, text: str, *, wamid: str | None = None, timestamp: int | None = None
) -> JSON:
    return _message(wa_id, "text", {"body": text}, wamid, timestamp)


def button_reply(
    wa_id: str,
    reply_id: str,
    title: str,
    *,
    display_number: str = "",
    context_id: str = "",
    wamid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    """A tap on an interactive reply button."""
    interactive = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    message = _message(wa_id, "interactive", interactive, wamid, timestamp)
    return _with_context(message, display_number, context_id)


def list_reply(
    wa_id: str,
    row_id: str,
    title: str,
    description: str = "",
    *,
    display_number: str = "",
    context_id: str = "",
    wamid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    """A row chosen in an interactive list."""
    row: JSON = {"id": row_id, "title": title}
    if description:
        row["description"] = description
    interactive = {"type": "list_reply", "list_reply": row}
    message = _message(wa_id, "interactive", interactive, wamid, timestamp)
    return _with_context(message, display_number, context_id)


def template_button(
    wa_id: str,
    payload: str,
    text: str,
    *,
    display_number: str = "",
    context_id: str = "",
    wamid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    """A tap on a template's quick-reply button (type "button", not "interactive")."""
    message = _message(wa_id, "button", {"payload": payload, "text": text}, wamid, timestamp)
    return _with_context(message, display_number, context_id)


def location_message(
    wa_id: str,
    latitude: float,
    longitude: float,
    name: str = "",
    address: str = "",
    *,
    wamid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    location: JSON = {"latitude": latitude, "longitude": longitude}
    if name:
        location["name"] = name
    if address:
        location["address"] = address
    return _message(wa_id, "location", location, wamid, timestamp)


def media_message(
    wa_id: str,
    kind: str,
    media_id: str,
    mime_type: str,
    sha256: str,
    *,
    caption: str = "",
    filename: str = "",
    voice: bool = False,
    wamid: str | None = None,
    timestamp: int | None = None,
) -> JSON:
    """An image, audio (a voice message with `voice`), video, document or sticker: Meta sends
    its media id; GET /{version}/{media_id} gives the download URL."""
    part: JSON = {"mime_type": mime_type, "sha256": sha256, "id": media_id}
    if caption:
        part["caption"] = caption
    if filename:
        part["filename"] = filename
    if kind == "audio":
        part["voice"] = voice
    return _message(wa_id, kind, part, wamid, timestamp)


def status(
    wamid: str,
    state: str,
    wa_id: str,
    *,
    timestamp: int | None = None,
    errors: list[JSON] | None = None,
    template: bool = False,
) -> JSON:
    """What became of a message we sent: sent, delivered, read, or failed with `errors`."""
    item: JSON = {
        "id": wamid,
        "status": state,
        "timestamp": str(now_s() if timestamp is None else timestamp),
        "recipient_id": wa_id,
    }
    if state in ("sent", "delivered"):
        category = "utility" if template else "service"
        item["conversation"] = {
            "id": secrets.token_hex(16),
            "origin": {"type": category},
        }
        item["pricing"] = {"billable": True, "pricing_model": "CBP", "category": category}
    if errors:
        item["errors"] = errors
    return item


def status_body(phone_number_id: str, display_number: str, item: JSON) -> JSON:
    return body(phone_number_id, display_number, statuses=[item])
