"""The OpenAPI document of the JSON API, made from the URL map (backend/routes.py).

Each API route in the map carries its `Operation` from the tables below, so a route cannot be
added without its documentation, nor documented without being served.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from backend.domain.friends import FRIEND_STATUSES
from backend.domain.jobs import CANCELLED_BY
from backend.web.openapi_schemas import (
    COMPONENTS,
    CUSTOMER_ID,
    Schema,
    array_response,
    body,
    enum,
    json_response,
    obj,
    ref,
)
from product.categories import CATEGORIES
from product.channels import CHANNELS
from product.countries import COUNTRIES, COUNTRY_CODES
from product.languages import LANGUAGES

DOCUMENT = web.AppKey("openapi_document", dict)
ERROR: Schema = {"$ref": "#/components/responses/Error"}
# Every operation may answer these: the token is checked first, then the input.
COMMON_ERRORS: Schema = {
    "401": {"description": "missing or wrong bearer token", "$ref": "#/components/responses/Error"},
    "422": {"$ref": "#/components/responses/Validation"},
}


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: Schema
    parameters: tuple[Schema, ...] = ()
    body: Schema | None = None

    def as_json(self) -> Schema:
        out: Schema = {"summary": self.summary}
        if self.parameters:
            out["parameters"] = list(self.parameters)
        if self.body is not None:
            out["requestBody"] = body(self.body)
        out["responses"] = self.responses | COMMON_ERRORS
        return out


def query(name: str, schema: Schema | None = None, required: bool = False) -> Schema:
    found: Schema = {"name": name, "in": "query", "schema": schema or {"type": "string"}}
    return found | {"required": True} if required else found


def in_path(name: str, schema: Schema) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def one_by_id(summary: str, parameter: Schema, schema: str, description: str) -> Operation:
    """A GET of one thing by its id in the path: the thing, or 404."""
    return Operation(
        summary,
        parameters=(parameter,),
        responses={"200": json_response(schema, description), "404": ERROR},
    )


FOUR_DIGITS = [code for code, country in COUNTRIES.items() if country.postal_digits == 4]
IBAN: Schema = {"type": "string", "maxLength": 34, "description": "checked (ISO 13616)"}
VAT: Schema = {
    "type": "object",
    "description": 'per country: {"DE": {"registered": true, "vat_id": "DE123456789"}}; a '
    "country not named: small business exempt from VAT",
    "additionalProperties": obj(
        {"registered": {"type": "boolean"}, "vat_id": {"type": "string", "maxLength": 30}},
        required=("registered",),
    ),
}
REFERENCE = in_path("reference", {"type": "string"})
FRIEND_ID = in_path("friend_id", {"type": "integer", "minimum": 1})

DESCRIPTION = (
    "The backend's JSON API for its own processes. Two bearer tokens: BACKEND_API_TOKEN is "
    "the action server's internal token (it reaches every customer's jobs and is never handed "
    "to partners; partners get keys of their own), BACKEND_ADMIN_TOKEN is for onboarding "
    "tools and support (Friends, the ledger, support alerts). The two must differ."
)

CREATE_JOB = Operation(
    "Create a job (idempotent with Idempotency-Key)",
    parameters=({"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},),
    body=ref("JobRequest"),
    responses={
        "201": json_response("Job", "created"),
        "200": json_response(
            "Job",
            "the job an earlier request with this key created (a key is scoped to the "
            "token and the customer: the same key for another customer makes a new job)",
        ),
        "400": ERROR,
    },
)
LIST_JOBS = Operation(
    "A customer's jobs, newest first (channel + customer_id; or, for Messenger, customer_psid "
    "or its short form customer)",
    parameters=(
        query("channel", enum(CHANNELS)),
        query("customer_id"),
        query("customer"),
        query("customer_psid"),
    ),
    responses={"200": array_response("Job", "jobs")},
)
GET_JOB = one_by_id("One job", REFERENCE, "Job", "the job")
CANCEL_JOB = Operation(
    "Cancel a job that is not completed; the assigned Friend is told",
    parameters=(REFERENCE,),
    body=obj(
        {
            "reason": {"type": "string", "maxLength": 500},
            "by": enum(CANCELLED_BY)
            | {
                "default": "customer",
                "description": "the internal token may only say customer (422 otherwise)",
            },
            "notify_customer": {
                "type": "boolean",
                "default": True,
                "description": "false when the customer has been told already in their own "
                "chat (the assistant sets it when the customer cancels there); otherwise the "
                "customer's chat and e-mail get the news",
            },
        },
        required=("reason",),
    ),
    responses={"200": json_response("Job", "the cancelled job"), "404": ERROR, "409": ERROR},
)
RATE_JOB = Operation(
    "The customer rates a completed job (1-5 stars, once)",
    parameters=(REFERENCE,),
    body=obj(
        {
            "stars": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": "string", "maxLength": 2000},
            "channel": enum(CHANNELS),
            "customer_id": {"type": "string", "description": CUSTOMER_ID},
            "customer_psid": {"type": "string", "description": "Messenger: instead of the two"},
        },
        required=("stars",),
        anyOf=[{"required": ["channel", "customer_id"]}, {"required": ["customer_psid"]}],
    ),
    responses={"201": {"description": "rating stored"}, "404": ERROR, "409": ERROR},
)
LIST_PACKAGES = Operation(
    "Service packages with the price for a country",
    parameters=(query("country", enum(COUNTRY_CODES), required=True),),
    responses={"200": {"description": "packages"}},
)
LOOKUP_POSTAL_CODE = Operation(
    f"Places for a postal code (a 4-digit code may exist in {' and '.join(FOUR_DIGITS)}, a "
    "5-digit one in several countries; Polish codes are written 00-950, 00950 finds them too)",
    parameters=(query("code", required=True), query("country")),
    responses={"200": array_response("Place", "matching places, maybe none")},
)
NEAREST_POSTAL_CODE = Operation(
    "The postal code nearest to a position (within 30 km)",
    parameters=(
        query("latitude", {"type": "number"}, required=True),
        query("longitude", {"type": "number"}, required=True),
    ),
    responses={"200": json_response("Place", "nearest place"), "404": ERROR},
)
CREATE_FRIEND = Operation(
    "Create a Friend (admin token)",
    body=ref("FriendRequest"),
    responses={"201": json_response("Friend", "created")},
)
LIST_FRIENDS = Operation(
    "List Friends, optionally filtered (admin token)",
    parameters=(
        query("status", enum(FRIEND_STATUSES)),
        query("skill", enum(CATEGORIES)),
        query("language", enum(LANGUAGES)),
        query("country", enum(COUNTRY_CODES)),
    ),
    responses={"200": array_response("Friend", "Friends")},
)
GET_FRIEND = one_by_id(
    "One Friend with reliability counters (admin token)", FRIEND_ID, "Friend", "the Friend"
)
UPDATE_FRIEND = Operation(
    "Change a Friend's status, IBAN or VAT status per country (admin token); only active "
    "Friends get offers",
    parameters=(FRIEND_ID,),
    body=obj(
        {"status": enum(FRIEND_STATUSES), "iban": IBAN, "vat": VAT},
        minProperties=1,
        additionalProperties=False,
    ),
    responses={
        "200": json_response("Friend", "the updated Friend"),
        "400": ERROR,
        "404": ERROR,
    },
)
LIST_LEDGER = Operation(
    "Ledger entries, newest first, at most 500 (admin token)",
    parameters=(query("friend_id", {"type": "integer"}),),
    responses={"200": array_response("LedgerEntry", "entries")},
)
LIST_SUPPORT_ALERTS = Operation(
    "Support alerts, newest first, unresolved only by default (admin token)",
    parameters=(query("kind"), query("include_resolved", enum(["true", "false"]))),
    responses={"200": array_response("SupportAlert", "alerts")},
)


def document(operations: Iterable[tuple[str, str, Operation]]) -> dict[str, Any]:
    """The whole document for these (method, path, operation) entries of the URL map."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, operation in operations:
        paths.setdefault(path, {})[method.lower()] = operation.as_json()
    return {
        "openapi": "3.1.0",
        "info": {"title": "techfriends backend", "version": "1", "description": DESCRIPTION},
        "components": COMPONENTS,
        "security": [{"bearer": []}],
        "paths": paths,
    }


async def serve(request: web.Request) -> web.Response:
    return web.json_response(request.app[DOCUMENT])
