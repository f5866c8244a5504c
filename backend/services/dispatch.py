"""Offering a job to the Friends near the customer, wave by wave.

A job is due for its next wave when `next_wave_at` has passed: a new job gets `next_wave_at`
= its creation, a job given back (missed deadline, hand-back) gets it again with `wave` = 0.
Each wave is claimed with one conditional UPDATE on (wave, next_wave_at), so two dispatchers
(a request and the sweep, or two processes) never send the same wave twice.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Float,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    select,
    table,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import FRIEND_REACH, Customer, Friend, Job, Offer, SupportAlert
from backend.domain.bitsets import language_bits, skill_bits
from backend.domain.deadlines import is_due
from backend.domain.geo import (
    EARTH_RADIUS_KM,
    KM_PER_DEGREE,
    bounding_box,
    haversine_km,
    lat_bands,
)
from backend.domain.packages import Package
from backend.domain.ranking import (
    NEUTRAL_RATING,
    WEIGHT_DISTANCE,
    closeness_score,
    merit_of,
    promises,
    pulled_to_neutral,
)
from backend.domain.statuses import FriendStatus, JobStatus, OfferStatus, sources_of
from backend.domain.waves import WavePolicy, wave_radius
from backend.friends_chat import messages
from backend.services import outbox
from backend.services.claims import withdraw_offers
from backend.services.customer_news import store_notice
from backend.services.jobs import move_job, record_event
from backend.services.outbox import FRIENDS_PAGE
from backend.whatsapp.offer_template import job_offer
from product.languages import first_of, or_default
from whatsapp_platform.ids import wa_id_of

log = logging.getLogger(__name__)

WAVE_SIZE = WavePolicy().size
# Offers in these states may be made again in a later round: the Friend never refused the job.
REOFFERABLE = sources_of(OfferStatus.QUEUED)
# The flat-map radius test in SQL is rough (about 1% at 50 km): it may let a few Friends too
# many through, which the exact distance then drops, but never one too few.
FLAT_MAP_SPARE = 1.1
# SQLite's distance may differ from Python's in the last bits: its radius test keeps a
# millimetre to spare, and a score this close to the cut-off counts as a tie.
SQL_DISTANCE_SPARE_KM = 1e-6
SQL_SCORE_SPARE = 1e-9
# A few rows beyond the wave's size, so that a Friend just outside by Python's exact distance
# does not cost a second query.
ROWS_SPARE = 5

# Migration 0011 (SQLite): an entry per skill of each active, online Friend, maintained by
# triggers on friends. Each pair of columns is an indexed interval: the box around the Friend's
# own reach, the Friend's place as a point, and the skill's bit number times SKILL_SPACING (the
# migration's). The rest ride along without an index.
SKILL_SPACING = 0.01
friend_reach = table(
    FRIEND_REACH,
    *(
        column(name, Float)
        for name in (
            "reach_min_lat",
            "reach_max_lat",
            "reach_min_lon",
            "reach_max_lon",
            "place_min_lat",
            "place_max_lat",
            "place_min_lon",
            "place_max_lon",
            "skill_min",
            "skill_max",
            "latitude",
            "longitude",
            "radius_km",
            "merit",
        )
    ),
    column("friend_id", Integer),
    column("language_bits", Integer),
)


@dataclass(frozen=True)
class Candidate:
    friend: Friend
    distance_km: float
    score: float = 0.0


def _merit() -> ColumnElement[float]:
    """The part of backend/domain/ranking.score that does not depend on the job (rating and
    reliability), computed by the database so only ids, places and this one number travel.
    tests/backend/test_matching_ranking.py holds it equal to the Python functions."""
    rated = Friend.rating.is_not(None) & (Friend.rating_count > 0)
    smoothed = case(
        (rated, pulled_to_neutral(Friend.rating, Friend.rating_count)),
        else_=literal(NEUTRAL_RATING),
    )
    # As float: SQLAlchemy's true division would give PostgreSQL NUMERIC (Decimal) here.
    return cast(merit_of(smoothed, *promises(Friend)), Float)


@functools.cache
def _candidates_statement(exclude_offered: bool) -> Executable:
    """PostgreSQL's candidate query, built once with bound parameters, so SQLAlchemy reuses its
    compiled form instead of building and compiling the statement every call. Every column
    the WHERE tests is in ix_friends_active_match: the table is read only for those who pass.

    (Searching each group of travel distances in a box of its own size read a quarter of the
    index entries but cost more as six branches of a UNION than it saved: docs/benchmarks.md.)
    """
    dy = (Friend.latitude - bindparam("lat")) * KM_PER_DEGREE
    dx = (Friend.longitude - bindparam("lon")) * bindparam("kx")
    query = select(
        Friend.id, Friend.latitude, Friend.longitude, Friend.radius_km, _merit().label("merit")
    ).where(
        Friend.status == FriendStatus.ACTIVE,
        Friend.lat_band.in_(bindparam("bands", expanding=True)),
        Friend.longitude.between(bindparam("min_lon"), bindparam("max_lon")),
        Friend.latitude.between(bindparam("min_lat"), bindparam("max_lat")),
        Friend.skill_bits.op("&")(bindparam("skill_bit")) != 0,
        Friend.language_bits.op("&")(bindparam("language_bit")) != 0,
        Friend.online.is_(True),
        dy * dy + dx * dx <= Friend.radius_km * Friend.radius_km * FLAT_MAP_SPARE,
    )
    if exclude_offered:
        query = query.where(Friend.id.not_in(_offered()))
    return query


def _offered() -> Select[Any]:
    """Friends who hold a live offer for the job or turned it down in any way."""
    return select(Offer.friend_id).where(
        Offer.job_id == bindparam("job_id"), Offer.status.not_in(REOFFERABLE)
    )


@functools.cache
def _reach_statement(exclude_offered: bool) -> Executable:
    """SQLite's candidate query: a stabbing query on the friend_reach R*Tree (migration 0011).

    The tree returns only entries of the job's skill whose Friend's own reach box holds the
    customer's place and whose place lies in the wave's box; languages and merit are read
    alongside, no table row. SQLite then measures the exact distance, ranks, and hands back
    the best `rows` only. Its score may differ from Python's in the last bits, so
    find_candidates checks the cut-off.
    """
    r = friend_reach.c
    lat, lon = bindparam("lat", type_=Float), bindparam("lon", type_=Float)
    max_radius = bindparam("max_radius", type_=Float)
    half_chord = func.pow(func.sin(func.radians(r.latitude - lat) / 2), 2) + bindparam(
        "cos_lat", type_=Float
    ) * func.cos(func.radians(r.latitude)) * func.pow(
        func.sin(func.radians(r.longitude - lon) / 2), 2
    )
    # SQLite's two-argument min and max are scalar functions.
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.min(1.0, func.sqrt(half_chord)))
    skill = bindparam("skill_slot", type_=Float)
    inner = select(
        r.friend_id.label("id"),
        r.latitude,
        r.longitude,
        r.radius_km,
        r.merit,
        distance.label("distance"),
    ).where(
        r.reach_min_lat <= lat,
        r.reach_max_lat >= lat,
        r.reach_min_lon <= lon,
        r.reach_max_lon >= lon,
        r.place_min_lat <= bindparam("max_lat"),
        r.place_max_lat >= bindparam("min_lat"),
        r.place_min_lon <= bindparam("max_lon"),
        r.place_max_lon >= bindparam("min_lon"),
        r.skill_min <= skill,
        r.skill_max >= skill,
        r.language_bits.op("&")(bindparam("language_bit")) != 0,
    )
    if exclude_offered:
        inner = inner.where(r.friend_id.not_in(_offered()))
    near = inner.subquery()
    score = (
        WEIGHT_DISTANCE * func.max(0.0, 1.0 - near.c.distance / max_radius) + near.c.merit
    ).label("score")
    return (
        select(near.c.id, near.c.latitude, near.c.longitude, near.c.radius_km, near.c.merit, score)
        .where(
            near.c.distance <= near.c.radius_km + SQL_DISTANCE_SPARE_KM,
            near.c.distance <= max_radius + SQL_DISTANCE_SPARE_KM,
        )
        .order_by(score.desc())
        .limit(bindparam("rows", type_=Integer))
    )


def _rank(
    job: Job, rows: Sequence[Row[Any]], max_radius_km: float
) -> list[tuple[float, float, int]]:
    """(-score, distance, id) of the rows within both radii by the exact distance, best first."""
    ranked: list[tuple[float, float, int]] = []
    for row in rows:
        distance = haversine_km(job.latitude, job.longitude, row.latitude, row.longitude)
        if distance > row.radius_km or distance > max_radius_km:
            continue
        score = closeness_score(distance, max_radius_km) + row.merit
        ranked.append((-score, distance, row.id))
    ranked.sort()
    return ranked


async def find_candidates(
    session: AsyncSession,
    job: Job,
    language: str,
    max_radius_km: float,
    limit: int,
    *,
    exclude_offered: bool = True,
) -> list[Candidate]:
    """Active, online Friends whose own radius covers the customer, with the skill and the language,
    best first (backend/domain/ranking.py). With exclude_offered, Friends who hold a live
    offer for the job or turned it down in any way (declined, missed its deadline, gave it
    back) are left out.

    The database narrows down from an index alone and returns the few columns ranking needs:
    on SQLite the friend_reach R*Tree, which also ranks and returns only the best few; on
    PostgreSQL latitude bands and a longitude range, skill and language bits and a flat-map test
    of each Friend's own radius with room to spare. The exact distance decides here. Whole
    Friends are loaded only for the few who make the cut.
    """
    skill_bit, language_bit = skill_bits([job.category]), language_bits([language])
    if not skill_bit or not language_bit:
        return []
    min_lat, max_lat, min_lon, max_lon = bounding_box(job.latitude, job.longitude, max_radius_km)
    params: dict[str, Any] = {
        "lat": job.latitude,
        "lon": job.longitude,
        "min_lon": min_lon,
        "max_lon": max_lon,
        "min_lat": min_lat,
        "max_lat": max_lat,
        "skill_bit": skill_bit,
        "language_bit": language_bit,
        "job_id": job.id,
    }
    # Through the connection: a plain Core query needs none of the ORM's result handling.
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        params["skill_slot"] = (skill_bit.bit_length() - 1) * SKILL_SPACING
        params["cos_lat"] = math.cos(math.radians(job.latitude))
        params["max_radius"] = max_radius_km
        params["rows"] = limit + ROWS_SPARE
        statement = _reach_statement(exclude_offered)
        rows = (await connection.execute(statement, params)).all()
        ranked = _rank(job, rows, max_radius_km)
        # Rows beyond the limit score at most the last one's; unless the best `limit` all
        # beat that clearly, one of them might belong in, so ask again without a limit.
        if len(rows) == params["rows"] and (
            len(ranked) < limit or -ranked[limit - 1][0] <= rows[-1].score + SQL_SCORE_SPARE
        ):
            params["rows"] = -1
            ranked = _rank(job, (await connection.execute(statement, params)).all(), max_radius_km)
    else:
        params["kx"] = KM_PER_DEGREE * math.cos(math.radians(job.latitude))
        params["bands"] = lat_bands(min_lat, max_lat)
        rows = (await connection.execute(_candidates_statement(exclude_offered), params)).all()
        ranked = _rank(job, rows, max_radius_km)
    top = ranked[:limit]
    if not top:
        return []
    friends = {
        f.id: f
        for f in (await session.scalars(select(Friend).where(Friend.id.in_([t[2] for t in top]))))
    }
    return [Candidate(friends[i], distance, -neg) for neg, distance, i in top if i in friends]


@dataclass(frozen=True)
class WaveResult:
    # offered: a wave went out; unassigned: every wave passed unclaimed; skipped: not due,
    # not open, or another dispatcher was quicker.
    outcome: str
    wave: int = 0
    queued: int = 0
    not_reachable: int = 0


async def _offer_wave(
    session: AsyncSession,
    packages: dict[str, Package],
    job: Job,
    language: str,
    wave: int,
    radius_km: float,
    size: int,
    now: datetime,
) -> tuple[int, int]:
    """Offers (and their queued messages) for one wave, in the caller's transaction."""
    candidates = await find_candidates(session, job, language, radius_km, size)
    earlier = {
        o.friend_id: o
        for o in (await session.scalars(select(Offer).where(Offer.job_id == job.id))).all()
    }
    queued = unreachable = 0
    for candidate in candidates:
        friend = candidate.friend
        language = first_of(friend.languages)
        package = packages.get(job.package)
        # A Friend on WhatsApp is always reachable: outside the 24-hour window the offer goes
        # as the approved template (no daily check-in needed); on Messenger only inside it.
        template = _offer_template(friend, job, package, language)
        reachable = template is not None or await outbox.can_message(
            session, FRIENDS_PAGE, friend.messenger_id, now
        )
        status = OfferStatus.QUEUED if reachable else OfferStatus.NOT_REACHABLE
        offer = earlier.get(friend.id)
        if offer is None:
            offer = Offer(job_id=job.id, friend_id=friend.id, wave=wave, status=status)
            session.add(offer)
        else:  # offered in an earlier round that ended without this Friend refusing
            offer.wave, offer.status, offer.error, offer.sent_at = wave, status, "", None
        if not reachable:
            unreachable += 1
            continue
        await session.flush()
        message = messages.offer(job, package, language)
        await outbox.enqueue(
            session,
            FRIENDS_PAGE,
            friend.messenger_id,
            message,
            now,
            offer_id=offer.id,
            template=template,
        )
        queued += 1
    return queued, unreachable


