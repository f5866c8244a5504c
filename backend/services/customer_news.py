"""Telling a customer what happened to their job, through the bot (Rasa's trigger_intent)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import Job, SupportAlert
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
    """Trigger the intent; the job's log says whether the bot took it, and when it did not,
    support gets an alert to tell the customer themselves."""
    delivered = await rasa.trigger_intent(psid, intent, entities)
    async with sessions() as session:
        job = await session.get(Job, job_id)
        if job is not None:
            if not delivered:
                session.add(
                    SupportAlert(
                        kind="customer_not_told",
                        job_id=job.id,
                        detail={"reference": job.reference, "intent": intent, **entities},
                    )
                )
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
