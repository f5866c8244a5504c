"""Privacy: export one customer's data, erase a customer, see the retention setting."""

from __future__ import annotations

import json

from aiohttp import web

from backend.console import privacy, summaries
from backend.console.web import (
    console,
    form_text,
    redirect,
    render,
    runtime,
)


async def privacy_page(request: web.Request) -> web.StreamResponse:
    return render(
        request,
        "privacy.html",
        {
            "retention_days": runtime(request).settings.transcript_retention_days,
            "psid": request.query.get("psid", "")[:255],
        },
    )


async def export(request: web.Request) -> web.StreamResponse:
    psid = request.query.get("psid", "").strip()[:255]
    if not psid:
        return redirect("/console/privacy")
    async with runtime(request).sessions() as session:
        data = await privacy.export_customer(session, console(request).tracker, psid)
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="customer-{len(psid)}.json"'},
    )


async def erase(request: web.Request) -> web.StreamResponse:
    psid = await form_text(request, "psid", 255)
    confirm = await form_text(request, "confirm", 255)
    if not psid or psid != confirm:
        return redirect("/console/privacy", "erase_mismatch")
    rt = runtime(request)
    c = console(request)
    async with c.sync_lock:  # a fold running meanwhile would write the old texts back
        await summaries.sync(rt.sessions, c.tracker)
        await privacy.erase_customer(
            rt.sessions, c.tracker, psid, rt.settings.clock(), rt.settings.channel_store_url
        )
    return redirect("/console/privacy", "erased")
