"""The customer's private status page: /b/<token>, no login, no script, no cookies.

The token (Job.status_token, 192 random bits) is the only key, so it must not leak: no
Referer leaves these pages (Referrer-Policy: no-referrer), search engines are told to keep
out, nothing is cached. The forms need no CSRF token of their own: a page elsewhere cannot
post to a URL whose secret it does not know; a browser's Sec-Fetch-Site "cross-site" is
refused all the same. Cancelling and rating go through the same use cases as the JSON API
(backend/services/lifecycle.py). A page lives until STATUS_PAGE_DAYS after the job ended.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Customer, Friend, Job, Rating
from backend.billing.texts import text as billing_text
from backend.domain.friends import first_name
from backend.domain.jobs import MAX_DESCRIPTION
from backend.domain.statuses import WITH_FRIEND, JobStatus, sources_of
from backend.friends_chat.texts import text as friend_text
from backend.services import invoices, lifecycle
from backend.services.customer_texts import (
    STATUS_PAGE_DAYS,
    page_locale,
    page_text,
    status_text,
    window_text,
)
from backend.web.runtime import RUNTIME, Runtime
from product.languages import first_of

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
# What new_status_token makes (token_urlsafe(24): 32 characters), with room for other lengths.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}
# What ?msg= may say after a form (anything else is ignored); problems are shown as such.
FLASHES = {
    "cancelled_now": "",
    "rated_now": "",
    "not_cancellable": "problem",
    "rated_already": "problem",
    "rating_missing": "problem",
}
# When a job ended, by the status it ended in.
ENDED_AT: dict[str, str] = {
    JobStatus.COMPLETED: "completed_at",
    JobStatus.CANCELLED: "cancelled_at",
    JobStatus.UNASSIGNED: "unassigned_at",
}
CANCEL_REASON = "cancelled by the customer on the status page"

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_stylesheet = (HERE / "status.css").read_text(encoding="utf-8")


def ended_at(job: Job) -> datetime | None:
    """When the job ended (completed, cancelled, or nobody found), None while it runs."""
    field = ENDED_AT.get(job.status)
    return getattr(job, field) if field else None


def expired(job: Job, now: datetime) -> bool:
    ended = ended_at(job)
    return ended is not None and now > ended + timedelta(days=STATUS_PAGE_DAYS)


def _render(locale: str, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    def t(key: str, **values: Any) -> str:
        return page_text(locale, key, **values)

    body = _templates.get_template(template).render(locale=locale, t=t, **context)
    return web.Response(
        text=body,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


def _not_found(request: web.Request) -> web.Response:
    locale = page_locale("", request.headers.get("Accept-Language", ""), "")
    return _render(locale, "not_found.html", {"message": "not_found"}, status=404)


async def _find(
    request: web.Request, session: AsyncSession
) -> tuple[Job, Customer | None, str] | None:
    """The live job of the URL's token, its customer and the page's locale; None: a 404."""
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        return None
    job = await session.scalar(select(Job).where(Job.status_token == token))
    if job is None or expired(job, _runtime(request).settings.clock()):
        return None
    customer = await session.get(Customer, job.customer_id)
    accept = request.headers.get("Accept-Language", "")
    return job, customer, page_locale(customer.language if customer else "", accept, job.country)


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def _page(request: web.Request, suffix: str = "", msg: str = "") -> web.Response:
    """303 to one of this token's pages (after a form the browser loads it anew with GET)."""
    location = f"/b/{request.match_info['token']}{suffix}" + (f"?msg={msg}" if msg else "")
    return web.Response(status=303, headers={"Location": location, **SECURITY_HEADERS})


async def show(request: web.Request) -> web.Response:
    async with _runtime(request).sessions() as session:
        found = await _find(request, session)
        if found is None:
            return _not_found(request)
        job, _customer, locale = found
        friend = (
            await session.get(Friend, job.assigned_friend_id) if job.assigned_friend_id else None
        )
        rating = await session.scalar(select(Rating).where(Rating.job_id == job.id))
        invoice = await _invoice(request, session, job, locale)
    # The Friend is named while they have the job or once they did it, never after a hand-back.
    shown = job.status in WITH_FRIEND or job.status == JobStatus.COMPLETED
    friend_name = first_name(friend.name) if friend is not None and shown else ""
    msg = request.query.get("msg", "")
    flash = msg if msg in FLASHES else ""
    return _render(
        locale,
        "status.html",
        {
            "job": job,
            "token": request.match_info["token"],
            "status": status_text(locale, job.status, friend_name),
            "window": window_text(locale, job.window_start, job.window_end, job.country),
            "friend": friend_name,
            "rating": rating,
            "ratable": job.status == JobStatus.COMPLETED and job.assigned_friend_id is not None,
            "cancellable": job.status in sources_of(JobStatus.CANCELLED),
            "flash": flash,
            "flash_kind": FLASHES.get(flash, ""),
            "max_comment": MAX_DESCRIPTION,
            "invoice": invoice,
        },
    )


