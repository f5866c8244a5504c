"""The job request the bot posts to the backend, and its idempotency key.

Pure module (no Rasa imports).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

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
    "country",
    "city",
    "customer_name",
    "phone",
    "phone_display",
)
REQUIRED = ("description", "category", "country", "postal_code", "customer_name", "phone")


def build_job_request(slots: dict[str, Any], sender_id: str) -> dict[str, Any]:
    """JSON body for ``POST /api/v1/jobs`` from the conversation's slots."""
    return {
        "category": slots.get("category"),
        "description": slots.get("description"),
        "device": slots.get("device"),
        "brand": slots.get("brand"),
        "package": DEFAULT_PACKAGE,
        "country": slots.get("country"),
        "postal_code": slots.get("postal_code"),
        "time_window": None,
        "customer": {
            "psid": sender_id,
            "name": slots.get("customer_name"),
            "phone": slots.get("phone"),
            "language": slots.get("language") or "de",
        },
    }


def missing_fields(slots: dict[str, Any]) -> list[str]:
    """Required slots that are empty (a job cannot be posted without them)."""
    return [name for name in REQUIRED if not slots.get(name)]


def idempotency_key(sender_id: str, request: dict[str, Any]) -> str:
    """Same conversation + same submitted values -> same key, so a double-tapped confirm or a
    retried POST never creates a second job."""
    canonical = json.dumps(
        {"sender_id": sender_id, "job": request},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
