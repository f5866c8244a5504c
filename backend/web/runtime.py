"""What the handlers need at run time, put in place by the app factory's cleanup contexts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import MessengerClient
from backend.adapters.messenger_window import ChannelWindow
from backend.config import Settings
from backend.domain.packages import Package
from backend.friends_chat.router import FriendChat
from backend.services.deadlines import DeadlineSweep
from backend.services.inbox import GroupCommit

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    messenger: MessengerClient
    packages: dict[str, Package]
    friend_chat: FriendChat
    deadlines: DeadlineSweep
    inbox: GroupCommit
    # When each WhatsApp customer last wrote (the bot's store): the console's replies need it.
    whatsapp_window: ChannelWindow | None = None
    inbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Run work after the response; shutdown waits for it (see app.background_ctx)."""
        task = asyncio.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())


RUNTIME = web.AppKey("runtime", Runtime)
