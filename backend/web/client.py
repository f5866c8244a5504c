"""Who is calling: the connection's peer, or the client our own proxy names.

Read by the API's rate limits (backend/web/middleware.py) and by the console (login throttle,
Secure cookies), so it lives below both. BACKEND_TRUSTED_PROXIES fills TRUSTED_PROXIES when the
app is made; without it a header a client wrote is never read.
"""

from __future__ import annotations

from aiohttp import web

from webchat_platform import limits

TRUSTED_PROXIES = web.AppKey("console_trusted_proxies", frozenset)


def client_address(request: web.Request) -> str:
    """The connection's peer, unless that is one of our own proxies, whose X-Forwarded-For
    names it: the web chat's rule (webchat_platform.limits), with this app's proxies."""
    trusted: frozenset[str] = request.app.get(TRUSTED_PROXIES, frozenset())
    return limits.client_address(
        request.remote or "", request.headers.get("X-Forwarded-For"), trusted
    )
