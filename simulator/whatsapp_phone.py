"""The simulator's WhatsApp phones: a customer writing to the customers' number (the Rasa
bot) and a Friend writing to the Friends' number (the backend).

`POST /api/sim/whatsapp/send` turns a tap or a typed line into Meta's signed webhook (and
opens that person's 24-hour window in the fake Graph); `GET /api/sim/whatsapp/messages` is
what the phone shows: the person's messages and what our services sent them, already turned
into plain display items, so the page's JavaScript never interprets WhatsApp's formats.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from simulator import whatsapp_bodies as wab
from simulator.fake_graph import FakeGraph, RecordedCall
from simulator.send import deliver
from simulator.settings import PAGES, SimulatorSettings, WhatsAppNumber
from simulator.transcript import InboundLog
from simulator.whatsapp_checks import template_parameters, template_payloads
from whatsapp_platform.ids import is_wa_id
from whatsapp_platform.outbound import MAX_TEXT

log = logging.getLogger(__name__)

JSON = dict[str, Any]
MEDIA_DIR = Path(__file__).resolve().parent / "media"
# What the phones' 📷 and 🎤 send: a photo of a router with a red light, a short voice note.
DEMO_MEDIA = {
    "photo": ("image", "router.jpg", "image/jpeg"),
    "voice": ("audio", "voice.ogg", wab.VOICE_MIME),
}
DEFAULT_PEOPLE = {
    "customer": {"wa_id": "4917612345678", "name": "Erika Muster"},
    "friends": {"wa_id": "4915712345678", "name": "Anna Freund"},
}
REPLY_KINDS = ("button_reply", "list_reply", "button")


def log_page(name: str) -> str:
    """The inbound log's page for a WhatsApp number (apart from Messenger's pages)."""
    return f"whatsapp-{name}"


class WhatsAppSendError(ValueError):
    """The page (or a test) asked for something WhatsApp could not have sent."""


@dataclass(frozen=True)
class WhatsAppSend:
    number: str  # customer | friends
    wa_id: str
    name: str
    kind: str  # text | button_reply | list_reply | button | location | photo | voice
    text: str = ""
    reply_id: str = ""
    context_id: str = ""
    latitude: float = 0.0
    longitude: float = 0.0

    def display_text(self) -> str:
        if self.kind == "location":
            return f"📍 Location {self.latitude:.4f}, {self.longitude:.4f}"
        if self.kind == "photo":
            return "📷 Photo"
        if self.kind == "voice":
            return "🎤 Voice message"
        return self.text or self.reply_id


def _string(data: JSON, key: str, limit: int, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        need = "a non-empty string" if required else "a string"
        raise WhatsAppSendError(f"{key} must be {need} of at most {limit} characters")
    return value


def _coordinate(location: JSON, key: str, bound: float) -> float:
    value = location.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WhatsAppSendError(f"location.{key} must be a number")
    if not math.isfinite(value) or abs(value) > bound:
        raise WhatsAppSendError(f"location.{key} is out of range")
    return float(value)


def parse_send(data: Any) -> WhatsAppSend:
    if not isinstance(data, dict):
        raise WhatsAppSendError("expected a JSON object")
    number, wa_id = data.get("number"), data.get("wa_id")
    if number not in PAGES:
        raise WhatsAppSendError(f"number must be one of {', '.join(PAGES)}")
    if not is_wa_id(wa_id):
        raise WhatsAppSendError("wa_id must be a phone number's digits (7 to 15, no plus)")
    name = _string(data, "name", 256) or DEFAULT_PEOPLE[number]["name"]
    given = [k for k in ("text", "reply", "location", "media") if data.get(k) not in (None, "")]
    if len(given) != 1:
        raise WhatsAppSendError(f"send exactly one of text, reply, location or media, not {given}")
    what = given[0]
    if what == "text":
        text = _string(data, "text", MAX_TEXT, required=True)
        return WhatsAppSend(number, wa_id, name, "text", text=text)
    if what == "reply":
        reply = data["reply"]
        if not isinstance(reply, dict) or reply.get("kind") not in REPLY_KINDS:
            raise WhatsAppSendError(f"reply must be an object with kind {', '.join(REPLY_KINDS)}")
        return WhatsAppSend(
            number,
            wa_id,
            name,
            str(reply["kind"]),
            text=_string(reply, "title", 256),
            reply_id=_string(reply, "id", 256, required=True),
            context_id=_string(reply, "context_id", 256),
        )
    if what == "location":
        location = data["location"]
        if not isinstance(location, dict):
            raise WhatsAppSendError("location must be an object with lat and long")
        lat, long = _coordinate(location, "lat", 90), _coordinate(location, "long", 180)
        return WhatsAppSend(number, wa_id, name, "location", latitude=lat, longitude=long)
    if data["media"] not in DEMO_MEDIA:
        raise WhatsAppSendError(f"media must be one of {', '.join(DEMO_MEDIA)}")
    return WhatsAppSend(number, wa_id, name, str(data["media"]))


def webhook_message(send: WhatsAppSend, number: WhatsAppNumber, graph: FakeGraph) -> JSON:
    """The message as Meta delivers it; media are first put where GET /{media_id} finds them."""
    display = number.display_phone_number
    if send.kind == "text":
        return wab.text_message(send.wa_id, send.text)
    if send.kind == "button_reply":
        return wab.button_reply(
            send.wa_id, send.reply_id, send.text, display_number=display, context_id=send.context_id
        )
    if send.kind == "list_reply":
        return wab.list_reply(
            send.wa_id, send.reply_id, send.text, display_number=display, context_id=send.context_id
        )
    if send.kind == "button":
        return wab.template_button(
            send.wa_id, send.reply_id, send.text, display_number=display, context_id=send.context_id
        )
    if send.kind == "location":
        return wab.location_message(send.wa_id, send.latitude, send.longitude)
    kind, filename, mime = DEMO_MEDIA[send.kind]
    media = graph.whatsapp.add_media(
        (MEDIA_DIR / filename).read_bytes(), mime, number.phone_number_id
    )
    return wab.media_message(
        send.wa_id, kind, media.id, mime, media.sha256, voice=send.kind == "voice"
    )


def demo_media_url(name: str) -> str:
    return f"/media/demo/{DEMO_MEDIA[name][1]}"


async def send(
    request: web.Request,
    settings: SimulatorSettings,
    graph: FakeGraph,
    inbound: InboundLog,
    session: aiohttp.ClientSession,
) -> web.Response:
    try:
        sim = parse_send(await request.json())
    except (ValueError, WhatsAppSendError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    number = settings.whatsapp(sim.number)
    if not number.configured:
        upper = sim.number.upper()
        raise web.HTTPConflict(
            text=f"{upper}_WHATSAPP_ACCESS_TOKEN and {upper}_WHATSAPP_APP_SECRET are not set"
        )
    message = webhook_message(sim, number, graph)
    body = wab.message_body(
        number.phone_number_id, number.display_phone_number, sim.wa_id, sim.name, message
    )
    item = inbound.add(log_page(sim.number), sim.wa_id, sim.kind, sim.display_text(), sim.reply_id)
    if sim.kind in DEMO_MEDIA:
        item.attachment = {"type": DEMO_MEDIA[sim.kind][0], "url": demo_media_url(sim.kind)}
    # The window opens with the person's message, as at Meta, even if our webhook fails.
    graph.whatsapp.person_wrote(number.phone_number_id, sim.wa_id)
    wamid = str(message["id"])
    try:
        delivery = await deliver(session, number, body)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("webhook %s unreachable: %r", number.webhook_url, exc)
        item.delivery_error = "webhook unreachable"
        error = f"cannot reach {number.webhook_url}: {exc!r}"
        return web.json_response({"error": error, "seq": item.seq, "wamid": wamid}, status=502)
    if delivery.status >= 300:
        item.delivery_error = f"webhook answered {delivery.status}"
    if delivery.status in (204, 205, 304):
        return web.Response(status=delivery.status)
    answer = {
        "webhook_status": delivery.status,
        "webhook_response": delivery.response_text,
        "seq": item.seq,
        "wamid": wamid,
    }
    return web.json_response(answer, status=delivery.status)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> JSON:
    return value if isinstance(value, dict) else {}


def outbound_item(call: RecordedCall, graph: FakeGraph) -> JSON:
    """The chat item for a WhatsApp send: text, reply buttons, a list, a template or media."""
    body = call.body
    kind = _str(body.get("type")) or "text"
    messages = call.answer.get("messages")
    wamid = _str(messages[0].get("id")) if isinstance(messages, list) and messages else ""
    error = _dict(call.answer.get("error"))
    item: JSON = {
        "seq": call.seq,
        "at": call.at.isoformat(),
        "direction": "out",
        "wamid": wamid,
        "status": graph.whatsapp.statuses.get(wamid, ""),
        "failed": call.status >= 400,
        "error": f"{error.get('code')} {_str(error.get('message'))}".strip() if error else "",
        "text": "",
        "buttons": [],
        "list": None,
        "template": None,
        "media": None,
        "note": "",
    }
    part = _dict(body.get(kind))
    if kind == "text":
        item["text"] = _str(part.get("body"))
    elif kind == "interactive":
        item["text"] = _str(_dict(part.get("body")).get("text"))
        action = _dict(part.get("action"))
        if part.get("type") == "button":
            item["buttons"] = [
                {"id": _str(r.get("id")), "title": _str(r.get("title"))}
                for b in action.get("buttons") or []
                if (r := _dict(_dict(b).get("reply")))
            ]
        else:
            item["list"] = {
                "button": _str(action.get("button")),
                "sections": [
                    {
                        "title": _str(_dict(s).get("title")),
                        "rows": [
                            {
                                "id": _str(_dict(r).get("id")),
                                "title": _str(_dict(r).get("title")),
                                "description": _str(_dict(r).get("description")),
                            }
                            for r in _dict(s).get("rows") or []
                        ],
                    }
                    for s in action.get("sections") or []
                ],
            }
    elif kind == "template":
        item["template"] = _template(part, graph)
        item["text"] = item["template"]["text"]
    elif kind in ("image", "audio", "video", "document", "sticker"):
        link = _str(part.get("link"))
        media_id = _str(part.get("id"))
        url = link or (f"/api/sim/whatsapp/media/{media_id}" if media_id else "")
        item["media"] = {"type": kind, "url": url, "filename": _str(part.get("filename"))}
        item["text"] = _str(part.get("caption"))
    elif kind == "location":
        place = f"{part.get('latitude')}, {part.get('longitude')} {_str(part.get('name'))}"
        item["text"] = f"📍 {place}".strip()
    else:
        item["note"] = f"{kind} message (not rendered by the simulator)"
    return item


def _template(part: JSON, graph: FakeGraph) -> JSON:
    name = _str(part.get("name"))
    language = _str(_dict(part.get("language")).get("code"))
    parameters = template_parameters(part)
    known = (graph.whatsapp.templates or {}).get(name)
    text = known.render(language, parameters) if known else ""
    if not text:
        # No text in the templates file: show what was filled in, which is what matters.
        text = "\n".join(f"{key}: {value}" for key, value in parameters.items())
    titles = known.button_titles(language) if known else ()
    buttons = [
        {"id": payload, "title": titles[index] if index < len(titles) else payload}
        for index, payload in template_payloads(part)
    ]
    return {"name": name, "language": language, "text": text, "buttons": buttons}


def messages(
    request: web.Request, settings: SimulatorSettings, graph: FakeGraph, inbound: InboundLog
) -> web.Response:
    name, wa_id = request.query.get("number", ""), request.query.get("wa_id", "")
    if name not in PAGES:
        raise web.HTTPBadRequest(text=f"number must be one of {', '.join(PAGES)}")
    if not is_wa_id(wa_id):
        raise web.HTTPBadRequest(text="wa_id must be a phone number's digits")
    try:
        since = int(request.query.get("since", "0"))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="since must be an integer") from exc
    number = settings.whatsapp(name)
    path = f"/{number.phone_number_id}/messages"
    sends = [c for c in graph.calls(0, None, wa_id) if c.path.endswith(path)]
    items = [i.to_item() for i in inbound.for_person(log_page(name), wa_id, since)]
    items += [outbound_item(c, graph) for c in sends if c.seq > since]
    items.sort(key=lambda item: int(item["seq"]))
    # Ticks change after a message is shown: every status of this person, each poll.
    statuses = {
        str(c.seq): graph.whatsapp.statuses.get(wamid, "")
        for c in sends
        if (wamid := outbound_item(c, graph)["wamid"])
    }
    window = graph.whatsapp.window_open(number.phone_number_id, wa_id)
    next_seq = max(since, graph.last_seq, inbound.last_seq)
    return web.json_response(
        {"messages": items, "next": next_seq, "statuses": statuses, "window_open": window}
    )


def media(request: web.Request, graph: FakeGraph) -> web.Response:
    """A media id's bytes for the phone to show (the page has no bearer token)."""
    found = graph.whatsapp.media.get(request.match_info["media_id"])
    if found is None:
        raise web.HTTPNotFound(text="unknown media")
    return web.Response(body=found.data, content_type=found.mime_type.split(";")[0])


def demo_file(request: web.Request) -> web.FileResponse:
    """The demo photo and voice note, at /media/demo/router.jpg and /media/demo/voice.ogg:
    what the phones send, fetchable like a photo Meta hosts."""
    name = request.match_info["name"]
    known = {filename: mime for _, filename, mime in DEMO_MEDIA.values()}
    if name not in known:
        raise web.HTTPNotFound(text="no such demo file")
    return web.FileResponse(MEDIA_DIR / name, headers={"Content-Type": known[name].split(";")[0]})


def config(settings: SimulatorSettings) -> JSON:
    return {
        name: {
            "phone_number_id": number.phone_number_id,
            "display_phone_number": number.display_phone_number,
            "webhook_url": number.webhook_url,
            "configured": number.configured,
            "default_wa_id": DEFAULT_PEOPLE[name]["wa_id"],
            "default_name": DEFAULT_PEOPLE[name]["name"],
        }
        for name in PAGES
        if (number := settings.whatsapp(name))
    }