def _offer_template(
    friend: Friend, job: Job, package: Package | None, language: str
) -> dict[str, Any] | None:
    """The `friend_offer` template for a Friend on WhatsApp, None for one on Messenger."""
    if wa_id_of(friend.messenger_id) is None:
        return None
    try:
        return job_offer(friend.messenger_id, job, package, language)
    except ValueError:
        # A parameter Meta would refuse: the offer still goes inside the window.
        log.exception("job %s: no friend_offer template for Friend %s", job.reference, friend.id)
        return None


async def advance_wave(
    session: AsyncSession,
    packages: dict[str, Package],
    policy: WavePolicy,
    job: Job,
    now: datetime,
) -> WaveResult:
    """Send the job's next wave, or give up after the last one; commits.

    A wave that finds nobody new is skipped at once for the next, wider one; only the last
    wave always waits its timeout, so Friends who check in meanwhile still get the job.
    """
    if job.status != JobStatus.OPEN or not is_due(job.next_wave_at, now):
        return WaveResult("skipped")
    seen_wave, seen_at = job.wave, job.next_wave_at
    # Conditional on the wave and the time seen: another dispatcher that saw them too finds
    # the row changed and skips it.
    guard = (Job.id == job.id, Job.wave == seen_wave, Job.next_wave_at == seen_at)
    if seen_wave >= policy.last_wave:
        return await _give_up(session, job, guard, now)
    claimed = await session.scalar(
        update(Job)
        .where(*guard, Job.status == JobStatus.OPEN)
        .values(wave=seen_wave + 1, next_wave_at=now + policy.timeout)
        .returning(Job.id)
    )
    if claimed is None:
        await session.rollback()
        return WaveResult("skipped")
    customer = await session.get(Customer, job.customer_id)
    language = or_default(customer.language if customer else None)
    wave, queued, unreachable = await _offer_waves(
        session, packages, policy, job, language, seen_wave + 1, now
    )
    if wave != seen_wave + 1:
        await session.execute(update(Job).where(Job.id == job.id).values(wave=wave))
    try:
        await session.commit()
    except IntegrityError:
        # Another dispatcher made an offer to the same Friend first; it sent this wave.
        await session.rollback()
        return WaveResult("skipped")
    log.info(
        "job %s wave %d: %d offers queued, %d Friends not reachable",
        job.reference,
        wave,
        queued,
        unreachable,
    )
    return WaveResult("offered", wave, queued, unreachable)


