"""Offering a new job to the Friends near the customer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import MessengerClient, postback_button
from backend.adapters.orm import Customer, Friend, Job, Offer, utcnow
from backend.domain.geo import bounding_box, haversine_km
from backend.domain.jobs import TIME_ZONES
from backend.domain.money import format_money, friend_payout
from backend.domain.packages import Package
from backend.services.jobs import record_event
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
    messenger: MessengerClient,
    packages: dict[str, Package],
    job_id: int,
    max_radius_km: float,
) -> int:
    """Record an offer per candidate, then send them; returns how many went out."""
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
        offers = [
            (Offer(job_id=job.id, friend_id=c.friend.id, wave=1, status="pending"), c.friend)
            for c in candidates
            if c.friend.id not in already
        ]
        if not offers:
            # Retried by the periodic sweep; one event per sweep would flood the job's log.
            return 0
        session.add_all(o for o, _ in offers)
        record_event(session, job, "system", "dispatched", wave=1, friends=len(offers))
        # Offers exist before any message goes out: a crash mid-send leaves a visible record.
        try:
            await session.commit()
        except IntegrityError:
            # The sweep and the request's own dispatch raced; the other one sends the offers.
            await session.rollback()
            return 0

        sent = 0
        for offer, friend in offers:
            friend_language = friend.languages[0] if friend.languages else "de"
            result = await messenger.send_buttons(
                friend.messenger_id,
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
            offer.status = "sent" if result.ok else "failed"
            offer.error = "" if result.ok else f"{result.error_code}: {result.error}"
            offer.sent_at = utcnow() if result.ok else None
            sent += result.ok
            await session.commit()
        log.info("job %s offered to %d of %d Friends", job.reference, sent, len(offers))
        return sent
