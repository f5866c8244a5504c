"""The jobs board, one job with its log and support's actions, and the Friends page."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from backend.adapters.orm import Customer, Friend, JobEvent, Offer, SupportAlert
from backend.billing.orm import Invoice
from backend.console import board
from backend.console.web import (
    form_id,
    form_text,
    message_page,
    redirect,
    render,
    runtime,
    staff,
)
from backend.domain.statuses import WITH_FRIEND, FriendStatus
from backend.services.dispatch import dispatch_job
from backend.services.jobs import get_job, record_event
from backend.services.lifecycle import LifecycleError, cancel_job
from backend.services.outbox import FRIENDS_PAGE, can_message
from product.languages import DEFAULT_LANGUAGE, first_of


def _actor(request: web.Request) -> str:
    return f"support:{staff(request).email}"


async def jobs_board(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    now = rt.settings.clock()
    async with rt.sessions() as session:
        rows = await board.board(session, now)
        alerts = await board.open_alerts(session)
    return render(request, "jobs.html", {"rows": rows, "alerts": alerts, "now": now})


async def job_detail(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    async with rt.sessions() as session:
        job = await get_job(session, request.match_info["reference"])
        if job is None:
            return message_page(request, "not_found", 404)
        customer = await session.get(Customer, job.customer_id)
        friend_id = job.assigned_friend_id
        friend = await session.get(Friend, friend_id) if friend_id else None
        events = (
            await session.scalars(
                select(JobEvent).where(JobEvent.job_id == job.id).order_by(JobEvent.id)
            )
        ).all()
        offers = (
            await session.execute(
                select(Offer, Friend.name)
                .join(Friend, Offer.friend_id == Friend.id)
                .where(Offer.job_id == job.id)
                .order_by(Offer.id)
            )
        ).all()
        alerts = (
            await session.scalars(select(SupportAlert).where(SupportAlert.job_id == job.id))
        ).all()
        choices = await board.active_friends(session) if job.status in board.ASSIGNABLE else []
        invoice = await session.scalar(
            select(Invoice.number).where(Invoice.invoiced_job_id == job.id)
        )
    return render(
        request,
        "job.html",
        {
            "job": job,
            "customer": customer,
            "friend": friend,
            "events": events,
            "offers": offers,
            "alerts": alerts,
            "now": rt.settings.clock(),
            "can_redispatch": job.status in board.REDISPATCHABLE,
            "can_assign": job.status in board.ASSIGNABLE,
            "active_friends": choices,
            "invoice": invoice,
            "can_complete": job.status in WITH_FRIEND,
        },
    )


def _job_url(reference: str) -> str:
    return f"/console/jobs/{reference}"


async def cancel(request: web.Request) -> web.StreamResponse:
    reference = request.match_info["reference"]
    reason = await form_text(request, "reason", 500)
    if not reason:
        return redirect(_job_url(reference), "reason_missing")
    rt = runtime(request)
    async with rt.sessions() as session:
        try:
            done = await cancel_job(
                session, reference, reason[:500], _actor(request), rt.settings.clock()
            )
        except LifecycleError as exc:
            return message_page(request, "not_possible", 409, why=str(exc))
    if done is None:
        return message_page(request, "not_found", 404)
    rt.outbox_wakeup.set()
    # The cancel stored the customer's notice; it goes out now or at the next sweep.
    rt.spawn(rt.friend_chat.notices.send_due(job_id=done.job.id), name="tell customer")
    return redirect(_job_url(reference), "cancelled")


async def note(request: web.Request) -> web.StreamResponse:
    reference = request.match_info["reference"]
    text = await form_text(request, "text", 2000)
    if not text:
        return redirect(_job_url(reference), "note_empty")
    async with runtime(request).sessions() as session:
        job = await get_job(session, reference)
        if job is None:
            return message_page(request, "not_found", 404)
        record_event(session, job, _actor(request), "note", text=text[:2000])
        await session.commit()
    return redirect(_job_url(reference), "note_saved")


async def redispatch(request: web.Request) -> web.StreamResponse:
    reference = request.match_info["reference"]
    rt = runtime(request)
    now = rt.settings.clock()
    async with rt.sessions() as session:
        job = await get_job(session, reference)
        if job is None:
            return message_page(request, "not_found", 404)
        job_id, status = job.id, job.status  # read now: a rollback expires the object
        if not await board.reopen_for_dispatch(session, job, _actor(request), now):
            return message_page(request, "not_possible", 409, why=status)
    await dispatch_job(
        rt.sessions, rt.packages, job_id, rt.settings.waves, rt.outbox_wakeup.set, now
    )
    return redirect(_job_url(reference), "redispatched")


async def assign(request: web.Request) -> web.StreamResponse:
    """Give the job to a Friend chosen by support, through the ordinary claim path."""
    reference = request.match_info["reference"]
    friend_id = form_id(await form_text(request, "friend_id", 20))
    if friend_id is None:
        return message_page(request, "not_possible", 422, why="friend")
    rt = runtime(request)
    now = rt.settings.clock()
    async with rt.sessions() as session:
        job = await get_job(session, reference)
        friend = await session.get(Friend, friend_id)
        if job is None or friend is None:
            return message_page(request, "not_found", 404)
        messenger_id = friend.messenger_id
        language = (
            DEFAULT_LANGUAGE
            if DEFAULT_LANGUAGE in friend.languages or not friend.languages
            else first_of(friend.languages)
        )
        status = job.status
        if not await board.prepare_assignment(session, job, friend, _actor(request), now):
            return message_page(request, "not_possible", 409, why=status)
        reachable = await can_message(session, FRIENDS_PAGE, messenger_id, now)
    # The claim, the Friend's "it is yours" message and the customer's news: FriendChat's path.
    await rt.friend_chat.claim(messenger_id, reference, language)
    async with rt.sessions() as session:
        job = await get_job(session, reference)
        won = job is not None and job.assigned_friend_id == friend_id
    if not won:
        return message_page(request, "not_possible", 409, why="claim")
    return redirect(_job_url(reference), "assigned" if reachable else "assigned_call_friend")


async def resolve_alert(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    async with rt.sessions() as session:
        await board.resolve_alert(session, int(request.match_info["alert_id"]), rt.settings.clock())
    return redirect("/console/jobs")


async def friends(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    async with rt.sessions() as session:
        rows = await board.friend_rows(session, rt.friend_chat.signup.bank)
    vetting = board.VETTING_STATUSES
    return render(
        request,
        "friends.html",
        {
            "applicants": [r for r in rows if r.friend.status in vetting],
            "active": [r for r in rows if r.friend.status == FriendStatus.ACTIVE],
            "others": [r for r in rows if r.friend.status not in (*vetting, FriendStatus.ACTIVE)],
        },
    )


async def friend_action(request: web.Request) -> web.StreamResponse:
    async with runtime(request).sessions() as session:
        status = await board.change_friend_status(
            session, int(request.match_info["friend_id"]), request.match_info["action"]
        )
    if status is None:
        return message_page(request, "not_possible", 409, why=request.match_info["action"])
    return redirect("/console/friends", "friend_updated")
