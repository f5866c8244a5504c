"""Our WhatsApp input/output channel for the customers' number, registered as `whatsapp`.

The Messenger channel's rules (bot/messenger_channel.py) for Meta's Cloud API: the webhook is
checked (X-Hub-Signature-256 with CUSTOMER_WHATSAPP_APP_SECRET, at most 1 MiB), every message
of a batch is stored in order under its wamid before the 200 (a redelivery is answered once,
also after a restart) and answered after it, one person's messages in order, a few turns at
once (bot/channel_turns.py); delivery statuses update the outbox row of the message they
name. Photos and voice messages are fetched and stored by the backend (bot/media_fetch.py)
before Rasa reads them. Answers go through the durable outbox (bot/whatsapp_outbox.py) as
WhatsApp bodies (bot/whatsapp_mapping.py). The console's takeover pushes its texts through
`POST /webhooks/whatsapp/push?token=RASA_TOKEN`.

Without the CUSTOMER_WHATSAPP_* settings Rasa starts as before; the webhooks answer 503.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import unreachable_actions
from bot.channel_turns import Turns
from bot.media_fetch import MediaFetcher, Refused, rasa_text
from bot.messenger_channel import (
    DEFAULT_CONCURRENT_TURNS,
    DEFAULT_TURN_RETRY_SECONDS,
    _add_healthz_to_rasa_server,
    _add_request_ids_to_rasa_server,
    _env_number,
)
from bot.messenger_store import MessengerStore
from bot.whatsapp_mapping import MediaNeeded, inbound_text
from bot.whatsapp_outbox import WhatsAppOutbox
from bot.whatsapp_output import WhatsAppOutput
from bot.whatsapp_send import WhatsAppClient
from messenger_platform import freshness, logs, signature
from messenger_platform.events import MAX_BODY_BYTES
from messenger_platform.send_policy import OutsideWindowError
from whatsapp_platform import errors, ids, outbound
from whatsapp_platform.inbound import Message, Status, parse_body

log = logging.getLogger(__name__)

DEFAULT_STORE = Path(__file__).resolve().parent.parent / "var" / "whatsapp-customers.db"
TABLE_PREFIX = "wa_"
SETTINGS = (
    "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID",
    "CUSTOMER_WHATSAPP_ACCESS_TOKEN",
    "CUSTOMER_WHATSAPP_APP_SECRET",
    "CUSTOMER_WHATSAPP_VERIFY_TOKEN",
)
MAX_PUSH_CHARS = 4096
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def message_to_json(message: Message) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(message).items() if k != "raw"}


def message_from_json(data: dict[str, Any]) -> Message:
    names = {f.name for f in dataclasses.fields(Message)} - {"raw"}
    return Message(**{k: v for k, v in data.items() if k in names})


@dataclasses.dataclass(frozen=True)
class Settings:
    phone_number_id: str = ""
    access_token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    graph_url: str = "https://graph.facebook.com"
    graph_version: str = "v21.0"
    store_path: Path = DEFAULT_STORE
    store_url: str = ""
    push_token: str = ""
    concurrent_turns: int = DEFAULT_CONCURRENT_TURNS
    turn_retry_seconds: float = DEFAULT_TURN_RETRY_SECONDS

    @property
    def missing(self) -> list[str]:
        values = (self.phone_number_id, self.access_token, self.app_secret, self.verify_token)
        return [name for name, value in zip(SETTINGS, values, strict=True) if not value]


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WhatsAppInput:
        # Secrets come from the environment (credentials.yml names no values for this channel).
        env = os.environ
        return cls(
            Settings(
                phone_number_id=env.get("CUSTOMER_WHATSAPP_PHONE_NUMBER_ID", ""),
                access_token=env.get("CUSTOMER_WHATSAPP_ACCESS_TOKEN", ""),
                app_secret=env.get("CUSTOMER_WHATSAPP_APP_SECRET", ""),
                verify_token=env.get("CUSTOMER_WHATSAPP_VERIFY_TOKEN", ""),
                graph_url=env.get("MESSENGER_GRAPH_URL") or Settings.graph_url,
                graph_version=env.get("MESSENGER_GRAPH_VERSION") or Settings.graph_version,
                store_path=Path(env.get("WHATSAPP_STORE_PATH") or DEFAULT_STORE),
                # PostgreSQL, shared by several Rasa servers (the production topology).
                store_url=env.get("WHATSAPP_STORE_URL", ""),
                push_token=env.get("RASA_TOKEN", ""),
                concurrent_turns=int(
                    _env_number("MESSENGER_CONCURRENT_TURNS", DEFAULT_CONCURRENT_TURNS)
                ),
                turn_retry_seconds=_env_number(
                    "MESSENGER_TURN_RETRY_SECONDS", DEFAULT_TURN_RETRY_SECONDS
                ),
            )
        )

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.configured = not settings.missing
        self.store: MessengerStore | None = None
        self.outbox: WhatsAppOutbox | None = None
        self.turns: Turns | None = None
        self.client = WhatsAppClient(
            settings.graph_url,
            settings.graph_version,
            settings.phone_number_id,
            settings.access_token,
        )
        self.media = MediaFetcher.from_env(
            settings.graph_url, settings.graph_version, settings.access_token
        )
        if not self.configured:
            # One line at start; the store is not even opened.
            log.warning(
                "WhatsApp for customers is off (%s not set): its webhooks answer 503",
                ", ".join(settings.missing),
            )
            return
        if settings.store_url:
            self.store = MessengerStore(url=settings.store_url, prefix=TABLE_PREFIX)
        else:
            self.store = MessengerStore(settings.store_path, prefix=TABLE_PREFIX)
        self.outbox = WhatsAppOutbox(self.store, self.client)
        self.turns = Turns(self.store, settings.concurrent_turns, settings.turn_retry_seconds)

    def get_output_channel(self) -> OutputChannel:
        # Rasa's HTTP API asks for one (news sent through `output_channel=whatsapp`); switched
        # off, what Rasa says is collected and answered to the caller instead of an error.
        if self.outbox is None or self.store is None:
            return CollectingOutputChannel()
        return WhatsAppOutput(self.outbox, self.store)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("whatsapp_webhook", __name__)
        _add_healthz_to_rasa_server()
        _add_request_ids_to_rasa_server()
        unreachable_actions.install()

        async def handle(key: str, data: dict[str, Any]) -> None:
            await self._handle(key, message_from_json(data), on_new_message)

        async def start(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            if self.store is None or self.turns is None or self.outbox is None:
                return
            if not self.store.shared:
                # Our leases from before a crash (see the Messenger channel).
                await asyncio.to_thread(self.store.release_leases)
            await asyncio.to_thread(self.store.purge, datetime.now(UTC))
            await self.turns.start(handle)
            self.turns.spawn(self.outbox.run(self.turns.stopping))

        async def stop(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            if self.turns is not None:
                await self.turns.stop()
            await self.client.close()
            await self.media.close()

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        async def verify(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.text("WhatsApp is not configured", status=503)
            params = {k: request.args.get(k) for k in request.args}
            challenge = signature.verify_subscription(params, self.settings.verify_token)
            if challenge is None:
                return response.text("verification failed", status=403)
            return response.text(challenge)

        async def webhook(request: Request) -> HTTPResponse:
            return await self._webhook(request, on_new_message)

        async def push(request: Request) -> HTTPResponse:
            return await self._push(request)

        # Registered by call, not as decorators (see the Messenger channel).
        hook.listener(start, "after_server_start")
        hook.listener(stop, "before_server_stop")
        hook.add_route(health, "/", methods=["GET"])
        hook.add_route(verify, "/webhook", methods=["GET"])
        hook.add_route(webhook, "/webhook", methods=["POST"])
        hook.add_route(push, "/push", methods=["POST"])
        return hook

    async def _webhook(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        if self.store is None or self.turns is None:
            return response.json({"error": "WhatsApp is not configured"}, status=503)
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            log.warning("whatsapp webhook: body of %d bytes refused", len(body))
            return response.json({"error": "body larger than 1 MiB"}, status=413)
        given = request.headers.get(signature.HEADER)
        if not signature.is_valid(body, given, self.settings.app_secret):
            log.warning("whatsapp webhook: missing or wrong signature")
            return response.json({"error": "invalid signature"}, status=403)
        parsed = parse_body(body)
        if parsed.refused:
            log.warning("whatsapp webhook: %s", parsed.refused)
            return response.json({"error": parsed.refused}, status=400)
        for skipped in parsed.skipped:
            log.warning("whatsapp webhook: %s skipped: %s", skipped.where, skipped.reason)
        ours = self.settings.phone_number_id
        now = freshness.wall_clock()
        messages: list[Message] = []
        statuses: list[Status] = []
        for item in parsed.items:
            stale = freshness.stale_reason_seconds(item.timestamp, now)
            if stale:
                # Skipped, answered 200 all the same: Meta would retry a refused signed body.
                log.warning("whatsapp webhook: %s skipped: %s", item.key, stale)
            elif item.phone_number_id != ours:
                # Another number of the same Meta app (the Friends' one has its own webhook).
                log.warning("whatsapp webhook: item for number %s ignored", item.phone_number_id)
            elif isinstance(item, Status):
                statuses.append(item)
            else:
                messages.append(item)
        try:
            for status in statuses:
                await asyncio.to_thread(self._record_status, status)
            # Stored before the 200: a redelivery is recognised (also after a restart), and a
            # message whose turn never ran is answered after the next start.
            new = set(
                await asyncio.to_thread(
                    self.store.store_inbound,
                    [(m.key, ids.conversation_id(m.wa_id), message_to_json(m)) for m in messages],
                )
            )
        except Exception:
            # Not acknowledged: Meta delivers the batch again later.
            log.exception("whatsapp webhook: the store failed; Meta will send the batch again")
            return response.json({"error": "store unavailable, send again later"}, status=503)
        for message in messages:
            if message.key in new:
                new.discard(message.key)  # a key twice in one batch: answered once
                self.turns.spawn(self._handle(message.key, message, on_new_message))
        return response.json({"status": "received"})

    def _record_status(self, status: Status) -> None:
        assert self.store is not None
        error = "; ".join(
            f"{e.code} {e.title}" + (f": {e.details}" if e.details else "") for e in status.errors
        )
        at = datetime.fromtimestamp(status.timestamp, UTC)
        updated = self.store.record_status(status.message_id, status.status, at, error)
        if status.status == "failed":
            codes = [e.code for e in status.errors]
            actions = {errors.classify(None, code).value for code in codes} or {"failed"}
            log.error(
                "whatsapp message %s to %s failed (%s, codes %s): %s",
                status.message_id,
                status.wa_id,
                ", ".join(sorted(actions)),
                codes,
                error,
            )
        elif not updated:
            log.debug("status %s for %s: no newer row", status.status, status.message_id)

    async def _handle(self, key: str, message: Message, on_new_message: OnNewMessage) -> None:
        # The wamid is the turn's request id and Rasa's message id.
        request_id = logs.clean_id(message.message_id) or logs.new_request_id()
        conversation = ids.conversation_id(message.wa_id)
        assert self.turns is not None and self.store is not None
        async with self.turns.taken(key):
            with logs.bound(request=request_id, conversation=conversation):
                async with self.turns.in_order(conversation):
                    await self._turn(key, conversation, message, on_new_message)
                    await asyncio.to_thread(self.store.mark_handled, key)

    async def _turn(
        self, key: str, conversation: str, message: Message, on_new_message: OnNewMessage
    ) -> None:
        assert self.turns is not None and self.store is not None and self.outbox is not None
        store, outbox = self.store, self.outbox
        offered = await asyncio.to_thread(store.choices, conversation)
        text = inbound_text(message, offered)
        if offered and message.kind == "text":
            # Numbered choices answer one question: a later number means something else.
            await asyncio.to_thread(store.save_choices, conversation, [])
        if isinstance(text, MediaNeeded):
            result = await self.media.whatsapp(text.media_id)
            if isinstance(result, Refused):
                log.warning("%s from %s not stored: %s", text.kind, conversation, result.reason)
            text = rasa_text(result)
        if text is None:
            log.info("ignoring %s message from %s", message.kind, conversation)
            return
        metadata = {
            "whatsapp": {
                "wa_id": message.wa_id,
                "name": message.profile_name,
                "message_id": message.message_id,
                "timestamp": message.timestamp,
            }
        }
        turn_text = text

        def new_message(output: WhatsAppOutput) -> UserMessage:
            return UserMessage(
                turn_text,
                output,
                conversation,
                input_channel=self.name(),
                message_id=message.message_id or None,
                metadata=metadata,
            )

        await self.turns.run(
            conversation,
            lambda already_sent: WhatsAppOutput(outbox, store, already_sent),
            new_message,
            on_new_message,
        )

    # --- the console's takeover -----------------------------------------------------------

    async def _push(self, request: Request) -> HTTPResponse:
        expected = self.settings.push_token
        given = str(request.args.get("token") or "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return response.json({"error": "token missing or wrong"}, status=403)
        if self.outbox is None:
            return response.json({"error": "WhatsApp is not configured"}, status=503)
        try:
            body = request.json
        except Exception:
            body = None
        if not isinstance(body, dict):
            return response.json({"error": "a JSON object is expected"}, status=400)
        conversation, text = body.get("conversation_id"), body.get("text")
        wa_id = ids.wa_id_of(conversation) if isinstance(conversation, str) else None
        if wa_id is None or not isinstance(conversation, str):
            return response.json({"error": "conversation_id: wa-<wa_id>"}, status=400)
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_PUSH_CHARS:
            return response.json({"error": f"text: 1 to {MAX_PUSH_CHARS} characters"}, status=400)
        try:
            for part in outbound.text(wa_id, text):
                await self.outbox.send(conversation, part)
        except OutsideWindowError:
            return response.json({"error": "outside the 24-hour window"}, status=409)
        return response.json({"status": "queued"})