async def _give_up(
    session: AsyncSession, job: Job, guard: tuple[ColumnElement[bool], ...], now: datetime
) -> WaveResult:
    """Every wave passed unclaimed: the job is unassigned, support alerted, the customer told."""
    waves = job.wave
    gone = await move_job(
        session, JobStatus.UNASSIGNED, *guard, unassigned_at=now, next_wave_at=None
    )
    if gone is None:
        await session.rollback()
        return WaveResult("skipped")
    await withdraw_offers(session, job.id, now)
    session.add(
        SupportAlert(
            kind="nobody_found",
            job_id=job.id,
            detail={"reference": job.reference, "waves": waves},
            created_at=now,
        )
    )
    record_event(session, job, "system", "unassigned", waves=waves)
    await store_notice(session, job, "EXTERNAL_nobody_found", {"job_reference": job.reference}, now)
    await session.commit()
    log.info("job %s: nobody claimed it in %d waves", job.reference, waves)
    return WaveResult("unassigned", wave=waves)


async def _offer_waves(
    session: AsyncSession,
    packages: dict[str, Package],
    policy: WavePolicy,
    job: Job,
    language: str,
    wave: int,
    now: datetime,
) -> tuple[int, int, int]:
    """Offers from `wave` on, wider and wider until one reaches somebody new or the last one
    is out: (the wave reached, offers queued, Friends not reachable)."""
    total_queued = total_unreachable = 0
    while True:
        radius = wave_radius(policy, wave)
        assert radius is not None
        queued, unreachable = await _offer_wave(
            session, packages, job, language, wave, radius, policy.size, now
        )
        total_queued += queued
        total_unreachable += unreachable
        record_event(
            session,
            job,
            "system",
            "dispatched",
            wave=wave,
            radius_km=radius,
            friends=queued,
            not_reachable=unreachable,
        )
        if queued or wave >= policy.last_wave:
            return wave, total_queued, total_unreachable
        wave += 1


async def dispatch_job(
    sessions: async_sessionmaker[AsyncSession],
    packages: dict[str, Package],
    job_id: int,
    policy: WavePolicy,
    wake_outbox: Callable[[], None],
    now: datetime,
) -> int:
    """Send the job's next wave if it is due (a new job: wave 1); returns the offers queued.

    Giving up after the last wave is left to the deadline sweep, which also tells the customer.
    """
    async with sessions() as session:
        job = await session.get(Job, job_id)
        if job is None or job.wave >= policy.last_wave:
            return 0
        result = await advance_wave(session, packages, policy, job, now)
    if result.queued:
        wake_outbox()
    return result.queued
