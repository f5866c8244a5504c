"""The /metrics handler and the timing of the Friends' webhook acknowledgement."""

from __future__ import annotations

import hmac
import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client.aiohttp import make_aiohttp_handler

from backend.observability import metrics
from backend.services.outbox import FRIENDS_PAGE
from backend.web.json import error
from backend.web.runtime import RUNTIME

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/friends"
_expose = make_aiohttp_handler()


async def scrape(request: web.Request) -> web.StreamResponse:
    rt = request.app[RUNTIME]
    expected = rt.settings.metrics_token
    if expected:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), expected.encode()
        ):
            return error(401, "metrics token required (Authorization: Bearer …)")
    try:
        await metrics.refresh_from_database(rt.sessions, rt.settings.clock(), (FRIENDS_PAGE,))
        metrics.DATABASE_UP.set(1)
    except Exception:
        # The process's own counters are still worth scraping while the database is away.
        log.exception("metrics: database gauges not refreshed")
        metrics.DATABASE_UP.set(0)
    return await _expose(request)


@web.middleware
async def webhook_ack_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Meta retries (and eventually disables) a webhook that answers slowly: time every answer."""
    if request.method != "POST" or request.path != WEBHOOK_PATH:
        return await handler(request)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics.WEBHOOK_ACK_SECONDS.labels(str(status)).observe(time.perf_counter() - started)
