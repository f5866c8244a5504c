"""One webhook POST of a WhatsApp Business Account into plain inbound items, in batch order.

Meta's body: `object: "whatsapp_business_account"`, `entry[].changes[]` with `field:
"messages"` and a `value` holding `metadata.phone_number_id` (the business number it came to),
`contacts[]` (`wa_id`, `profile.name`), `messages[]` and `statuses[]`. Every change of every
entry is read in order, its messages before its statuses (Meta sends one or the other per
change). A malformed part is skipped with a reason; bad input never raises. A body that is not
a WhatsApp body at all (another object, not JSON) comes back with `refused` set.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from messenger_platform.events import MAX_BODY_BYTES, MAX_KEY
from whatsapp_platform.ids import is_wa_id

OBJECT = "whatsapp_business_account"
MEDIA_KINDS = ("image", "audio", "video", "document", "sticker")
STATUSES = ("sent", "delivered", "read", "failed", "played")
# Longer strings are no message of a person: wamids are about 60 characters.
MAX_ID = 256
MAX_TEXT = 65536


@dataclass(frozen=True)
class Message:
    """A person's message. `kind`: text | button_reply | list_reply | button (a template's
    quick reply) | location | image | audio | video | document | sticker | reaction | other."""

    key: str  # de-duplication: the wamid (hashed when absurdly long)
    message_id: str
    wa_id: str
    profile_name: str
    phone_number_id: str
    timestamp: int
    kind: str
    text: str = ""  # the text, a reply's title, a caption, a place's name, a reaction's emoji
    payload: str = ""  # a reply's id
    media_id: str = ""  # GET /{version}/{media_id} gives the download URL
    mime_type: str = ""
    filename: str = ""
    voice: bool = False  # an audio recorded in WhatsApp (a voice message)
    latitude: float | None = None
    longitude: float | None = None
    context_id: str = ""  # the message this one answers or reacts to
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class StatusError:
    code: int | None
    title: str
    details: str = ""


@dataclass(frozen=True)
class Status:
    """What became of a message we sent: sent, delivered, read, failed (with its errors)."""

    key: str  # de-duplication: wamid and status
    message_id: str
    status: str
    wa_id: str  # the recipient
    phone_number_id: str
    timestamp: int
    errors: tuple[StatusError, ...] = ()


@dataclass(frozen=True)
class Skipped:
    where: str  # e.g. "entry[0].changes[1].messages[2]"
    reason: str


@dataclass(frozen=True)
class Parsed:
    items: tuple[Message | Status, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    refused: str = ""  # not a WhatsApp body: why (answer 400, or ignore)

    @property
    def messages(self) -> tuple[Message, ...]:
        return tuple(i for i in self.items if isinstance(i, Message))

    @property
    def statuses(self) -> tuple[Status, ...]:
        return tuple(i for i in self.items if isinstance(i, Status))


class _Bad(Exception):
    """A part that is skipped; its message is the reason."""


def dedupe_key(*parts: str) -> str:
    key = ":".join(parts)
    if len(key) <= MAX_KEY:
        return key
    return f"sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def parse_body(body: bytes) -> Parsed:
    """The raw POST body (check its signature first)."""
    if len(body) > MAX_BODY_BYTES:
        return Parsed(refused="body larger than 1 MiB")
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return Parsed(refused=f"body is not UTF-8 JSON: {exc}")
    except RecursionError:
        return Parsed(refused="body is nested too deeply")
    return parse(data)


def parse(data: object) -> Parsed:
    """A decoded body."""
    if not isinstance(data, dict):
        return Parsed(refused="not a WhatsApp body: not a JSON object")
    if data.get("object") != OBJECT:
        return Parsed(refused=f"not a WhatsApp body: object is {data.get('object')!r}")
    entries = data.get("entry")
    if not isinstance(entries, list):
        return Parsed(refused="not a WhatsApp body: no list under 'entry'")
    items: list[Message | Status] = []
    skipped: list[Skipped] = []
    for e, entry in enumerate(entries):
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            skipped.append(Skipped(f"entry[{e}]", "no list under 'changes'"))
            continue
        for c, change in enumerate(changes):
            where = f"entry[{e}].changes[{c}]"
            for item in _change(where, change, skipped):
                items.append(item)
    return Parsed(tuple(items), tuple(skipped))


def _change(where: str, change: object, skipped: list[Skipped]) -> Iterator[Message | Status]:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        skipped.append(Skipped(where, "no object under 'value'"))
        return
    if change.get("field", "messages") != "messages":
        skipped.append(Skipped(where, f"field {change.get('field')!r} is not 'messages'"))
        return
    value: dict[str, Any] = change["value"]
    metadata = value.get("metadata")
    number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
    if not isinstance(number, str | int) or isinstance(number, bool) or not str(number):
        skipped.append(Skipped(where, "no metadata.phone_number_id"))
        return
    phone_number_id = str(number)
    names = _names(value.get("contacts"))
    for error in _list(value, "errors"):
        skipped.append(Skipped(where, f"Meta reports an error: {_error(error)}"))
    for m, message in enumerate(_list(value, "messages")):
        try:
            yield _message(message, phone_number_id, names)
        except _Bad as exc:
            skipped.append(Skipped(f"{where}.messages[{m}]", str(exc)))
    for s, status in enumerate(_list(value, "statuses")):
        try:
            yield _status(status, phone_number_id)
        except _Bad as exc:
            skipped.append(Skipped(f"{where}.statuses[{s}]", str(exc)))


def _list(value: dict[str, Any], name: str) -> list[Any]:
    items = value.get(name)
    return items if isinstance(items, list) else []


def _names(contacts: object) -> dict[str, str]:
    names: dict[str, str] = {}
    for contact in contacts if isinstance(contacts, list) else []:
        if not isinstance(contact, dict):
            continue
        profile = contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(contact.get("wa_id"), str) and isinstance(name, str):
            try:
                names[contact["wa_id"]] = _clean(name, "profile.name", 256)
            except _Bad:
                continue  # a name no store can keep: the message still counts
    return names


def _clean(value: object, name: str, limit: int, required: bool = True) -> str:
    """A string a store can keep: no NUL, no lone surrogate, not absurdly long."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise _Bad(f"{name} is missing or not a string")
    if len(value) > limit:
        raise _Bad(f"{name} longer than {limit} characters")
    if "\x00" in value:
        raise _Bad(f"{name} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Bad(f"{name} is not valid Unicode (a lone surrogate)") from exc
    return value


def _timestamp(value: object) -> int:
    # Meta sends Unix seconds as a string.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad("timestamp is missing")
    try:
        number = int(value)
    except ValueError as exc:
        raise _Bad(f"timestamp {value!r} is not a number") from exc
    if not 0 < number < 2**35:
        raise _Bad(f"timestamp {number} is out of range")
    return number


def _part(message: dict[str, Any], name: str) -> dict[str, Any]:
    part = message.get(name)
    if not isinstance(part, dict):
        raise _Bad(f"a {name} message has no {name} object")
    return part


def _message(message: object, phone_number_id: str, names: dict[str, str]) -> Message:
    if not isinstance(message, dict):
        raise _Bad("not an object")
    message_id = _clean(message.get("id"), "id", MAX_ID)
    wa_id = message.get("from")
    if not is_wa_id(wa_id):
        raise _Bad(f"'from' is not a wa_id: {wa_id!r}")
    kind = message.get("type")
    if not isinstance(kind, str):
        raise _Bad("type is missing")
    context = message.get("context")
    base: dict[str, Any] = {
        "key": dedupe_key(message_id),
        "message_id": message_id,
        "wa_id": wa_id,
        "profile_name": names.get(wa_id) or (next(iter(names.values())) if len(names) == 1 else ""),
        "phone_number_id": phone_number_id,
        "timestamp": _timestamp(message.get("timestamp")),
        "context_id": _clean(context.get("id"), "context.id", MAX_ID, required=False)
        if isinstance(context, dict)
        else "",
        "raw": message,
    }
    if kind == "text":
        body = _clean(_part(message, "text").get("body"), "text.body", MAX_TEXT)
        return Message(kind="text", text=body, **base)
    if kind == "interactive":
        interactive = _part(message, "interactive")
        sub = interactive.get("type")
        if sub in ("button_reply", "list_reply"):
            reply = interactive.get(sub)
            if not isinstance(reply, dict):
                raise _Bad(f"an interactive {sub} has no {sub} object")
            return Message(
                kind=str(sub),
                payload=_clean(reply.get("id"), f"{sub}.id", MAX_ID),
                text=_clean(reply.get("title"), f"{sub}.title", MAX_ID, required=False),
                **base,
            )
        return Message(kind="other", **base)  # flows (nfm_reply) and what comes next
    if kind == "button":
        button = _part(message, "button")
        return Message(
            kind="button",
            payload=_clean(button.get("payload"), "button.payload", MAX_ID),
            text=_clean(button.get("text"), "button.text", MAX_ID, required=False),
            **base,
        )
    if kind == "location":
        location = _part(message, "location")
        lat, lon = location.get("latitude"), location.get("longitude")
        if not _coordinate(lat, 90) or not _coordinate(lon, 180):
            raise _Bad("a location without valid latitude and longitude")
        assert isinstance(lat, int | float) and isinstance(lon, int | float)
        label = location.get("name") or location.get("address")
        return Message(
            kind="location",
            latitude=float(lat),
            longitude=float(lon),
            text=_clean(label, "location.name", 1024, required=False),
            **base,
        )
    if kind in MEDIA_KINDS:
        media = _part(message, kind)
        return Message(
            kind=kind,
            media_id=_clean(media.get("id"), f"{kind}.id", MAX_ID),
            mime_type=_clean(media.get("mime_type"), f"{kind}.mime_type", 255, required=False),
            text=_clean(media.get("caption"), f"{kind}.caption", MAX_TEXT, required=False),
            filename=_clean(media.get("filename"), f"{kind}.filename", 255, required=False),
            voice=media.get("voice") is True,
            **base,
        )
    if kind == "reaction":
        reaction = _part(message, "reaction")
        base["context_id"] = _clean(reaction.get("message_id"), "reaction.message_id", MAX_ID)
        # No emoji: the reaction was taken back.
        emoji = _clean(reaction.get("emoji"), "reaction.emoji", 64, required=False)
        return Message(kind="reaction", text=emoji, **base)
    return Message(kind="other", **base)  # unsupported, contacts, order, system, …


def _coordinate(value: object, bound: float) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and -bound <= value <= bound
    )


