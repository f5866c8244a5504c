"""The fake Graph's WhatsApp Cloud API: `POST /{version}/{phone_number_id}/messages`, media
(`GET /{version}/{media_id}`, then the URL it names), and the status webhooks Meta sends after.

As Meta: a bearer token per number (the customers' and the Friends' numbers); bodies checked
against Meta's limits (simulator/whatsapp_checks.py, error 100); free-form messages refused
outside the 24-hour window with error 131047 (the window per number and person, opened by the
messages the simulator's phones delivered, or set by a test through
`POST /_control/whatsapp/last-inbound`); templates accepted when their name is known
(simulator/whatsapp_templates.py; any name without a templates file, else error 132001); each
accepted message answered with its wamid and then reported `sent`, `delivered` and `read` by
signed status webhooks to the number's webhook (Rasa for customers, the backend for Friends),
or `sent` then `failed` with an error a test asked for (`POST /_control/whatsapp/fail-next`).

A number the simulator was not configured with (no settings, or a test's own) accepts any
bearer token, and the window is enforced there only for people a test set a last message for:
the fake cannot know who wrote to a webhook it did not call.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from simulator import whatsapp_bodies as wab
from simulator import whatsapp_checks
from simulator.graph_errors import graph_error
from simulator.settings import WhatsAppNumber
from simulator.webhook_bodies import encode_signed
from simulator.whatsapp_templates import Template
from whatsapp_platform.ids import is_wa_id
from whatsapp_platform.window import may_send_free_text

if TYPE_CHECKING:
    from simulator.fake_graph import FakeGraph

log = logging.getLogger(__name__)

JSON = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DOWNLOAD_PATH = "/whatsapp_business/attachments/"
# Meta's answer outside the 24-hour window, word for word.
REENGAGEMENT: JSON = {
    "message": "(#131047) Re-engagement message",
    "code": 131047,
    "error_data": {
        "messaging_product": "whatsapp",
        "details": "Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number.",
    },
}
MAX_MEDIA_BYTES = 100 * 1024 * 1024  # what Meta hosts at most (documents)


@dataclass(frozen=True)
class Media:
    id: str
    data: bytes
    mime_type: str
    owner: str  # the phone_number_id it came to ("" for any)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def new_media_id() -> str:
    # Meta's media ids are 15 to 16 digits.
    return str(10**15 + secrets.randbelow(9 * 10**15))


class WhatsAppGraph:
    """The fake's WhatsApp state: numbers, windows, media, templates and delivery reports."""

    def __init__(self, graph: FakeGraph) -> None:
        self.graph = graph
        self.numbers: dict[str, WhatsAppNumber] = {}
        self.last_inbound: dict[tuple[str, str], datetime] = {}
        self.media: dict[str, Media] = {}
        # None: no templates file, so any name is accepted.
        self.templates: dict[str, Template] | None = None
        self.statuses: dict[str, str] = {}  # wamid → its latest status
        # Seconds before `sent`, `delivered` and `read` are reported, one after the other; a
        # first pause lets the sender store the wamid before its first status arrives.
        self.status_delays: tuple[float, ...] = (0.3, 0.2, 0.5)
        # wa_id → errors for the next accepted messages to them: reported `sent` then `failed`
        # (what Meta does when a message it took cannot be delivered, e.g. 131026).
        self.failures: dict[str, list[JSON]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    def configure(
        self, numbers: Iterable[WhatsAppNumber], templates: dict[str, Template] | None
    ) -> None:
        self.numbers = {n.phone_number_id: n for n in numbers if n.configured}
        self.templates = templates

    def number(self, name_or_id: str) -> WhatsAppNumber | None:
        by_name = {n.name: n for n in self.numbers.values()}
        return self.numbers.get(name_or_id) or by_name.get(name_or_id)

    # --- the 24-hour window ---------------------------------------------------------------

    def person_wrote(self, phone_number_id: str, wa_id: str, at: datetime | None = None) -> None:
        self.last_inbound[(phone_number_id, wa_id)] = at or datetime.now(UTC)

    def window_open(self, phone_number_id: str, wa_id: str, now: datetime | None = None) -> bool:
        last = self.last_inbound.get((phone_number_id, wa_id))
        if last is None and phone_number_id not in self.numbers:
            return True  # nothing known of this person on a number we do not play
        return may_send_free_text(last, now or datetime.now(UTC))

    # --- media ----------------------------------------------------------------------------

    def add_media(self, data: bytes, mime_type: str, owner: str = "") -> Media:
        media = Media(new_media_id(), data, mime_type, owner)
        self.media[media.id] = media
        return media

    def token_may_read(self, media: Media, token: str) -> bool:
        number = self.numbers.get(media.owner)
        if number is not None:
            return token == number.access_token
        # Media of a number we do not play: any of our tokens, or any token without numbers.
        return not self.numbers or token in {n.access_token for n in self.numbers.values()}

    # --- status webhooks ------------------------------------------------------------------

    def report(self, number: WhatsAppNumber | None, wamid: str, wa_id: str, template: bool) -> None:
        """Report sent, delivered and read for an accepted message, in the background."""
        self.statuses[wamid] = "accepted"
        task = asyncio.get_running_loop().create_task(self._report(number, wamid, wa_id, template))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _report(
        self, number: WhatsAppNumber | None, wamid: str, wa_id: str, template: bool
    ) -> None:
        pending = self.failures.get(wa_id)
        error = pending.pop(0) if pending else None
        if pending is not None and not pending:
            del self.failures[wa_id]
        states = ("sent", "failed") if error else ("sent", "delivered", "read")
        for state, delay in zip(states, self.status_delays, strict=False):
            await asyncio.sleep(delay)
            self.statuses[wamid] = state
            if number is None or not number.webhook_url:
                continue
            errors = [error] if error and state == "failed" else None
            item = wab.status(wamid, state, wa_id, template=template, errors=errors)
            await self.post_webhook(
                number, wab.status_body(number.phone_number_id, number.display_phone_number, item)
            )

    async def post_webhook(self, number: WhatsAppNumber, body: JSON) -> int | None:
        """POST a signed body to the number's webhook; its status, None when unreachable."""
        if self._session is None or self._session.closed:
            # Meta gives up on a slow webhook too (and retries later; the fake does not).
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        raw, headers = encode_signed(body, number.app_secret)
        try:
            async with self._session.post(number.webhook_url, data=raw, headers=headers) as resp:
                if resp.status >= 300:
                    log.warning("status webhook %s answered %s", number.webhook_url, resp.status)
                return resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("status webhook %s unreachable: %r", number.webhook_url, exc)
            return None

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()


WHATSAPP_KEY = web.AppKey("whatsapp_graph", WhatsAppGraph)


def bearer(request: web.Request) -> str:
    """The access token: `Authorization: Bearer …` (the Cloud API's way) or ?access_token=."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.query.get("access_token", "")


def _invalid_token() -> web.Response:
    return graph_error(
        401, 190, "Invalid OAuth access token - Cannot parse access token", {"error_subcode": 463}
    )


def _unknown_object(node: str) -> web.Response:
    return graph_error(
        400,
        100,
        f"Unsupported post request. Object with ID '{node}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation.",
        {"error_subcode": 33},
    )


def _authorised(wa: WhatsAppGraph, phone_number_id: str, token: str) -> web.Response | None:
    if not token:
        return graph_error(401, 190, "An access token is required to request this resource.")
    number = wa.numbers.get(phone_number_id)
    if number is None:
        # The other number's token, or a number nobody configured while some are.
        return _unknown_object(phone_number_id) if wa.numbers else None
    if token != number.access_token:
        tokens = {n.access_token for n in wa.numbers.values()}
        return _unknown_object(phone_number_id) if token in tokens else _invalid_token()
    return None


def _refused(call_status: int, code: int, message: str, extra: JSON) -> tuple[int, JSON]:
    return call_status, {"message": message, "type": "OAuthException", "code": code, **extra}


def _template_problem(wa: WhatsAppGraph, template: JSON) -> tuple[int, JSON] | None:
    if wa.templates is None:
        return None
    name, language = str(template["name"]), str(template["language"]["code"])
    known = wa.templates.get(name)
    if known is None or (known.languages and language not in known.languages):
        details = f"template name ({name}) does not exist in {language}"
        return _refused(
            404,
            132001,
            "(#132001) Template name does not exist in the translation",
            {"error_data": {"messaging_product": "whatsapp", "details": details}},
        )
    return None


async def send_message(request: web.Request) -> web.Response:
    wa = request.app[WHATSAPP_KEY]
    graph = wa.graph
    phone_number_id = request.match_info["phone_number_id"]
    token = bearer(request)
    refused = _authorised(wa, phone_number_id, token)
    if refused is not None:
        return refused
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return graph_error(400, 100, "(#100) The request body must be a JSON object.")

    problem: tuple[int, JSON] | None = None
    refusal = whatsapp_checks.check(body)
    wa_id = whatsapp_checks.recipient(body)
    if refusal is not None:
        extra = {"error_data": {"messaging_product": "whatsapp", "details": refusal.details}}
        problem = _refused(refusal.status, refusal.code, refusal.message, extra)
    elif body.get("type") == "template":
        problem = _template_problem(wa, body["template"])
    elif not wa.window_open(phone_number_id, wa_id):
        problem = _refused(400, REENGAGEMENT["code"], REENGAGEMENT["message"], REENGAGEMENT)

    fault = graph.take_fault(body) if problem is None else None
    if problem is None and fault is not None and fault.status is not None:
        error = dict(fault.error)
        problem = fault.status, {"type": "OAuthException", **error}
    path, method = request.path, request.method
    if problem is not None:
        status, error = problem
        error = {**error, "fbtrace_id": f"Fake{secrets.token_hex(8)}"}
        # Recorded on arrival, before any delay: a client that times out still left a trace.
        graph.record(method, path, token, body, status, fault is not None, {"error": error})
        if fault is not None:
            await asyncio.sleep(fault.delay)
        return web.json_response({"error": error}, status=status)

    wamid = wab.new_wamid()
    answer: JSON = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": str(body.get("to")), "wa_id": wa_id}],
        "messages": [{"id": wamid}],
    }
    template = body.get("type") == "template"
    if template:
        answer["messages"][0]["message_status"] = "accepted"
    graph.record(method, path, token, body, 200, fault is not None, answer)
    if fault is not None:
        await asyncio.sleep(fault.delay)
    wa.report(wa.numbers.get(phone_number_id), wamid, wa_id, template)
    return web.json_response(answer)


async def upload(request: web.Request) -> web.Response:
    """`POST /{version}/{phone_number_id}/media` (multipart: messaging_product, file, type):
    a sender's own media, to send by id; answered `{"id": …}` as Meta does."""
    wa = request.app[WHATSAPP_KEY]
    phone_number_id = request.match_info["phone_number_id"]
    token = bearer(request)
    refused = _authorised(wa, phone_number_id, token)
    if refused is not None:
        return refused
    if not request.content_type.startswith("multipart/"):
        return graph_error(400, 100, "(#100) Upload media as multipart/form-data")
    fields: dict[str, str] = {}
    data, mime = b"", ""
    async for part in await request.multipart():
        if not isinstance(part, aiohttp.BodyPartReader):
            continue
        if part.name == "file":
            data = await part.read()
            mime = part.headers.get("Content-Type", "")
        elif part.name:
            fields[part.name] = await part.text()
    if fields.get("messaging_product") != "whatsapp":
        return graph_error(400, 100, "(#100) The parameter messaging_product is required.")
    mime = fields.get("type") or mime
    if not data or not mime or len(data) > MAX_MEDIA_BYTES:
        return graph_error(400, 100, "(#100) Param file must be a file with a valid type")
    media = wa.add_media(data, mime, phone_number_id)
    wa.graph.record(
        request.method,
        request.path,
        token,
        {"type": mime, "bytes": len(data)},
        200,
        False,
        {"id": media.id},
    )
    return web.json_response({"id": media.id})


def _download_url(request: web.Request, media: Media) -> str:
    # The route is /{version}/{node}; whatever comes before it is where the fake is mounted.
    tail = f"/{request.match_info['version']}/{request.match_info['psid']}"
    prefix = request.path[: -len(tail)] if request.path.endswith(tail) else ""
    query = f"mid={media.id}&ext={int(datetime.now(UTC).timestamp())}&hash={media.sha256[:16]}"
    return f"{request.url.origin()}{prefix}{DOWNLOAD_PATH}?{query}"


def node_lookup(profile: Handler) -> Handler:
    """GET /{version}/{node}: a media id's download URL, anything else Messenger's profile."""

    async def handler(request: web.Request) -> web.StreamResponse:
        wa = request.app[WHATSAPP_KEY]
        media = wa.media.get(request.match_info["psid"])
        if media is None:
            return await profile(request)
        token = bearer(request)
        if not token:
            return graph_error(401, 190, "An access token is required to request this resource.")
        if not wa.token_may_read(media, token):
            return _unknown_object(media.id)
        wa.graph.record(request.method, request.path, token, {"media_id": media.id})
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": _download_url(request, media),
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": len(media.data),
                "id": media.id,
            }
        )

    return handler


