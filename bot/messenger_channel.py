"""Our Messenger input/output channel for the customers' page, registered as `messenger`.

Replaces Rasa's `facebook` channel, which checks only SHA-1 signatures (and answers 200 when
they are wrong), handles one event per batch, never de-duplicates, acknowledges only after the
whole turn and sends with blocking calls. Here: SHA-256 signatures, every event of a batch,
de-duplication by mid, events stored before the 200 (and handled after a restart if the
process died in between), turns in arrival order per sender, at most MESSENGER_CONCURRENT_TURNS
turns at once (the rest wait, stored and acknowledged, in arrival order), a turn whose custom
action could not run tried once more and otherwise answered with an apology, and every reply
through a durable outbox that respects the 24-hour window and retries what Meta asks us to retry.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import unreachable_actions
from bot.channel_turns import Turns
from bot.media_fetch import MediaFetcher, Refused, rasa_text
from bot.messenger_mapping import event_to_text, split_text
from bot.messenger_outbox import Outbox
from bot.messenger_profile import ProfileLookup
from bot.messenger_send import SendApiClient
from bot.messenger_store import MessengerStore
from messenger_platform import freshness, logs, signature
from messenger_platform.events import MAX_BODY_BYTES, InboundEvent, MalformedWebhook, parse_body
from messenger_platform.send_policy import OutsideWindowError

log = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TEMPLATE_BUTTONS = 3
QUICK_REPLY_TITLE = 20
DEFAULT_STORE = Path(__file__).resolve().parent.parent / "var" / "messenger-customers.db"
# Rasa works on its turns in one event loop, and NLU and the policies hold it while they
# compute: 200 turns at once all take minutes and their action calls time out. A few at once
# keep the CPU busy while others wait for the action server (docs/reliability.md, load test).
DEFAULT_CONCURRENT_TURNS = 4
# A failed action call is often a moment's overload or a restart: worth one more try.
DEFAULT_TURN_RETRY_SECONDS = 5.0


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        log.warning("%s is not a number: %s used", name, default)
        return default
    return value if value > 0 else default


class MessengerOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "messenger"

    def __init__(self, outbox: Outbox, already_sent: list[dict[str, Any]] | None = None) -> None:
        self.outbox = outbox
        self.sent = 0
        self.messages: list[dict[str, Any]] = []
        # A turn run again after a failed action repeats what its first run said up to the
        # failure; the customer has that already.
        self._skip = list(already_sent or [])

    async def _send(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        self.messages.append(message)
        if self._skip and self._skip[0] == message:
            self._skip.pop(0)
            return
        self._skip.clear()
        try:
            await self.outbox.send(recipient_id, message)
        except OutsideWindowError as exc:
            # Meta would refuse it (10/2018278); never count on sending outside the window.
            log.error("not sent: %s", exc)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, MAX_TEXT):
            await self._send(recipient_id, {"text": part})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send(
            recipient_id,
            {
                "text": text[:MAX_TEXT],
                "quick_replies": [
                    {
                        "content_type": "text",
                        "title": str(q.get("title", ""))[:QUICK_REPLY_TITLE],
                        "payload": str(q.get("payload") or q.get("title", "")),
                    }
                    for q in quick_replies[:MAX_QUICK_REPLIES]
                ],
            },
        )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # Answer choices read best as quick replies on a phone (up to 13); only links need a
        # button template, which Meta caps at 3 buttons, so more go out in further templates.
        if all(b.get("type", "postback") == "postback" for b in buttons) and (
            len(buttons) <= MAX_QUICK_REPLIES
        ):
            await self.send_quick_replies(recipient_id, text, buttons)
            return
        chunks = [
            buttons[i : i + MAX_TEMPLATE_BUTTONS]
            for i in range(0, len(buttons), MAX_TEMPLATE_BUTTONS)
        ]
        for index, chunk in enumerate(chunks):
            await self._send(
                recipient_id,
                {
                    "attachment": {
                        "type": "template",
                        "payload": {
                            "template_type": "button",
                            "text": text[:640] if index == 0 else "…",
                            "buttons": [_template_button(b) for b in chunk],
                        },
                    }
                },
            )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(
            recipient_id,
            {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}},
        )

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # A custom response is a ready Send API `message` object.
        await self._send(recipient_id, json_message)


def _fresh(events: list[InboundEvent], now: datetime) -> list[InboundEvent]:
    """The events that are no replay; the others are logged and skipped (the batch is still
    answered 200: Meta would retry a signed body it sees refused)."""
    fresh = []
    for event in events:
        reason = freshness.stale_reason(event.timestamp, now)
        if reason:
            log.warning("messenger webhook: event %s skipped: %s", event.dedupe_key, reason)
        else:
            fresh.append(event)
    return fresh


def _template_button(button: dict[str, Any]) -> dict[str, Any]:
    if button.get("type") == "web_url" or button.get("url"):
        return {"type": "web_url", "title": str(button["title"])[:20], "url": button["url"]}
    return {
        "type": "postback",
        "title": str(button.get("title", ""))[:20],
        "payload": str(button.get("payload") or button.get("title", "")),
    }


RASA_APP_NAMES = ("rasa_server", "rasa_core_no_api")
CONVERSATION_PATH = "/conversations/"


def _bind_request_ids(request: Request) -> None:
    """Rasa's log lines name the caller's request (the backend's news carry X-Request-ID)."""
    request_id = logs.clean_id(request.headers.get(logs.REQUEST_ID_HEADER))
    conversation = logs.clean_id(request.headers.get(logs.CONVERSATION_ID_HEADER))
    if conversation is None and request.path.startswith(CONVERSATION_PATH):
        conversation = logs.clean_id(request.path[len(CONVERSATION_PATH) :].split("/")[0])
    # Set for every request: a keep-alive connection runs its requests in one task.
    logs.bind(request=request_id or logs.new_request_id(), conversation=conversation or "")


def _add_request_ids_to_rasa_server() -> None:
    """JSON logs (LOG_FORMAT=json) and request ids for the Rasa server's own routes too.

    Rasa has set up its logging and created its Sanic app by the time it asks channels for
    blueprints, so this is the place to adopt both.
    """
    logs.adopt_handlers("rasa")
    for name in RASA_APP_NAMES:
        try:
            app = Sanic.get_app(name)
        except SanicException:
            continue
        if _bind_request_ids not in app.request_middleware:
            app.register_middleware(_bind_request_ids, "request")
        return


def _add_healthz_to_rasa_server() -> None:
    """Give the Rasa server the same `GET /healthz` every techfriends process answers.

    Rasa mounts channel blueprints under /webhooks/<name>/, so the root route is added to
    the Sanic app itself; it exists (unstarted) when Rasa asks channels for blueprints.
    """
    for name in RASA_APP_NAMES:
        try:
            app = Sanic.get_app(name)
        except SanicException:
            continue
        if any(route.path == "healthz" for route in app.router.routes):
            return

        async def healthz(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "service": "rasa"})

        app.add_route(healthz, "/healthz", methods=["GET"], name="techfriends_healthz")
        return


class MessengerInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "messenger"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> MessengerInput:
        # Secrets come from the environment; credentials.yml may override them for local runs.
        creds = credentials or {}
        env = os.environ
        return cls(
            verify_token=creds.get("verify") or env.get("CUSTOMER_VERIFY_TOKEN", ""),
            app_secret=creds.get("secret") or env.get("CUSTOMER_APP_SECRET", ""),
            page_access_token=creds.get("page-access-token")
            or env.get("CUSTOMER_PAGE_ACCESS_TOKEN", ""),
            graph_url=creds.get("graph-url")
            or env.get("MESSENGER_GRAPH_URL", "https://graph.facebook.com"),
            graph_version=creds.get("graph-version") or env.get("MESSENGER_GRAPH_VERSION", "v21.0"),
            store_path=Path(env.get("MESSENGER_STORE_PATH") or DEFAULT_STORE),
            # PostgreSQL, shared by several Rasa servers (the production topology).
            store_url=env.get("MESSENGER_STORE_URL", ""),
            concurrent_turns=int(
                _env_number("MESSENGER_CONCURRENT_TURNS", DEFAULT_CONCURRENT_TURNS)
            ),
            turn_retry_seconds=_env_number(
                "MESSENGER_TURN_RETRY_SECONDS", DEFAULT_TURN_RETRY_SECONDS
            ),
        )

    def __init__(
        self,
        verify_token: str,
        app_secret: str,
        page_access_token: str,
        graph_url: str,
        graph_version: str,
        store_path: Path = DEFAULT_STORE,
        store_url: str = "",
        concurrent_turns: int = DEFAULT_CONCURRENT_TURNS,
        turn_retry_seconds: float = DEFAULT_TURN_RETRY_SECONDS,
    ) -> None:
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.client = SendApiClient(graph_url, graph_version, page_access_token)
        self.store = MessengerStore(url=store_url) if store_url else MessengerStore(store_path)
        self.outbox = Outbox(self.store, self.client)
        self.profiles = ProfileLookup(self.store, graph_url, graph_version, page_access_token)
        # Images are stored by the backend (the CDN's URL expires): downloaded without a token.
        self.media = MediaFetcher.from_env()
        self.turns = Turns(self.store, concurrent_turns, turn_retry_seconds)
        if not app_secret:
            log.warning("CUSTOMER_APP_SECRET is empty: every Messenger webhook will be refused")

    def get_output_channel(self) -> OutputChannel:
        return MessengerOutput(self.outbox)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("messenger_webhook", __name__)
        _add_healthz_to_rasa_server()
        _add_request_ids_to_rasa_server()
        unreachable_actions.install()

        async def handle(key: str, data: dict[str, Any]) -> None:
            await self._handle(key, InboundEvent.from_json(data), on_new_message)

        async def start(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            if not self.store.shared:
                # Alone with its store, the outbox leases are ours from before a crash: their
                # sends may not have gone out. (Freed before the outbox runs, or it would race.)
                await asyncio.to_thread(self.store.release_leases)
            await asyncio.to_thread(self.store.purge, datetime.now(UTC))
            # Events stored (and acknowledged) before the last stop but never answered.
            await self.turns.start(handle)
            self.turns.spawn(self.outbox.run(self.turns.stopping))

        async def stop(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            await self.turns.stop()
            await self.client.close()
            await self.profiles.close()
            await self.media.close()

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def verify(request: Request) -> HTTPResponse:
            params = {k: request.args.get(k) for k in request.args}
            challenge = signature.verify_subscription(params, self.verify_token)
            if challenge is None:
                return response.text("verification failed", status=403)
            return response.text(challenge)

        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                log.warning("messenger webhook: body of %d bytes refused", len(body))
                return response.json({"error": "body larger than 1 MiB"}, status=400)
            if not signature.is_valid(body, request.headers.get(signature.HEADER), self.app_secret):
                log.warning("messenger webhook: missing or wrong signature")
                return response.json({"error": "invalid signature"}, status=403)
            try:
                events = parse_body(body)
            except MalformedWebhook as exc:
                log.warning("messenger webhook: %s", exc)
                return response.json({"error": str(exc)}, status=400)
            events = _fresh(events, freshness.wall_clock())
            # Stored before the 200: a redelivery is recognised (also after a restart), and an
            # event whose turn never ran is answered after the next start.
            new = set(
                await asyncio.to_thread(
                    self.store.store_inbound,
                    [(e.dedupe_key, e.sender_id, e.to_json()) for e in events],
                )
            )
            for event in events:
                if event.dedupe_key in new:
                    new.discard(event.dedupe_key)  # a key twice in one batch: answer once
                    self.turns.spawn(self._handle(event.dedupe_key, event, on_new_message))
            return response.json({"status": "received"})

        # Registered by call, not as decorators: Sanic 21.12 types its decorators so that they
        # would make the handlers untyped.
        hook.listener(start, "after_server_start")
        hook.listener(stop, "before_server_stop")
        hook.add_route(health, "/", methods=["GET"])
        hook.add_route(verify, "/webhook", methods=["GET"])
        hook.add_route(webhook, "/webhook", methods=["POST"])
        return hook

    async def _handle(
        self,
        key: str,
        event: InboundEvent,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        # The message's mid is the turn's request id: Rasa hands it to the action server as
        # the message id, and the actions send it on to the backend.
        request_id = logs.clean_id(event.mid) or logs.new_request_id()
        async with self.turns.taken(key):
            with logs.bound(request=request_id, conversation=event.sender_id):
                await self._handle_turn(key, event, on_new_message)

    async def _handle_turn(
        self,
        key: str,
        event: InboundEvent,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        text = event_to_text(event)
        if text is None:
            log.info("ignoring %s event from %s", event.kind, event.sender_id)
            await asyncio.to_thread(self.store.mark_handled, key)
            return
        async with self.turns.in_order(event.sender_id):
            if event.kind == "image" and event.attachment_url:
                # Fetched in order with the person's turns: a photo sent before a question is
                # stored (or refused) before the question is answered.
                result = await self.media.url(event.attachment_url, "messenger")
                if isinstance(result, Refused):
                    log.warning("image from %s not stored: %s", event.sender_id, result.reason)
                text = rasa_text(result)
            # The locale lets the first answer come in the customer's language already.
            profile = await self.profiles.profile(event.sender_id)
            metadata = {
                "messenger": {
                    "mid": event.mid,
                    "timestamp": event.timestamp,
                    "kind": event.kind,
                    "locale": profile.locale if profile else None,
                }
            }

            def new_message(output: MessengerOutput) -> UserMessage:
                return UserMessage(
                    text,
                    output,
                    event.sender_id,
                    input_channel=self.name(),
                    message_id=event.mid or None,
                    metadata=metadata,
                )

            await self.turns.run(
                event.sender_id,
                lambda already_sent: MessengerOutput(self.outbox, already_sent),
                new_message,
                on_new_message,
                self.outbox.send_action,
            )
            await asyncio.to_thread(self.store.mark_handled, key)
