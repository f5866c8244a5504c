"""The JSON API's schemas for the OpenAPI document: one named table per body the API reads or
writes, and the helpers that refer to them from an operation."""

from __future__ import annotations

from typing import Any

from backend.domain.friends import FRIEND_STATUSES
from backend.domain.jobs import STATUSES
from backend.domain.media import CONTENT_TYPES as MEDIA_TYPES
from backend.domain.media import KINDS as MEDIA_KINDS
from backend.domain.statuses import FriendStatus
from product.categories import CATEGORIES
from product.channels import CHANNELS
from product.countries import COUNTRY_CODES, CURRENCIES
from product.languages import DEFAULT_LANGUAGE, LANGUAGES

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(name: str, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": ref(name)}}}


def array_response(name: str, description: str) -> Schema:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"type": "array", "items": ref(name)}}},
    }


def body(schema: Schema) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def enum(values: tuple[str, ...] | list[str]) -> Schema:
    return {"type": "string", "enum": list(values)}


def strings(*names: str) -> Schema:
    """Properties that are plain strings."""
    return {name: {"type": "string"} for name in names}


def obj(properties: Schema, required: tuple[str, ...] = (), **more: Any) -> Schema:
    """An object with these properties, these of them required."""
    found: Schema = (
        {"type": "object", "required": list(required)} if required else {"type": "object"}
    )
    return found | more | {"properties": properties}


INTEGER: Schema = {"type": "integer"}
CUSTOMER_ID = "the customer's id on the channel (the bot's conversation id): a PSID, web-<hex>"
NULLABLE_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
TIME: Schema = {"type": "string", "format": "date-time"}
MONEY: Schema = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}

PLACE: Schema = {
    "type": "object",
    "properties": {
        "country": enum(COUNTRY_CODES),
        "postal_code": {"type": "string"},
        "city": {"type": "string"},
        "latitude": {"type": "number"},
        "longitude": {"type": "number"},
    },
}

WINDOW: Schema = {
    "type": "object",
    "required": ["start", "end"],
    "properties": {"start": TIME, "end": TIME},
}

# A photo or voice message: {PUBLIC_BASE_URL}/media/<32 hex> (http when the backend runs so),
# else an https link.
MEDIA_LINK: Schema = {
    "type": "string",
    "format": "uri",
    "maxLength": 2000,
    "anyOf": [{"pattern": "^https://"}, {"pattern": "/media/[0-9a-f]{32}$"}],
}

JOB_REQUEST: Schema = {
    "type": "object",
    "required": ["category", "description", "country", "postal_code", "customer"],
    "properties": {
        "category": enum(CATEGORIES),
        "description": {"type": "string", "maxLength": 2000},
        "package": {"type": "string", "default": "quick_help"},
        "country": enum(COUNTRY_CODES),
        "postal_code": {"type": "string"},
        "street": {"type": "string"},
        "device": {"type": "string"},
        "brand": {"type": "string"},
        "time_window": {
            "oneOf": [WINDOW, {"type": "null"}],
            "description": "omitted or null: as soon as possible (the next 24 hours)",
        },
        "image_urls": {
            "type": "array",
            "maxItems": 5,
            "items": MEDIA_LINK,
            "description": "photos the customer sent: the backend's own media URLs "
            "(POST /api/v1/media) or https links; the offered Friends see them",
        },
        "voice_urls": {
            "type": "array",
            "maxItems": 5,
            "items": MEDIA_LINK,
            "description": "voice messages the customer sent, as image_urls",
        },
        "customer": {
            "type": "object",
            "required": ["name", "phone"],
            # Who: channel + id, or (Messenger only, the form from before channels) psid.
            "anyOf": [{"required": ["channel", "id"]}, {"required": ["psid"]}],
            "properties": {
                "channel": enum(CHANNELS),
                "id": {"type": "string", "maxLength": 64, "description": CUSTOMER_ID},
                "psid": {
                    "type": "string",
                    "maxLength": 64,
                    "description": "Messenger id on the customers' page (= channel messenger)",
                },
                "name": {"type": "string"},
                "phone": {"type": "string", "description": "normalised to E.164"},
                "language": enum(LANGUAGES) | {"default": DEFAULT_LANGUAGE},
                "email": {
                    "type": "string",
                    "format": "email",
                    "description": "optional; news about the job goes there too",
                },
            },
        },
    },
}

_RATING: Schema = {"type": ["number", "null"]}
_STEPS = ("claimed", "contact_deadline", "contacted", "completed", "cancelled", "unassigned")