async def download(request: web.Request) -> web.Response:
    """The bytes behind a media URL; like Meta's, only with the bearer token."""
    wa = request.app[WHATSAPP_KEY]
    media = wa.media.get(request.query.get("mid", ""))
    token = bearer(request)
    if media is None:
        return web.json_response({"error": "unknown media"}, status=404)
    if not token or not wa.token_may_read(media, token):
        return web.json_response({"error": "a valid bearer token is required"}, status=401)
    return web.Response(body=media.data, content_type=media.mime_type.split(";")[0].strip())


# --- controls for tests (Meta has no such routes) -------------------------------------------


def _parse_at(data: JSON) -> datetime | None:
    if "hours_ago" in data:
        hours = data["hours_ago"]
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours < 1e5:
            raise web.HTTPBadRequest(text="hours_ago must be a non-negative number")
        return datetime.now(UTC) - timedelta(hours=float(hours))
    at = data.get("at")
    if at is None:
        return None  # forget: the person never wrote
    try:
        parsed = datetime.fromisoformat(str(at))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="at must be an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        raise web.HTTPBadRequest(text="at needs a time zone (e.g. 2026-12-07T10:00:00+00:00)")
    return parsed


def _window_json(wa: WhatsAppGraph, phone_number_id: str, wa_id: str) -> JSON:
    last = wa.last_inbound.get((phone_number_id, wa_id))
    return {
        "phone_number_id": phone_number_id,
        "wa_id": wa_id,
        "last_inbound": last.isoformat() if last else None,
        "window_open": wa.window_open(phone_number_id, wa_id),
    }


