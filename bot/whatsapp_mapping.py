"""Pure parts of the customers' WhatsApp channel (no Rasa imports, so the backend's venv tests
them): what Rasa reads for an inbound message, and the WhatsApp bodies for Rasa's answers.

Inbound (the contract's "Bot → Rasa texts"): a text is the text, a tapped button or list row is
its id (the Rasa payload we sent), a template's quick reply its payload, a location
`/share_location{…}`, a sticker `/sticker`, a reaction nothing; photos, voice messages and
documents are fetched first (bot/media_fetch.py), a video is refused without fetching.

Outbound: choices become reply buttons when they fit (at most 3 titles of up to 20
characters: yes/no), else a list (up to 10 rows of up to 24 characters: the categories). A
choice is never cut silently: titles too long for a list are shortened only when the shortened
titles stay distinct, and the full title is then the row's description; anything else (more
than 10 choices) becomes the text with numbered choices, answered by number or title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from whatsapp_platform import outbound
from whatsapp_platform.inbound import Message
from whatsapp_platform.outbound import Body, Choice, Section

Language = Literal["de", "en", "fr", "it", "pl"]
# The label of a list's button and the line under numbered choices, per language.
LIST_BUTTON: Mapping[Language, str] = {
    "de": "Auswählen",
    "en": "Choose",
    "fr": "Choisir",
    "it": "Scegli",
    "pl": "Wybierz",
}
PLEASE_CHOOSE: Mapping[Language, str] = {
    "de": "Bitte wählen Sie:",
    "en": "Please choose:",
    "fr": "Veuillez choisir :",
    "it": "Scelga, per favore:",
    "pl": "Proszę wybrać:",
}
NUMBER_HINT: Mapping[Language, str] = {
    "de": "Bitte antworten Sie mit der Nummer oder dem Namen.",
    "en": "Please reply with the number or the name.",
    "fr": "Répondez avec le numéro ou le nom, s’il vous plaît.",
    "it": "Risponda con il numero o con il nome, per favore.",
    "pl": "Proszę odpowiedzieć numerem albo nazwą.",
}
MAX_DESCRIPTION = outbound.MAX_ROW_DESCRIPTION
# Common words (and letters) of each language's answers; the first language wins a tie.
_CUES: tuple[tuple[Language, re.Pattern[str]], ...] = (
    (
        "de",
        re.compile(
            r"\b(und|der|die|das|Sie|Ihr|Ihre|ich|nicht|ist|mit|bitte|wir|ein|eine|Ja|Nein|für|"
            r"auf|zu|Ihnen|Danke|haben|können|wie|was|Problem)\b|[äöüß]",
            re.IGNORECASE,
        ),
    ),
    (
        "en",
        re.compile(
            r"\b(and|the|you|your|I|not|is|with|please|we|a|an|yes|no|for|on|to|thank|have|can|"
            r"how|what|problem)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "fr",
        re.compile(
            r"\b(vous|votre|vos|le|les|des|du|est|pas|et|pour|une|je|avec|merci|oui|quel|"
            r"quelle|plaît|demande|touchez|ou)\b|[çœêâîû]",
            re.IGNORECASE,
        ),
    ),
    (
        "it",
        re.compile(
            r"\b(il|di|che|per|Lei|Sua|Suo|Le|una|sono|mi|grazie|sì|della|del|con|richiesta|"
            r"tocchi|favore|quale|oppure|non|è|al|ma)\b|[ìò]",
            re.IGNORECASE,
        ),
    ),
    (
        "pl",
        re.compile(
            r"\b(nie|jest|się|na|w|z|do|proszę|czy|tak|dziękuję|albo|zlecenie|wybrać|jak|"
            r"niestety)\b|[ąćęłńóśźż]",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class MediaNeeded:
    """The message carries media: fetch `media_id` first, then Rasa reads the result."""

    media_id: str
    kind: str


def inbound_text(
    message: Message, offered: Sequence[Mapping[str, str]] = ()
) -> str | MediaNeeded | None:
    """What Rasa reads for a WhatsApp message; None for one it ignores (a reaction).
    `offered`: numbered choices sent as text before (a number or title picks one)."""
    kind = message.kind
    if kind == "text":
        return answer_by_number(message.text, offered)
    if kind in ("button_reply", "list_reply", "button"):
        return message.payload or message.text or None
    if kind == "location":
        return "/share_location" + json.dumps(
            {"latitude": message.latitude, "longitude": message.longitude}
        )
    if kind == "sticker":
        return "/sticker"
    if kind in ("image", "audio", "document"):
        return MediaNeeded(message.media_id, kind)
    if kind == "video":
        return "/share_media_refused" + json.dumps({"media_problem": "wrong_type"})
    if kind == "reaction":
        return None
    # Contacts, orders, unsupported: a kind "I did not understand" is better than silence.
    return message.text or "/share_media_refused" + json.dumps({"media_problem": "wrong_type"})


def answer_by_number(text: str, offered: Sequence[Mapping[str, str]]) -> str:
    """ "2" (or "2." or the title) after numbered choices → that choice's payload."""
    answer = text.strip().rstrip(".)").strip()
    for number, choice in enumerate(offered, start=1):
        if answer == str(number) or answer.casefold() == choice.get("title", "").casefold():
            return choice.get("payload") or text
    return text


