"""What became of the messages the Friends' WhatsApp number sent: Meta's `statuses[]`.

Each status lands on the outbox row that sent the message (by its wamid): sent, delivered,
read, each with its time. Meta may deliver them late, twice or out of order, so a status never
moves a row back (read stays read when a late `delivered` arrives) and the same status twice
changes nothing. A `failed` status is judged like an error the Send API answered at once
(backend/services/outbox.whatsapp_outcome): 131047 sends the row's template instead, rate
limits and Meta's failures send it again later, 131026 and broken templates alert support.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import OutboxMessage
from backend.services.outbox import support_alert, whatsapp_outcome
from whatsapp_platform.inbound import Status
from whatsapp_platform.window import last_inbound_at

log = logging.getLogger(__name__)

# A later status outranks an earlier one; `failed` ends a message's story.
RANK = {"sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 5}


def _error(status: Status) -> tuple[int | None, str]:
    """Meta's first error: its code and its words."""
    first = status.errors[0] if status.errors else None
    if first is None:
        return None, "failed without an error"
    return first.code, f"{first.title}: {first.details}" if first.details else first.title


async def record_statuses(
    session: AsyncSession, page: str, statuses: Sequence[Status], now: datetime
) -> bool:
    """Writes the statuses on their rows (the caller commits); True when a row is to be sent
    again, so the outbox should wake up."""
    resend = False
    for status in statuses:
        row = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.page == page, OutboxMessage.wa_message_id == status.message_id
            )
        )
        if row is None:
            log.info("whatsapp status %s for unknown message %s", status.status, status.message_id)
            continue
        seen = RANK.get(row.wa_status or "", 0)
        if RANK.get(status.status, 0) <= seen:
            continue  # late, repeated, or after the message failed
        row.wa_status, row.wa_status_at = status.status, last_inbound_at(status.timestamp)
        if status.status != "failed":
            continue
        code, words = _error(status)
        row.wa_error = f"{code}: {words}"
        outcome, alert = whatsapp_outcome(row, None, {"error": {"code": code, "message": words}})
        row.attempts += 1
        row.error = outcome.error
        if outcome.result == "retry":
            # Meta took it, then could not deliver it: the row is open again (another body
            # when the template replaced it) and gets a new wamid when it goes out.
            row.sent_at, row.failed_at = None, None
            row.next_attempt_at = now + outcome.retry_in
            resend = True
            log.warning("outbox %s to %s: %s; sending again", row.id, row.recipient, words)
        else:
            row.failed_at = now
            log.error("outbox %s to %s failed after sending: %s", row.id, row.recipient, words)
            if alert:
                await support_alert(session, row, alert, outcome.error, now)
    return resend
