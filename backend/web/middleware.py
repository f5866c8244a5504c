"""Request ids, authentication and error shaping for every request."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from backend.config import Settings
from backend.web.client import client_address
from backend.web.json import NUL_MESSAGE, error, validation_error
from backend.web.ratelimit import ApiLimits, token_key
from backend.web.routing import TOKEN_RULES
from messenger_platform import logs

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
API_LIMITS = web.AppKey("api_limits", ApiLimits)


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _matches(token: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every log line of the request (and of the work it starts) names the caller's request id.

    The id comes from `X-Request-ID` (the action server sends one per customer message) or is
    made here; it is echoed in the response and passed on to Rasa.
    """
    request_id = logs.clean_id(request.headers.get(logs.REQUEST_ID_HEADER)) or logs.new_request_id()
    conversation = logs.clean_id(request.headers.get(logs.CONVERSATION_ID_HEADER))
    with logs.bound(request=request_id, conversation=conversation):
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers[logs.REQUEST_ID_HEADER] = request_id
            raise
    response.headers[logs.REQUEST_ID_HEADER] = request_id
    return response


async def _admin_resource(request: web.Request, admin_routes: frozenset[tuple[str, str]]) -> bool:
    """Whether the request is for a resource the URL map gives to the admin token, whatever the
    method: aiohttp answers HEAD with the GET handler (and would run any method a resource
    gains later), so a rule by method let HEAD on an admin route in with the API token. The
    URL map gives each resource one role (tests/backend/test_admin_routes.py holds it to that).
    A method the resource does not serve (405) is judged by the resource its path names."""
    admin_paths = {path for _, path in admin_routes}
    resource = request.match_info.route.resource
    if resource is not None:
        return resource.canonical in admin_paths
    if request.path in admin_paths:
        return True
    for candidate in request.app.router.resources():
        if candidate.canonical in admin_paths:
            match, allowed = await candidate.resolve(request)
            if match is None and allowed:
                return True
    return False


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The bearer tokens of the JSON API, by the access column of the URL map, and its rate
    limits: an address that sent too many wrong tokens waits (whatever token it sends now, so
    a right guess cannot be told from a wrong one), and each token has its own bucket."""
    path = request.path
    rules = request.app[TOKEN_RULES]
    if not path.startswith("/api/") or path in rules.public_paths:
        return await handler(request)
    settings = request.app[SETTINGS]
    limits = request.app.get(API_LIMITS)
    address = client_address(request)
    if limits is not None and (wait := limits.failures_per_address.wait(address)):
        log.warning("api: %s waits %d s after too many wrong tokens", address, wait)
        return _too_many(wait, "too many requests with a wrong token from this address")
    token = _bearer(request)
    if await _admin_resource(request, rules.admin_routes):
        if not _matches(token, settings.admin_token):
            _failed(limits, address)
            return error(401, "admin token required (Authorization: Bearer …)")
    elif not (_matches(token, settings.api_token) or _matches(token, settings.admin_token)):
        _failed(limits, address)
        return error(401, "API token required (Authorization: Bearer …)")
    if limits is not None and (wait := limits.per_token.take(token_key(token))):
        return _too_many(wait, "too many requests with this token")
    return await handler(request)


def _failed(limits: ApiLimits | None, address: str) -> None:
    if limits is not None:
        limits.failures_per_address.take(address)


def _too_many(wait: int, reason: str) -> web.Response:
    return web.json_response(
        {"error": f"{reason}; retry after {wait} s"},
        status=429,
        headers={"Retry-After": str(wait)},
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        # NUL in a path or query parameter is bad input (and PostgreSQL cannot compare it).
        bad = ["path"] if "\x00" in request.path else []
        bad += [k for k, v in request.query.items() if "\x00" in k or "\x00" in v]
        if bad:
            return validation_error({name: NUL_MESSAGE for name in bad})
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        # Plain-text aiohttp errors (404, 405, 413 …) become JSON with a reason.
        reason = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        return web.json_response({"error": reason}, status=exc.status, headers=_keep(exc))
    except Exception as exc:
        # Never leak a stack trace to a client; the log has it.
        log.exception("unhandled error on %s %s", request.method, request.path)
        if database_unavailable(exc):
            # Say it is temporary, so callers (Meta, the action server) retry instead of
            # taking it for a bug in what they sent.
            return web.json_response(
                {"error": "temporarily unavailable, please try again shortly"},
                status=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return web.json_response({"error": "internal error"}, status=500)


RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException) -> bool:
    """The database is away or overloaded (a restart, every pooled connection busy, SQLite
    locked for too long), as opposed to a fault in the request or in our code."""
    if isinstance(exc, SQLAlchemyTimeoutError | ConnectionError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        reason = str(exc.orig).lower()
        return any(word in reason for word in ("locked", "connection", "starting up", "shutting"))
    return False


def _keep(exc: web.HTTPException) -> dict[str, str]:
    return {k: v for k, v in exc.headers.items() if k.lower() in ("allow",)}
