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
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"body is not valid JSON: {exc}"}),
            content_type="application/json",
        ) from exc
