"""What Meta's Cloud API refuses in a `POST /{version}/{phone_number_id}/messages` body.

The limits are whatsapp_platform.outbound's (Meta's "Interactive reply buttons" and "Interactive
list messages" references), checked here on what a sender actually posts, so a sender that
builds a body by hand and breaks a limit is refused as Meta would: error 100, "Invalid
parameter", with the reason in `error_data.details`. Pure: the fake Graph answers with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from whatsapp_platform import outbound as limits

JSON = dict[str, Any]
FREE_FORM = ("text", "interactive", "image", "audio", "video", "document", "sticker", "location")
MEDIA = ("image", "audio", "video", "document", "sticker")
# Meta allows captions on these only.
CAPTIONED = ("image", "video", "document")
MAX_CAPTION = 1024
TYPES = (*FREE_FORM, "template", "reaction", "contacts")


@dataclass(frozen=True)
class Refusal:
    """Meta's answer to a body it will not send: HTTP status, error code and details."""

    details: str
    code: int = 100
    status: int = 400
    message: str = "(#100) Invalid parameter"


class _Invalid(Exception):
    pass


def _require(condition: bool, details: str) -> None:
    if not condition:
        raise _Invalid(details)


def _text(value: Any, what: str, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    _require(isinstance(value, str), f"{what} must be a string")
    assert isinstance(value, str)
    if required:
        _require(bool(value.strip()), f"{what} is empty")
    _require(len(value) <= limit, f"{what} has {len(value)} characters; at most {limit} allowed")
    return value


def _object(parent: JSON, key: str, what: str) -> JSON:
    value = parent.get(key)
    _require(isinstance(value, dict), f"{what} is required (an object)")
    assert isinstance(value, dict)
    return value


def _list(parent: JSON, key: str, what: str) -> list[Any]:
    value = parent.get(key)
    _require(isinstance(value, list), f"{what} is required (a list)")
    assert isinstance(value, list)
    return value


def recipient(body: JSON) -> str:
    """The wa_id a body goes to ("to" may carry a plus, as Meta accepts)."""
    to = body.get("to")
    return to.removeprefix("+") if isinstance(to, str) else ""


def check(body: JSON) -> Refusal | None:
    """None when Meta would accept `body`, else why not."""
    if body.get("messaging_product") != "whatsapp":
        return Refusal(
            "messaging_product must be 'whatsapp'",
            message="(#100) The parameter messaging_product is required.",
        )
    try:
        _check(body)
    except _Invalid as exc:
        return Refusal(str(exc))
    return None


def _check(body: JSON) -> None:
    to = recipient(body)
    _require(to.isdigit() and 7 <= len(to) <= 15, f"to must be a phone number, not {to!r}")
    _require(
        body.get("recipient_type", "individual") == "individual",
        "recipient_type must be 'individual'",
    )
    kind = body.get("type", "text")
    _require(kind in TYPES, f"type must be one of {', '.join(TYPES)}, not {kind!r}")
    if kind == "text":
        text = _object(body, "text", "text")
        _text(text.get("body"), "text.body", limits.MAX_TEXT)
    elif kind == "interactive":
        _interactive(_object(body, "interactive", "interactive"))
    elif kind in MEDIA:
        _media(kind, _object(body, kind, kind))
    elif kind == "location":
        location = _object(body, "location", "location")
        for key, bound in (("latitude", 90), ("longitude", 180)):
            value = location.get(key)
            _require(
                isinstance(value, int | float | str) and _finite(value, bound),
                f"location.{key} must be a number within ±{bound}",
            )
    elif kind == "template":
        _template(_object(body, "template", "template"))
    elif kind == "reaction":
        reaction = _object(body, "reaction", "reaction")
        _text(reaction.get("message_id"), "reaction.message_id", limits.MAX_BUTTON_ID)


def _finite(value: Any, bound: float) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return math.isfinite(number) and abs(number) <= bound


def _interactive(interactive: JSON) -> None:
    kind = interactive.get("type")
    _require(kind in ("button", "list"), "interactive.type must be 'button' or 'list'")
    body = _object(interactive, "body", "interactive.body")
    _text(body.get("text"), "interactive.body.text", limits.MAX_INTERACTIVE_BODY)
    footer = interactive.get("footer")
    if footer is not None:
        _require(isinstance(footer, dict), "interactive.footer must be an object")
        _text(footer.get("text"), "interactive.footer.text", limits.MAX_FOOTER)
    action = _object(interactive, "action", "interactive.action")
    if kind == "button":
        _buttons(_list(action, "buttons", "interactive.action.buttons"))
    else:
        _sections(action)


def _unique(values: list[str], what: str) -> None:
    _require(len(set(values)) == len(values), f"{what} must be unique: {values}")


def _buttons(buttons: list[Any]) -> None:
    count = len(buttons)
    _require(
        1 <= count <= limits.MAX_BUTTONS,
        f"Buttons count is {count}; reply buttons take 1 to {limits.MAX_BUTTONS}",
    )
    ids, titles = [], []
    for i, button in enumerate(buttons):
        _require(isinstance(button, dict), f"buttons[{i}] must be an object")
        _require(button.get("type") == "reply", f"buttons[{i}].type must be 'reply'")
        reply = _object(button, "reply", f"buttons[{i}].reply")
        ids.append(_text(reply.get("id"), f"buttons[{i}].reply.id", limits.MAX_BUTTON_ID))
        titles.append(
            _text(reply.get("title"), f"Button title buttons[{i}]", limits.MAX_BUTTON_TITLE)
        )
    _unique(ids, "button ids")
    _unique(titles, "button titles")


def _sections(action: JSON) -> None:
    _text(action.get("button"), "interactive.action.button", limits.MAX_LIST_BUTTON)
    sections = _list(action, "sections", "interactive.action.sections")
    _require(
        1 <= len(sections) <= limits.MAX_SECTIONS,
        f"a list takes 1 to {limits.MAX_SECTIONS} sections, not {len(sections)}",
    )
    ids, titles = [], []
    for s, section in enumerate(sections):
        _require(isinstance(section, dict), f"sections[{s}] must be an object")
        title = section.get("title")
        if title is not None or len(sections) > 1:
            _text(title, f"sections[{s}].title", limits.MAX_SECTION_TITLE)
        rows = _list(section, "rows", f"sections[{s}].rows")
        _require(bool(rows), f"sections[{s}] has no rows")
        for r, row in enumerate(rows):
            where = f"sections[{s}].rows[{r}]"
            _require(isinstance(row, dict), f"{where} must be an object")
            ids.append(_text(row.get("id"), f"{where}.id", limits.MAX_ROW_ID))
            titles.append(_text(row.get("title"), f"Row title {where}", limits.MAX_ROW_TITLE))
            _text(
                row.get("description"),
                f"{where}.description",
                limits.MAX_ROW_DESCRIPTION,
                required=False,
            )
    _require(
        len(ids) <= limits.MAX_ROWS,
        f"Rows count is {len(ids)}; a list takes at most {limits.MAX_ROWS} rows in all",
    )
    _unique(ids, "row ids")
    _unique(titles, "row titles")


def _media(kind: str, media: JSON) -> None:
    has_id, has_link = "id" in media, "link" in media
    _require(has_id != has_link, f"{kind} needs exactly one of id and link")
    if has_id:
        _text(media.get("id"), f"{kind}.id", 256)
    else:
        link = _text(media.get("link"), f"{kind}.link", 2048)
        _require(link.startswith(("https://", "http://")), f"{kind}.link must be an http(s) URL")
    if "caption" in media:
        _require(kind in CAPTIONED, f"a caption is not allowed on {kind}")
        _text(media.get("caption"), f"{kind}.caption", MAX_CAPTION)
    if "filename" in media:
        _require(kind == "document", "a filename is only allowed on a document")
        _text(media.get("filename"), "document.filename", 255)


def _template(template: JSON) -> None:
    _text(template.get("name"), "template.name", 512)
    language = _object(template, "language", "template.language")
    _text(language.get("code"), "template.language.code", 15)
    components = template.get("components", [])
    _require(isinstance(components, list), "template.components must be a list")
    for c, component in enumerate(components):
        _require(isinstance(component, dict), f"components[{c}] must be an object")
        kind = component.get("type")
        _require(
            kind in ("header", "body", "button"),
            f"components[{c}].type must be header, body or button",
        )
        parameters = component.get("parameters", [])
        _require(isinstance(parameters, list), f"components[{c}].parameters must be a list")
        for p, parameter in enumerate(parameters):
            where = f"components[{c}].parameters[{p}]"
            _require(isinstance(parameter, dict), f"{where} must be an object")
            if parameter.get("type") == "text":
                _text(parameter.get("text"), f"{where}.text", 32768)
            elif parameter.get("type") == "payload":
                _text(parameter.get("payload"), f"{where}.payload", limits.MAX_BUTTON_ID)
        if kind == "button":
            _require(
                component.get("sub_type") in ("quick_reply", "url", "copy_code"),
                f"components[{c}].sub_type must be quick_reply, url or copy_code",
            )
            index = component.get("index")
            _require(
                isinstance(index, str | int) and str(index).isdigit(),
                f"components[{c}].index must be a button's position",
            )


def template_parameters(template: JSON) -> dict[str, str]:
    """The named body parameters of a checked template body (positional ones as "1", "2"…)."""
    values: dict[str, str] = {}
    for component in template.get("components", []):
        if component.get("type") != "body":
            continue
        for index, parameter in enumerate(component.get("parameters", []), start=1):
            if parameter.get("type") == "text":
                name = parameter.get("parameter_name") or str(index)
                values[str(name)] = str(parameter.get("text", ""))
    return values


def template_payloads(template: JSON) -> list[tuple[int, str]]:
    """(index, payload) of a checked template body's quick-reply buttons, in order."""
    payloads = []
    for component in template.get("components", []):
        if component.get("type") == "button" and component.get("sub_type") == "quick_reply":
            for parameter in component.get("parameters", []):
                if parameter.get("type") == "payload":
                    payloads.append((int(component["index"]), str(parameter.get("payload"))))
    return sorted(payloads)
