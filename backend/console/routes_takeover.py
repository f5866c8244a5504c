"""Take over a conversation, reply as a person, hand it back to the bot."""

from __future__ import annotations

from aiohttp import web

from backend.console import takeover
from backend.console.models import ConversationSummary
from backend.console.web import (
    console,
    conversation_url,
    form_text,
    message_page,
    redirect,
    runtime,
    staff,
    sync_now,
)
from product.channels import WHATSAPP


async def _append(request: web.Request, sender_id: str, events: list[dict[str, object]]) -> bool:
    settings = runtime(request).settings
    return await takeover.append_events(
        console(request).http, settings.rasa_url, settings.rasa_token, sender_id, events
    )


async def _known(request: web.Request, sender_id: str) -> bool:
    """Whether the conversation is in the tracker (its summary exists once the newest events
    are folded in)."""
    await sync_now(request)
    async with runtime(request).sessions() as session:
        return await session.get(ConversationSummary, sender_id) is not None


async def take_over(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    if not await _known(request, sender_id):
        return message_page(request, "not_found", 404)
    if not await _append(request, sender_id, takeover.pause_events()):
        return redirect(conversation_url(sender_id), "rasa_down")
    async with console(request).sync_lock, runtime(request).sessions() as session:
        summary = await session.get(ConversationSummary, sender_id)
        if summary is not None:
            summary.handed_off, summary.taken_over_by = True, staff(request).email
            await session.commit()
    return redirect(conversation_url(sender_id), "taken_over")


async def reply(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    text = await form_text(request, "text", takeover.MAX_REPLY)
    if not text:
        return redirect(conversation_url(sender_id), "reply_empty")
    if len(text) > takeover.MAX_REPLY:
        return redirect(conversation_url(sender_id), "reply_too_long")
    rt = runtime(request)
    now = rt.settings.clock()
    await sync_now(request)
    async with rt.sessions() as session:
        summary = await session.get(ConversationSummary, sender_id)
        if summary is None:
            return message_page(request, "not_found", 404)
        if not summary.taken_over_by:
            return redirect(conversation_url(sender_id), "take_over_first")
        if not takeover.may_reply(sender_id, summary.last_user_at, now):
            return redirect(conversation_url(sender_id), takeover.window_closed(sender_id))
    c = console(request)
    routes = takeover.ReplyRoutes(
        rt.sessions,
        c.http,
        rt.settings.rasa_url,
        rt.settings.rasa_token,
        c.outbox_wakeup.set,
        windows={WHATSAPP: rt.whatsapp_window} if rt.whatsapp_window else {},
    )
    sent = await takeover.send_reply(routes, sender_id, text, now)
    if not sent.reached:
        return redirect(conversation_url(sender_id), sent.value)
    recorded = await _append(
        request, sender_id, [takeover.reply_event(text, staff(request).email, now)]
    )
    return redirect(conversation_url(sender_id), sent.value if recorded else "not_recorded")


async def hand_back(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    if not await _append(request, sender_id, takeover.resume_events()):
        return redirect(conversation_url(sender_id), "rasa_down")
    async with console(request).sync_lock, runtime(request).sessions() as session:
        summary = await session.get(ConversationSummary, sender_id)
        if summary is not None:
            summary.handed_off, summary.taken_over_by = False, None
            await session.commit()
    return redirect(conversation_url(sender_id), "handed_back")
