"""What a valid Friend record looks like."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.domain.invoicing import validate_billing_details
from backend.domain.jobs import MAX_CHANNEL_ID, MAX_SHORT_TEXT
from backend.domain.statuses import FriendStatus
from product.categories import CATEGORIES
from product.countries import COUNTRY_CODES
from product.languages import DEFAULT_LANGUAGE, LANGUAGES

FRIEND_STATUSES: tuple[FriendStatus, ...] = tuple(FriendStatus)
MAX_RADIUS_KM = 100.0
# Column widths (backend/adapters/orm.py); a postal code is looked up, so 10 is plenty.
MAX_LENGTHS = {
    "name": MAX_SHORT_TEXT,
    "messenger_id": MAX_CHANNEL_ID,
    "postal_code": 10,
    "country": 2,
}


@dataclass(frozen=True)
class FriendRequest:
    name: str
    messenger_id: str
    postal_code: str
    country: str
    radius_km: float
    skills: list[str]
    languages: list[str]
    status: str
    # Where payouts go (checked by the use case) and the VAT status per country (invoices).
    iban: str = ""
    vat: dict[str, Any] = field(default_factory=dict)


def first_name(full_name: str) -> str:
    """What a customer (or a greeting) calls a Friend: "Anna Schmidt" → "Anna"."""
    return full_name.split()[0] if full_name.strip() else ""


def _choices(value: Any, allowed: tuple[str, ...], key: str, errors: dict[str, str]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        errors[key] = f"must be a non-empty list of: {', '.join(allowed)}"
        return []
    unknown = [v for v in value if v not in allowed]
    if unknown:
        errors[key] = f"unknown: {', '.join(unknown)}; allowed: {', '.join(allowed)}"
    return list(dict.fromkeys(value))


def validate_friend_request(data: Any) -> tuple[FriendRequest | None, dict[str, str]]:
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    strings: dict[str, str] = {}
    for key in ("name", "messenger_id", "postal_code", "country"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            errors[key] = "is required"
        elif len(value.strip()) > MAX_LENGTHS[key]:
            errors[key] = f"must be at most {MAX_LENGTHS[key]} characters"
        else:
            strings[key] = value.strip()
    country = strings.get("country", "").upper()
    if country and country not in COUNTRY_CODES:
        errors["country"] = f"must be one of {', '.join(COUNTRY_CODES)}"
    radius = data.get("radius_km", 15)
    if isinstance(radius, bool) or not isinstance(radius, int | float):
        errors["radius_km"] = "must be a number"
        radius = 0.0
    elif not 1 <= radius <= MAX_RADIUS_KM:
        errors["radius_km"] = f"must be between 1 and {MAX_RADIUS_KM:g}"
    skills = _choices(data.get("skills"), CATEGORIES, "skills", errors)
    languages = _choices(data.get("languages", [DEFAULT_LANGUAGE]), LANGUAGES, "languages", errors)
    status = data.get("status", FriendStatus.APPLICANT)
    if status not in FRIEND_STATUSES:
        errors["status"] = f"must be one of {', '.join(FRIEND_STATUSES)}"
    billing = validate_billing_details(data, errors)
    if errors:
        return None, errors
    return (
        FriendRequest(
            name=strings["name"],
            messenger_id=strings["messenger_id"],
            postal_code=strings["postal_code"],
            country=country,
            radius_km=float(radius),
            skills=skills,
            languages=languages,
            status=str(status),
            iban=billing.get("iban", ""),
            vat=billing.get("vat", {}),
        ),
        {},
    )


def validate_friend_update(data: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """What admin changes on a Friend: ``status``, ``iban``, ``vat`` (at least one), or
    field-level messages."""
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if "status" in data:
        if data["status"] not in FRIEND_STATUSES:
            errors["status"] = f"must be one of {', '.join(FRIEND_STATUSES)}"
        else:
            changes["status"] = str(data["status"])
    changes |= validate_billing_details(data, errors)
    unknown = sorted(set(data) - {"status", "iban", "vat"})
    errors |= {k: "cannot be changed here" for k in unknown}
    if not data and not errors:
        errors["status"] = "give status, iban or vat"
    return (None, errors) if errors else (changes, {})


def validate_friend_filters(query: dict[str, str]) -> tuple[dict[str, str] | None, dict[str, str]]:
    """Filters for the Friends list: status, skill, language, country (all optional)."""
    allowed = {
        "status": FRIEND_STATUSES,
        "skill": CATEGORIES,
        "language": LANGUAGES,
        "country": COUNTRY_CODES,
    }
    errors: dict[str, str] = {}
    filters: dict[str, str] = {}
    for key, value in query.items():
        if key not in allowed:
            continue  # unknown query parameters are ignored, as everywhere in the API
        if key == "country":
            value = value.upper()
        if value and value not in allowed[key]:
            errors[key] = f"must be one of {', '.join(allowed[key])}"
        elif value:
            filters[key] = value
    return (None, errors) if errors else (filters, {})
