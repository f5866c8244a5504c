"""Telling a customer what happened to their job, through the bot (Rasa's trigger_intent)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import Job
from backend.adapters.rasa import RasaClient
from backend.services.jobs import record_event


async def tell_customer(
    sessions: async_sessionmaker[AsyncSession],
    rasa: RasaClient,
    job_id: int,
    psid: str,
    intent: str,
    entities: dict[str, Any],
) -> bool:
    """Trigger the intent; the job's log says whether the bot took it (support follows up)."""
    delivered = await rasa.trigger_intent(psid, intent, entities)
    async with sessions() as session:
        job = await session.get(Job, job_id)
        if job is not None:
            record_event(
                session,
                job,
                "system",
                "customer_told" if delivered else "customer_not_told",
                intent=intent,
                **entities,
            )
            await session.commit()
    return delivered
