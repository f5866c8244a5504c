"""Rasa's answers to a WhatsApp customer, as Cloud API bodies through the durable outbox.

Texts (split at 4096 characters), buttons and quick replies (reply buttons, a list, or numbered
choices: bot/whatsapp_mapping.py), images and custom JSON. A turn run again after an action
failed skips what its first run said, as on Messenger.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.messenger_store import MessengerStore
from bot.whatsapp_mapping import Reply, choice_reply, custom_reply, image_reply, text_reply
from bot.whatsapp_outbox import WhatsAppOutbox
from messenger_platform.send_policy import OutsideWindowError
from whatsapp_platform import ids

log = logging.getLogger(__name__)


class WhatsAppOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(
        self,
        outbox: WhatsAppOutbox,
        store: MessengerStore,
        already_sent: list[dict[str, Any]] | None = None,
    ) -> None:
        self.outbox, self.store = outbox, store
        self.sent = 0
        self.messages: list[dict[str, Any]] = []
        self._skip = list(already_sent or [])

    def _to(self, recipient_id: str) -> str | None:
        wa_id = ids.wa_id_of(recipient_id)
        if wa_id is None:
            log.error("not a WhatsApp conversation: %s; nothing sent", recipient_id)
        return wa_id

    async def _send(self, recipient_id: str, reply: Reply, offers_choices: bool = False) -> None:
        for body in reply.bodies:
            self.sent += 1
            self.messages.append(body)
            if self._skip and self._skip[0] == body:
                self._skip.pop(0)
                continue
            self._skip.clear()
            try:
                await self.outbox.send(recipient_id, body)
            except OutsideWindowError as exc:
                # Meta would refuse it (131047); news outside the window go as templates.
                log.error("not sent: %s", exc)
        if offers_choices:
            # Remembered (or forgotten) so that "2" answers numbered choices.
            await asyncio.to_thread(self.store.save_choices, recipient_id, reply.numbered)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        to = self._to(recipient_id)
        if to is not None and text.strip():
            await self._send(recipient_id, text_reply(to, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        to = self._to(recipient_id)
        if to is not None:
            await self._send(recipient_id, choice_reply(to, text, buttons), offers_choices=True)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        to = self._to(recipient_id)
        if to is not None:
            await self._send(recipient_id, image_reply(to, image))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        to = self._to(recipient_id)
        if to is None:
            return
        reply = custom_reply(to, json_message)
        if reply is None:
            log.error("custom message without anything WhatsApp can show: %s", json_message)
            return
        await self._send(
            recipient_id, reply, offers_choices=bool(json_message.get("quick_replies"))
        )
