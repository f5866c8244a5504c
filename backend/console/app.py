"""Wiring the console into the backend's app: templates, connections, background work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
from aiohttp import web

from backend.adapters.messenger import MessengerClient
from backend.console import privacy, summaries
from backend.console.takeover import CUSTOMERS_PAGE
from backend.console.tracker import make_tracker_engine
from backend.console.web import CONSOLE, JINJA, SECURITY_HEADERS, Console, jinja_environment
from backend.services import outbox
from backend.web.runtime import RUNTIME, Runtime

log = logging.getLogger(__name__)

SYNC_SECONDS = 5.0
SHUTDOWN_GRACE = 5.0


async def _housekeeping(rt: Runtime, c: Console) -> None:
    """Keep conversation summaries fresh and apply the retention setting, until shutdown."""
    while not c.stopping.is_set():
        try:
            # Under the lock: retention rewrites summary columns that a fold also writes.
            async with c.sync_lock:
                await summaries.sync(rt.sessions, c.tracker)
                days = rt.settings.transcript_retention_days
                if days > 0:
                    now = rt.settings.clock()
                    cutoff = now - timedelta(days=days)
                    await privacy.apply_retention(rt.sessions, c.tracker, cutoff, now)
        except Exception:  # a bad row or a database hiccup must not end the loop
            log.exception("console housekeeping failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(c.stopping.wait(), timeout=SYNC_SECONDS)


async def console_ctx(app: web.Application) -> AsyncIterator[None]:
    rt = app[RUNTIME]
    settings = rt.settings
    c = Console(
        tracker=make_tracker_engine(settings.tracker_store_url),
        http=aiohttp.ClientSession(),
        customers=MessengerClient(
            settings.graph_url, settings.graph_version, settings.customer_page_access_token
        ),
    )
    app[CONSOLE] = c
    # Our own tasks and stop signal: this context is cleaned up before the backend's, and the
    # tasks must be done before the connections they use are closed.
    tasks = [
        asyncio.create_task(_housekeeping(rt, c), name="console housekeeping"),
        asyncio.create_task(
            outbox.run(rt.sessions, CUSTOMERS_PAGE, c.customers.post, c.outbox_wakeup, c.stopping),
            name="customers outbox (staff replies)",
        ),
    ]
    yield
    c.stopping.set()
    _, unfinished = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
    for task in unfinished:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await c.http.close()
    await c.tracker.dispose()


async def console_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The console's security headers on every response under /console, whatever made it:
    pages, redirects, error pages, the privacy export (issue 21, point 7). A header a handler
    set itself stays; the console's static files may be cached."""
    if request.path != "/console" and not request.path.startswith("/console/"):
        return
    static = request.path.startswith("/console/static/")
    for name, value in SECURITY_HEADERS.items():
        if not (static and name == "Cache-Control"):
            response.headers.setdefault(name, value)


def setup_console(app: web.Application) -> None:
    """Templates and the console's own connections; its pages are in the URL map."""
    app[JINJA] = jinja_environment()
    app.cleanup_ctx.append(console_ctx)
    app.on_response_prepare.append(console_security_headers)
