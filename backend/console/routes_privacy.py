"""Privacy: export one customer's data, erase a customer, see the retention setting.

A customer is named by their channel and their id there (the conversation's id); the channel
may be left out, the id tells it (product.channels.of_conversation). `psid` is the form's old
name for the id and still works.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

from backend.config import Settings
from backend.console import privacy, summaries
from backend.console.web import (
    console,
    form_text,
    redirect,
    render,
    runtime,
)
from backend.domain.jobs import CustomerKey
from product.channels import MESSENGER, WHATSAPP, of_conversation, supported

MAX_ID = 255


def _key(values: Mapping[str, object]) -> CustomerKey | None:
    raw = values.get("id") or values.get("psid") or ""
    customer_id = raw.replace("\x00", "").strip()[:MAX_ID] if isinstance(raw, str) else ""
    if not customer_id:
        return None
    return CustomerKey(
        supported(values.get("channel")) or of_conversation(customer_id), customer_id
    )


def store_urls(settings: Settings) -> dict[str, str]:
    """The channels' own stores, by channel (the ones erasure empties too)."""
    return {
        MESSENGER: settings.channel_store_url,
        WHATSAPP: settings.whatsapp_customers.store_url,
    }


async def privacy_page(request: web.Request) -> web.StreamResponse:
    key = _key(request.query)
    return render(
        request,
        "privacy.html",
        {
            "retention_days": runtime(request).settings.transcript_retention_days,
            "customer_id": key.id if key else "",
            "channel": key.channel if key else "",
        },
    )


async def export(request: web.Request) -> web.StreamResponse:
    key = _key(request.query)
    if key is None:
        return redirect("/console/privacy")
    rt = runtime(request)
    async with rt.sessions() as session:
        data = await privacy.export_customer(
            session,
            console(request).tracker,
            key,
            rt.settings.public_base_url,
            store_urls(rt.settings),
        )
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="customer-{len(key.id)}.json"'},
    )


async def erase(request: web.Request) -> web.StreamResponse:
    form = {name: await form_text(request, name, MAX_ID) for name in ("channel", "id", "psid")}
    key = _key(form)
    confirm = await form_text(request, "confirm", MAX_ID)
    if key is None or key.id != confirm:
        return redirect("/console/privacy", "erase_mismatch")
    rt = runtime(request)
    c = console(request)
    async with c.sync_lock:  # a fold running meanwhile would write the old texts back
        await summaries.sync(rt.sessions, c.tracker)
        await privacy.erase_customer(
            rt.sessions, c.tracker, key, rt.settings.clock(), store_urls(rt.settings)
        )
    return redirect("/console/privacy", "erased")
