"""JSON request and response helpers shared by the handlers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from messenger_platform.events import MAX_BODY_BYTES


def error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def validation_error(errors: dict[str, str]) -> web.Response:
    return web.json_response({"error": "validation failed", "errors": errors}, status=422)


async def read_json(request: web.Request) -> Any:
    """The body as JSON, or raise a 400/413/422 that says why."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise
    # The app admits a byte more than 1 MiB so the webhook can say "too large" itself.
    if len(raw) > MAX_BODY_BYTES:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY_BYTES,
            actual_size=len(raw),
            text=json.dumps({"error": "body larger than 1 MiB"}),
            content_type="application/json",
        )
    try:
        # RFC 8259: JSON between systems is UTF-8; json.loads would also guess UTF-16/32.
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"body is not valid UTF-8 JSON: {why}"}),
            content_type="application/json",
        ) from exc
    try:
        where = nul_at(data)
        bad_unicode = surrogate_at(data) if where is None else None
    except RecursionError as exc:  # parsed, but too deep to walk: no request of ours is
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body is nested too deeply"}),
            content_type="application/json",
        ) from exc
    if where is not None:
        # PostgreSQL cannot store NUL in text and no person types one: refuse it up front.
        raise web.HTTPUnprocessableEntity(
            text=json.dumps({"error": "validation failed", "errors": {where: NUL_MESSAGE}}),
            content_type="application/json",
        )
    if bad_unicode is not None:
        # A lone surrogate (a "\ud800" escape) cannot be encoded as UTF-8, so not stored either.
        raise web.HTTPUnprocessableEntity(
            text=json.dumps(
                {"error": "validation failed", "errors": {bad_unicode: SURROGATE_MESSAGE}}
            ),
            content_type="application/json",
        )
    return data


NUL_MESSAGE = "must not contain NUL characters"


SURROGATE_MESSAGE = "must be valid Unicode (no lone surrogate escapes)"


def nul_at(value: Any, path: str = "body") -> str | None:
    """The dotted path of the first string (or key) holding a NUL character, else None."""
    return _first_string_at(value, path, lambda s: "\x00" in s)


def surrogate_at(value: Any, path: str = "body") -> str | None:
    """The dotted path of the first string (or key) that is not encodable as UTF-8, else None."""
    return _first_string_at(value, path, _has_surrogate)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _first_string_at(value: Any, path: str, bad: Callable[[str], bool]) -> str | None:
    if isinstance(value, str):
        return path if bad(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = str(key) if path == "body" else f"{path}.{key}"
            if bad(str(key)):
                return inner
            found = _first_string_at(item, inner, bad)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_string_at(item, f"{path}[{index}]", bad)
            if found is not None:
                return found
    return None
