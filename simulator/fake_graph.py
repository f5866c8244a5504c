"""A fake Meta Graph API: records what our components send and answers like Meta would.

Messenger's Send API here; WhatsApp's Cloud API (messages, media, the 24-hour window,
templates, status webhooks) in simulator/whatsapp_graph.py, mounted on the same app.

Run standalone with `python -m simulator.fake_graph --host 127.0.0.1 --port 8091`; the
simulator mounts the same app under /graph. `/_control/...` lets tests inspect recorded
calls and inject faults; Meta has no such routes.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from simulator import whatsapp_graph, whatsapp_templates
from simulator.graph_errors import graph_error
from simulator.serve import serve
from simulator.settings import SimulatorSettings

JSON = dict[str, Any]

# Only version-shaped first segments count as Graph routes, so /_control/* never looks
# like a profile lookup.
VERSION = r"{version:v\d+\.\d+}"
DEFAULT_PROFILE: JSON = {"first_name": "Test", "last_name": "User", "locale": "de_DE"}
DEFAULT_FAULT_ERROR: JSON = {
    "message": "(#2) Service temporarily unavailable",
    "type": "OAuthException",
    "code": 2,
    "is_transient": True,
}


@dataclass(frozen=True)
class RecordedCall:
    seq: int
    at: datetime
    method: str
    path: str
    access_token: str
    body: JSON
    status: int
    fault: bool
    # What the fake answered (WhatsApp sends: the message id or the error), for tests.
    answer: JSON = field(default_factory=dict)

    @property
    def recipient(self) -> str:
        if self.body.get("messaging_product") == "whatsapp":
            to = self.body.get("to")
            return to.removeprefix("+") if isinstance(to, str) else ""
        recipient = self.body.get("recipient")
        if isinstance(recipient, dict):
            return str(recipient.get("id") or "")
        return ""

    def to_json(self) -> JSON:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "method": self.method,
            "path": self.path,
            "access_token": self.access_token,
            "recipient": self.recipient,
            "body": self.body,
            "status": self.status,
            "fault": self.fault,
            "answer": self.answer,
        }


@dataclass(frozen=True)
class FaultAnswer:
    """One faulty answer: an error status (None: answer normally) after `delay` seconds."""

    status: int | None
    error: JSON
    delay: float = 0.0

    def to_json(self) -> JSON:
        return {"status": self.status, "error": self.error, "delay": self.delay}


# Meta's throttling as the Send API reports it: HTTP 400 (or 429 behind some proxies) with
# one of these codes. Tests combine them into an outage with `also`.
RATE_LIMIT_ERRORS: dict[int, JSON] = {
    4: {"code": 4, "message": "(#4) Application request limit reached", "is_transient": True},
    32: {"code": 32, "message": "(#32) Page request limit reached", "is_transient": True},
    613: {"code": 613, "message": "(#613) Calls to this api have exceeded the rate limit."},
}


@dataclass
class FaultPlan:
    remaining: int
    status: int | None = None  # None: answer normally, only late
    error: JSON = field(default_factory=lambda: dict(DEFAULT_FAULT_ERROR))
    delay: float = 0.0
    # Senders often precede a message with typing_on; "messages" lets a test aim past that.
    applies_to: str = "all"
    # An outage for a while: every matching send until this time.monotonic() fails, whatever
    # `remaining` says.
    until: float | None = None
    # Further answers taken in turn with the first: 500s, rate limits and timeouts mixed.
    also: list[FaultAnswer] = field(default_factory=list)
    served: int = 0

    def matches(self, body: JSON) -> bool:
        whatsapp = body.get("messaging_product") == "whatsapp"
        if self.applies_to == "whatsapp":
            return whatsapp
        # Every WhatsApp send is a message; Messenger's typing indicators are not.
        return self.applies_to == "all" or "message" in body or whatsapp

    def answers(self) -> list[FaultAnswer]:
        return [FaultAnswer(self.status, self.error, self.delay), *self.also]

    def next_answer(self) -> FaultAnswer:
        answers = self.answers()
        answer = answers[self.served % len(answers)]
        self.served += 1
        return answer

    def to_json(self) -> JSON:
        data: JSON = {
            "remaining": self.remaining,
            "status": self.status,
            "error": self.error,
            "delay": self.delay,
            "applies_to": self.applies_to,
            "served": self.served,
        }
        if self.until is not None:
            data["seconds_left"] = max(0.0, self.until - time.monotonic())
        if self.also:
            data["also"] = [a.to_json() for a in self.also]
        return data


class FaultError(ValueError):
    """A /_control/faults request that cannot be turned into a plan."""


def _parse_answer(data: Any) -> FaultAnswer:
    if not isinstance(data, dict):
        raise FaultError("each fault answer must be a JSON object")
    status, delay = data.get("status"), data.get("delay", 0)
    if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
        raise FaultError("status must be an HTTP error status (400-599)")
    if not isinstance(delay, int | float) or isinstance(delay, bool) or delay < 0:
        raise FaultError("delay must be a non-negative number of seconds")
    if status is None and not delay:
        raise FaultError("give a status, a delay, or both")
    error = data.get("error", {})
    if not isinstance(error, dict):
        raise FaultError("error must be an object")
    code = error.get("code", DEFAULT_FAULT_ERROR["code"])
    if not isinstance(code, int) or isinstance(code, bool):
        raise FaultError("error.code must be an integer, as Meta's are")
    # A custom error gets no is_transient flag it did not ask for.
    custom = {"code": code, "message": DEFAULT_FAULT_ERROR["message"], **error}
    return FaultAnswer(status, custom if error else dict(DEFAULT_FAULT_ERROR), float(delay))


def parse_fault_plan(data: Any) -> FaultPlan:
    """{"count": n} fails the next n sends; {"seconds": s} every send for s seconds."""
    if not isinstance(data, dict):
        raise FaultError("expected a JSON object")
    if "count" in data and "seconds" in data:
        raise FaultError("give count or seconds, not both")
    count, seconds = data.get("count", 1), data.get("seconds")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise FaultError("count must be a positive integer")
    if seconds is not None and (
        not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0
    ):
        raise FaultError("seconds must be a positive number")
    first = _parse_answer(data)
    also = data.get("also", [])
    if not isinstance(also, list):
        raise FaultError("also must be a list of fault answers")
    applies_to = data.get("applies_to", "all")
    if applies_to not in ("all", "messages", "whatsapp"):
        raise FaultError("applies_to must be 'all', 'messages' or 'whatsapp'")
    return FaultPlan(
        remaining=count,
        status=first.status,
        error=first.error,
        delay=first.delay,
        applies_to=applies_to,
        until=None if seconds is None else time.monotonic() + float(seconds),
        also=[_parse_answer(a) for a in also],
    )


class FakeGraph:
    """In-memory state of the fake: recorded calls, registered profiles, pending faults."""

    def __init__(self, seq: Iterator[int] | None = None) -> None:
        # Public so the simulator's own log can draw from it and interleave with calls by seq.
        self.seq = seq if seq is not None else itertools.count(1)
        self._calls: list[RecordedCall] = []
        self.last_seq = 0
        self.profiles: dict[str, JSON] = {}
        self.faults: FaultPlan | None = None
        # The WhatsApp Cloud API's numbers, windows, media and statuses.
        self.whatsapp = whatsapp_graph.WhatsAppGraph(self)

    def record(
        self,
        method: str,
        path: str,
        token: str,
        body: JSON,
        status: int = 200,
        fault: bool = False,
        answer: JSON | None = None,
    ) -> RecordedCall:
        call = RecordedCall(
            next(self.seq),
            datetime.now(UTC),
            method,
            path,
            token,
            body,
            status,
            fault,
            answer or {},
        )
        self.last_seq = call.seq
        self._calls.append(call)
        return call

    def calls(
        self, since: int = 0, page_token: str | None = None, recipient: str | None = None
    ) -> list[RecordedCall]:
        return [
            c
            for c in self._calls
            if c.seq > since
            and (page_token is None or c.access_token == page_token)
            and (recipient is None or c.recipient == recipient)
        ]

    def clear_calls(self) -> None:
        # seq keeps counting so a poller's `since` never skips calls recorded after a clear.
        self._calls.clear()

    def set_profile(self, psid: str, **fields: Any) -> None:
        self.profiles[psid] = {**DEFAULT_PROFILE, **fields}

    def profile(self, psid: str) -> JSON:
        return {**self.profiles.get(psid, DEFAULT_PROFILE), "id": psid}

    def take_fault(self, body: JSON) -> FaultAnswer | None:
        plan = self.faults
        if plan is None:
            return None
        if plan.until is not None and time.monotonic() >= plan.until:
            self.faults = None  # the outage is over
            return None
        if not plan.matches(body):
            return None
        answer = plan.next_answer()
        if plan.until is None:
            plan.remaining -= 1
            if plan.remaining <= 0:
                self.faults = None
        return answer


GRAPH_KEY = web.AppKey("fake_graph", FakeGraph)


def _missing_token() -> web.Response:
    return graph_error(400, 190, "An access token is required to request this resource.")


async def _json_object(request: web.Request) -> JSON | None:
    try:
        data = await request.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


async def _posted(request: web.Request) -> tuple[str, JSON] | web.Response:
    """The access token and JSON object of a Graph API POST, or Meta's answer to a bad one."""
    token = request.query.get("access_token", "")
    if not token:
        return _missing_token()
    body = await _json_object(request)
    if body is None:
        return graph_error(400, 100, "(#100) The request body must be a JSON object.")
    return token, body