def language_of(text: str) -> Language:
    """The language of a bot's answer (the domain answers in German, English, French, Italian
    or Polish): a count of common words; German when unsure, the customers' first language."""
    counts = [(len(cues.findall(text)), language) for language, cues in _CUES]
    best = max(count for count, _ in counts)
    return next(language for count, language in counts if count == best)


def _envelope(to: str, kind: str) -> Body:
    # outbound.text's envelope, for the kinds outbound has no builder for (an image).
    envelope = outbound.text(to, ".")[0]
    return {k: v for k, v in envelope.items() if k != "text"} | {"type": kind}


def _choices(buttons: Sequence[Mapping[str, Any]]) -> list[Choice]:
    return [
        Choice(str(b.get("payload") or b.get("title") or ""), str(b.get("title") or ""))
        for b in buttons
        if not b.get("url")
    ]


def _links(buttons: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(f"{b.get('title') or ''}: {b['url']}" for b in buttons if b.get("url"))


@dataclass(frozen=True)
class Reply:
    """The bodies for one Rasa answer, and the numbered choices they offer as text (to be
    remembered, so that a number answers them; empty when none are offered that way)."""

    bodies: list[Body]
    numbered: list[dict[str, str]]


def text_reply(to: str, text: str) -> Reply:
    return Reply(outbound.text(to, text), [])


def image_reply(to: str, url: str) -> Reply:
    return Reply([_envelope(to, "image") | {"image": {"link": url}}], [])


def choice_reply(to: str, text: str, buttons: Sequence[Mapping[str, Any]]) -> Reply:
    """A question with Rasa buttons (or quick replies) as WhatsApp bodies."""
    language = language_of(text)
    links = _links(buttons)
    text = "\n\n".join(part for part in (text.strip(), links) if part)
    choices = _choices(buttons)
    if not choices:
        return text_reply(to, text or "…")
    before: list[Body] = []
    question = text
    if len(question) > outbound.MAX_INTERACTIVE_BODY or not question:
        # The text goes first as it is, the choices follow with a short question.
        before = outbound.text(to, question) if question else []
        question = PLEASE_CHOOSE[language]
    body = _interactive(to, question, choices, language)
    if body is not None:
        return Reply([*before, body], [])
    return numbered_reply(to, text, choices, language)


def _interactive(to: str, question: str, choices: list[Choice], language: Language) -> Body | None:
    button = LIST_BUTTON[language]
    try:
        return outbound.choose(to, question, choices, button)
    except ValueError:
        pass
    if len(choices) > outbound.MAX_ROWS:
        return None
    # Titles too long for a row: shortened only if they stay distinct, and the full title
    # is shown as the row's description, so nothing is lost.
    rows = tuple(
        Choice(c.id, outbound.shorten(c.title, outbound.MAX_ROW_TITLE), c.title)
        if len(c.title) > outbound.MAX_ROW_TITLE
        else c
        for c in choices
    )
    if any(len(r.description) > MAX_DESCRIPTION for r in rows):
        return None
    try:
        return outbound.list_message(to, question, button, [Section("", rows)])
    except ValueError:
        return None


def numbered_reply(to: str, text: str, choices: Sequence[Choice], language: Language) -> Reply:
    lines = [f"{n}. {c.title}" for n, c in enumerate(choices, start=1)]
    full = "\n\n".join((text, "\n".join(lines), NUMBER_HINT[language]))
    return Reply(outbound.text(to, full), [{"payload": c.id, "title": c.title} for c in choices])


def custom_reply(to: str, custom: Mapping[str, Any]) -> Reply | None:
    """A custom response: `{"whatsapp": {"type": …, …}}` is sent as that body; a Messenger
    shaped one with a text as its text; None when nothing of it can be sent."""
    whatsapp = custom.get("whatsapp")
    if isinstance(whatsapp, dict) and isinstance(whatsapp.get("type"), str):
        return Reply([_envelope(to, whatsapp["type"]) | whatsapp], [])
    text = custom.get("text")
    if isinstance(text, str) and text.strip():
        quick = custom.get("quick_replies")
        if isinstance(quick, list) and quick:
            return choice_reply(to, text, [q for q in quick if isinstance(q, dict)])
        return text_reply(to, text)
    return None
