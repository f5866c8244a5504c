"""Offers and the jobs a Friend holds, by chat: claim, decline, my jobs, contacted, hand back,
customer unreachable. The use cases are backend/services/claims.py; this is what is said."""

from __future__ import annotations

from backend.adapters.orm import Customer
from backend.domain.claims import ClaimOutcome
from backend.domain.statuses import WITH_FRIEND, JobStatus, sources_of
from backend.friends_chat import messages
from backend.friends_chat.chat import Chat, Turn
from backend.friends_chat.texts import text
from backend.services import claims


async def which_offer(chat: Chat, turn: Turn) -> Turn | None:
    """ "annehmen" without a reference: the one live offer, or a choice between several."""
    async with chat.sessions() as session:
        references = await claims.offered_references(session, turn.friend.id)
    return await _one_of(chat, turn, references, "no_offer")


async def which_job(chat: Chat, turn: Turn) -> Turn | None:
    """ "erledigt" without a reference: the Friend's one job it can mean, or a choice."""
    kind = turn.command.kind
    statuses = sources_of(JobStatus.CONTACTED) if kind == "contacted" else WITH_FRIEND
    async with chat.sessions() as session:
        held = await claims.held_jobs(session, turn.friend.id)
    references = [job.reference for job, _ in held if job.status in statuses]
    return await _one_of(chat, turn, references, "no_job_for_that")


async def _one_of(chat: Chat, turn: Turn, references: list[str], none: str) -> Turn | None:
    if len(references) == 1:
        return turn.about(references[0])
    if references:
        body = text("which_job", turn.language)
        await chat.say(turn.psid, messages.choices(body, turn.command.kind, references))
    else:
        await chat.say_text(turn.psid, text(none, turn.language))
    return None


async def claim(chat: Chat, turn: Turn) -> None:
    await claim_for(chat, turn.psid, turn.reference, turn.language)


async def claim_for(chat: Chat, psid: str, reference: str, language: str) -> None:
    """The claim and what follows it: the winner gets the customer's details, the customer
    hears who comes. Support's assignment in the console takes this path too."""
    async with chat.sessions() as session:
        result = await claims.claim_job(session, reference, psid, chat.clock(), chat.deadlines)
        if result.outcome is not ClaimOutcome.WON or result.job is None:
            # Each refusal is named after its text: "already_taken", "not_offered", …
            key = "already_taken" if result.outcome is ClaimOutcome.WON else result.outcome.value
            await chat.say_text(psid, text(key, language, reference=reference.upper()))
            return
        job, friend = result.job, result.friend
        customer = await session.get(Customer, job.customer_id)
    assert friend is not None and customer is not None
    await chat.say(psid, messages.won(job, customer, language, chat.deadlines.contact_deadline))
    if job.image_urls or job.voice_urls:
        await chat.say_text(psid, messages.photos_and_voice(job, language))
    # The claim stored the customer's notice. Sent here, it is also sent when a process
    # killed right after the claim's commit left it and the claim comes again as a repeat.
    await chat.notices.send_due(job_id=job.id)


async def decline(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        await claims.decline_offer(session, turn.reference, turn.psid)
    await chat.say_text(turn.psid, text("declined", turn.language, reference=turn.reference))


async def contacted(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        job = await claims.mark_contacted(session, turn.reference, turn.psid, chat.clock())
        job_id = job.id if job else None
    if job_id is None:
        refused = text("contacted_refused", turn.language, reference=turn.reference)
        await chat.say_text(turn.psid, refused)
        return
    await chat.say(turn.psid, messages.contacted_next(turn.reference.upper(), turn.language))
    # The report stored the customer's notice; it goes out now or at the next sweep.
    await chat.notices.send_due(job_id=job_id)


async def hand_back(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        job = await claims.hand_back(session, turn.reference, turn.psid, chat.clock())
    key = "handed_back" if job else "hand_back_refused"
    await chat.say_text(turn.psid, text(key, turn.language, reference=turn.reference.upper()))
    if job is not None:
        # The hand-back stored the customer's notice; it goes out now or at the next sweep.
        await chat.notices.send_due(job_id=job.id)


async def unreachable(chat: Chat, turn: Turn) -> None:
    """One more failed attempt to reach the customer; at the limit, support is alerted."""
    async with chat.sessions() as session:
        noted = await claims.customer_unreachable(
            session, turn.reference, turn.friend, chat.clock()
        )
    if noted is None:
        refused = text("contacted_refused", turn.language, reference=turn.reference)
        await chat.say_text(turn.psid, refused)
        return
    job, count = noted
    limit = claims.UNREACHABLE_ATTEMPTS
    key = "unreachable_alerted" if count >= limit else "unreachable_noted"
    said = text(key, turn.language, count=count, limit=limit, reference=job.reference)
    await chat.say_text(turn.psid, said)


async def my_jobs(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        held = await claims.held_jobs(session, turn.friend.id)
    if not held:
        body = text("my_jobs_none", turn.language)
        await chat.say(turn.psid, messages.menu(body, turn.language))
        return
    await chat.say(turn.psid, messages.my_jobs(held, turn.language, turn.friend.country))
