"""The OpenAPI document for the JSON API (kept by hand next to the handlers it describes)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from backend.domain.friends import FRIEND_STATUSES
from backend.domain.jobs import STATUSES
from product.categories import CATEGORIES
from product.countries import COUNTRY_CODES as COUNTRIES
from product.languages import LANGUAGES

routes = web.RouteTableDef()

_ERROR = {"$ref": "#/components/responses/Error"}
_ERRORS = {
    "401": {"description": "missing or wrong bearer token", "$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Validation"},
}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _array(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema_ref}"}}
            }
        },
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _reference() -> dict[str, Any]:
    return {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}


def document() -> dict[str, Any]:
    place = {
        "type": "object",
        "properties": {
            "country": {"type": "string", "enum": list(COUNTRIES)},
            "postal_code": {"type": "string"},
            "city": {"type": "string"},
            "latitude": {"type": "number"},
            "longitude": {"type": "number"},
        },
    }
    window = {
        "type": "object",
        "required": ["start", "end"],
        "properties": {
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
        },
    }
    job_request = {
        "type": "object",
        "required": ["category", "description", "country", "postal_code", "customer"],
        "properties": {
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "description": {"type": "string", "maxLength": 2000},
            "package": {"type": "string", "default": "quick_help"},
            "country": {"type": "string", "enum": list(COUNTRIES)},
            "postal_code": {"type": "string"},
            "street": {"type": "string"},
            "device": {"type": "string"},
            "brand": {"type": "string"},
            "time_window": {
                "oneOf": [window, {"type": "null"}],
                "description": "omitted or null: as soon as possible (the next 24 hours)",
            },
            "image_urls": {
                "type": "array",
                "maxItems": 5,
                "items": {"type": "string", "format": "uri", "pattern": "^https://"},
                "description": "photos the customer sent (https); the winning Friend sees them",
            },
            "customer": {
                "type": "object",
                "required": ["psid", "name", "phone"],
                "properties": {
                    "psid": {
                        "type": "string",
                        "description": "Messenger id on the customers' page",
                    },
                    "name": {"type": "string"},
                    "phone": {"type": "string", "description": "normalised to E.164"},
                    "language": {"type": "string", "enum": list(LANGUAGES), "default": "de"},
                },
            },
        },
    }
    job = {
        "type": "object",
        "properties": {
            "reference": {"type": "string", "example": "TF-7K2Q"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "description": {"type": "string"},
            "device": {"type": "string"},
            "brand": {"type": "string"},
            "package": {"type": "string"},
            "country": {"type": "string"},
            "postal_code": {"type": "string"},
            "city": {"type": "string"},
            "street": {"type": "string"},
            "time_window": window,
            "customer": {
                "type": "object",
                "properties": {
                    "psid": {"type": "string"},
                    "name": {"type": "string"},
                    "phone": {"type": "string"},
                    "language": {"type": "string"},
                },
            },
            "assigned_friend": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "messenger_id": {"type": "string"},
                            "name": {"type": "string"},
                            "rating": {"type": ["number", "null"]},
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
                        "properties": {
                            "first_name": {"type": "string"},
                            "rating": {"type": ["number", "null"]},
                        },
                    },
                    {"type": "null"},
                ],
            },
            "image_urls": {"type": "array", "items": {"type": "string"}},
            "wave": {"type": "integer", "description": "offer waves sent so far"},
            "created_at": {"type": "string", "format": "date-time"},
            "claimed_at": {"type": ["string", "null"], "format": "date-time"},
            "contact_deadline_at": {"type": ["string", "null"], "format": "date-time"},
            "contacted_at": {"type": ["string", "null"], "format": "date-time"},
            "completed_at": {"type": ["string", "null"], "format": "date-time"},
            "cancelled_at": {"type": ["string", "null"], "format": "date-time"},
            "unassigned_at": {"type": ["string", "null"], "format": "date-time"},
        },
    }
    friend = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "messenger_id": {"type": "string"},
            "postal_code": {"type": "string"},
            "country": {"type": "string"},
            "radius_km": {"type": "number"},
            "skills": {"type": "array", "items": {"type": "string"}},
            "languages": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "string", "enum": list(FRIEND_STATUSES)},
            "online": {"type": "boolean", "description": "offers go only to online Friends"},
            "phone": {"type": "string", "description": "E.164, given at sign-up by chat"},
            "rating": {"type": ["number", "null"]},
            "rating_count": {"type": "integer"},
            "reliability": {"type": "number", "minimum": 0, "maximum": 1},
            "counters": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "claims, contacted_in_time, missed_deadlines, hand_backs, "
                "declines, completed_jobs",
            },
        },
    }
    money = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}
    ledger_entry = {
        "type": "object",
        "description": "price = package + extra time; commission = 20% of the price rounded "
        "half-up to the cent; payout = price - commission",
        "properties": {
            "id": {"type": "integer"},
            "job_reference": {"type": "string"},
            "friend_id": {"type": "integer"},
            "friend_name": {"type": "string"},
            "package": {"type": "string"},
            "extra_minutes": {"type": "integer"},
            "currency": {"type": "string", "enum": ["EUR", "CHF"]},
            "price": money,
            "commission": money,
            "payout": money,
            "paid_via": {"type": "string", "enum": ["cash", "platform"]},
            "created_at": {"type": "string", "format": "date-time"},
        },
    }
    support_alert = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {
                "type": "string",
                "enum": ["nobody_found", "missed_deadline", "handed_back", "customer_not_told"],
            },
            "job_reference": {"type": ["string", "null"]},
            "friend_id": {"type": ["integer", "null"]},
            "detail": {"type": "object"},
            "created_at": {"type": "string", "format": "date-time"},
            "resolved_at": {"type": ["string", "null"], "format": "date-time"},
        },
    }
    friend_id = {
        "name": "friend_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    friend_request = {
        "type": "object",
        "required": ["name", "messenger_id", "postal_code", "country", "skills"],
        "properties": {
            "name": {"type": "string"},
            "messenger_id": {"type": "string", "description": "id on the Friends' page"},
            "postal_code": {"type": "string"},
            "country": {"type": "string", "enum": list(COUNTRIES)},
            "radius_km": {"type": "number", "minimum": 1, "maximum": 100, "default": 15},
            "skills": {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}},
            "languages": {"type": "array", "items": {"type": "string", "enum": list(LANGUAGES)}},
            "status": {"type": "string", "enum": list(FRIEND_STATUSES), "default": "applicant"},
        },
    }
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "techfriends backend", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Job": job,
                "JobRequest": job_request,
                "Place": place,
                "FriendRequest": friend_request,
                "Friend": friend,
                "LedgerEntry": ledger_entry,
                "SupportAlert": support_alert,
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
            },
            "responses": {
                "Error": _json("Error", "error with a reason"),
                "Validation": {
                    "description": "field-level validation messages",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "error": {"type": "string"},
                                    "errors": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                },
                            }
                        }
                    },
                },
            },
        },
        "security": bearer,
        "paths": {
            "/api/v1/jobs": {
                "post": {
                    "summary": "Create a job (idempotent with Idempotency-Key)",
                    "parameters": [
                        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
                    ],
                    "requestBody": _body({"$ref": "#/components/schemas/JobRequest"}),
                    "responses": {
                        "201": _json("Job", "created"),
                        "200": _json("Job", "the job an earlier request with this key created"),
                        "400": _ERROR,
                        **_ERRORS,
                    },
                },
                "get": {
                    "summary": "A customer's jobs, newest first (give customer or customer_psid)",
                    "parameters": [
                        {"name": "customer", "in": "query", "schema": {"type": "string"}},
                        {"name": "customer_psid", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": _array("Job", "jobs"), **_ERRORS},
                },
            },
            "/api/v1/jobs/{reference}": {
                "get": {
                    "summary": "One job",
                    "parameters": [
                        {
                            "name": "reference",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("Job", "the job"),
                        "404": _ERROR,
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/jobs/{reference}/cancel": {
                "post": {
                    "summary": "Cancel a job that is not completed; the assigned Friend is told",
                    "parameters": [_reference()],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["reason"],
                            "properties": {
                                "reason": {"type": "string", "maxLength": 500},
                                "by": {
                                    "type": "string",
                                    "enum": ["customer", "support", "partner"],
                                    "default": "customer",
                                },
                            },
                        }
                    ),
                    "responses": {
                        "200": _json("Job", "the cancelled job"),
                        "404": _ERROR,
                        "409": _ERROR,
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/jobs/{reference}/rating": {
                "post": {
                    "summary": "The customer rates a completed job (1-5 stars, once)",
                    "parameters": [_reference()],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["stars", "customer_psid"],
                            "properties": {
                                "stars": {"type": "integer", "minimum": 1, "maximum": 5},
                                "comment": {"type": "string", "maxLength": 2000},
                                "customer_psid": {"type": "string"},
                            },
                        }
                    ),
                    "responses": {
                        "201": {"description": "rating stored"},
                        "404": _ERROR,
                        "409": _ERROR,
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/packages": {
                "get": {
                    "summary": "Service packages with the price for a country",
                    "parameters": [
                        {
                            "name": "country",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "enum": list(COUNTRIES)},
                        }
                    ],
                    "responses": {"200": {"description": "packages"}, **_ERRORS},
                }
            },
            "/api/v1/postal-codes": {
                "get": {
                    "summary": "Places for a postal code (a 4-digit code may exist in AT and CH)",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "country", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": _array("Place", "matching places, maybe none"), **_ERRORS},
                }
            },
            "/api/v1/postal-codes/nearest": {
                "get": {
                    "summary": "The postal code nearest to a position (within 30 km)",
                    "parameters": [
                        {
                            "name": "latitude",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "number"},
                        },
                        {
                            "name": "longitude",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "number"},
                        },
                    ],
                    "responses": {
                        "200": _json("Place", "nearest place"),
                        "404": _ERROR,
                        **_ERRORS,
                    },
                }
            },
            "/api/v1/friends": {
                "post": {
                    "summary": "Create a Friend (admin token)",
                    "requestBody": _body({"$ref": "#/components/schemas/FriendRequest"}),
                    "responses": {"201": _json("Friend", "created"), **_ERRORS},
                },
                "get": {
                    "summary": "List Friends, optionally filtered (admin token)",
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(FRIEND_STATUSES)},
                        },
                        {
                            "name": "skill",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(CATEGORIES)},
                        },
                        {
                            "name": "language",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(LANGUAGES)},
                        },
                        {
                            "name": "country",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(COUNTRIES)},
                        },
                    ],
                    "responses": {"200": _array("Friend", "Friends"), **_ERRORS},
                },
            },
            "/api/v1/friends/{friend_id}": {
                "get": {
                    "summary": "One Friend with reliability counters (admin token)",
                    "parameters": [friend_id],
                    "responses": {
                        "200": _json("Friend", "the Friend"),
                        "404": _ERROR,
                        **_ERRORS,
                    },
                },
                "patch": {
                    "summary": "Change a Friend's status (admin token); only active Friends "
                    "get offers",
                    "parameters": [friend_id],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["status"],
                            "additionalProperties": False,
                            "properties": {
                                "status": {
                                    "type": "string",
                                    "enum": list(FRIEND_STATUSES),
                                }
                            },
                        }
                    ),
                    "responses": {
                        "200": _json("Friend", "the updated Friend"),
                        "400": _ERROR,
                        "404": _ERROR,
                        **_ERRORS,
                    },
                },
            },
            "/api/v1/ledger": {
                "get": {
                    "summary": "Ledger entries, newest first, at most 500 (admin token)",
                    "parameters": [
                        {"name": "friend_id", "in": "query", "schema": {"type": "integer"}}
                    ],
                    "responses": {"200": _array("LedgerEntry", "entries"), **_ERRORS},
                }
            },
            "/api/v1/support-alerts": {
                "get": {
                    "summary": "Support alerts, newest first, unresolved only by default "
                    "(admin token)",
                    "parameters": [
                        {"name": "kind", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "include_resolved",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["true", "false"]},
                        },
                    ],
                    "responses": {"200": _array("SupportAlert", "alerts"), **_ERRORS},
                }
            },
        },
    }


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(document())
