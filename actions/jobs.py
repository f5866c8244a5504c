"""The job request the bot posts to the backend, and its idempotency key.

Pure module (no Rasa imports).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from product import channels
from product.languages import DEFAULT_LANGUAGE

DEFAULT_PACKAGE = "quick_help"
# Slots that make up one job; cleared after the job was posted or cancelled.
JOB_SLOTS = (
    "description",
    "category",
    "category_label",
    "device",
    "brand",
    "postal_code",
    "postal_code_options",
    "place_question_count",
    "country",
    "city",
    "package",
    "package_label",
    "package_options",
    "street",
    "time_window",
    "window_start",
    "window_end",
    "window_label",
    "customer_name",
    "phone",
    "phone_display",
    "email",
    "email_given",
    "consent",
    "consent_declined",
    "image_urls",
    "voice_urls",
    "phone_offer",
)
# Pictures and voice messages (actions/media.py): slot and job field have the same name.
MEDIA_FIELDS = ("image_urls", "voice_urls")
# Named by the sender id already (see idempotency_key).
_IDENTITY = ("channel", "id")
REQUIRED = (
    "description",
    "category",
    "country",
    "postal_code",
    "street",
    "window_start",
    "window_end",
    "customer_name",
    "phone",
    "consent",
)


def build_job_request(
    slots: dict[str, Any], sender_id: str, channel: str | None = None
) -> dict[str, Any]:
    """JSON body for ``POST /api/v1/jobs`` from the conversation's slots; ``channel`` defaults
    to the one the conversation id names."""
    start, end = slots.get("window_start"), slots.get("window_end")
    time_window = {"start": start, "end": end} if start and end else None
    request: dict[str, Any] = {
        "category": slots.get("category"),
        "description": slots.get("description"),
        "device": slots.get("device"),
        "brand": slots.get("brand"),
        "package": slots.get("package") or DEFAULT_PACKAGE,
        "country": slots.get("country"),
        "postal_code": slots.get("postal_code"),
        "street": slots.get("street"),
        "time_window": time_window,
        "customer": _customer(slots, sender_id, channel or channels.of_conversation(sender_id)),
    }
    # Only when there are some: the idempotency key of a job without any stays as it was.
    for field in MEDIA_FIELDS:
        urls = [url for url in slots.get(field) or [] if isinstance(url, str)]
        if urls:
            request[field] = urls
    return request


def _customer(slots: dict[str, Any], sender_id: str, channel: str) -> dict[str, Any]:
    """The customer is (channel, id on that channel); the id is the conversation's sender id."""
    customer: dict[str, Any] = {"channel": channel, "id": sender_id}
    if channel == channels.MESSENGER:
        # The backend's older form, which it still reads for Messenger: a bot released before
        # the backend that knows channels still books Messenger jobs.
        customer["psid"] = sender_id
    customer.update(
        name=slots.get("customer_name"),
        phone=slots.get("phone"),
        language=slots.get("language") or DEFAULT_LANGUAGE,
    )
    email = slots.get("email")
    # Only an address the customer gave (false: "No, thanks"; never asked on Messenger).
    if isinstance(email, str) and email:
        customer["email"] = email
    return customer


def missing_fields(slots: dict[str, Any]) -> list[str]:
    """Required slots that are empty (a job cannot be posted without them, nor without the
    customer's consent to pass name, phone and address to the Friend)."""
    return [name for name in REQUIRED if not slots.get(name)]


def idempotency_key(sender_id: str, request: dict[str, Any]) -> str:
    """Same conversation + same submitted values -> same key, so a double-tapped confirm or a
    retried POST never creates a second job.

    The customer's channel and id are left out of the hash: the sender id (in the key) already
    names both. So a Messenger job's key is the one it had before customers carried their
    channel, and a confirm retried across the release that added them finds its job."""
    customer = request.get("customer")
    if isinstance(customer, dict):
        details = {key: value for key, value in customer.items() if key not in _IDENTITY}
        request = {**request, "customer": details}
    canonical = json.dumps(
        {"sender_id": sender_id, "job": request},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
