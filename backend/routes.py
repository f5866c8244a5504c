"""The backend's URL map: every route, who may call it, and the JSON API's documentation.

The OpenAPI document (/api/v1/openapi.json) and auth_middleware's token rules are made from
these tables, so neither can drift from what is served.
"""

from __future__ import annotations

from aiohttp import web

from backend.console import routes_auth as login
from backend.console import routes_conversations as talk
from backend.console import routes_invoices as console_invoices
from backend.console import routes_jobs as jobs
from backend.console import routes_privacy as privacy
from backend.console import routes_takeover as takeover
from backend.console.web import HERE as CONSOLE_DIR
from backend.console.web import require_staff
from backend.observability import routes as observability
from backend.status_page import pages as status_page
from backend.web import api, invoices, media, webhooks, whatsapp_webhooks
from backend.web import openapi as doc
from backend.web.routing import (
    TOKEN_RULES,
    Access,
    Handler,
    Route,
    TokenRules,
    add_routes,
    get,
    patch,
    post,
)
from backend.web.webchat_assets import asset as webchat_file
from backend.web.webchat_assets import vendored as webchat_vendored

ANYONE, API, ADMIN = Access.PUBLIC, Access.API_TOKEN, Access.ADMIN_TOKEN
STAFF, STAFF_ADMIN = Access.STAFF, Access.STAFF_ADMIN

# What a supervisor and Prometheus ask for; the whole of a worker's HTTP.
OPERATIONS = (
    get("/healthz", api.healthz, ANYONE),
    get("/metrics", observability.scrape, ANYONE),  # a bearer token when METRICS_TOKEN is set
)

JSON_API = (
    post("/api/v1/jobs", api.create_job, API, doc.CREATE_JOB),
    get("/api/v1/jobs", api.list_jobs, API, doc.LIST_JOBS),
    get("/api/v1/jobs/{reference}", api.get_job, API, doc.GET_JOB),
    post("/api/v1/jobs/{reference}/cancel", api.cancel_job, API, doc.CANCEL_JOB),
    post("/api/v1/jobs/{reference}/rating", api.rate_job, API, doc.RATE_JOB),
    # Invoices (issue 18): support completes and corrects; the action server reads.
    post("/api/v1/jobs/{reference}/completion", invoices.complete, ADMIN, invoices.COMPLETE_JOB),
    get("/api/v1/jobs/{reference}/invoice", invoices.get_invoice, API, invoices.GET_INVOICE),
    get(
        "/api/v1/jobs/{reference}/invoice.pdf",
        invoices.get_invoice_pdf,
        API,
        invoices.GET_INVOICE_PDF,
    ),
    post(
        "/api/v1/jobs/{reference}/invoice/corrections",
        invoices.correct_invoice,
        ADMIN,
        invoices.CORRECT_INVOICE,
    ),
    get("/api/v1/packages", api.list_packages, API, doc.LIST_PACKAGES),
    get("/api/v1/postal-codes", api.lookup_postal_code, API, doc.LOOKUP_POSTAL_CODE),
    get("/api/v1/postal-codes/nearest", api.nearest_postal_code, API, doc.NEAREST_POSTAL_CODE),
    post("/api/v1/friends", api.create_friend, ADMIN, doc.CREATE_FRIEND),
    get("/api/v1/friends", api.list_friends, ADMIN, doc.LIST_FRIENDS),
    get("/api/v1/friends/{friend_id}", api.get_friend, ADMIN, doc.GET_FRIEND),
    patch("/api/v1/friends/{friend_id}", api.update_friend, ADMIN, doc.UPDATE_FRIEND),
    get("/api/v1/ledger", api.list_ledger, ADMIN, doc.LIST_LEDGER),
    get("/api/v1/support-alerts", api.list_support_alerts, ADMIN, doc.LIST_SUPPORT_ALERTS),
    post("/api/v1/media", media.upload, API, media.UPLOAD),
    get("/api/v1/openapi.json", doc.serve, ANYONE),
)

# Meta's calls: the subscription check and the events, signed with the app secret.
WEBHOOKS = (
    get("/webhooks/friends", webhooks.verify, ANYONE),
    post("/webhooks/friends", webhooks.receive, ANYONE),
    # The Friends' WhatsApp number (503 while FRIENDS_WHATSAPP_* are not set).
    get("/webhooks/friends/whatsapp", whatsapp_webhooks.verify, ANYONE),
    post("/webhooks/friends/whatsapp", whatsapp_webhooks.receive, ANYONE),
)

