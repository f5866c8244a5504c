"""Creating jobs (idempotently) and reading them back."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Customer, Friend, Job, JobEvent, utcnow
from backend.domain.friends import first_name
from backend.domain.jobs import CustomerKey, JobRequest, new_reference
from backend.domain.media import AUDIO, IMAGE, media_ids_in
from backend.domain.statuses import JobStatus, sources_of
from backend.services import media, postcodes
from backend.services.customer_mail import queue_booking_mail
from product.channels import MESSENGER
from product.countries import time_zone


def scoped_idempotency_key(caller: str, customer: CustomerKey, key: str | None) -> str | None:
    """What is stored for an `Idempotency-Key`: the key scoped to the caller (the token's
    identity) and the customer, as a hex digest (it fits the column whatever the key's length)."""
    if not key:
        return None
    scope = json.dumps([caller, customer.channel, customer.id, key])
    return hashlib.sha256(scope.encode()).hexdigest()


class JobError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def record_event(session: AsyncSession, job: Job, actor: str, kind: str, **detail: Any) -> None:
    session.add(JobEvent(job_id=job.id, actor=actor, kind=kind, detail=detail))


async def move_job(
    session: AsyncSession, target: JobStatus, *where: ColumnElement[bool], **values: Any
) -> int | None:
    """Moves the job that `where` finds to `target`, with `values`, if its status now is one
    backend/domain/statuses.py allows to move there: one conditional UPDATE, so of two racing
    changes exactly one wins. The job's id, or None (the caller rolls back)."""
    moved: int | None = await session.scalar(
        update(Job)
        .where(*where, Job.status.in_(sources_of(target)))
        .values(status=target, **values)
        .returning(Job.id)
    )
    return moved


async def count_events(session: AsyncSession, job: Job, actor: str, kind: str) -> int:
    """How often this actor's event of this kind is in the job's log."""
    count = await session.scalar(
        select(func.count())
        .select_from(JobEvent)
        .where(JobEvent.job_id == job.id, JobEvent.kind == kind, JobEvent.actor == actor)
    )
    return int(count or 0)


def of_customer(key: CustomerKey) -> ColumnElement[bool]:
    """The WHERE clause naming this customer (a join with Customer is the caller's)."""
    return and_(Customer.channel == key.channel, Customer.channel_id == key.id)


async def find_customer(session: AsyncSession, key: CustomerKey) -> Customer | None:
    return await session.scalar(select(Customer).where(of_customer(key)))


async def _upsert_customer(session: AsyncSession, request: JobRequest) -> Customer:
    """The customer the booking names, made if new. Their stored name and phone are filled
    when empty and otherwise kept: a booking naming an existing customer (by channel and id)
    carries its own name and phone on the job (`Job.contact_name`, `contact_phone`) and does
    not overwrite another person's details (issue 21, point 3). A difference is recorded as
    an event on the job (`contact_differs`, see create_job)."""
    c = request.customer
    customer = await find_customer(session, c.key)
    if customer is None:
        customer = Customer(
            channel=c.key.channel, channel_id=c.key.id, name="", phone="", language="", country=""
        )
        session.add(customer)
    if not customer.name:
        customer.name = c.name
    if not customer.phone:
        customer.phone = c.phone
    customer.language, customer.country = c.language, request.country
    if c.email:  # a booking without the (optional) question keeps the address given before
        customer.email = c.email
    await session.flush()
    return customer


async def create_job(
    session: AsyncSession,
    request: JobRequest,
    idempotency_key: str | None,
    actor: str,
    now: datetime | None = None,
    public_base_url: str = "",
) -> tuple[Job, bool]:
    """The job, and whether it was created now (False: the key was used before).
    `public_base_url`: where this backend's own media URLs point (they must be stored files).

    The job's first wave is due at once (`next_wave_at` = now); if the dispatch started
    after the response is lost in a crash, the deadline sweep sends it.
    """
    now = now or utcnow()
    # The key is the caller's, for this customer: stored as a digest of (caller, channel,
    # customer id, key), so the same key from another caller or for another customer is a
    # new request (a new job), never the first one's job and personal data.
    stored_key = scoped_idempotency_key(actor, request.customer.key, idempotency_key)
    if stored_key:
        existing = await session.scalar(select(Job).where(Job.idempotency_key == stored_key))
        if existing is not None:
            return existing, False
    places = await postcodes.lookup(session, request.postal_code, request.country)
    if not places:
        raise JobError({"postal_code": f"unknown postal code in {request.country}"})
    await _check_media(session, request, public_base_url)
    place = places[0]
    for _attempt in range(5):
        customer = await _upsert_customer(session, request)
        job = Job(
            reference=new_reference(),
            idempotency_key=stored_key,
            status=JobStatus.OPEN,
            category=request.category,
            description=request.description,
            device=request.device,
            brand=request.brand,
            package=request.package,
            country=request.country,
            postal_code=place.postal_code,
            city=place.city,
            street=request.street,
            latitude=place.latitude,
            longitude=place.longitude,
            window_start=request.window_start,
            window_end=request.window_end,
            customer_id=customer.id,
            contact_name=request.customer.name,
            contact_phone=request.customer.phone,
            channel=customer.channel,
            image_urls=list(request.image_urls),
            voice_urls=list(request.voice_urls),
            created_at=now,
            wave=0,
            next_wave_at=now,
        )
        session.add(job)
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            if stored_key:
                # A concurrent request with the same key won the race: answer with its job.
                raced = await session.scalar(select(Job).where(Job.idempotency_key == stored_key))
                if raced is not None:
                    return raced, False
            continue  # reference collision: draw another
        record_event(session, job, actor, "created", reference=job.reference)
        if (customer.name, customer.phone) != (job.contact_name, job.contact_phone):
            # Kept apart, not silently merged: support sees that this booking gave others.
            record_event(session, job, actor, "contact_differs", customer_id=customer.id)
        await queue_booking_mail(session, job, customer, now)
        await session.commit()
        return job, True
    raise RuntimeError("could not allocate a unique job reference")


async def _check_media(session: AsyncSession, request: JobRequest, public_base_url: str) -> None:
    """Our own media URLs must name stored files of the right kind: a photo among the voice
    messages, or an id that was never uploaded, is the caller's mistake, said now."""
    errors: dict[str, str] = {}
    wanted = {
        "image_urls": (media_ids_in(request.image_urls, public_base_url), IMAGE),
        "voice_urls": (media_ids_in(request.voice_urls, public_base_url), AUDIO),
    }
    found = await media.kinds(session, [i for ids, _ in wanted.values() for i in ids])
    for field, (ids, kind) in wanted.items():
        if any(i not in found for i in ids):
            errors[field] = "names a media file that is not stored (upload it first)"
        elif any(found[i] != kind for i in ids):
            errors[field] = f"must name {kind} files only"
    if errors:
        raise JobError(errors)


async def get_job(session: AsyncSession, reference: str) -> Job | None:
    return await session.scalar(select(Job).where(Job.reference == reference.upper()))


async def jobs_for_customer(session: AsyncSession, key: CustomerKey) -> list[Job]:
    query = (
        select(Job)
        .join(Customer, Job.customer_id == Customer.id)
        .where(of_customer(key))
        .order_by(Job.created_at.desc(), Job.id.desc())
    )
    return list((await session.scalars(query)).all())


async def job_json(session: AsyncSession, job: Job, public_base_url: str) -> dict[str, Any]:
    customer = await session.get(Customer, job.customer_id)
    friend = await session.get(Friend, job.assigned_friend_id) if job.assigned_friend_id else None
    return render_job(job, customer, friend, public_base_url)


async def jobs_json(
    session: AsyncSession, jobs: list[Job], public_base_url: str
) -> list[dict[str, Any]]:
    customer_ids = {j.customer_id for j in jobs}
    friend_ids = {j.assigned_friend_id for j in jobs if j.assigned_friend_id}
    customers = {
        c.id: c
        for c in (await session.scalars(select(Customer).where(Customer.id.in_(customer_ids))))
    }
    friends = {
        f.id: f for f in (await session.scalars(select(Friend).where(Friend.id.in_(friend_ids))))
    }
    return [
        render_job(
            j,
            customers.get(j.customer_id),
            friends.get(j.assigned_friend_id) if j.assigned_friend_id else None,
            public_base_url,
        )
        for j in jobs
    ]


def render_job(
    job: Job, customer: Customer | None, friend: Friend | None, public_base_url: str
) -> dict[str, Any]:
    """The job as the API shows it. `public_base_url`: where customers reach this backend,
    for the private status page's link."""
    zone = ZoneInfo(time_zone(job.country))
    return {
        "reference": job.reference,
        "status": job.status,
        "channel": job.channel,
        "status_url": status_url(public_base_url, job.status_token),
        "category": job.category,
        "description": job.description,
        "device": job.device,
        "brand": job.brand,
        "package": job.package,
        "country": job.country,
        "postal_code": job.postal_code,
        "city": job.city,
        "street": job.street,
        "time_window": {
            "start": job.window_start.astimezone(zone).isoformat(),
            "end": job.window_end.astimezone(zone).isoformat(),
        },
        "customer": _customer_json(job, customer),
        "assigned_friend": (
            {"messenger_id": friend.messenger_id, "name": friend.name, "rating": friend.rating}
            if friend
            else None
        ),
        # What the customer may see of their Friend: first name and rating, nothing more.
        "friend": (
            {
                "first_name": first_name(friend.name),
                "rating": friend.rating,
            }
            if friend
            else None
        ),
        "image_urls": list(job.image_urls or []),
        "voice_urls": list(job.voice_urls or []),
        "wave": job.wave,
        "created_at": job.created_at.isoformat(),
        "claimed_at": _iso(job.claimed_at),
        "contact_deadline_at": _iso(job.contact_deadline_at),
        "contacted_at": _iso(job.contacted_at),
        "completed_at": _iso(job.completed_at),
        "cancelled_at": _iso(job.cancelled_at),
        "unassigned_at": _iso(job.unassigned_at),
    }


def _customer_json(job: Job, customer: Customer | None) -> dict[str, Any]:
    if customer is None:
        return dict.fromkeys(("psid", "name", "phone", "language"))
    name, phone = job.contact(customer)
    person = {"name": name, "phone": phone, "language": customer.language}
    if customer.channel == MESSENGER:
        # Exactly what a Messenger job showed before there were channels: its readers (the
        # bot, partners' code) compare it as it was; the job's "channel" says the rest.
        return {"psid": customer.channel_id, **person}
    found = {"psid": None, "channel": customer.channel, "id": customer.channel_id, **person}
    if customer.email:
        found["email"] = customer.email
    return found


def status_url(public_base_url: str, token: str | None) -> str | None:
    """The customer's private status page for a job (None for a job without a token)."""
    return f"{public_base_url.rstrip('/')}/b/{token}" if token else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
