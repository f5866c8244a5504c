"""What the website chat's browser receives: the bot's messages as Rasa's socket.io channel
shapes them (`bot_uttered`), and a conversation's history read back from Rasa's tracker.

The shapes follow rasa/core/channels/socketio.py, so any Rasa web-chat client renders them:
`{"text"}`, `{"text", "quick_replies": [{"content_type": "text", "title", "payload"}]}` (a
response's buttons, on the last paragraph), `{"attachment": {...}}`. The history is built from
the tracker rather than from a log of our own: it then holds exactly what the transcript in the
console holds (the bot's answers, news sent through trigger_intent, staff replies the console
records as bot events) and the console's erasure removes it with the rest of the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.constants import EXTERNAL_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, Event, UserUttered

log = logging.getLogger(__name__)

BOT_EVENT = "bot_uttered"
TYPING_EVENT = "bot_typing"
# A reloaded page shows this much of the conversation; older turns stay in the console.
HISTORY_MESSAGES = 200


def quick_replies(buttons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "content_type": "text",
            "title": str(button.get("title", "")),
            "payload": str(button.get("payload") or button.get("title", "")),
        }
        for button in buttons
    ]


def bot_messages(text: str, buttons: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One `bot_uttered` per paragraph, the quick replies on the last (as Rasa's socketio
    output does, so a client built for it shows the same bubbles)."""
    parts = [part for part in text.strip().split("\n\n") if part.strip()] or [text]
    messages: list[dict[str, Any]] = [{"text": part} for part in parts]
    if buttons:
        messages[-1]["quick_replies"] = quick_replies(buttons)
    return messages


class WebchatOutput(OutputChannel):
    """Emits to the conversation's socket.io room: every tab the customer has open on it.

    `sio` is python-socketio's AsyncServer (untyped, hence Any). Nobody connected: the message
    goes nowhere now, and the tracker keeps it for the history when they come back.
    """

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def __init__(self, sio: Any) -> None:
        self.sio = sio
        self.sent = 0

    async def _emit(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.sio.emit(BOT_EVENT, message, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for message in bot_messages(text):
            await self._emit(recipient_id, message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        for message in bot_messages(text, buttons):
            await self._emit(recipient_id, message)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"attachment": {"type": "image", "payload": {"src": image}}})

    async def send_attachment(  # type: ignore[override]
        self, recipient_id: str, attachment: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._emit(recipient_id, {"attachment": attachment})

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            payload = {"template_type": "generic", "elements": element}
            await self._emit(recipient_id, {"attachment": {"type": "template", "payload": payload}})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # Rasa's socketio output splats the custom dict into emit()'s arguments; a custom
        # response here is a ready bot_uttered payload instead (no way to address other rooms).
        await self._emit(recipient_id, dict(json_message))

    async def typing(self, recipient_id: str, on: bool) -> None:
        await self.sio.emit(TYPING_EVENT, {"typing": on}, room=recipient_id)


def _user_text(event: UserUttered, titles: dict[str, str]) -> str | None:
    text = event.text
    metadata = event.metadata or {}
    if not text or metadata.get("is_external") or text.startswith(EXTERNAL_MESSAGE_PREFIX):
        return None  # news the backend triggered: not something the customer wrote
    if text.startswith("/"):
        # A tapped quick reply arrives as its payload; the customer saw its title.
        return titles.get(text)
    return text


def history(events: Iterable[Event], limit: int = HISTORY_MESSAGES) -> list[dict[str, Any]]:
    """The conversation as the customer saw it: `{"sender": "user"|"bot"|"staff", "text",
    "quick_replies"?, "attachment"?, "timestamp"}`, oldest first, the last `limit`."""
    messages: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    for event in events:
        if isinstance(event, UserUttered):
            text = _user_text(event, titles)
            if text is not None:
                messages.append({"sender": "user", "text": text, "timestamp": event.timestamp})
        elif isinstance(event, BotUttered):
            data = event.data or {}
            buttons = data.get("buttons") or data.get("quick_replies") or []
            titles = {str(b.get("payload")): str(b.get("title", "")) for b in buttons}
            sender = "staff" if (event.metadata or {}).get("agent") else "bot"
            if event.text:
                for message in bot_messages(event.text, buttons):
                    messages.append({"sender": sender, **message, "timestamp": event.timestamp})
            if data.get("image"):
                attachment = {"type": "image", "payload": {"src": data["image"]}}
                messages.append(
                    {"sender": sender, "attachment": attachment, "timestamp": event.timestamp}
                )
    return messages[-limit:]