def _person(wa: WhatsAppGraph, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    wa_id = data.get("wa_id")
    if not is_wa_id(wa_id):
        raise web.HTTPBadRequest(text="wa_id must be the number's digits (7 to 15, no plus)")
    number = data.get("phone_number_id") or data.get("number")
    if not isinstance(number, str) or not number:
        raise web.HTTPBadRequest(text="give phone_number_id, or number: customer or friends")
    known = wa.number(number)
    return (known.phone_number_id if known else number), wa_id


async def set_last_inbound(request: web.Request) -> web.Response:
    """{"number": "friends", "wa_id": "…", "hours_ago": 72}: the Friend wrote 3 days ago.
    `at` (ISO time) instead of hours_ago; neither: the person never wrote."""
    wa = request.app[WHATSAPP_KEY]
    try:
        data = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="expected a JSON object") from exc
    phone_number_id, wa_id = _person(wa, data)
    at = _parse_at(data)
    if at is None:
        wa.last_inbound.pop((phone_number_id, wa_id), None)
    else:
        wa.last_inbound[(phone_number_id, wa_id)] = at
    return web.json_response(_window_json(wa, phone_number_id, wa_id))


async def get_window(request: web.Request) -> web.Response:
    wa = request.app[WHATSAPP_KEY]
    phone_number_id, wa_id = _person(wa, dict(request.query))
    return web.json_response(_window_json(wa, phone_number_id, wa_id))


