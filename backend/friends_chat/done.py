"""Reporting a job done by chat: which package, how much extra time, then the money.

"erledigt" asks the package (chips), the package asks the extra time (chips, or minutes typed
as a number); that answer completes the job (backend/services/completion.py).
"""

from __future__ import annotations

from backend.friends_chat import messages
from backend.friends_chat.chat import Chat, Turn
from backend.friends_chat.texts import text
from backend.services import claims, completion


async def ask_package(chat: Chat, turn: Turn) -> None:
    async with chat.sessions() as session:
        job = await claims.held_job(session, turn.reference, turn.psid)
    if job is None:
        await _refuse(chat, turn, "done_refused", turn.reference)
        return
    offered = [p for p in chat.packages.values() if job.country in p.prices]
    await chat.say(turn.psid, messages.which_package(job, offered, turn.language))


async def ask_extra(chat: Chat, turn: Turn) -> None:
    package = chat.packages.get(turn.command.argument)
    async with chat.sessions() as session:
        try:
            job = await completion.choose_package(session, turn.reference, turn.psid, package)
        except completion.CompletionError as exc:
            # "Not yours" repeats the reference as the Friend sent it; the rest name the job.
            refused = turn.reference if exc.key == "done_refused" else turn.reference.upper()
            await _refuse(chat, turn, exc.key, refused)
            return
    assert package is not None
    await chat.say(turn.psid, messages.how_much_extra(job, package, turn.language))


async def complete(chat: Chat, turn: Turn) -> None:
    """The extra time, tapped or typed: the job is completed and the money told."""
    package = chat.packages.get(turn.command.argument)
    minutes = turn.command.number if turn.command.number is not None else -1
    async with chat.sessions() as session:
        try:
            if package is None:
                raise completion.CompletionError("done_package_invalid")
            done = await completion.complete_job(
                session,
                turn.reference,
                turn.psid,
                package,
                minutes,
                chat.clock(),
                chat.deadlines,
                chat.billing.chat_payment,
                chat.billing,
            )
        except completion.CompletionError as exc:
            await _refuse(chat, turn, exc.key, turn.reference.upper())
            return
    summary = messages.done_summary(
        done.job.reference, done.settlement, done.currency, turn.language
    )
    await chat.say_text(turn.psid, summary)
    await chat.notices.send_due(job_id=done.job.id)


async def _refuse(chat: Chat, turn: Turn, key: str, reference: str) -> None:
    await chat.say_text(turn.psid, text(key, turn.language, reference=reference))
