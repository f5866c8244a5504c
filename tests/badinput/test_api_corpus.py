"""The corpus against every operation of the backend's HTTP API (/api/v1/…), on SQLite and
PostgreSQL: a 4xx with a reason and no data change for bad input; hostile but legitimate text
stored verbatim and shown escaped in the console."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any
from urllib.parse import quote

from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.badinput.corpus import (
    ABSURD_PHONES,
    ABSURD_POSTAL_CODES,
    INVALID_TEXTS,
    VALID_TEXTS,
    WRONG_TYPES,
    raw_bodies,
)
from tests.badinput.harness import Reply, Run, snapshot
from tests.console.conftest import ADMIN, ADMIN_TOKEN, API_TOKEN, Client, login

Headers = dict[str, str]
API = {"Authorization": f"Bearer {API_TOKEN}"}
ADMIN_API = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
JOB: dict[str, Any] = {
    "category": "internet_wifi",
    "description": "Mein WLAN bricht ständig ab",
    "country": "DE",
    "postal_code": "10115",
    "street": "Invalidenstraße 1",
    "device": "Fritzbox 7590",
    "brand": "AVM",
    "customer": {
        "channel": "messenger",
        "id": "badinput-customer",
        "name": "Erika Muster",
        "phone": "0171 9876543",
        "language": "de",
    },
}
FRIEND: dict[str, Any] = {
    "name": "Anna Schmidt",
    "messenger_id": "badinput-friend",
    "postal_code": "10117",
    "country": "DE",
    "radius_km": 15,
    "skills": ["internet_wifi"],
    "languages": ["de", "en"],
    "status": "active",
}
REQUIRED_JOB_FIELDS = (
    "category",
    "description",
    "country",
    "postal_code",
    "customer",
    "customer.channel",
    "customer.id",
    "customer.name",
    "customer.phone",
)
OPTIONAL_JOB_FIELDS = (
    "package",
    "street",
    "device",
    "brand",
    "time_window",
    "image_urls",
    "customer.language",
    "customer.email",
)
# Where any text is a legitimate value (the rest are codes, choices or numbers).
FREE_TEXT_JOB_FIELDS = (
    "description",
    "street",
    "device",
    "brand",
    "customer.name",
    "customer.id",
)
CODED_JOB_FIELDS = (
    "category",
    "country",
    "package",
    "postal_code",
    "customer.phone",
    "customer.language",
    "customer.channel",
    "customer.email",
)


def with_field(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    target = changed
    for key in parents:
        target = target[key]
    target[last] = value
    return changed


def without_field(body: dict[str, Any], dotted: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    target = changed
    for key in parents:
        target = target[key]
    del target[last]
    return changed


def field_of(data: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        data = data[key]
    return data


async def send(
    client: Client,
    method: str,
    path: str,
    *,
    body: Any = None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    sent_headers = dict(headers if headers is not None else API)
    data = raw
    if raw is None and body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        sent_headers.setdefault("Content-Type", "application/json")
    async with client.request(method, path, data=data, headers=sent_headers) as response:
        return Reply(response.status, await response.text(), dict(response.headers))


async def settle(engine: AsyncEngine, within: float = 30.0) -> None:
    """Wait until background work (dispatch, outbox) stops changing the tables."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    last = await snapshot(engine)
    while loop.time() < deadline:
        await asyncio.sleep(0.3)
        now = await snapshot(engine)
        if now == last:
            return
        last = now
    raise AssertionError("the backend kept changing data after the seed requests")


async def seed(client: Client, engine: AsyncEngine) -> tuple[str, int]:
    """An active Friend and an open job near them; returns (job reference, Friend id)."""
    friend = await send(client, "POST", "/api/v1/friends", body=FRIEND, headers=ADMIN_API)
    assert friend.status == 201, friend.body
    job = await send(client, "POST", "/api/v1/jobs", body=JOB)
    assert job.status == 201, job.body
    await settle(engine)
    return json.loads(job.body)["reference"], json.loads(friend.body)["id"]


