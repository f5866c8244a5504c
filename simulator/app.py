"""The Messenger and WhatsApp simulator: one page with a customer's and a Friend's phone in
each mode, plus the fake Graph.

Messages typed in the browser become signed webhooks to Rasa or the backend; whatever those
send back through the Graph API (mounted here under /graph) shows up in the right phone.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from simulator import (
    fake_graph,
    mailbox,
    webhook_bodies,
    whatsapp_graph,
    whatsapp_phone,
    whatsapp_templates,
)
from simulator.send import SendRequestError, deliver, parse_send_request
from simulator.settings import PAGES, SimulatorSettings
from simulator.site import render_page
from simulator.transcript import InboundLog, is_typing, outbound_item

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_PSIDS = {"customer": "cust-1001", "friends": "friend-anna"}
# Berlin-Mitte, near Alexanderplatz: inside the demo Friends' areas.
DEMO_LOCATION = {"lat": 52.5219, "long": 13.4132}
# Stands for a photo Meta hosts: the simulator serves it, so the bot can fetch and keep it.
DEMO_IMAGE_PATH = "/media/demo/router.jpg"

SETTINGS_KEY = web.AppKey("settings", SimulatorSettings)
GRAPH_KEY = web.AppKey("graph", fake_graph.FakeGraph)
INBOUND_KEY = web.AppKey("inbound", InboundLog)
SESSION_KEY = web.AppKey("session", aiohttp.ClientSession)


def _page_name(value: Any) -> str:
    if value not in PAGES:
        raise web.HTTPBadRequest(text=f"page must be one of {', '.join(PAGES)}")
    return str(value)


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def site_page(request: web.Request) -> web.Response:
    """The sample website with the chat widget (the demo's second door besides Messenger)."""
    settings = request.app[SETTINGS_KEY]
    page = render_page(settings.backend_url, settings.rasa_url)
    return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": "simulator"})


async def config(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS_KEY]
    pages = {
        name: {
            "page_id": settings.page(name).page_id,
            "webhook_url": settings.page(name).webhook_url,
            "default_psid": DEFAULT_PSIDS[name],
        }
        for name in PAGES
    }
    body = {
        "pages": pages,
        "demo_location": DEMO_LOCATION,
        "demo_image_url": f"{request.url.origin()}{DEMO_IMAGE_PATH}",
        "whatsapp": whatsapp_phone.config(settings),
        "warnings": settings.warnings(),
    }
    return web.json_response(body)


async def send(request: web.Request) -> web.Response:
    try:
        sim = parse_send_request(await request.json(), str(request.url.origin()))
    except (ValueError, SendRequestError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    page = request.app[SETTINGS_KEY].page(sim.page)
    mid = webhook_bodies.new_mid()
    body = webhook_bodies.page_body(page.page_id, [sim.event(page.page_id, mid)])
    # Logged before delivery so the person's message sorts before any reply it triggers.
    inbound = request.app[INBOUND_KEY].add(
        sim.page, sim.sender, sim.kind, sim.display_text(), sim.payload
    )
    try:
        delivery = await deliver(request.app[SESSION_KEY], page, body)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("webhook %s unreachable: %r", page.webhook_url, exc)
        inbound.delivery_error = "webhook unreachable"
        error = f"cannot reach {page.webhook_url}: {exc!r}"
        return web.json_response({"error": error, "seq": inbound.seq, "mid": mid}, status=502)
    if delivery.status >= 300:
        inbound.delivery_error = f"webhook answered {delivery.status}"
    if delivery.status in (204, 205, 304):
        return web.Response(status=delivery.status)  # these statuses may not carry a body
    answer = {
        "webhook_status": delivery.status,
        "webhook_response": delivery.response_text,
        "seq": inbound.seq,
        "mid": mid,
    }
    # Mirrors the webhook's status, so a rejected (e.g. badly signed) webhook never looks OK.
    return web.json_response(answer, status=delivery.status)


async def messages(request: web.Request) -> web.Response:
    page = request.app[SETTINGS_KEY].page(_page_name(request.query.get("page")))
    psid = request.query.get("psid", "")
    if not psid:
        raise web.HTTPBadRequest(text="psid is required")
    try:
        since = int(request.query.get("since", "0"))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="since must be an integer") from exc
    graph, inbound = request.app[GRAPH_KEY], request.app[INBOUND_KEY]
    # Without a configured token, every page's sends to this psid are shown rather than none.
    token = page.access_token or None
    sends = [
        c
        for c in graph.calls(0, token, psid)
        if c.method == "POST" and c.path.endswith("/me/messages")
    ]
    items = [i.to_item() for i in inbound.for_person(page.name, psid, since)]
    items += [item for c in sends if c.seq > since and (item := outbound_item(c)) is not None]
    items.sort(key=lambda item: int(item["seq"]))
    next_seq = max(since, graph.last_seq, inbound.last_seq)
    return web.json_response({"messages": items, "next": next_seq, "typing": is_typing(sends)})


def _friend_entries(data: Any) -> list[dict[str, str]]:
    """Friends from the backend's list, tolerant of a bare list or a wrapping object."""
    rows = data.get("friends", data.get("items", [])) if isinstance(data, dict) else data
    friends = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        psid = row.get("messenger_id") or row.get("psid")
        if isinstance(psid, str) and psid:
            friends.append({"psid": psid, "name": str(row.get("name") or "")})
    return friends


async def friends(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS_KEY]
    if not settings.backend_admin_token:
        return web.json_response({"friends": [], "note": "BACKEND_ADMIN_TOKEN is not set"})
    url = f"{settings.backend_url}/api/v1/friends"
    headers = {"Authorization": f"Bearer {settings.backend_admin_token}"}
    try:
        async with request.app[SESSION_KEY].get(
            url, headers=headers, timeout=aiohttp.ClientTimeout(total=5)
        ) as resp:
            if resp.status != 200:
                note = f"backend answered {resp.status}"
                return web.json_response({"friends": [], "note": note})
            data = await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return web.json_response({"friends": [], "note": f"backend unreachable: {exc!r}"})
    return web.json_response({"friends": _friend_entries(data)})


async def whatsapp_send(request: web.Request) -> web.Response:
    app = request.app
    return await whatsapp_phone.send(
        request, app[SETTINGS_KEY], app[GRAPH_KEY], app[INBOUND_KEY], app[SESSION_KEY]
    )


async def whatsapp_messages(request: web.Request) -> web.Response:
    app = request.app
    return whatsapp_phone.messages(request, app[SETTINGS_KEY], app[GRAPH_KEY], app[INBOUND_KEY])


async def whatsapp_media(request: web.Request) -> web.Response:
    return whatsapp_phone.media(request, request.app[GRAPH_KEY])


async def demo_media(request: web.Request) -> web.FileResponse:
    return whatsapp_phone.demo_file(request)


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=app[SETTINGS_KEY].webhook_timeout)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[SESSION_KEY] = session
        yield