# The website chat widget: any page adds it with one <script> tag (backend/webchat/static/).
WEBCHAT = (
    get("/webchat/widget.js", webchat_file("widget.js"), ANYONE),
    get("/webchat/widget.css", webchat_file("widget.css"), ANYONE),
    get("/webchat/vendor/{name}", webchat_vendored, ANYONE),
)

CONSOLE = (
    get("/console/login", login.login_form, ANYONE),
    post("/console/login", login.login, ANYONE),
    post("/console/logout", login.logout, STAFF),
    post("/console/language", login.choose_language, STAFF),
    get("/console", login.home, ANYONE),
    get("/console/", login.home, ANYONE),
    get("/console/conversations", talk.conversation_list, STAFF),
    get("/console/conversations/{sender}", talk.conversation, STAFF),
    get("/console/conversations/{sender}/latest", talk.latest, STAFF),
    post("/console/conversations/{sender}/review", talk.review, STAFF),
    post("/console/conversations/{sender}/notes", talk.add_note, STAFF),
    post("/console/conversations/{sender}/tags", talk.add_tag, STAFF),
    post("/console/conversations/{sender}/tags/remove", talk.remove_tag, STAFF),
    post("/console/conversations/{sender}/flag", talk.flag, STAFF),
    get("/console/corrections.yml", talk.export_corrections, STAFF),
    post("/console/conversations/{sender}/takeover", takeover.take_over, STAFF),
    post("/console/conversations/{sender}/reply", takeover.reply, STAFF),
    post("/console/conversations/{sender}/handback", takeover.hand_back, STAFF),
    get("/console/jobs", jobs.jobs_board, STAFF),
    get("/console/jobs/{reference}", jobs.job_detail, STAFF),
    post("/console/jobs/{reference}/cancel", jobs.cancel, STAFF),
    post("/console/jobs/{reference}/complete", console_invoices.complete, STAFF),
    get("/console/jobs/{reference}/invoice.pdf", console_invoices.invoice_pdf, STAFF),
    post("/console/jobs/{reference}/note", jobs.note, STAFF),
    post("/console/jobs/{reference}/redispatch", jobs.redispatch, STAFF),
    post("/console/jobs/{reference}/assign", jobs.assign, STAFF),
    post("/console/alerts/{alert_id:\\d+}/resolve", jobs.resolve_alert, STAFF),
    get("/console/friends", jobs.friends, STAFF),
    post(
        "/console/friends/{friend_id:\\d+}/{action:activate|reject|suspend}",
        jobs.friend_action,
        STAFF_ADMIN,
    ),
    get("/console/privacy", privacy.privacy_page, STAFF),
    get("/console/privacy/export", privacy.export, STAFF),
    post("/console/privacy/erase", privacy.erase, STAFF_ADMIN),
)


# Customers' photos and voice messages, for Friends and the console: the random id is the key.
MEDIA = (get("/media/{media_id}", media.serve, ANYONE),)


# The customer's private status page: the token in the path is the key (backend/status_page).
STATUS_PAGE = (
    get("/b/status.css", status_page.stylesheet, ANYONE),
    get("/b/{token}", status_page.show, ANYONE),
    get("/b/{token}/cancel", status_page.confirm_cancel, ANYONE),
    get("/b/{token}/invoice.pdf", status_page.invoice_pdf, ANYONE),
    post("/b/{token}/cancel", status_page.cancel, ANYONE),
    post("/b/{token}/rating", status_page.rate, ANYONE),
)


def _guard(route: Route) -> Handler:
    if route.access in (STAFF, STAFF_ADMIN):
        return require_staff(admin=route.access is STAFF_ADMIN)(route.handler)
    return route.handler


def served(role: str) -> tuple[Route, ...]:
    """The routes a process of this role answers (BACKEND_ROLE)."""
    if role == "worker":
        return OPERATIONS
    return OPERATIONS + JSON_API + WEBHOOKS + WEBCHAT + CONSOLE + STATUS_PAGE + MEDIA


def setup_routes(app: web.Application, role: str) -> None:
    routes = served(role)
    add_routes(app, routes, _guard)
    if role != "worker":
        app.router.add_static("/console/static/", CONSOLE_DIR / "static")
    app[TOKEN_RULES] = TokenRules.of(routes)
    app[doc.DOCUMENT] = doc.document((r.method, r.path, r.operation) for r in routes if r.operation)