async def send_message(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    posted = await _posted(request)
    if isinstance(posted, web.Response):
        return posted
    token, body = posted
    recipient = body.get("recipient")
    if not isinstance(recipient, dict) or not recipient.get("id"):
        return graph_error(400, 100, "(#100) The parameter recipient is required")
    if "message" not in body and "sender_action" not in body:
        return graph_error(400, 100, "(#100) Must send either message or sender action")

    fault = graph.take_fault(body)
    status = fault.status if fault is not None and fault.status is not None else 200
    # Recorded on arrival: a client that times out during a delay still left a trace.
    graph.record(request.method, request.path, token, body, status, fault=fault is not None)
    if fault is not None:
        await asyncio.sleep(fault.delay)
        if fault.status is not None:
            error = dict(fault.error)
            code, message = error.pop("code"), str(error.pop("message", ""))
            return graph_error(fault.status, code, message, error)

    answer: JSON = {"recipient_id": str(recipient["id"])}
    if "message" in body:
        answer["message_id"] = f"m_{uuid.uuid4().hex}"
    return web.json_response(answer)


async def messenger_profile(request: web.Request) -> web.Response:
    posted = await _posted(request)
    if isinstance(posted, web.Response):
        return posted
    token, body = posted
    request.app[GRAPH_KEY].record(request.method, request.path, token, body)
    return web.json_response({"result": "success"})


async def user_profile(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    token = request.query.get("access_token", "")
    if not token:
        return _missing_token()
    psid = request.match_info["psid"]
    fields = [f for f in request.query.get("fields", "").split(",") if f]
    graph.record(request.method, request.path, token, {"id": psid, "fields": fields})
    profile = graph.profile(psid)
    if fields:
        # Meta answers only what was asked for, plus the id.
        profile = {k: v for k, v in profile.items() if k in fields or k == "id"}
    return web.json_response(profile)


async def put_profile(request: web.Request) -> web.Response:
    body = await _json_object(request)
    if body is None:
        raise web.HTTPBadRequest(text="expected a JSON object")
    graph = request.app[GRAPH_KEY]
    graph.set_profile(request.match_info["psid"], **body)
    return web.json_response(graph.profile(request.match_info["psid"]))


async def get_faults(request: web.Request) -> web.Response:
    plan = request.app[GRAPH_KEY].faults
    return web.json_response({"faults": plan.to_json() if plan else None})


async def set_faults(request: web.Request) -> web.Response:
    try:
        plan = parse_fault_plan(await request.json())
    except (ValueError, FaultError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    request.app[GRAPH_KEY].faults = plan
    return web.json_response({"faults": plan.to_json()})


async def clear_faults(request: web.Request) -> web.Response:
    request.app[GRAPH_KEY].faults = None
    return web.json_response({"faults": None})


async def list_calls(request: web.Request) -> web.Response:
    graph = request.app[GRAPH_KEY]
    try:
        since = int(request.query.get("since", "0"))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="since must be an integer") from exc
    calls = graph.calls(since, request.query.get("page_token"), request.query.get("recipient"))
    # `next` covers filtered-out calls too, so polling from it never re-reads or misses one.
    next_seq = max(since, graph.last_seq)
    return web.json_response({"calls": [c.to_json() for c in calls], "next": next_seq})


async def clear_calls(request: web.Request) -> web.Response:
    request.app[GRAPH_KEY].clear_calls()
    return web.json_response({"cleared": True})


def create_app(graph: FakeGraph) -> web.Application:
    app = web.Application()
    app[GRAPH_KEY] = graph
    app.router.add_get("/_control/calls", list_calls)
    app.router.add_delete("/_control/calls", clear_calls)
    app.router.add_get("/_control/faults", get_faults)
    app.router.add_post("/_control/faults", set_faults)
    app.router.add_delete("/_control/faults", clear_faults)
    app.router.add_put("/_control/profiles/{psid}", put_profile)
    app.router.add_post(f"/{VERSION}/me/messages", send_message)
    app.router.add_post(f"/{VERSION}/me/messenger_profile", messenger_profile)
    # WhatsApp's routes; its GET /{version}/{node} answers a media id, else a profile.
    whatsapp_graph.add_routes(app, graph.whatsapp, VERSION, user_profile)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args(argv)
    graph = FakeGraph()
    # The WhatsApp numbers it plays (tokens, secrets, webhooks) come from the environment.
    settings = SimulatorSettings.from_env()
    graph.whatsapp.configure(
        settings.whatsapp_numbers(), whatsapp_templates.load(settings.whatsapp_templates_file)
    )
    serve(create_app(graph), args.host, args.port, "fake graph listening on {url}")


if __name__ == "__main__":
    main()
