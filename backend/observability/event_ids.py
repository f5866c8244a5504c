"""Ids for work that starts from a stored webhook event rather than from a request."""

from __future__ import annotations

from backend.services.inbox import Handler
from messenger_platform import logs
from messenger_platform.events import InboundEvent


def with_event_ids(handle: Handler) -> Handler:
    """A Friend's event is handled under its mid and sender, so its log lines (and the news a
    claim sends to Rasa) name the message that caused them."""

    async def handle_event(event: InboundEvent) -> None:
        request_id = logs.clean_id(event.mid) or logs.new_request_id()
        with logs.bound(request=request_id, conversation=event.sender_id):
            await handle(event)

    return handle_event