async def _invoice(
    request: web.Request, session: AsyncSession, job: Job, locale: str
) -> dict[str, str] | None:
    """The job's invoice on the page: a heading, its one line and the link to the PDF."""
    found = await invoices.job_invoice(session, job.reference)
    if found is None:
        return None
    language = locale.split("-")[0]
    number = found.invoice.number
    return {
        "heading": billing_text("invoice_title", language),
        "summary": invoices.summary(found, _runtime(request).settings.billing, language),
        "link": billing_text("invoice_link", language, {"number": number}),
    }


async def invoice_pdf(request: web.Request) -> web.Response:
    """The job's invoice as PDF, for the customer who holds the page's key."""
    rt = _runtime(request)
    async with rt.sessions() as session:
        found = await _find(request, session)
        invoice = await invoices.job_invoice(session, found[0].reference) if found else None
        if invoice is None:
            return _not_found(request)
        document = invoices.render_pdf(invoice, rt.settings.billing)
    return web.Response(
        body=document,
        content_type="application/pdf",
        headers=SECURITY_HEADERS
        | {"Content-Disposition": f'inline; filename="{invoice.invoice.number}.pdf"'},
    )


async def confirm_cancel(request: web.Request) -> web.Response:
    """The question before cancelling: a GET changes nothing."""
    async with _runtime(request).sessions() as session:
        found = await _find(request, session)
    if found is None:
        return _not_found(request)
    job, _customer, locale = found
    if job.status not in sources_of(JobStatus.CANCELLED):
        return _page(request, msg="not_cancellable")
    context = {"job": job, "token": request.match_info["token"]}
    return _render(locale, "confirm.html", context)


async def _form(request: web.Request) -> dict[str, str] | None:
    """The posted fields; None for a post from another site or a body that is no form."""
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        return None
    try:
        form = await request.post()
    except ValueError:  # aiohttp's parsers raise these for a broken body
        return None
    # No person types NUL, and PostgreSQL cannot store it.
    return {k: v.replace("\x00", "") for k, v in form.items() if isinstance(v, str)}


async def cancel(request: web.Request) -> web.Response:
    form = await _form(request)
    if form is None:
        return web.Response(status=403, text="Forbidden", headers=SECURITY_HEADERS)
    if form.get("confirm") != "yes":
        return _page(request, "/cancel")  # the question first
    rt = _runtime(request)
    async with rt.sessions() as session:
        found = await _find(request, session)
        if found is None:
            return _not_found(request)
        job = found[0]
        try:
            cancelled = await lifecycle.cancel_job(
                session, job.reference, CANCEL_REASON, "customer", rt.settings.clock()
            )
        except lifecycle.LifecycleError:
            return _page(request, msg="not_cancellable")
    if cancelled is not None:
        # The chat learns it too (the notice was stored with the cancel), so a conversation
        # left open there does not wait for an answer that never comes.
        rt.spawn(rt.friend_chat.notices.send_due(job_id=cancelled.job.id), name="tell customer")
        if cancelled.friend is not None:
            _tell_friend(rt, cancelled.friend, cancelled.job.reference)
    return _page(request, msg="cancelled_now")


def _tell_friend(rt: Runtime, friend: Friend, reference: str) -> None:
    """The Friend who had the job hears of it, as after a cancel through the API."""
    message = friend_text("job_cancelled", first_of(friend.languages), reference=reference)
    rt.spawn(rt.friend_chat.say_text(friend.messenger_id, message), name="tell Friend")


async def rate(request: web.Request) -> web.Response:
    form = await _form(request)
    if form is None:
        return web.Response(status=403, text="Forbidden", headers=SECURITY_HEADERS)
    raw = form.get("stars", "").strip()
    stars = int(raw) if raw in ("1", "2", "3", "4", "5") else None
    comment = form.get("comment", "").strip()[:MAX_DESCRIPTION]
    async with _runtime(request).sessions() as session:
        found = await _find(request, session)
        if found is None:
            return _not_found(request)
        if found[0].status != JobStatus.COMPLETED:
            return _page(request)  # nothing to rate yet: the page says where things stand
        if stars is None:
            return _page(request, msg="rating_missing")
        try:
            await lifecycle.rate_found_job(session, found[0], stars, comment)
        except lifecycle.LifecycleError:
            return _page(request, msg="rated_already")
    return _page(request, msg="rated_now")


async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(
        text=_stylesheet,
        content_type="text/css",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
