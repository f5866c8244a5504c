"""What every handler of the Friends' chat works with: the database, the clock, the replies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import text_message
from backend.adapters.orm import Friend
from backend.billing.accounts import BillingSettings
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.friend_commands import Command
from backend.domain.packages import Package
from backend.services import outbox
from backend.services.customer_news import NoticeSender
from backend.services.outbox import FRIENDS_PAGE
from messenger_platform.send_policy import OutsideWindowError

log = logging.getLogger(__name__)


@dataclass
class Chat:
    sessions: async_sessionmaker[AsyncSession]
    wake_outbox: Callable[[], None]
    notices: NoticeSender
    clock: Callable[[], datetime]
    packages: dict[str, Package]
    deadlines: DeadlinePolicy
    # Invoices: the platform's accounts, and how a job reported done here is paid.
    billing: BillingSettings = field(default_factory=BillingSettings)

    async def say(self, recipient: str, message: dict[str, Any]) -> None:
        """Queue a reply; the person just wrote, so their window is open."""
        async with self.sessions() as session:
            try:
                await outbox.enqueue(session, FRIENDS_PAGE, recipient, message, self.clock())
            except OutsideWindowError as exc:
                log.error("reply not queued: %s", exc)
                return
            await session.commit()
        self.wake_outbox()

    async def say_text(self, recipient: str, body: str) -> None:
        await self.say(recipient, text_message(body))


@dataclass(frozen=True)
class Turn:
    """One message of a working Friend, read as a command."""

    friend: Friend
    command: Command
    language: str  # the Friend's first language: every reply is in it
    checked_in: bool  # this message was the day's first: the greeting went out already

    @property
    def psid(self) -> str:
        return self.friend.messenger_id

    @property
    def reference(self) -> str:
        return self.command.reference

    def about(self, reference: str) -> Turn:
        """The same command, about the job the chat found for it."""
        return replace(self, command=replace(self.command, reference=reference))


Handler = Callable[[Chat, Turn], Awaitable[None]]
