"""The Friends' WhatsApp number's webhook: verify, store, acknowledge; handling comes after.

Each message becomes the same `InboundEvent` a Messenger message would (sender "wa-<wa_id>",
de-duplicated by its wamid) and goes into the Friends' inbox, so `FriendChat.handle` answers it
unchanged, and storing it opens the Friend's 24-hour window. Meta's statuses of what we sent
are written on their outbox rows before the 200, like the messages.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiohttp import web

from backend.services.delivery_statuses import record_statuses
from backend.services.outbox import FRIENDS_PAGE
from backend.web.json import error
from backend.web.runtime import RUNTIME
from messenger_platform import freshness, signature
from messenger_platform.events import MAX_BODY_BYTES, InboundEvent
from whatsapp_platform.ids import conversation_id
from whatsapp_platform.inbound import Message, parse_body

log = logging.getLogger(__name__)

NOT_CONFIGURED = "WhatsApp for Friends is not configured on this server"
# A reply's id (the payload we sent) comes back in these kinds: the chat reads it as a tap.
REPLIES = ("button_reply", "list_reply", "button")
# Taken as they are; any other kind is "other", which the chat answers with its menu.
SAME_KIND = ("text", "location", "image", "sticker")


async def verify(request: web.Request) -> web.Response:
    token = request.app[RUNTIME].settings.friends_whatsapp_verify_token
    if not token:
        return error(503, f"{NOT_CONFIGURED} (FRIENDS_WHATSAPP_VERIFY_TOKEN)")
    challenge = signature.verify_subscription(dict(request.query), token)
    if challenge is None:
        return web.Response(status=403, text="verification failed")
    return web.Response(text=challenge)


def to_event(message: Message) -> InboundEvent | None:
    """The chat's event for a WhatsApp message; None for a reaction (nothing to answer)."""
    if message.kind == "reaction":
        return None
    kind = (
        "quick_reply"
        if message.kind in REPLIES
        else message.kind
        if message.kind in SAME_KIND
        else "other"
    )
    return InboundEvent(
        sender_id=conversation_id(message.wa_id),
        recipient_id=message.phone_number_id,
        timestamp=message.timestamp * 1000,  # milliseconds, as Messenger's events
        kind=kind,
        text=message.text,
        payload=message.payload,
        mid=message.message_id,
        latitude=message.latitude,
        longitude=message.longitude,
        # Meta's media id: the bytes are fetched with the Friends' number's token.
        attachment_url=f"whatsapp-media:{message.media_id}" if message.media_id else "",
    )


async def receive(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    settings = rt.settings
    if not settings.friends_whatsapp_app_secret:
        return error(503, f"{NOT_CONFIGURED} (FRIENDS_WHATSAPP_APP_SECRET)")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        log.warning("friends whatsapp webhook: body of %d bytes refused", request.content_length)
        return error(413, "body larger than 1 MiB")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        log.warning("friends whatsapp webhook: chunked body over the size limit refused")
        return error(413, "body larger than 1 MiB")
    if not signature.is_valid(
        body, request.headers.get(signature.HEADER), settings.friends_whatsapp_app_secret
    ):
        log.warning("friends whatsapp webhook: missing or wrong signature from %s", request.remote)
        return error(403, "invalid signature")
    parsed = parse_body(body)
    if parsed.refused:
        log.warning("friends whatsapp webhook: %s", parsed.refused)
        return error(400, parsed.refused)
    for skipped in parsed.skipped:
        log.warning("friends whatsapp webhook: %s skipped: %s", skipped.where, skipped.reason)
    now = settings.clock()
    # Meta's timestamps are real time: judged by the wall clock, not the business clock.
    wall = freshness.wall_clock()
    ours = settings.friends_whatsapp_phone_number_id
    events: list[InboundEvent] = []
    for message in parsed.messages:
        reason = freshness.stale_reason_seconds(message.timestamp, wall)
        if reason:
            log.warning("friends whatsapp webhook: message %s skipped: %s", message.key, reason)
            continue
        if ours and message.phone_number_id != ours:
            log.warning("friends whatsapp webhook: a message to number %s", message.phone_number_id)
            continue
        event = to_event(message)
        if event is not None:
            events.append(event)
    if events:
        # One delivery per message, a microsecond apart: the inbox hands them to the chat by
        # arrival time, so the batch is answered in Meta's order (GroupCommit stores them in
        # one or two transactions).
        await asyncio.gather(
            *(
                rt.inbox.store([event], now + timedelta(microseconds=i))
                for i, event in enumerate(events)
            )
        )
        rt.inbox_wakeup.set()
    statuses = []
    for status in parsed.statuses:
        reason = freshness.stale_reason_seconds(status.timestamp, wall)
        if reason:
            log.warning("friends whatsapp webhook: status %s skipped: %s", status.key, reason)
        else:
            statuses.append(status)
    if statuses:
        async with rt.sessions() as session:
            resend = await record_statuses(session, FRIENDS_PAGE, statuses, now)
            await session.commit()
        if resend:
            rt.outbox_wakeup.set()
    return web.json_response({"status": "received"})
