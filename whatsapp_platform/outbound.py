"""Bodies for the Cloud API's `POST /{version}/{phone_number_id}/messages`, within Meta's
limits: a limit that is not met is a ValueError, never a silently cut choice or title.

Limits (Meta's "Interactive reply buttons" and "Interactive list messages" references):
reply buttons at most 3, titles at most 20 characters, ids at most 256; list messages at most
10 rows over at most 10 sections, row titles at most 24 characters, descriptions at most 72,
row ids at most 200, section titles at most 24, the list's button label at most 20; an
interactive body at most 1024 characters; a text message at most 4096 characters (longer
texts become several messages).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from whatsapp_platform.ids import is_wa_id

MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_FOOTER = 60
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_ROWS = 10
MAX_SECTIONS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_SECTION_TITLE = 24
MAX_LIST_BUTTON = 20
MAX_TEMPLATE_BUTTONS = 10
ELLIPSIS = "…"

Body = dict[str, Any]


@dataclass(frozen=True)
class Choice:
    """One answer to offer: `id` comes back as the reply's payload, `title` is shown."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Choice, ...]


def _envelope(to: str, kind: str) -> Body:
    if not is_wa_id(to):
        raise ValueError(f"`to` must be a wa_id (the number's digits, no plus): {to!r}")
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": kind}


def _check(what: str, value: str, limit: int) -> None:
    if not value.strip():
        raise ValueError(f"{what} is empty")
    if len(value) > limit:
        raise ValueError(f"{what} {value!r} has {len(value)} characters, at most {limit} allowed")


