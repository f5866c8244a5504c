"""GDPR: everything about one customer as JSON, erasure, and automatic transcript retention.

Erasure removes what identifies or was written by the person (texts, name, phone, street,
descriptions, photos and voice messages, comments) and keeps the anonymous skeleton (intents,
counts, categories, postal codes, prices) for statistics. Invoices and credit notes are kept
for ten years as tax law asks (Art. 17(3)(b) GDPR): erasure pseudonymises the customer's name
and address on them and keeps every number, amount and booking
(backend/services/invoices.pseudonymise).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, delete, false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.adapters.orm import Job, JobEvent, Offer, OutboxMessage, Rating
from backend.console import channel_store, tracker
from backend.console.annotations import notes_of, tags_of
from backend.console.models import (
    ConversationNote,
    ConversationSummary,
    ConversationWord,
    NluCorrection,
)
from backend.console.takeover import CUSTOMERS_PAGE
from backend.domain.jobs import CustomerKey
from backend.domain.media import media_ids_mentioned
from backend.services import invoices, media
from backend.services.customer_mail import erase_customer_mails
from backend.services.jobs import find_customer, jobs_for_customer, jobs_json
from product.channels import MESSENGER

ERASED = "[erased]"
RETENTION_BATCH = 200


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _staff_replies(key: CustomerKey) -> ColumnElement[bool]:
    """Staff replies in the outbox: only Messenger's go through it (takeover.py)."""
    if key.channel != MESSENGER:
        return false()
    return and_(OutboxMessage.page == CUSTOMERS_PAGE, OutboxMessage.recipient == key.id)