async def test_job_requests(client: Client, engine: AsyncEngine) -> None:
    await seed(client, engine)
    run = Run("API POST /api/v1/jobs", engine)

    def post(body: Any = None, raw: bytes | None = None, headers: Headers | None = None) -> Any:
        return lambda: send(
            client, "POST", "/api/v1/jobs", body=body, raw=raw, headers=API | (headers or {})
        )

    bodies = raw_bodies(JOB)
    for name, raw in bodies.items():
        if name != "just_under_1mib":
            await run.reject(f"raw body {name}", post(raw=raw))
    for dotted in REQUIRED_JOB_FIELDS + OPTIONAL_JOB_FIELDS:
        for kind, value in WRONG_TYPES.items():
            if kind == "null" and dotted in OPTIONAL_JOB_FIELDS:
                continue  # null means "not given" for an optional field
            if kind == "object" and dotted in ("customer", "time_window"):
                continue  # the right type; its missing parts are tested below
            await run.reject(f"{dotted} as {kind}", post(with_field(JOB, dotted, value)))
    for dotted in REQUIRED_JOB_FIELDS:
        await run.reject(f"{dotted} missing", post(without_field(JOB, dotted)))
    for dotted in FREE_TEXT_JOB_FIELDS + CODED_JOB_FIELDS:
        for name, value in INVALID_TEXTS.items():
            await run.reject(f"{dotted} {name}", post(with_field(JOB, dotted, value)))
    for dotted in CODED_JOB_FIELDS:
        for name, value in VALID_TEXTS.items():
            await run.reject(f"{dotted} {name}", post(with_field(JOB, dotted, value)))
    for name, value in ABSURD_POSTAL_CODES.items():
        await run.reject(f"postal code {name}", post(with_field(JOB, "postal_code", value)))
    for name, value in ABSURD_PHONES.items():
        await run.reject(f"phone {name}", post(with_field(JOB, "customer.phone", value)))
    for name, window in {
        "end_before_start": {"start": "2026-11-22T12:00+01:00", "end": "2026-11-22T10:00+01:00"},
        "no_offset": {"start": "2026-11-22T10:00", "end": "2026-11-22T12:00"},
        "in_the_past": {"start": "2020-01-01T10:00+01:00", "end": "2020-01-01T12:00+01:00"},
        "words": {"start": "morgen früh", "end": "'; DROP TABLE jobs;--"},
        "year_99999": {"start": "99999-01-01T10:00+01:00", "end": "99999-01-01T12:00+01:00"},
        "missing_end": {"start": "2026-11-22T10:00+01:00"},
    }.items():
        await run.reject(f"time window {name}", post(with_field(JOB, "time_window", window)))
    for name, urls in {
        "javascript": ["javascript:alert(1)"],
        "plain_http": ["http://example.org/a.jpg"],
        "broken_ipv6": ["https://[::1/a.jpg"],
        "ten_kb": ["https://example.org/" + "a" * 10_000],
        "six_images": [f"https://example.org/{i}.jpg" for i in range(6)],
        "html": ['https://example.org/"><script>alert(1)</script>'],
    }.items():
        await run.reject(f"image urls {name}", post(with_field(JOB, "image_urls", urls)))
    for name, headers in {
        "no token": {"Authorization": ""},
        "wrong token": {"Authorization": "Bearer not-the-token"},
        "sql token": {"Authorization": "Bearer ' OR 1=1 --"},
        "basic scheme": {"Authorization": f"Basic {API_TOKEN}"},
        "ten_kb token": {"Authorization": "Bearer " + "a" * 10_000},
        "ten_kb idempotency key": {"Idempotency-Key": "k" * 10_000},
    }.items():
        await run.reject(name, post(JOB, headers=headers))

    # Accepted: hostile but legitimate text, stored verbatim, shown escaped in the console.
    references: dict[str, tuple[str, str]] = {}
    bodies_under = await send(client, "POST", "/api/v1/jobs", raw=bodies["just_under_1mib"])
    run.accepted("raw body just_under_1mib (a valid job padded to 1 MiB - 1)", bodies_under)
    for dotted in FREE_TEXT_JOB_FIELDS:
        for name, value in VALID_TEXTS.items():
            body = with_field(JOB, dotted, value)
            if dotted != "customer.id":  # one customer per case: names would overwrite
                body = with_field(body, "customer.id", f"badinput-{dotted}-{name}")
            reply = await send(client, "POST", "/api/v1/jobs", body=body)
            case = f"{dotted} {name}"
            if run.accepted(case, reply):
                reference = json.loads(reply.body)["reference"]
                # Read back from the database, not the create response.
                job = json.loads((await send(client, "GET", f"/api/v1/jobs/{reference}")).body)
                # A Messenger customer's id reads back as its PSID (the JSON before channels).
                shown = "customer.psid" if dotted == "customer.id" else dotted
                run.expect(case, field_of(job, shown) == value, f"stored {field_of(job, shown)!r}")
                references[case] = (reference, value)
    await login(client, ADMIN)
    for case, (reference, value) in references.items():
        page = await client.get(f"/console/jobs/{reference}")
        html = await page.text()
        run.expect(case, page.status == 200, f"console job page answered {page.status}")
        if "<" in value or '"' in value:
            run.expect(case, value not in html, "shown unescaped in the console")
        if case.startswith(("description", "street", "customer.name")):
            run.expect(case, str(escape(value)) in html, "not shown (escaped) in the console")
    alive = await send(client, "GET", "/healthz")
    run.expect("after the corpus", alive.status == 200, "the backend stopped answering")
    run.assert_clean()