def shorten(title: str, limit: int) -> str:
    """`title` when it fits, else cut at a word boundary (or inside the word when the only
    boundary is early) with "…", at most `limit` characters. Only when the caller asks for it."""
    title = title.strip()
    if len(title) <= limit:
        return title
    head = title[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,.;:-–") + ELLIPSIS


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit` characters, cut at a paragraph, a line, then a word boundary;
    nothing is lost but the whitespace at a cut."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator, 0, limit + 1)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def text(to: str, body: str, preview_url: bool = False) -> list[Body]:
    """One or more text messages (a text over 4096 characters is split, never cut)."""
    parts = split_text(body)
    if not parts:
        raise ValueError("a text message needs some text")
    return [
        _envelope(to, "text") | {"text": {"body": part, "preview_url": preview_url}}
        for part in parts
    ]


def _interactive(to: str, kind: str, body: str, action: Body, footer: str) -> Body:
    _check("the message body", body, MAX_INTERACTIVE_BODY)
    interactive: Body = {"type": kind, "body": {"text": body}, "action": action}
    if footer:
        _check("the footer", footer, MAX_FOOTER)
        interactive["footer"] = {"text": footer}
    return _envelope(to, "interactive") | {"interactive": interactive}


def _unique(choices: Sequence[Choice]) -> None:
    ids = [c.id for c in choices]
    titles = [c.title for c in choices]
    if len(set(ids)) != len(ids):
        raise ValueError(f"choice ids must be unique: {ids}")
    if len(set(titles)) != len(titles):
        raise ValueError(f"choice titles must be unique: {titles}")


def buttons(
    to: str, body: str, choices: Sequence[Choice], *, shorten_titles: bool = False, footer: str = ""
) -> Body:
    """Reply buttons: 1 to 3 choices, titles at most 20 characters (shortened only when asked)."""
    if not 1 <= len(choices) <= MAX_BUTTONS:
        raise ValueError(f"reply buttons take 1 to {MAX_BUTTONS} choices, not {len(choices)}")
    if shorten_titles:
        choices = [Choice(c.id, shorten(c.title, MAX_BUTTON_TITLE), c.description) for c in choices]
    for choice in choices:
        _check("a button id", choice.id, MAX_BUTTON_ID)
        _check("a button title", choice.title, MAX_BUTTON_TITLE)
        if choice.description:
            raise ValueError(f"reply buttons show no description ({choice.id!r}): use a list")
    _unique(choices)
    action = {
        "buttons": [{"type": "reply", "reply": {"id": c.id, "title": c.title}} for c in choices]
    }
    return _interactive(to, "button", body, action, footer)


def list_message(
    to: str,
    body: str,
    button: str,
    sections: Sequence[Section],
    *,
    shorten_titles: bool = False,
    footer: str = "",
) -> Body:
    """A list: at most 10 rows over 1 to 10 sections (each with a title when there are
    several), row titles at most 24 characters, descriptions at most 72, button label 20."""
    _check("the list's button label", button, MAX_LIST_BUTTON)
    if not 1 <= len(sections) <= MAX_SECTIONS:
        raise ValueError(f"a list takes 1 to {MAX_SECTIONS} sections, not {len(sections)}")
    if shorten_titles:
        sections = [
            Section(
                s.title,
                tuple(Choice(r.id, shorten(r.title, MAX_ROW_TITLE), r.description) for r in s.rows),
            )
            for s in sections
        ]
    rows = [row for section in sections for row in section.rows]
    if not 1 <= len(rows) <= MAX_ROWS:
        raise ValueError(f"a list takes 1 to {MAX_ROWS} rows in all, not {len(rows)}")
    _unique(rows)
    out = []
    for section in sections:
        if not section.rows:
            raise ValueError(f"section {section.title!r} has no rows")
        entry: Body = {"rows": []}
        if section.title or len(sections) > 1:
            _check("a section title", section.title, MAX_SECTION_TITLE)
            entry["title"] = section.title
        for row in section.rows:
            _check("a row id", row.id, MAX_ROW_ID)
            _check("a row title", row.title, MAX_ROW_TITLE)
            item = {"id": row.id, "title": row.title}
            if row.description:
                if len(row.description) > MAX_ROW_DESCRIPTION:
                    raise ValueError(
                        f"row {row.id!r}: description longer than {MAX_ROW_DESCRIPTION}"
                    )
                item["description"] = row.description
            entry["rows"].append(item)
        out.append(entry)
    return _interactive(to, "list", body, {"button": button, "sections": out}, footer)


def fits_buttons(choices: Sequence[Choice]) -> bool:
    return len(choices) <= MAX_BUTTONS and all(
        len(c.title) <= MAX_BUTTON_TITLE and not c.description for c in choices
    )


def choose(
    to: str,
    question: str,
    choices: Sequence[Choice],
    list_button: str,
    *,
    shorten_titles: bool = False,
) -> Body:
    """A question with N choices: reply buttons when they fit (at most 3, titles at most 20,
    no descriptions: yes/no), else a list (at most 10, titles at most 24: the categories).
    More than 10 choices, or a title too long for a list, is a ValueError unless the caller
    opts into `shorten_titles` (which still never drops a choice)."""
    if not choices:
        raise ValueError("a question needs at least one choice")
    if len(choices) > MAX_ROWS:
        raise ValueError(
            f"{len(choices)} choices do not fit a WhatsApp list (at most {MAX_ROWS}): "
            "split the question or let the person type"
        )
    if fits_buttons(choices):
        return buttons(to, question, choices)
    # A list shows titles up to 24 characters, so it is preferred to shortened buttons.
    return list_message(
        to, question, list_button, [Section("", tuple(choices))], shorten_titles=shorten_titles
    )


def template(
    to: str,
    name: str,
    language: str,
    parameters: Mapping[str, str] | None = None,
    quick_replies: Sequence[str] = (),
) -> Body:
    """An approved template with named body parameters (``{{customer_name}}``) and the
    payloads of its quick-reply buttons in order (they come back as a `button` message)."""
    _check("the template name", name, 512)
    _check("the template language", language, 15)
    components: list[Body] = []
    if parameters:
        for key, value in parameters.items():
            if not key or not value.strip():
                raise ValueError(f"template parameter {key!r} is empty")
        components.append(
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "parameter_name": key, "text": value}
                    for key, value in parameters.items()
                ],
            }
        )
    if len(quick_replies) > MAX_TEMPLATE_BUTTONS:
        raise ValueError(f"a template has at most {MAX_TEMPLATE_BUTTONS} buttons")
    for index, payload in enumerate(quick_replies):
        _check("a quick-reply payload", payload, MAX_BUTTON_ID)
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    body: Body = {"name": name, "language": {"code": language}}
    if components:
        body["components"] = components
    return _envelope(to, "template") | {"template": body}