async def upload_media(request: web.Request) -> web.Response:
    """Raw bytes with their Content-Type become a media id (?owner=<phone_number_id>)."""
    wa = request.app[WHATSAPP_KEY]
    data = await request.read()
    if not data or len(data) > MAX_MEDIA_BYTES:
        raise web.HTTPBadRequest(text=f"send 1 to {MAX_MEDIA_BYTES} bytes")
    owner = request.query.get("owner", "")
    known = wa.number(owner) if owner else None
    media = wa.add_media(data, request.content_type, known.phone_number_id if known else owner)
    return web.json_response({"id": media.id, "sha256": media.sha256}, status=201)


async def put_number(request: web.Request) -> web.Response:
    """Play Meta for a test's own number: token, app secret, webhook URL."""
    wa = request.app[WHATSAPP_KEY]
    try:
        data = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="expected a JSON object") from exc
    fields = ("access_token", "app_secret", "webhook_url")
    if not isinstance(data, dict) or not all(isinstance(data.get(f), str) for f in fields):
        raise web.HTTPBadRequest(text=f"give {', '.join(fields)} as strings")
    phone_number_id = request.match_info["phone_number_id"]
    number = WhatsAppNumber(
        str(data.get("name") or phone_number_id),
        phone_number_id,
        str(data.get("display_phone_number") or "4930555000999"),
        data["app_secret"],
        data["access_token"],
        data["webhook_url"],
    )
    wa.numbers[phone_number_id] = number
    return web.json_response({"phone_number_id": phone_number_id, "name": number.name})