async def export_customer(
    session: AsyncSession,
    engine: AsyncEngine,
    key: CustomerKey,
    public_base_url: str,
    store_urls: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything about one customer; their conversation is the one named by their id, their
    rows in their channel's own store are found by it too (`store_urls`, as for erasure)."""
    psid = key.id
    customer = await find_customer(session, key)
    jobs = await jobs_for_customer(session, key)
    job_ids = [j.id for j in jobs]
    events = (
        await session.scalars(
            select(JobEvent).where(JobEvent.job_id.in_(job_ids)).order_by(JobEvent.id)
        )
    ).all()
    ratings = (await session.scalars(select(Rating).where(Rating.job_id.in_(job_ids)))).all()
    notes = await notes_of(session, psid)
    tags = await tags_of(session, psid)
    replies = (
        await session.scalars(
            select(OutboxMessage).where(_staff_replies(key)).order_by(OutboxMessage.id)
        )
    ).all()
    conversation = await tracker.conversation(engine, psid)
    in_channel_store = await channel_store.export(
        (store_urls or {}).get(key.channel, ""), psid, key.channel
    )
    references = {j.id: j.reference for j in jobs}
    documents = await invoices.documents_of_jobs(session, job_ids)
    return {
        "channel": key.channel,
        "customer_id": key.id,
        "customer": (
            {
                "name": customer.name,
                "phone": customer.phone,
                "email": customer.email,
                "language": customer.language,
                "country": customer.country,
                "created_at": _iso(customer.created_at),
            }
            if customer
            else None
        ),
        "jobs": await jobs_json(session, jobs, public_base_url),
        "job_events": [
            {
                "job": references[e.job_id],
                "at": _iso(e.at),
                "actor": e.actor,
                "kind": e.kind,
                "detail": e.detail,
            }
            for e in events
        ],
        "ratings": [
            {"job": references[r.job_id], "stars": r.stars, "comment": r.comment} for r in ratings
        ],
        "invoices": invoices.export_json(documents, references),
        "conversation": [
            {"id": e.id, "type": e.type_name, "at": _iso(e.at), "data": e.data}
            for e in conversation
        ],
        "support_notes": [
            {"author": n.author, "text": n.text, "at": _iso(n.created_at)} for n in notes
        ],
        "tags": list(tags),
        "channel_store": in_channel_store,
        "support_replies": [
            {"message": r.body.get("message"), "at": _iso(r.created_at), "sent": _iso(r.sent_at)}
            for r in replies
        ],
    }


async def _redact_summaries(session: AsyncSession, psids: list[str], now: datetime) -> None:
    await session.execute(
        update(ConversationSummary)
        .where(ConversationSummary.sender_id.in_(psids))
        .values(last_text="", redacted_at=now)
    )
    await session.execute(delete(ConversationWord).where(ConversationWord.sender_id.in_(psids)))
    await session.execute(
        update(NluCorrection).where(NluCorrection.sender_id.in_(psids)).values(text=ERASED)
    )


async def _redact_outbox(
    session: AsyncSession, key: CustomerKey, job_ids: list[int], now: datetime
) -> None:
    """Staff replies to the customer and offers about their jobs keep no text; unsent ones
    are not sent any more."""
    offers = select(Offer.id).where(Offer.job_id.in_(job_ids))
    about_customer = or_(_staff_replies(key), OutboxMessage.offer_id.in_(offers))
    await session.execute(
        update(OutboxMessage)
        .where(about_customer, OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        .values(failed_at=now, error="customer erased")
    )
    await session.execute(update(OutboxMessage).where(about_customer).values(body={"erased": True}))


async def _only_theirs(session: AsyncSession, media_ids: set[str], job_ids: list[int]) -> set[str]:
    """The files no other customer's job links: the same bytes are stored once, so a photo two
    people sent is one file, and erasing one of them must not take it from the other."""
    kept = set()
    for media_id in media_ids:
        links = or_(
            cast(Job.image_urls, Text).contains(media_id),
            cast(Job.voice_urls, Text).contains(media_id),
        )
        others = select(Job.id).where(links, Job.id.not_in(job_ids)).limit(1)
        if await session.scalar(others) is not None:
            kept.add(media_id)
    return media_ids - kept


async def erase_customer(
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    key: CustomerKey,
    now: datetime,
    store_urls: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Erase one customer; returns what was changed, for the confirmation. `store_urls`: the
    channels' own stores by channel (channel_store.py), the customer's is emptied too."""
    psid = key.id
    # The files the customer sent, named in their chat (before it is redacted) or their jobs.
    said = json.dumps([e.data for e in await tracker.conversation(engine, psid)])
    media_ids = media_ids_mentioned(said)
    redacted_events = await tracker.redact_conversation(engine, [psid])
    store_url = (store_urls or {}).get(key.channel, "")
    channel_rows = await channel_store.erase(store_url, psid, key.channel)
    async with sessions() as session:
        customer = await find_customer(session, key)
        jobs = await jobs_for_customer(session, key)
        if customer is not None:
            customer.name, customer.phone, customer.email = ERASED, "", ""
        for job in jobs:
            media_ids |= media_ids_mentioned(" ".join([*job.image_urls, *job.voice_urls]))
            job.description, job.street = ERASED, ""
            job.contact_name, job.contact_phone = ERASED, ""
            job.device, job.brand, job.image_urls, job.voice_urls = "", "", [], []
        job_ids = [j.id for j in jobs]
        files = await media.erase(session, await _only_theirs(session, media_ids, job_ids))
        documents = await invoices.pseudonymise(session, job_ids, customer.id) if customer else 0
        if job_ids:
            await session.execute(
                update(Rating).where(Rating.job_id.in_(job_ids)).values(comment="")
            )
            # The log keeps what happened and when; the details can carry names and texts.
            await session.execute(
                update(JobEvent).where(JobEvent.job_id.in_(job_ids)).values(detail={})
            )
        await _redact_outbox(session, key, job_ids, now)
        mails = await erase_customer_mails(session, job_ids)
        await session.execute(delete(ConversationNote).where(ConversationNote.sender_id == psid))
        await _redact_summaries(session, [psid], now)
        await session.commit()
    return {
        "events": redacted_events,
        "channel_rows": channel_rows,
        "jobs": len(jobs),
        "mails": mails,
        "media": files,
        "invoices": documents,
        "customer": int(customer is not None),
    }


async def apply_retention(
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    cutoff: datetime,
    now: datetime,
) -> int:
    """Redact transcripts whose last event is older than the cutoff; returns how many."""
    done = 0
    while True:
        async with sessions() as session:
            psids = list(
                (
                    await session.scalars(
                        select(ConversationSummary.sender_id)
                        .where(
                            ConversationSummary.last_event_at < cutoff,
                            ConversationSummary.redacted_at.is_(None),
                        )
                        .limit(RETENTION_BATCH)
                    )
                ).all()
            )
            if not psids:
                return done
            await tracker.redact_conversation(engine, psids)
            await _redact_summaries(session, psids, now)
            await session.commit()
        done += len(psids)
