"""The website chat's input/output channel, registered as `webchat`: Rasa's socket.io protocol
at `/socket.io`, so our widget and any Rasa web-chat client talk to it.

Our own rather than Rasa's `socketio` channel, whose session persistence is broken with the
python-socketio 5 it installs (`enter_room` is a coroutine there and is never awaited) and
which lets a client name any session id it likes. Here the server issues the sessions
(webchat_platform.sessions: a signed token the browser keeps), a resumed session gets its
history from the tracker, messages from another session are refused, origins, message size
and rates are limited (webchat_platform.limits: a conversation over its limit also loses
the messages still waiting for their turn), and turns run like Messenger's: one at a time
per conversation in arrival order, a few at once overall.

Protocol (the widget's side is backend/webchat/static):
- connect (Origin must be in WEBCHAT_ALLOWED_ORIGINS), then `session_request`
  `{"session_id": <token or null>, "customData"?: {...}}` → `session_confirm` <token> (a
  string, as Rasa's channel sends it) and `session_history` `{"resumed": bool, "messages":
  [...]}` (bot.webchat_output.history).
- `user_uttered` `{"message", "session_id": <token>, "customData": {"language",
  "page_language"}}` → `bot_typing` `{"typing": true}`, the bot's `bot_uttered` messages,
  `bot_typing` `{"typing": false}`.
- POST /webhooks/webchat/push?token=<RASA_TOKEN> `{"conversation_id", "text"}` → the text to
  every tab of that conversation, `{"delivered": <sockets>}` (the console's takeover).

Both transports work: long-polling, and websocket (with bot/sanic_websocket_fix.py). Several
Rasa servers: sessions need no shared state (the token is signed), but engine.io's polling
needs every request of a socket on the same server (sticky routing of /socket.io), and news and
pushes reach only the sockets connected to the server that sends them.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot import sanic_websocket_fix, unreachable_actions
from bot.webchat_output import BOT_EVENT, WebchatOutput, history
from messenger_platform import logs
from webchat_platform import limits, sessions, texts

log = logging.getLogger(__name__)

SOCKETIO_PATH = "/socket.io"
USER_EVENT = "user_uttered"
# As Messenger's channel: NLU and the policies hold the event loop while they compute, so a
# few turns at once keep the CPU busy while others wait for the action server.
DEFAULT_CONCURRENT_TURNS = 4
MAX_PUSH_CHARS = 2000


@dataclass
class WebchatSettings:
    secret: str
    origins: list[str]
    max_chars: int = limits.DEFAULT_MAX_MESSAGE_CHARS
    rate_per_minute: int = limits.DEFAULT_RATE_PER_MINUTE
    concurrent_turns: int = DEFAULT_CONCURRENT_TURNS
    # Our reverse proxies, whose X-Forwarded-For names the client (tools/proxy.py, nginx).
    trusted_proxies: frozenset[str] = frozenset()
    # The push endpoint's token: the one the backend uses for Rasa's HTTP API.
    push_token: str = ""
    # Several Rasa servers: a message for a conversation (the backend's news, a staff reply)
    # reaches its tab through whichever server holds the tab's socket (socket.io over Redis).
    redis_url: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WebchatSettings:
        env = dict(os.environ) if env is None else env

        def number(name: str, default: int) -> int:
            try:
                value = int(env.get(name) or default)
            except ValueError:
                log.warning("%s is not a whole number: %s used", name, default)
                return default
            return value if value > 0 else default

        return cls(
            secret=env.get("WEBCHAT_SECRET", ""),
            origins=limits.allowed_origins(env.get("WEBCHAT_ALLOWED_ORIGINS", "")),
            max_chars=number("WEBCHAT_MAX_MESSAGE_CHARS", limits.DEFAULT_MAX_MESSAGE_CHARS),
            rate_per_minute=number("WEBCHAT_RATE_PER_MINUTE", limits.DEFAULT_RATE_PER_MINUTE),
            concurrent_turns=number("WEBCHAT_CONCURRENT_TURNS", DEFAULT_CONCURRENT_TURNS),
            trusted_proxies=frozenset(
                p.strip() for p in env.get("WEBCHAT_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            push_token=env.get("RASA_TOKEN", ""),
            redis_url=env.get("WEBCHAT_REDIS_URL", ""),
        )


@dataclass
class _Socket:
    """One connected browser tab."""

    address: str
    conversation_id: str | None = None
    token: str | None = None
    locale: str | None = None


class _SocketBlueprint(Blueprint):
    """Attaches the socket.io server to Rasa's Sanic app when Rasa registers the blueprint
    (socket.io's path is absolute; the blueprint's own routes live under /webhooks/webchat/)."""

    def __init__(self, sio: Any, name: str) -> None:
        super().__init__(name, __name__)
        self.ctx.sio = sio  # Sanic refuses attributes of its own on a blueprint

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.sio.attach(app, SOCKETIO_PATH)
        register: Any = super().register  # untyped in Sanic 21.12
        register(app, options)


def _peer(environ: dict[str, Any]) -> tuple[str, str | None]:
    """(the connection's peer, its X-Forwarded-For). engine.io's Sanic driver writes
    127.0.0.1 into REMOTE_ADDR for everybody; Sanic's request knows the real peer."""
    request = environ.get("sanic.request")
    peer = str(getattr(request, "ip", "") or environ.get("REMOTE_ADDR") or "")
    return peer, environ.get("HTTP_X_FORWARDED_FOR")


class WebchatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebchatInput:
        # Settings come from the environment (WEBCHAT_*), like Messenger's secrets.
        return cls(WebchatSettings.from_env())

    def __init__(self, settings: WebchatSettings) -> None:
        self.settings = settings
        self.limiter = limits.RateLimiter(settings.rate_per_minute)
        # python-socketio ships no type hints: the server is Any here.
        server: Any = AsyncServer
        managers: dict[str, Any] = {}
        if settings.redis_url:
            redis_manager: Any = AsyncRedisManager  # untyped, like the server
            managers["client_manager"] = redis_manager(
                settings.redis_url, channel="techfriends-webchat"
            )
        self.sio: Any = server(
            **managers,
            async_mode="sanic",
            # None: same origin only (engine.io's default); [] would switch the check off.
            cors_allowed_origins=settings.origins or None,
            # A socket.io message larger than this is not a chat message (2000 characters
            # of 4-byte UTF-8 and the envelope fit many times over).
            max_http_buffer_size=64 * 1024,
        )
        self._sockets: dict[str, _Socket] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # Per conversation, how often it went over its limit: a message accepted before that
        # but still waiting for its turn belongs to the flood and is dropped with the rest.
        self._floods: dict[str, int] = {}
        self._turns = asyncio.Semaphore(max(1, settings.concurrent_turns))
        self._app: Sanic | None = None
        if not settings.secret:
            log.warning("WEBCHAT_SECRET is empty: every web chat connection will be refused")

    def get_output_channel(self) -> OutputChannel:
        # The backend's news (trigger_intent with output_channel=webchat) go to the room.
        return WebchatOutput(self.sio)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = _SocketBlueprint(self.sio, "webchat_webhook")
        unreachable_actions.install()
        sanic_websocket_fix.install()

        async def start(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            self._app = app
            # Created in Sanic's loop: a semaphore made earlier may belong to another loop.
            self._turns = asyncio.Semaphore(max(1, self.settings.concurrent_turns))

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def push(request: Request) -> HTTPResponse:
            return await self._push(request)

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            return self._connect(sid, environ)

        async def disconnect(sid: str, *args: Any) -> None:
            self._sockets.pop(sid, None)

        async def session_request(sid: str, data: Any = None) -> None:
            await self._session_request(sid, data)

        async def user_uttered(sid: str, data: Any = None) -> None:
            await self._user_uttered(sid, data, on_new_message)

        self.sio.on("connect", connect)
        self.sio.on("disconnect", disconnect)
        self.sio.on("session_request", session_request)
        self.sio.on(USER_EVENT, user_uttered)
        # Registered by call, not as decorators: Sanic 21.12 types its decorators so that they
        # would make the handlers untyped.
        hook.listener(start, "after_server_start")
        hook.add_route(health, "/", methods=["GET"])
        hook.add_route(push, "/push", methods=["POST"])
        return hook

    # --- sessions -------------------------------------------------------------------------

    def _connect(self, sid: str, environ: dict[str, Any]) -> bool:
        if not self.settings.secret:
            return False  # no session could be signed or checked
        peer, forwarded = _peer(environ)
        address = limits.client_address(peer, forwarded, self.settings.trusted_proxies)
        self._sockets[sid] = _Socket(address)
        return True

    async def _session_request(self, sid: str, data: Any) -> None:
        socket = self._sockets.get(sid)
        if socket is None:
            return
        data = data if isinstance(data, dict) else {}
        if not self.limiter.session_request(socket.address, time.monotonic()):
            log.warning("webchat: too many session requests from one address; disconnected")
            await self.sio.disconnect(sid)
            return
        conversation_id = sessions.verify(data.get("session_id"), self.settings.secret)
        resumed = conversation_id is not None
        if conversation_id is None:
            conversation_id = sessions.new_conversation_id()
        if socket.conversation_id and socket.conversation_id != conversation_id:
            await self.sio.leave_room(sid, socket.conversation_id)
        socket.conversation_id = conversation_id
        socket.token = sessions.sign(conversation_id, self.settings.secret)
        socket.locale = limits.locale_of(data.get("customData")) or socket.locale
        await self.sio.enter_room(sid, conversation_id)
        await self.sio.emit("session_confirm", socket.token, to=sid)
        messages = await self._history(conversation_id) if resumed else []
        await self.sio.emit("session_history", {"resumed": resumed, "messages": messages}, to=sid)

    async def _history(self, conversation_id: str) -> list[dict[str, Any]]:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return []
        try:
            tracker = await agent.tracker_store.retrieve(conversation_id)
        except Exception:  # the tracker store may be restarting: the chat goes on without
            log.exception("webchat: history of %s could not be read", conversation_id)
            return []
        return history(tracker.events) if tracker is not None else []

    # --- messages -------------------------------------------------------------------------

    async def _user_uttered(
        self, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        socket = self._sockets.get(sid)
        given = data.get("session_id") if isinstance(data, dict) else None
        if (
            socket is None
            or socket.token is None
            or socket.conversation_id is None
            or not isinstance(given, str)
            or not hmac.compare_digest(given.encode(), socket.token.encode())
        ):
            # Another conversation's token, a forged one, or none confirmed on this socket.
            log.warning("webchat: message refused, not this socket's confirmed session")
            return
        assert isinstance(data, dict)
        conversation_id = socket.conversation_id
        socket.locale = limits.locale_of(data.get("customData")) or socket.locale
        text = data.get("message")
        check = limits.check_text(text, self.settings.max_chars)
        if check is limits.TextCheck.EMPTY or not isinstance(text, str):
            return
        if check is limits.TextCheck.TOO_LONG:
            refusal = texts.text("too_long", socket.locale, max_chars=self.settings.max_chars)
            await self.sio.emit(BOT_EVENT, {"text": refusal}, to=sid)
            return
        verdict = self.limiter.message(conversation_id, socket.address, time.monotonic())
        if verdict is not limits.Verdict.ALLOW and conversation_id in self._locks:
            self._floods[conversation_id] = self._floods.get(conversation_id, 0) + 1
        if verdict is limits.Verdict.WARN:
            await self.sio.emit(BOT_EVENT, {"text": texts.text("slow_down", socket.locale)}, to=sid)
        if verdict is not limits.Verdict.ALLOW:
            return
        # No await before the lock is queued for: socket.io runs each event as a task, in
        # arrival order, and asyncio's locks wake waiters first in, first out.
        await self._turn(conversation_id, text, socket.locale, on_new_message)

    async def _turn(
        self,
        conversation_id: str,
        text: str,
        locale: str | None,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        request_id = uuid.uuid4().hex
        floods = self._floods.get(conversation_id, 0)
        async with lock, self._turns:
            if self._floods.get(conversation_id, 0) == floods:
                await self._run_turn(conversation_id, text, locale, request_id, on_new_message)
            else:
                # The conversation flooded while this waited: its queue would keep the CPU
                # busy for everyone else for as long as its turns take.
                log.info("webchat: a queued message of a flooding conversation dropped")
        if not lock.locked() and not getattr(lock, "_waiters", None):
            self._locks.pop(conversation_id, None)
            self._floods.pop(conversation_id, None)

    async def _run_turn(
        self,
        conversation_id: str,
        text: str,
        locale: str | None,
        request_id: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        output = WebchatOutput(self.sio)
        message = UserMessage(
            text,
            output,
            conversation_id,
            input_channel=self.name(),
            message_id=request_id,
            metadata={"channel": self.name(), "locale": locale},
        )
        with logs.bound(request=request_id, conversation=conversation_id):
            await output.typing(conversation_id, True)
            try:
                with unreachable_actions.channel_turn():
                    await on_new_message(message)
            except unreachable_actions.TurnAborted as aborted:
                log.error("turn for %s: %s; apologised", conversation_id, aborted)
                for reply in aborted.apology:
                    await output.send_response(conversation_id, reply)
            except Exception:
                log.exception("turn for %s failed", conversation_id)
            finally:
                await output.typing(conversation_id, False)

    # --- the console's takeover -----------------------------------------------------------

    async def _push(self, request: Request) -> HTTPResponse:
        expected = self.settings.push_token
        given = str(request.args.get("token") or "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return response.json({"error": "token missing or wrong"}, status=401)
        try:
            body = request.json
        except Exception:
            body = None
        if not isinstance(body, dict):
            return response.json({"error": "a JSON object is expected"}, status=400)
        conversation_id, text = body.get("conversation_id"), body.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_PUSH_CHARS:
            return response.json({"error": f"text: 1 to {MAX_PUSH_CHARS} characters"}, status=400)
        if not sessions.is_conversation_id(conversation_id) or not await self._exists(
            str(conversation_id)
        ):
            return response.json({"error": "not a web chat conversation"}, status=404)
        room = str(conversation_id)
        delivered = sum(1 for _ in self.sio.manager.get_participants("/", room))
        message: dict[str, Any] = {"text": text}
        if body.get("sender") == "staff":
            message["sender"] = "staff"  # the widget may label it as a person's reply
        await self.sio.emit(BOT_EVENT, message, room=room)
        return response.json({"delivered": delivered})

    async def _exists(self, conversation_id: str) -> bool:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return False
        return bool(await agent.tracker_store.exists(conversation_id))
