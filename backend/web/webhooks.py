"""The Friends' page webhook: verify, store, acknowledge; handling happens after the 200."""

from __future__ import annotations

import logging

from aiohttp import web

from backend.web.json import error
from backend.web.runtime import RUNTIME
from messenger_platform import freshness, signature
from messenger_platform.events import MAX_BODY_BYTES, MalformedWebhook, parse_body

log = logging.getLogger(__name__)


async def verify(request: web.Request) -> web.Response:
    challenge = signature.verify_subscription(
        dict(request.query), request.app[RUNTIME].settings.friends_verify_token
    )
    if challenge is None:
        return web.Response(status=403, text="verification failed")
    return web.Response(text=challenge)


async def receive(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        log.warning("friends webhook: body of %d bytes refused", request.content_length)
        return error(400, "body larger than 1 MiB")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        log.warning("friends webhook: chunked body over the size limit refused")
        return error(400, "body larger than 1 MiB")
    if not signature.is_valid(
        body, request.headers.get(signature.HEADER), rt.settings.friends_app_secret
    ):
        log.warning("friends webhook: missing or wrong signature from %s", request.remote)
        return error(403, "invalid signature")
    try:
        events = parse_body(body)
    except MalformedWebhook as exc:
        log.warning("friends webhook: %s", exc)
        return error(400, str(exc))
    fresh = []
    for event in events:
        reason = freshness.stale_reason(event.timestamp, freshness.wall_clock())
        if reason:
            # Answered 200 all the same: Meta would retry a signed body it sees refused.
            log.warning("friends webhook: event %s skipped: %s", event.dedupe_key, reason)
        else:
            fresh.append(event)
    if fresh:
        await rt.inbox.store(fresh, rt.settings.clock())
    rt.inbox_wakeup.set()
    return web.json_response({"status": "received"})
