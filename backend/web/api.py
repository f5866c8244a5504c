"""The JSON API for the action server (the internal token) and onboarding tools (admin)."""

from __future__ import annotations

import hmac

from aiohttp import web

from backend.domain.friends import (
    validate_friend_filters,
    validate_friend_request,
    validate_friend_update,
)
from backend.domain.jobs import (
    CANCELLED_BY,
    customer_of_query,
    validate_cancellation,
    validate_job_request,
    validate_rating,
)
from backend.friends_chat.texts import text
from backend.services import friends, jobs, ledger, lifecycle, postcodes
from backend.services.dispatch import dispatch_job
from backend.web.json import error, read_json, validation_error
from backend.web.runtime import RUNTIME
from product.countries import COUNTRIES, COUNTRY_CODES, is_postal_code_form
from product.languages import first_of

MAX_IDEMPOTENCY_KEY = 200
# Who a caller of the JSON API is, by its token: the action server's internal token, or the
# admin token (onboarding tools, support's scripts). Partners get keys of their own later.
INTERNAL, ADMIN = "api", "admin"
# Whom each caller may name as the canceller (`by`): the action server cancels for the
# customer who asked in the chat, and nothing else; support cancels in the console (its own
# path, not this one) or with the admin token.
MAY_CANCEL_AS = {INTERNAL: ("customer",), ADMIN: CANCELLED_BY}


