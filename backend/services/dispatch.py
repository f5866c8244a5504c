"""Offering a new job to the Friends near the customer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import button_message, postback_button
from backend.adapters.orm import Customer, Friend, Job, Offer, utcnow
from backend.domain.geo import bounding_box, haversine_km
from backend.domain.jobs import TIME_ZONES
from backend.domain.money import format_money, friend_payout
from backend.domain.packages import Package
from backend.services import outbox
from backend.services.jobs import record_event
from backend.services.outbox import FRIENDS_PAGE
from backend.texts import text
from product.categories import category_label

log = logging.getLogger(__name__)

WAVE_SIZE = 10


@dataclass(frozen=True)
class Candidate:
    friend: Friend
    distance_km: float


async def find_candidates(
    session: AsyncSession, job: Job, language: str, max_radius_km: float, limit: int
) -> list[Candidate]:
    """Active Friends whose own radius covers the customer, with the skill and the language."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(job.latitude, job.longitude, max_radius_km)
    rows = (
        await session.scalars(
            select(Friend).where(
                Friend.status == "active",
                Friend.latitude.between(min_lat, max_lat),
                Friend.longitude.between(min_lon, max_lon),
            )
        )
    ).all()
    found = []
    for friend in rows:
        if job.category not in friend.skills or language not in friend.languages:
            continue
        distance = haversine_km(job.latitude, job.longitude, friend.latitude, friend.longitude)
        if distance <= min(friend.radius_km, max_radius_km):
            found.append(Candidate(friend, distance))
    # Nearest first; among equals the better rated. Ratings refine this in the matching issue.
    found.sort(key=lambda c: (round(c.distance_km, 1), -(c.friend.rating or 0.0)))
    return found[:limit]


def _window_text(job: Job, language: str) -> str:
    zone = ZoneInfo(TIME_ZONES.get(job.country, "Europe/Berlin"))
    start, end = job.window_start.astimezone(zone), job.window_end.astimezone(zone)
    if (end - start).total_seconds() >= 20 * 3600:
        return text("asap", language)
    return f"{start:%d.%m.}, {start:%H:%M}–{end:%H:%M}"


def offer_text(job: Job, package: Package | None, language: str) -> str:
    price = package.prices.get(job.country) if package else None
    payout = format_money(friend_payout(price.amount), price.currency, language) if price else "–"
    description = job.description if len(job.description) <= 200 else job.description[:197] + "…"
    return text(
        "offer",
        language,
        reference=job.reference,
        category=category_label(job.category, language),
        postal_code=job.postal_code,
        city=job.city,
        window=_window_text(job, language),
        package=package.names.get(language, job.package) if package else job.package,
        payout=payout,
        description=description,
    )


async def dispatch_job(
    sessions: async_sessionmaker[AsyncSession],
    packages: dict[str, Package],
    job_id: int,
    max_radius_km: float,
    wake_outbox: Callable[[], None],
) -> int:
    """Record an offer per candidate and queue its message in one transaction.

    Friends whose 24-hour Messenger window is closed cannot be sent an offer (a job offer is
    no allowed message-tag use): their offer is recorded as not reachable. Returns how many
    offers were queued.
    """
    async with sessions() as session:
        job = await session.get(Job, job_id)
        if job is None or job.status != "open":
            return 0
        customer = await session.get(Customer, job.customer_id)
        language = customer.language if customer else "de"
        candidates = await find_candidates(session, job, language, max_radius_km, WAVE_SIZE)
        already = set(
            (await session.scalars(select(Offer.friend_id).where(Offer.job_id == job.id))).all()
        )
        now = utcnow()
        queued = unreachable = 0
        for candidate in candidates:
            friend = candidate.friend
            if friend.id in already:
                continue
            reachable = await outbox.can_message(session, FRIENDS_PAGE, friend.messenger_id, now)
            offer = Offer(
                job_id=job.id,
                friend_id=friend.id,
                wave=1,
                status="queued" if reachable else "not_reachable",
            )
            session.add(offer)
            if not reachable:
                unreachable += 1
                continue
            await session.flush()
            friend_language = friend.languages[0] if friend.languages else "de"
            message = button_message(
                offer_text(job, packages.get(job.package), friend_language),
                [
                    postback_button(
                        text("button_claim", friend_language), f"CLAIM:{job.reference}"
                    ),
                    postback_button(
                        text("button_decline", friend_language), f"DECLINE:{job.reference}"
                    ),
                ],
            )
            await outbox.enqueue(
                session, FRIENDS_PAGE, friend.messenger_id, message, now, offer_id=offer.id
            )
            queued += 1
        if not queued and not unreachable:
            # Retried by the periodic sweep; one event per sweep would flood the job's log.
            return 0
        record_event(
            session, job, "system", "dispatched", wave=1, friends=queued, not_reachable=unreachable
        )
        try:
            await session.commit()
        except IntegrityError:
            # The sweep and the request's own dispatch raced; the other one made the offers.
            await session.rollback()
            return 0
    wake_outbox()
    log.info("job %s: %d offers queued, %d Friends not reachable", job_id, queued, unreachable)
    return queued