JOB: Schema = {
    "type": "object",
    "properties": {
        "reference": {"type": "string", "example": "TF-7K2Q"},
        "status": enum(STATUSES),
        "category": enum(CATEGORIES),
        **strings("description", "device", "brand", "package"),
        **strings("country", "postal_code", "city", "street"),
        "channel": enum(CHANNELS) | {"description": "the door the job came through"},
        "status_url": {
            "type": ["string", "null"],
            "format": "uri",
            "description": "the customer's private status page (PUBLIC_BASE_URL/b/<token>)",
        },
        "time_window": WINDOW,
        "customer": {
            "type": "object",
            "properties": {
                **strings("channel", "id", "name", "phone", "language", "email"),
                "psid": {"type": ["string", "null"], "description": "Messenger customers only"},
            },
        },
        "assigned_friend": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {
                        "messenger_id": {"type": "string"},
                        "name": {"type": "string"},
                        "rating": _RATING,
                    },
                },
                {"type": "null"},
            ]
        },
        "friend": {
            "description": "what the customer may see of the assigned Friend",
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"first_name": {"type": "string"}, "rating": _RATING},
                },
                {"type": "null"},
            ],
        },
        "image_urls": {"type": "array", "items": {"type": "string"}},
        "voice_urls": {"type": "array", "items": {"type": "string"}},
        "wave": {"type": "integer", "description": "offer waves sent so far"},
        "created_at": TIME,
        # When each step of the lifecycle happened; null until it has.
        **{f"{step}_at": NULLABLE_TIME for step in _STEPS},
    },
}

FRIEND: Schema = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        **strings("name", "messenger_id", "postal_code", "country"),
        "radius_km": {"type": "number"},
        "skills": {"type": "array", "items": {"type": "string"}},
        "languages": {"type": "array", "items": {"type": "string"}},
        "status": enum(FRIEND_STATUSES),
        "online": {"type": "boolean", "description": "offers go only to online Friends"},
        "phone": {"type": "string", "description": "E.164, given at sign-up by chat"},
        "iban": {"type": "string", "description": "where payouts go; compact form"},
        "vat": {"type": "object", "description": "VAT status per country"},
        "rating": _RATING,
        "rating_count": INTEGER,
        "reliability": {"type": "number", "minimum": 0, "maximum": 1},
        "counters": {
            "type": "object",
            "additionalProperties": INTEGER,
            "description": "claims, contacted_in_time, missed_deadlines, hand_backs, "
            "declines, completed_jobs",
        },
    },
}

FRIEND_REQUEST: Schema = {
    "type": "object",
    "required": ["name", "messenger_id", "postal_code", "country", "skills"],
    "properties": {
        "name": {"type": "string"},
        "messenger_id": {"type": "string", "description": "id on the Friends' page"},
        "postal_code": {"type": "string"},
        "country": enum(COUNTRY_CODES),
        "radius_km": {"type": "number", "minimum": 1, "maximum": 100, "default": 15},
        "skills": {"type": "array", "items": enum(CATEGORIES)},
        "languages": {"type": "array", "items": enum(LANGUAGES)},
        "status": enum(FRIEND_STATUSES) | {"default": str(FriendStatus.APPLICANT)},
        "iban": {"type": "string", "maxLength": 34, "description": "checked (ISO 13616)"},
        "vat": {"type": "object", "description": 'per country: {"DE": {"registered": true}}'},
    },
}

LEDGER_ENTRY: Schema = {
    "type": "object",
    "description": "price = package + extra time; commission = 20% of the price rounded "
    "half-up to the cent; payout = price - commission",
    "properties": {
        "id": INTEGER,
        **strings("job_reference"),
        "friend_id": INTEGER,
        **strings("friend_name", "package"),
        "extra_minutes": INTEGER,
        "currency": enum(CURRENCIES),
        "price": MONEY,
        "commission": MONEY,
        "payout": MONEY,
        "paid_via": enum(["cash", "platform"]),
        "created_at": TIME,
    },
}

SUPPORT_ALERT: Schema = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "kind": enum(
            [
                "nobody_found",
                "missed_deadline",
                "handed_back",
                "customer_not_told",
                "customer_not_mailed",
                "customer_unreachable",
                "friend_not_reachable",
                "whatsapp_template_broken",
            ]
        ),
        "job_reference": {"type": ["string", "null"]},
        "friend_id": {"type": ["integer", "null"]},
        "detail": {"type": "object"},
        "created_at": TIME,
        "resolved_at": NULLABLE_TIME,
    },
}

MEDIA: Schema = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
        "url": {"type": "string", "format": "uri", "description": "PUBLIC_BASE_URL/media/<id>"},
        "kind": enum(MEDIA_KINDS),
        "content_type": enum(MEDIA_TYPES),
        "bytes": INTEGER,
    },
}

ERROR: Schema = {"type": "object", "properties": {"error": {"type": "string"}}}

VALIDATION: Schema = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}

COMPONENTS: Schema = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
        "Job": JOB,
        "JobRequest": JOB_REQUEST,
        "Place": PLACE,
        "FriendRequest": FRIEND_REQUEST,
        "Friend": FRIEND,
        "LedgerEntry": LEDGER_ENTRY,
        "SupportAlert": SUPPORT_ALERT,
        "Media": MEDIA,
        "Error": ERROR,
    },
    "responses": {
        "Error": json_response("Error", "error with a reason"),
        "Validation": {
            "description": "field-level validation messages",
            "content": {"application/json": {"schema": VALIDATION}},
        },
    },
}
