"""Meta's Graph API error answer, shared by the fake's Messenger and WhatsApp routes."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web


def graph_error(
    status: int, code: int, message: str, extra: dict[str, Any] | None = None
) -> web.Response:
    """`{"error": {message, type, code, …, fbtrace_id}}` with HTTP `status`, as Meta answers."""
    error = {"message": message, "type": "OAuthException", "code": code, **(extra or {})}
    error["fbtrace_id"] = f"Fake{uuid.uuid4().hex[:16]}"
    return web.json_response({"error": error}, status=status)