async def test_every_other_operation(client: Client, engine: AsyncEngine) -> None:
    reference, friend_id = await seed(client, engine)
    run = Run("API other operations", engine)

    def call(method: str, path: str, body: Any = None, raw: bytes | None = None, **h: str) -> Any:
        headers = (ADMIN_API if "friends" in path or "ledger" in path else API) | h
        return lambda: send(client, method, path, body=body, raw=raw, headers=headers)

    cancel = f"/api/v1/jobs/{reference}/cancel"
    rating = f"/api/v1/jobs/{reference}/rating"
    friend_path = f"/api/v1/friends/{friend_id}"
    valid_cancel = {"reason": "Hat sich erledigt", "by": "customer"}
    valid_rating = {
        "stars": 5,
        "comment": "Super",
        "channel": JOB["customer"]["channel"],
        "customer_id": JOB["customer"]["id"],
    }
    valid_patch = {"status": "paused"}
    json_operations = [
        ("POST", cancel, valid_cancel, ("reason", "by")),
        ("POST", rating, valid_rating, ("stars", "comment", "channel", "customer_id")),
        ("POST", "/api/v1/friends", FRIEND | {"messenger_id": "badinput-new"}, tuple(FRIEND)),
        ("PATCH", friend_path, valid_patch, ("status",)),
    ]
    for method, path, valid, fields in json_operations:
        where = f"{method} {path.replace(reference, '{ref}')}"
        for name, raw in raw_bodies(valid).items():
            if name != "just_under_1mib" or path == rating:  # the rating is refused: not done
                await run.reject(f"{where} raw body {name}", call(method, path, raw=raw))
        for key in fields:
            for kind, value in WRONG_TYPES.items():
                if path == cancel and key == "by" and kind == "null":
                    continue  # "by" is optional
                if key == "radius_km" and kind in ("int", "float"):
                    continue  # the right type, and in range
                body = valid | {key: value}
                await run.reject(f"{where} {key} as {kind}", call(method, path, body))
            for name, value in {**INVALID_TEXTS, **VALID_TEXTS}.items():
                if path == cancel and key == "reason" and name in VALID_TEXTS:
                    continue  # a legitimate reason: accepted below
                friend_text = key in ("name", "messenger_id") and name in VALID_TEXTS
                if path == "/api/v1/friends" and friend_text:
                    continue  # a legitimate name (accepted below), an opaque id
                body = valid | {key: value}
                await run.reject(f"{where} {key} {name}", call(method, path, body))
    # Elsewhere unknown fields are ignored, as everywhere in the API; a status change names them.
    await run.reject(
        "PATCH Friend extra field", call("PATCH", friend_path, {"status": "paused", "name": "x"})
    )
    for name, value in ABSURD_POSTAL_CODES.items():
        body = FRIEND | {"messenger_id": "badinput-absurd", "postal_code": value}
        await run.reject(f"Friend postal code {name}", call("POST", "/api/v1/friends", body))
    for name, value in {"zero": 0, "negative": -5, "huge": 1e308, "nan_text": "NaN"}.items():
        body = FRIEND | {"messenger_id": "badinput-radius", "radius_km": value}
        await run.reject(f"Friend radius {name}", call("POST", "/api/v1/friends", body))
    for name, value in {"zero": 0, "six": 6, "negative": -1, "float": 4.5, "text": "5"}.items():
        body = valid_rating | {"stars": value}
        await run.reject(f"rating stars {name}", call("POST", rating, body))

    # Reads: odd ids, references and query parameters get a 4xx or an empty answer, never 500.
    odd = {**VALID_TEXTS, **{k: v for k, v in INVALID_TEXTS.items() if "surrogate" not in k}}
    for name, value in odd.items():
        quoted = quote(value, safe="")
        await run.read(f"GET job reference {name}", call("GET", f"/api/v1/jobs/{quoted}"))
        await run.read(
            f"cancel reference {name}", call("POST", f"/api/v1/jobs/{quoted}/cancel", valid_cancel)
        )
        await run.read(f"GET Friend id {name}", call("GET", f"/api/v1/friends/{quoted}"))
        for path, param in (
            ("/api/v1/jobs", "customer"),
            ("/api/v1/packages", "country"),
            ("/api/v1/postal-codes", "code"),
            ("/api/v1/postal-codes/nearest", "latitude"),
            ("/api/v1/friends", "skill"),
            ("/api/v1/friends", "country"),
            ("/api/v1/ledger", "friend_id"),
            ("/api/v1/support-alerts", "include_resolved"),
            ("/api/v1/support-alerts", "kind"),
        ):
            await run.read(f"GET {path}?{param}= {name}", call("GET", f"{path}?{param}={quoted}"))
    for name, value in ABSURD_POSTAL_CODES.items():
        code = quote(str(value), safe="")
        await run.read(
            f"postal code lookup {name}", call("GET", f"/api/v1/postal-codes?code={code}")
        )
    for lat, lon in (("91", "0"), ("0", "181"), ("nan", "nan"), ("inf", "0"), ("1e999", "0")):
        path = f"/api/v1/postal-codes/nearest?latitude={lat}&longitude={lon}"
        await run.read(f"nearest {lat},{lon}", call("GET", path))
    for name, (method, path) in {
        "unknown route": ("GET", "/api/v1/nothing-here"),
        "wrong method": ("DELETE", "/api/v1/jobs"),
        "put a job": ("PUT", f"/api/v1/jobs/{reference}"),
        "friend id overflow": ("GET", "/api/v1/friends/99999999999999999999"),
        "friend id negative": ("PATCH", "/api/v1/friends/-1"),
        "path traversal": ("GET", "/api/v1/jobs/..%2F..%2Fetc%2Fpasswd"),
    }.items():
        await run.read(name, call(method, path, valid_patch if method == "PATCH" else None))

    # Accepted: a legitimate but hostile cancel reason and Friend names, shown escaped.
    await login(client, ADMIN)
    names: dict[str, str] = {}
    for name, value in VALID_TEXTS.items():
        body = FRIEND | {"name": value, "messenger_id": f"badinput-name-{name}"}
        reply = await send(client, "POST", "/api/v1/friends", body=body, headers=ADMIN_API)
        if run.accepted(f"Friend name {name}", reply):
            stored = json.loads(reply.body)["name"]
            run.expect(f"Friend name {name}", stored == value, f"stored {stored!r}")
            names[name] = value
    page = await (await client.get("/console/friends")).text()
    for name, value in names.items():
        if "<" in value or '"' in value:
            run.expect(f"Friend name {name}", value not in page, "shown unescaped")
        run.expect(f"Friend name {name}", str(escape(value)) in page, "not on the Friends page")
    reason = VALID_TEXTS["html_script"]
    reply = await send(
        client, "POST", cancel, body={"reason": reason, "by": "support"}, headers=ADMIN_API
    )
    run.accepted("cancel reason html_script", reply, ok=(200,))
    page = await (await client.get(f"/console/jobs/{reference}")).text()
    run.expect("cancel reason html_script", reason not in page, "shown unescaped")
    alive = await send(client, "GET", "/healthz")
    run.expect("after the corpus", alive.status == 200, "the backend stopped answering")
    run.assert_clean()
