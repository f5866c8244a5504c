"""Support completes a job for the Friend who holds it, and opens its invoice (issue 18): the
same use case as the Friend's "done" and the API (backend/services/completion.py)."""

from __future__ import annotations

from aiohttp import web

from backend.billing.journal import PaidVia
from backend.console.web import message_page, read_form, redirect, runtime, staff
from backend.domain.invoicing import validate_completion
from backend.services import completion, invoices


def _job_url(reference: str) -> str:
    return f"/console/jobs/{reference}"


async def complete(request: web.Request) -> web.StreamResponse:
    reference = request.match_info["reference"]
    form = await read_form(request)
    raw = str(form.get("extra_minutes") or "0").strip()
    minutes = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else -1
    asked, errors = validate_completion(
        {"extra_minutes": minutes, "payment": str(form.get("payment") or "")}
    )
    if asked is None:
        return message_page(request, "not_possible", 422, why="; ".join(errors.values()))
    rt = runtime(request)
    async with rt.sessions() as session:
        try:
            done = await completion.complete_booked(
                session,
                reference,
                rt.packages,
                asked.extra_minutes,
                PaidVia(asked.payment),
                f"support:{staff(request).email}",
                rt.settings.clock(),
                rt.settings.deadlines,
                rt.settings.billing,
            )
        except completion.CompletionError as exc:
            return message_page(request, "not_possible", 409, why=exc.key)
    if done is None:
        return message_page(request, "not_found", 404)
    if not done.repeated:
        rt.spawn(rt.friend_chat.notices.send_due(job_id=done.job.id), name="tell customer")
    return redirect(_job_url(reference), "invoice_issued")


async def invoice_pdf(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    async with rt.sessions() as session:
        found = await invoices.job_invoice(session, request.match_info["reference"])
        if found is None:
            return message_page(request, "not_found", 404)
        number = request.query.get("number") or None
        try:
            document = invoices.render_pdf(found, rt.settings.billing, number)
        except invoices.InvoicingError:
            return message_page(request, "not_found", 404)
    return web.Response(body=document, content_type="application/pdf")