def _error(error: object) -> str:
    if not isinstance(error, dict):
        return "an error of unknown shape"
    return f"{error.get('code')} {error.get('title') or error.get('message') or ''}".strip()


def _status(status: object, phone_number_id: str) -> Status:
    if not isinstance(status, dict):
        raise _Bad("not an object")
    message_id = _clean(status.get("id"), "id", MAX_ID)
    state = status.get("status")
    if state not in STATUSES:
        raise _Bad(f"unknown status {state!r}")
    assert isinstance(state, str)
    recipient = status.get("recipient_id")
    if not is_wa_id(recipient):
        raise _Bad(f"recipient_id is not a wa_id: {recipient!r}")
    errors = []
    for error in _list(status, "errors"):
        if not isinstance(error, dict):
            continue
        code = error.get("code")
        data = error.get("error_data")
        details = data.get("details") if isinstance(data, dict) else ""
        errors.append(
            StatusError(
                code=code if isinstance(code, int) and not isinstance(code, bool) else None,
                title=_clean(
                    error.get("title") or error.get("message"), "error.title", 1024, required=False
                ),
                details=_clean(details, "error.details", 4096, required=False),
            )
        )
    return Status(
        key=dedupe_key(message_id, state),
        message_id=message_id,
        status=state,
        wa_id=recipient,
        phone_number_id=phone_number_id,
        timestamp=_timestamp(status.get("timestamp")),
        errors=tuple(errors),
    )