async def fail_next(request: web.Request) -> web.Response:
    """{"wa_id": "…", "code": 131026, "title": "…", "count": 1}: the next accepted messages to
    that person are answered 200 as usual, then reported `failed` with this error."""
    wa = request.app[WHATSAPP_KEY]
    try:
        data = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="expected a JSON object") from exc
    if not isinstance(data, dict) or not is_wa_id(data.get("wa_id")):
        raise web.HTTPBadRequest(text="wa_id must be the number's digits (7 to 15, no plus)")
    code, count = data.get("code"), data.get("count", 1)
    if isinstance(code, bool) or not isinstance(code, int):
        raise web.HTTPBadRequest(text="code must be Meta's error code, an integer")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
        raise web.HTTPBadRequest(text="count must be 1 to 100")
    title = str(data.get("title") or "Message undeliverable")
    error: JSON = {"code": code, "title": title, "message": title}
    if data.get("details"):
        error["error_data"] = {"details": str(data["details"])}
    wa.failures.setdefault(str(data["wa_id"]), []).extend([error] * count)
    return web.json_response({"wa_id": data["wa_id"], "pending": len(wa.failures[data["wa_id"]])})


async def get_statuses(request: web.Request) -> web.Response:
    return web.json_response({"statuses": dict(request.app[WHATSAPP_KEY].statuses)})


async def _close(app: web.Application) -> None:
    await app[WHATSAPP_KEY].close()


def add_routes(app: web.Application, wa: WhatsAppGraph, version: str, profile: Handler) -> None:
    """WhatsApp's routes on the fake's app (after Messenger's /me/… routes, which win)."""
    app[WHATSAPP_KEY] = wa
    app.on_cleanup.append(_close)
    app.router.add_post("/_control/whatsapp/last-inbound", set_last_inbound)
    app.router.add_get("/_control/whatsapp/window", get_window)
    app.router.add_post("/_control/whatsapp/media", upload_media)
    app.router.add_put("/_control/whatsapp/numbers/{phone_number_id}", put_number)
    app.router.add_get("/_control/whatsapp/statuses", get_statuses)
    app.router.add_post("/_control/whatsapp/fail-next", fail_next)
    app.router.add_get(DOWNLOAD_PATH, download)
    app.router.add_post(f"/{version}/{{phone_number_id}}/messages", send_message)
    app.router.add_post(f"/{version}/{{phone_number_id}}/media", upload)
    app.router.add_get(f"/{version}/{{psid}}", node_lookup(profile))