def create_app(
    settings: SimulatorSettings,
    graph: fake_graph.FakeGraph | None = None,
    smtp_host: str = "127.0.0.1",
) -> web.Application:
    """The simulator with its fake Graph under /graph; pass `graph` to inspect it in tests."""
    graph = graph if graph is not None else fake_graph.FakeGraph()
    # The fake plays Meta for our two WhatsApp numbers: their tokens, secrets and webhooks.
    graph.whatsapp.configure(
        settings.whatsapp_numbers(), whatsapp_templates.load(settings.whatsapp_templates_file)
    )
    app = web.Application()
    app[SETTINGS_KEY] = settings
    app[GRAPH_KEY] = graph
    # One counter for the fake's calls and our inbound log, so a chat sorts by seq alone.
    app[INBOUND_KEY] = InboundLog(graph.seq)
    app.cleanup_ctx.append(_client_session)
    app.router.add_get("/", index)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/site", site_page)
    app.router.add_get("/api/sim/config", config)
    app.router.add_post("/api/sim/send", send)
    app.router.add_get("/api/sim/messages", messages)
    app.router.add_get("/api/sim/friends", friends)
    app.router.add_post("/api/sim/whatsapp/send", whatsapp_send)
    app.router.add_get("/api/sim/whatsapp/messages", whatsapp_messages)
    app.router.add_get("/api/sim/whatsapp/media/{media_id}", whatsapp_media)
    app.router.add_get("/media/demo/{name}", demo_media)
    # The window control also at the simulator's root (the same as /graph/_control/…).
    app[whatsapp_graph.WHATSAPP_KEY] = graph.whatsapp
    app.router.add_post("/control/whatsapp/last-inbound", whatsapp_graph.set_last_inbound)
    app.router.add_static("/static", STATIC_DIR)
    # Customers' e-mail in the demo: received over SMTP, listed at /mail.
    app[mailbox.MAILBOX_KEY] = mailbox.Mailbox()
    if settings.smtp_port:
        app.cleanup_ctx.append(mailbox.smtp_ctx(smtp_host, settings.smtp_port))
    app.router.add_get("/mail", mailbox.mail_page)
    app.router.add_get("/api/sim/mails", mailbox.mail_list)
    app.add_subapp("/graph", fake_graph.create_app(graph))
    return app
