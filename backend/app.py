"""The one place that wires the backend: the app factory and its cleanup contexts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from backend.adapters.config_files import load_packages
from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.messenger import MessengerClient
from backend.adapters.messenger_window import MessengerWindow
from backend.adapters.rasa import RasaClient
from backend.adapters.smtp import SmtpServer
from backend.adapters.whatsapp import WhatsAppClient
from backend.config import Settings
from backend.console import routes_auth
from backend.console.app import setup_console
from backend.friends_chat.router import FriendChat
from backend.observability.event_ids import with_event_ids
from backend.observability.routes import webhook_ack_middleware
from backend.routes import setup_routes
from backend.services import outbox
from backend.services.customer_mail import MailSender, run_mail_sender
from backend.services.deadlines import DeadlineSweep
from backend.services.inbox import GroupCommit, inbox_has_pending, process_pending
from backend.services.outbox import FRIENDS_PAGE
from backend.web.middleware import (
    API_LIMITS,
    SETTINGS,
    auth_middleware,
    error_middleware,
    request_id_middleware,
)
from backend.web.ratelimit import ApiLimits
from backend.web.runtime import RUNTIME, Runtime
from backend.whatsapp.news import whatsapp_customers
from product.channels import WHATSAPP

log = logging.getLogger(__name__)

SWEEP_SECONDS = 10
SHUTDOWN_GRACE = 5.0
# Webhook bodies over 1 MiB are answered 400 by the handler; leave room to read the header.
CLIENT_MAX_SIZE = 1024 * 1024 + 1


async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = make_engine(settings.database_url)
    http = aiohttp.ClientSession()
    sessions = make_sessionmaker(engine)
    messenger = MessengerClient(
        settings.graph_url, settings.graph_version, settings.friends_page_access_token
    )
    outbox_wakeup = asyncio.Event()
    packages = load_packages(settings.packages_file)
    window = MessengerWindow(settings.channel_store_url)
    wa = whatsapp_customers(http, settings.whatsapp_customers)
    rasa = RasaClient(
        http,
        settings.rasa_url,
        settings.rasa_token,
        messenger_window=window,
        windows={WHATSAPP: wa.window},
        whatsapp_news=wa.news,
    )
    app[RUNTIME] = Runtime(
        settings=settings,
        sessions=sessions,
        messenger=messenger,
        packages=packages,
        friend_chat=FriendChat(
            sessions,
            outbox_wakeup.set,
            rasa,
            packages=packages,
            deadlines=settings.deadlines,
            clock=settings.clock,
            quiz=settings.quiz,
            service_countries=settings.service_countries,
            billing=settings.billing,
        ),
        deadlines=DeadlineSweep(sessions, packages, settings, rasa, outbox_wakeup.set),
        inbox=GroupCommit(sessions, FRIENDS_PAGE),
        outbox_wakeup=outbox_wakeup,
        whatsapp_window=wa.window,
    )
    yield
    await http.close()
    await window.close()
    await wa.close()
    await engine.dispose()


async def _inbox_worker(rt: Runtime) -> None:
    while not rt.stopping.is_set():
        try:
            await process_pending(
                rt.sessions, FRIENDS_PAGE, with_event_ids(rt.friend_chat.handle), rt.stopping
            )
        except Exception:
            # The database away for a moment (a restart) must not end the worker: the events
            # are stored, and the next round takes them.
            log.exception("friends inbox round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rt.inbox_wakeup.wait(), timeout=SWEEP_SECONDS)
        rt.inbox_wakeup.clear()


async def _watch_for_web_writes(rt: Runtime) -> None:
    """A worker's web processes store events and queue messages in the database, out of reach
    of this process's wakeups: look for them every `worker_poll_seconds`.

    Both checks only read; a round with nothing to do writes nothing, so the web processes'
    inserts do not wait for it.
    """
    while not rt.stopping.is_set():
        try:
            if await inbox_has_pending(rt.sessions, FRIENDS_PAGE):
                rt.inbox_wakeup.set()
            due = await outbox.next_due_in(rt.sessions, FRIENDS_PAGE, rt.settings.clock)
            if due is not None and due <= 0:
                rt.outbox_wakeup.set()
        except Exception:
            log.exception("looking for stored webhook events and queued messages failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rt.stopping.wait(), timeout=rt.settings.worker_poll_seconds)


async def sweep_deadlines(rt: Runtime) -> None:
    """One sweep; a failure is logged and the next tick tries again (the rows are the truth)."""
    try:
        await rt.deadlines.sweep()
    except Exception:
        log.exception("deadline sweep failed")


async def background_ctx(app: web.Application) -> AsyncIterator[None]:
    rt = app[RUNTIME]
    settings = rt.settings
    # The outbox's own HTTP session for the Friends' WhatsApp number, closed after it stops.
    wa_http = aiohttp.ClientSession() if settings.friends_whatsapp_sends else None
    whatsapp = (
        WhatsAppClient(
            wa_http,
            settings.graph_url,
            settings.graph_version,
            settings.friends_whatsapp_phone_number_id,
            settings.friends_whatsapp_access_token,
        )
        if wa_http is not None
        else None
    )
    rt.spawn(_inbox_worker(rt), name="friends inbox")
    if rt.settings.role == "worker":
        rt.spawn(_watch_for_web_writes(rt), name="watch for web writes")
    rt.spawn(
        outbox.run(
            rt.sessions,
            FRIENDS_PAGE,
            # Each row's body says its channel: Messenger's Send API or the WhatsApp number.
            outbox.transport(rt.messenger.post, whatsapp.post if whatsapp else None),
            rt.outbox_wakeup,
            rt.stopping,
            clock=rt.settings.clock,
        ),
        name="friends outbox",
    )
    # APScheduler logs every run at INFO: a line every few seconds that says nothing.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler()
    # The scheduler only ticks; deadlines live in the jobs table (backend/services/deadlines.py).
    scheduler.add_job(
        sweep_deadlines,
        "interval",
        seconds=rt.settings.sweep_seconds,
        args=[rt],
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    # Deadlines that fell due while the backend was down fire now, not a tick later.
    rt.spawn(sweep_deadlines(rt), name="first deadline sweep")
    yield
    scheduler.shutdown(wait=False)
    # Let the event in hand and running dispatches finish (they are stored either way, so a
    # cut-off one is redone after restart), but never hold shutdown for long.
    rt.stopping.set()
    rt.inbox_wakeup.set()
    pending = list(rt.tasks)
    _, unfinished = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE) if pending else ((), ())
    for task in unfinished:
        task.cancel()
    await asyncio.gather(*unfinished, return_exceptions=True)
    if wa_http is not None:
        await wa_http.close()


async def mail_ctx(app: web.Application) -> AsyncIterator[None]:
    """Customers' e-mail (only with SMTP_URL): its own task and stop signal, ended before the
    runtime's database connections close."""
    rt = app[RUNTIME]
    settings = rt.settings
    sender = MailSender(
        rt.sessions,
        SmtpServer.from_url(settings.smtp_url),
        settings.mail_from,
        settings.public_base_url.rstrip("/"),
        clock=settings.clock,
    )
    stopping = asyncio.Event()
    task = asyncio.create_task(run_mail_sender(sender, stopping), name="customer mail")
    yield
    stopping.set()
    try:
        await asyncio.wait_for(task, timeout=SHUTDOWN_GRACE)
    except TimeoutError:
        pass  # cancelled by wait_for: a mail cut off mid-send is leased, and sent again later


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[
            request_id_middleware,
            webhook_ack_middleware,
            error_middleware,
            auth_middleware,
        ],
        client_max_size=CLIENT_MAX_SIZE,
    )
    app[SETTINGS] = settings
    app[routes_auth.TRUSTED_PROXIES] = settings.trusted_proxies
    app[API_LIMITS] = ApiLimits.of(
        settings.api_rate_per_second, settings.api_burst, settings.api_auth_failures_per_minute
    )
    app.cleanup_ctx.append(runtime_ctx)
    if settings.role != "web":
        app.cleanup_ctx.append(background_ctx)
        if settings.smtp_url:
            app.cleanup_ctx.append(mail_ctx)
    if settings.role != "worker":
        setup_console(app)  # the support console's templates and connections
    setup_routes(app, settings.role)  # backend/routes.py: every path, who may call it
    return app