def caller_of(request: web.Request) -> str:
    """The identity of the token the request was let in with (auth_middleware checked it)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    admin = request.app[RUNTIME].settings.admin_token
    if (
        scheme.lower() == "bearer"
        and admin
        and hmac.compare_digest(token.strip().encode(), admin.encode())
    ):
        return ADMIN
    return INTERNAL


# How long a postal code is in the countries we serve (a code alone may be in several).
POSTAL_DIGITS = sorted({country.postal_digits for country in COUNTRIES.values()})


async def create_job(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
        return validation_error({"Idempotency-Key": f"at most {MAX_IDEMPOTENCY_KEY} characters"})
    now = rt.settings.clock()
    job_request, errors = validate_job_request(
        await read_json(request), set(rt.packages), now, rt.settings.public_base_url
    )
    if job_request is None:
        return validation_error(errors)
    if job_request.country not in rt.settings.service_countries:
        served = ", ".join(rt.settings.service_countries)
        return validation_error({"country": f"not served (SERVICE_COUNTRIES: {served})"})
    async with rt.sessions() as session:
        try:
            job, created = await jobs.create_job(
                session, job_request, key, caller_of(request), now, rt.settings.public_base_url
            )
        except jobs.JobError as exc:
            return validation_error(exc.errors)
        body = await jobs.job_json(session, job, rt.settings.public_base_url)
    if created:
        # Wave 1 goes out right after the response; the deadline sweep is the safety net.
        rt.spawn(
            dispatch_job(
                rt.sessions, rt.packages, job.id, rt.settings.waves, rt.outbox_wakeup.set, now
            ),
            name=f"dispatch {job.reference}",
        )
    return web.json_response(body, status=201 if created else 200)


async def get_job(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        job = await jobs.get_job(session, request.match_info["reference"])
        if job is None:
            return error(404, "no job with this reference")
        return web.json_response(await jobs.job_json(session, job, rt.settings.public_base_url))


async def list_jobs(request: web.Request) -> web.Response:
    customer, errors = customer_of_query(request.query)
    if customer is None:
        return validation_error(errors)
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        found = await jobs.jobs_for_customer(session, customer)
        return web.json_response(await jobs.jobs_json(session, found, rt.settings.public_base_url))


async def cancel_job(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    asked, errors = validate_cancellation(await read_json(request))
    if asked is None:
        return validation_error(errors)
    allowed = MAY_CANCEL_AS[caller_of(request)]
    if asked.by not in allowed:
        return validation_error({"by": f"this token may cancel only as {', '.join(allowed)}"})
    async with rt.sessions() as session:
        try:
            cancelled = await lifecycle.cancel_job(
                session,
                request.match_info["reference"],
                asked.reason,
                asked.by,
                rt.settings.clock(),
                notify_customer=asked.notify_customer,
            )
        except lifecycle.LifecycleError as exc:
            return error(409, str(exc))
        if cancelled is None:
            return error(404, "no job with this reference")
        body = await jobs.job_json(session, cancelled.job, rt.settings.public_base_url)
    if cancelled.friend is not None:
        friend = cancelled.friend
        language = first_of(friend.languages)
        message = text("job_cancelled", language, reference=cancelled.job.reference)
        rt.spawn(rt.friend_chat.say_text(friend.messenger_id, message), name="tell Friend")
    if asked.notify_customer:
        rt.spawn(rt.friend_chat.notices.send_due(job_id=cancelled.job.id), name="tell customer")
    return web.json_response(body)


async def rate_job(request: web.Request) -> web.Response:
    parsed, errors = validate_rating(await read_json(request))
    if parsed is None:
        return validation_error(errors)
    stars, comment, customer = parsed
    async with request.app[RUNTIME].sessions() as session:
        try:
            rating = await lifecycle.rate_job(
                session, request.match_info["reference"], stars, comment, customer
            )
        except lifecycle.LifecycleError as exc:
            return error(409, str(exc))
    if rating is None:
        return error(404, "no job with this reference for this customer")
    return web.json_response({"stars": rating.stars, "comment": rating.comment}, status=201)


async def list_packages(request: web.Request) -> web.Response:
    country = request.query.get("country", "").upper()
    if country not in COUNTRY_CODES:
        return validation_error({"country": f"must be one of {', '.join(COUNTRY_CODES)}"})
    rt = request.app[RUNTIME]
    return web.json_response(
        [
            {
                "id": p.id,
                "name": p.names,
                "minutes": p.minutes,
                "price": {
                    "amount": f"{p.prices[country].amount:.2f}",
                    "currency": p.prices[country].currency,
                },
            }
            for p in rt.packages.values()
            if country in p.prices
        ]
    )


async def lookup_postal_code(request: web.Request) -> web.Response:
    code = request.query.get("code", "").replace(" ", "")
    if not is_postal_code_form(code):
        digits_text = " or ".join(str(n) for n in POSTAL_DIGITS)
        return validation_error({"code": f"must be {digits_text} digits (Poland: 00-950)"})
    country = request.query.get("country", "").upper() or None
    if country is not None and country not in COUNTRY_CODES:
        return validation_error({"country": f"must be one of {', '.join(COUNTRY_CODES)}"})
    async with request.app[RUNTIME].sessions() as session:
        places = await postcodes.lookup(session, code, country)
    return web.json_response([p.as_json() for p in places])


async def nearest_postal_code(request: web.Request) -> web.Response:
    try:
        lat = float(request.query["latitude"])
        lon = float(request.query["longitude"])
    except (KeyError, ValueError):
        return validation_error({"latitude": "latitude and longitude must be numbers"})
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return validation_error({"latitude": "out of range"})
    async with request.app[RUNTIME].sessions() as session:
        place = await postcodes.nearest(
            session, lat, lon, countries=request.app[RUNTIME].settings.service_countries
        )
    if place is None:
        return error(404, "no postal code within 30 km")
    return web.json_response(place.as_json())


async def create_friend(request: web.Request) -> web.Response:
    friend_request, errors = validate_friend_request(await read_json(request))
    if friend_request is None:
        return validation_error(errors)
    async with request.app[RUNTIME].sessions() as session:
        try:
            friend = await friends.create_friend(session, friend_request)
        except friends.FriendError as exc:
            return validation_error(exc.errors)
        return web.json_response(friends.friend_json(friend), status=201)


async def list_friends(request: web.Request) -> web.Response:
    filters, errors = validate_friend_filters(dict(request.query))
    if filters is None:
        return validation_error(errors)
    async with request.app[RUNTIME].sessions() as session:
        found = await friends.list_friends(session, **filters)
        return web.json_response([friends.friend_json(f) for f in found])


def _friend_id(request: web.Request) -> int | None:
    raw = request.match_info["friend_id"]
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def get_friend(request: web.Request) -> web.Response:
    friend_id = _friend_id(request)
    async with request.app[RUNTIME].sessions() as session:
        friend = await friends.get_friend(session, friend_id) if friend_id else None
        if friend is None:
            return error(404, "no Friend with this id")
        return web.json_response(friends.friend_json(friend))


async def update_friend(request: web.Request) -> web.Response:
    changes, errors = validate_friend_update(await read_json(request))
    if changes is None:
        return validation_error(errors)
    friend_id = _friend_id(request)
    async with request.app[RUNTIME].sessions() as session:
        try:
            friend = await friends.update_friend(session, friend_id, changes) if friend_id else None
        except friends.FriendError as exc:
            return validation_error(exc.errors)
        if friend is None:
            return error(404, "no Friend with this id")
        return web.json_response(friends.friend_json(friend))


async def list_ledger(request: web.Request) -> web.Response:
    raw = request.query.get("friend_id", "")
    if raw and not (raw.isdigit() and len(raw) < 10):
        return validation_error({"friend_id": "must be a whole number"})
    async with request.app[RUNTIME].sessions() as session:
        entries = await ledger.entries(session, int(raw) if raw else None)
    return web.json_response(entries)


async def list_support_alerts(request: web.Request) -> web.Response:
    include = request.query.get("include_resolved", "false").lower()
    if include not in ("true", "false"):
        return validation_error({"include_resolved": "must be true or false"})
    async with request.app[RUNTIME].sessions() as session:
        alerts = await ledger.support_alerts(
            session, include_resolved=include == "true", kind=request.query.get("kind") or None
        )
    return web.json_response(alerts)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": "backend"})
