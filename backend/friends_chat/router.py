"""The Friends' chat: every message to the Friends' page comes in here.

`POST /webhooks/friends` stores the events; the inbox worker hands each one to
`FriendChat.handle`. Someone who is not a working Friend yet is in the sign-up (or the quiz, or
waiting for activation). A working Friend's message is read as one `Command`, whether a button
was tapped or words were typed (backend/domain/friend_commands.py), and `HANDLERS` names the
handler of each command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import utcnow
from backend.adapters.rasa import RasaClient
from backend.billing.accounts import BillingSettings
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.friend_commands import Command, from_tap, parse, parse_minutes
from backend.domain.packages import Package
from backend.domain.quiz import QuizPolicy
from backend.domain.statuses import FriendStatus
from backend.friends_chat import account, done, work
from backend.friends_chat.chat import Chat, Handler, Turn
from backend.friends_chat.signup import FriendSignup
from backend.services import completion
from backend.services.customer_news import NoticeSender
from backend.services.friends import friend_by_psid
from messenger_platform.events import InboundEvent
from product.countries import DEFAULT_SERVICE_COUNTRIES
from product.languages import first_of

# Friends who work by chat; everyone else is in the sign-up, the quiz or waiting.
WORKING = (FriendStatus.ACTIVE, FriendStatus.PAUSED)
# Messenger's kinds of event that carry a button's payload.
TAPPED = ("postback", "quick_reply")

HANDLERS: dict[str, Handler] = {
    "claim": work.claim,
    "decline": work.decline,
    "my_jobs": work.my_jobs,
    "contacted": work.contacted,
    "done": done.ask_package,
    "done_package": done.ask_extra,
    "done_extra": done.complete,
    "hand_back": work.hand_back,
    "unreachable": work.unreachable,
    "online": account.online,
    "offline": account.offline,
    "pause": account.pause,
    "profile": account.show_profile,
    "profile_edit": account.edit_profile,
    "radius": account.radius,
    "skill": account.toggle_skill,
    "languages": account.languages,
    "help": account.menu,
    "unknown": account.not_understood,
}
# Commands about one offer, or one job the Friend holds: without a reference the chat takes the
# only one there is, or asks which.
FIND_REFERENCE = {
    "claim": work.which_offer,
    "decline": work.which_offer,
    "contacted": work.which_job,
    "done": work.which_job,
    "hand_back": work.which_job,
    "unreachable": work.which_job,
}


@dataclass
class FriendChat:
    sessions: async_sessionmaker[AsyncSession]
    wake_outbox: Callable[[], None]
    rasa: RasaClient
    packages: dict[str, Package] = field(default_factory=dict)
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    clock: Callable[[], datetime] = utcnow
    quiz: QuizPolicy = field(default_factory=QuizPolicy)
    # Where Friends may sign up (SERVICE_COUNTRIES, backend/config.py).
    service_countries: tuple[str, ...] = DEFAULT_SERVICE_COUNTRIES
    billing: BillingSettings = field(default_factory=BillingSettings)

    def __post_init__(self) -> None:
        self.notices = NoticeSender(self.sessions, self.rasa, self.clock)
        self.chat = Chat(
            self.sessions,
            self.wake_outbox,
            self.notices,
            self.clock,
            self.packages,
            self.deadlines,
            self.billing,
        )
        self.signup = FriendSignup(
            self.sessions,
            self.chat.say,
            self.clock,
            policy=self.quiz,
            service_countries=self.service_countries,
        )

    async def say_text(self, recipient: str, body: str) -> None:
        await self.chat.say_text(recipient, body)

    async def claim(self, messenger_id: str, reference: str, language: str) -> None:
        """A claim from outside the chat (support assigning a Friend in the console)."""
        await work.claim_for(self.chat, messenger_id, reference, language)

    async def handle(self, event: InboundEvent) -> None:
        async with self.sessions() as session:
            friend = await friend_by_psid(session, event.sender_id)
        if friend is None or friend.status not in WORKING:
            # Not (yet) a Friend who takes jobs: sign-up, quiz, or waiting for activation.
            await self.signup.handle(event, friend)
            return
        language = first_of(friend.languages)
        checked_in = await account.check_in(self.chat, friend, language)
        command = await self._read(event)
        turn = Turn(friend, command, language, checked_in)
        find = FIND_REFERENCE.get(command.kind)
        if find is not None and not command.reference:
            found = await find(self.chat, turn)
            if found is None:  # the Friend was asked which, or told there is none
                return
            turn = found
        await HANDLERS[command.kind](self.chat, turn)

    async def _read(self, event: InboundEvent) -> Command:
        """The one command a message means: a tapped payload, or typed words."""
        if event.kind in TAPPED:
            return from_tap(event.payload)
        if event.kind != "text":
            return Command("unknown")
        minutes = parse_minutes(event.text)
        if minutes is not None:
            # A bare number after the package was chosen is the extra time.
            async with self.sessions() as session:
                pending = await completion.pending_completion(session, event.sender_id)
            if pending is not None:
                reference, package = pending
                return Command("done_extra", reference, minutes, package)
        return parse(event.text)
