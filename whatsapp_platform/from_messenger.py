"""A Messenger Send API message (what backend/friends_chat builds for every Friend) as the
WhatsApp Cloud API bodies that say the same, in order.

The Friends' chat is written once, in Messenger's shapes; a Friend on WhatsApp gets:
- a text → text message(s) (over 4096 characters: several, never cut);
- a text with quick replies → reply buttons when they fit (at most 3, titles at most 20),
  else a list (at most 10 rows, titles up to 24): `outbound.choose`. More than 10 chips go
  as several lists in a row, each naming its part, so no choice is ever dropped;
- a button template → its postback buttons the same way; its web_url buttons cannot be
  buttons on WhatsApp, so their links are written into the text;
- an image (or audio, video, file) attachment → a media message by link.
A body too long for an interactive message (1024 characters) goes as text first, the
question with the choices after it. Anything else is a ValueError: the caller decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from whatsapp_platform import outbound
from whatsapp_platform.ids import is_wa_id
from whatsapp_platform.outbound import MAX_INTERACTIVE_BODY, MAX_ROWS, Body, Choice

# Messenger's attachment types and the WhatsApp message type that carries the same by link.
MEDIA_TYPES = {"image": "image", "audio": "audio", "video": "video", "file": "document"}


def convert(to: str, message: Mapping[str, Any], list_button: str) -> list[Body]:
    """The WhatsApp bodies for one Messenger `message` to the wa_id `to`. `list_button` is
    the label of a list's button in the Friend's language ("Auswählen")."""
    attachment = message.get("attachment")
    if isinstance(attachment, Mapping):
        return _attachment(to, attachment, list_button)
    body = message.get("text")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("a Messenger message without text or attachment")
    replies = message.get("quick_replies") or []
    if not isinstance(replies, list):
        raise ValueError("quick_replies must be a list")
    choices = [
        Choice(str(r["payload"]), str(r["title"]))
        for r in replies
        if isinstance(r, Mapping) and r.get("content_type", "text") == "text" and r.get("payload")
    ]
    if len(choices) != len(replies):
        # Location or phone-number chips have no WhatsApp form: say so rather than drop them.
        raise ValueError("quick replies other than text chips cannot be sent on WhatsApp")
    return _question(to, body, choices, list_button)


def _attachment(to: str, attachment: Mapping[str, Any], list_button: str) -> list[Body]:
    kind = attachment.get("type")
    payload = attachment.get("payload")
    if not isinstance(payload, Mapping):
        raise ValueError("an attachment without payload")
    if kind in MEDIA_TYPES:
        url = payload.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ValueError(f"a {kind} attachment without a URL")
        wa_type = MEDIA_TYPES[str(kind)]
        return [_media(to, wa_type, url)]
    if kind == "template" and payload.get("template_type") == "button":
        body = str(payload.get("text") or "")
        choices: list[Choice] = []
        links: list[str] = []
        for button in payload.get("buttons") or []:
            if not isinstance(button, Mapping):
                continue
            if button.get("type") == "postback":
                choices.append(Choice(str(button["payload"]), str(button["title"])))
            elif button.get("type") == "web_url":
                links.append(f"{button.get('title', '')}: {button.get('url', '')}".strip(": "))
            else:
                raise ValueError(f"a {button.get('type')!r} button has no WhatsApp form")
        if links:
            body = "\n".join([body, *links]) if body else "\n".join(links)
        return _question(to, body, choices, list_button)
    raise ValueError(f"a {kind!r} attachment has no WhatsApp form")


def _media(to: str, wa_type: str, url: str) -> Body:
    if not is_wa_id(to):
        raise ValueError(f"`to` must be a wa_id (the number's digits, no plus): {to!r}")
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": wa_type,
        wa_type: {"link": url},
    }


def _question(to: str, body: str, choices: Sequence[Choice], list_button: str) -> list[Body]:
    if not choices:
        return outbound.text(to, body)
    # The question goes with the choices; what does not fit an interactive body goes before.
    parts = outbound.split_text(body, MAX_INTERACTIVE_BODY)
    out = [b for part in parts[:-1] for b in outbound.text(to, part)]
    question = parts[-1]
    groups = [choices[i : i + MAX_ROWS] for i in range(0, len(choices), MAX_ROWS)]
    for number, group in enumerate(groups, start=1):
        asked = question if len(groups) == 1 else f"{question} ({number}/{len(groups)})"
        out.append(outbound.choose(to, asked, group, list_button, shorten_titles=True))
    return out
