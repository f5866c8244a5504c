"""Conversations: the filtered list, one transcript, notes, tags, review and NLU corrections."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import delete, select

from backend.console import corrections, summaries, tracker
from backend.console.annotations import notes_of, tags_of
from backend.console.models import (
    ConversationNote,
    ConversationSummary,
    ConversationTag,
    NluCorrection,
)
from backend.console.transcript import entries
from backend.console.web import (
    console,
    conversation_url,
    form_id,
    form_text,
    message_page,
    redirect,
    render,
    runtime,
    staff,
    sync_now,
    t,
)
from backend.domain.jobs import CustomerKey
from backend.services.jobs import jobs_for_customer
from product.channels import of_conversation

# The form's label of each filter input that has a range.
FILTER_LABELS = {"since": "since", "until": "until", "below": "confidence_below"}


async def conversation_list(request: web.Request) -> web.StreamResponse:
    filters, bad = summaries.Filters.parse(request.query)
    if bad:
        # Say which input and what it may be, e.g. "from: 2000-01-01 … 2099-12-31".
        why = "; ".join(
            f"{t(request, FILTER_LABELS[name])}: {summaries.FILTER_RANGES[name]}" for name in bad
        )
        return message_page(request, "not_possible", 400, why=why)
    await sync_now(request)
    cursor = request.query.get("after", "")
    async with runtime(request).sessions() as session:
        rows, next_cursor = await summaries.page(session, filters, cursor)
        senders = [r.sender_id for r in rows]
        counts = await summaries.job_counts(session, senders)
        names = await summaries.customer_names(session, senders)
    kept = {k: v for k, v in request.query.items() if k not in ("after", "msg")}
    return render(
        request,
        "conversations.html",
        {
            "rows": rows,
            "counts": counts,
            "names": names,
            "filters": filters,
            "intents": corrections.known_intents(),
            "next_url": (
                f"/console/conversations?{urlencode(kept | {'after': next_cursor})}"
                if next_cursor
                else ""
            ),
            "url": conversation_url,
        },
    )


async def conversation(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    await sync_now(request)
    events = await tracker.conversation(console(request).tracker, sender_id)
    if not events:
        return message_page(request, "not_found", 404)
    async with runtime(request).sessions() as session:
        summary = await session.get(ConversationSummary, sender_id)
        notes = await notes_of(session, sender_id)
        tags = await tags_of(session, sender_id)
        flagged = {
            c.event_id: c.correct_intent
            for c in await session.scalars(
                select(NluCorrection).where(NluCorrection.sender_id == sender_id)
            )
        }
        jobs = await jobs_for_customer(session, CustomerKey(of_conversation(sender_id), sender_id))
    return render(
        request,
        "transcript.html",
        {
            "sender_id": sender_id,
            "summary": summary,
            "entries": entries(events),
            "last_event_id": events[-1].id,
            "notes": notes,
            "tags": tags,
            "flagged": flagged,
            "jobs": jobs,
            "intents": corrections.known_intents(),
            "url": conversation_url,
        },
    )


async def latest(request: web.Request) -> web.StreamResponse:
    """The newest event id, which the transcript page polls to know when to reload."""
    last = await tracker.last_event_id(console(request).tracker, request.match_info["sender"])
    return web.json_response({"last_event_id": last})


async def review(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    rt = runtime(request)
    await sync_now(request)
    async with rt.sessions() as session:
        summary = await session.get(ConversationSummary, sender_id)
        if summary is None:
            return message_page(request, "not_found", 404)
        summary.reviewed_at, summary.reviewed_by = rt.settings.clock(), staff(request).email
        await session.commit()
    return redirect(conversation_url(sender_id))


async def add_note(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    text = await form_text(request, "text", 5000)
    if not text:
        return redirect(conversation_url(sender_id), "note_empty")
    rt = runtime(request)
    async with rt.sessions() as session:
        session.add(
            ConversationNote(
                sender_id=sender_id,
                author=staff(request).email,
                text=text[:5000],
                created_at=rt.settings.clock(),
            )
        )
        await session.commit()
    return redirect(conversation_url(sender_id), "note_saved")


def _tag(raw: str) -> str:
    return " ".join(raw.split())[:50].lower()


async def add_tag(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    tag = _tag(await form_text(request, "tag", 50))
    if tag:
        async with runtime(request).sessions() as session:
            if await session.get(ConversationTag, (sender_id, tag)) is None:
                session.add(ConversationTag(sender_id=sender_id, tag=tag))
                await session.commit()
    return redirect(conversation_url(sender_id))


async def remove_tag(request: web.Request) -> web.StreamResponse:
    sender_id = request.match_info["sender"]
    tag = _tag(await form_text(request, "tag", 50))
    async with runtime(request).sessions() as session:
        await session.execute(
            delete(ConversationTag).where(
                ConversationTag.sender_id == sender_id, ConversationTag.tag == tag
            )
        )
        await session.commit()
    return redirect(conversation_url(sender_id))


async def flag(request: web.Request) -> web.StreamResponse:
    """Mark a customer message as misunderstood, with the intent it should have had."""
    sender_id = request.match_info["sender"]
    intent = await form_text(request, "intent", 100)
    event_id = form_id(await form_text(request, "event_id", 20)) or 0
    if not corrections.valid_intent(intent):
        return message_page(request, "not_possible", 422, why="intent")
    message = next(
        (
            e
            for e in await tracker.conversation(console(request).tracker, sender_id)
            if e.id == event_id and e.type_name == "user"
        ),
        None,
    )
    if message is None:
        return message_page(request, "not_found", 404)
    predicted = str(((message.data.get("parse_data") or {}).get("intent") or {}).get("name", ""))
    rt = runtime(request)
    async with rt.sessions() as session:
        existing = await session.scalar(
            select(NluCorrection).where(NluCorrection.event_id == event_id)
        )
        if existing is None:
            session.add(
                NluCorrection(
                    event_id=event_id,
                    sender_id=sender_id,
                    text=str(message.data.get("text") or ""),
                    predicted_intent=predicted,
                    correct_intent=intent,
                    author=staff(request).email,
                    created_at=rt.settings.clock(),
                )
            )
        else:
            existing.correct_intent, existing.author = intent, staff(request).email
        await session.commit()
    return redirect(conversation_url(sender_id) + f"#e{event_id}")


async def export_corrections(request: web.Request) -> web.StreamResponse:
    async with runtime(request).sessions() as session:
        rows = (
            await session.execute(select(NluCorrection.text, NluCorrection.correct_intent))
        ).all()
    body = corrections.nlu_yaml([(text, intent) for text, intent in rows])
    return web.Response(
        text=body,
        content_type="application/x-yaml",
        headers={"Content-Disposition": 'attachment; filename="nlu_corrections.yml"'},
    )
