"""A job's completion by support and its invoice over the JSON API (issue 18): HTTP in and out,
the use cases in backend/services/completion.py and invoices.py."""

from __future__ import annotations

from aiohttp import web

from backend.billing.journal import PaidVia
from backend.domain.invoicing import PAYMENTS, validate_completion, validate_correction
from backend.domain.money import MAX_EXTRA_MINUTES
from backend.services import completion, invoices
from backend.web.json import error, read_json, validation_error
from backend.web.openapi import ERROR, REFERENCE, Operation
from backend.web.openapi_schemas import Schema, enum, obj
from backend.web.runtime import RUNTIME

REFUSED = {
    "done_refused": "no Friend holds this job (open, unassigned or cancelled)",
    "done_package_invalid": "the job's package has no price in its country",
    "done_extra_invalid": f"extra_minutes must be between 0 and {MAX_EXTRA_MINUTES}",
}


async def complete(request: web.Request) -> web.Response:
    """Support completes the job for the Friend who holds it: one invoice, however often."""
    asked, errors = validate_completion(await read_json(request))
    if asked is None:
        return validation_error(errors)
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        try:
            done = await completion.complete_booked(
                session,
                request.match_info["reference"],
                rt.packages,
                asked.extra_minutes,
                PaidVia(asked.payment),
                "admin",
                rt.settings.clock(),
                rt.settings.deadlines,
                rt.settings.billing,
            )
        except completion.CompletionError as exc:
            return error(409, REFUSED.get(exc.key, exc.key))
        if done is None:
            return error(404, "no job with this reference")
        found = await invoices.job_invoice(session, done.job.reference)
        assert found is not None
        body = invoices.invoice_json(found, rt.settings.billing)
    if not done.repeated:
        rt.spawn(rt.friend_chat.notices.send_due(job_id=done.job.id), name="tell customer")
    return web.json_response(body, status=200 if done.repeated else 201)


async def get_invoice(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        found = await invoices.job_invoice(session, request.match_info["reference"])
        if found is None:
            return error(404, "no invoice for this job")
        return web.json_response(invoices.invoice_json(found, rt.settings.billing))


async def get_invoice_pdf(request: web.Request) -> web.Response:
    """The invoice as PDF; ``?number=`` one of its credit notes."""
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        found = await invoices.job_invoice(session, request.match_info["reference"])
        if found is None:
            return error(404, "no invoice for this job")
        number = request.query.get("number") or None
        try:
            document = invoices.render_pdf(found, rt.settings.billing, number)
        except invoices.InvoicingError as exc:
            return error(404, str(exc))
    name = number or found.invoice.number
    return web.Response(
        body=document,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


async def correct_invoice(request: web.Request) -> web.Response:
    """A credit note: the price lowered to ``new_price``, or the whole invoice credited."""
    asked, errors = validate_correction(await read_json(request))
    if asked is None:
        return validation_error(errors)
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        try:
            corrected = await invoices.correct(
                session,
                request.match_info["reference"],
                asked.new_price,
                asked.reason,
                "admin",
                rt.settings.clock(),
                rt.settings.billing,
            )
        except invoices.InvoicingError as exc:
            return error(409, str(exc))
        if corrected is None:
            return error(404, "no invoice for this job")
        found, note = corrected
        body = invoices.invoice_json(found, rt.settings.billing)
    return web.json_response(body | {"credit_note": note.number}, status=201)


MONEY: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}
INVOICE: Schema = obj(
    {
        "number": {"type": "string", "example": "CH-2026-000001"},
        "job_reference": {"type": "string"},
        "country": {"type": "string"},
        "currency": {"type": "string"},
        "language": {"type": "string"},
        "issued_at": {"type": "string", "format": "date-time"},
        "total": MONEY,
        "net": MONEY,
        "vat": MONEY,
        "vat_rate": {"type": ["string", "null"]},
        "labour": MONEY | {"description": "labour cost incl. VAT (§ 35a EStG in DE)"},
        "lines": {"type": "array", "items": {"type": "object"}},
        "status": enum(["open", "paid", "part_paid", "credited"]),
        "outstanding": MONEY,
        "payment": obj(
            {
                "method": enum(["swiss_qr_bill", "epc_qr", "transfer", "direct"]),
                "paid_via": enum(PAYMENTS),
                "reference": {"type": "string"},
                "qr_payload": {"type": ["string", "null"]},
                "iban": {"type": ["string", "null"]},
                "due_on": {"type": ["string", "null"], "format": "date"},
            }
        ),
        "credit_notes": {"type": "array", "items": {"type": "object"}},
    }
)
_INVOICE_RESPONSE: Schema = {
    "description": "the job's invoice",
    "content": {"application/json": {"schema": INVOICE}},
}

COMPLETE_JOB = Operation(
    "Complete a job for the Friend who holds it and issue its one invoice (admin token); "
    "repeated: the same invoice, 200",
    parameters=(REFERENCE,),
    body=obj(
        {
            "extra_minutes": {"type": "integer", "minimum": 0, "maximum": MAX_EXTRA_MINUTES},
            "payment": enum(PAYMENTS),
        },
        required=("payment",),
    ),
    responses={
        "200": _INVOICE_RESPONSE,
        "201": _INVOICE_RESPONSE,
        "400": ERROR,
        "404": ERROR,
        "409": ERROR,
    },
)
GET_INVOICE = Operation(
    "The job's invoice with its credit notes, status and payment instructions",
    parameters=(REFERENCE,),
    responses={"200": _INVOICE_RESPONSE, "404": ERROR},
)
GET_INVOICE_PDF = Operation(
    "The job's invoice as PDF (?number= one of its credit notes)",
    parameters=(REFERENCE, {"name": "number", "in": "query", "schema": {"type": "string"}}),
    responses={
        "200": {
            "description": "the PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        "404": ERROR,
    },
)
CORRECT_INVOICE = Operation(
    "Correct the job's invoice by a credit note, never an edit (admin token): a lower price, "
    "or full_credit (a cancellation after completion)",
    parameters=(REFERENCE,),
    body=obj(
        {
            "new_price": MONEY | {"description": "the gross price the job costs now"},
            "full_credit": {"type": "boolean"},
            "reason": {"type": "string", "maxLength": 500},
        },
        required=("reason",),
    ),
    responses={
        "201": _INVOICE_RESPONSE,
        "400": ERROR,
        "404": ERROR,
        "409": ERROR,
    },
)
