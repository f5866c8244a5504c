"""JSON request and response helpers shared by the handlers."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def validation_error(errors: dict[str, str]) -> web.Response:
    return web.json_response({"error": "validation failed", "errors": errors}, status=422)


async def read_json(request: web.Request) -> Any:
    """The body as JSON, or raise a 400 that says why."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"body is not valid JSON: {exc}"}),
            content_type="application/json",
        ) from exc
    where = nul_at(data)
    if where is not None:
        # PostgreSQL cannot store NUL in text and no person types one: refuse it up front.
        raise web.HTTPUnprocessableEntity(
            text=json.dumps({"error": "validation failed", "errors": {where: NUL_MESSAGE}}),
            content_type="application/json",
        )
    return data


NUL_MESSAGE = "must not contain NUL characters"


def nul_at(value: Any, path: str = "body") -> str | None:
    """The dotted path of the first string (or key) holding a NUL character, else None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = str(key) if path == "body" else f"{path}.{key}"
            if "\x00" in str(key):
                return inner
            found = nul_at(item, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_at(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None
