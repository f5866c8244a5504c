"""The corpus against the support console's login and forms (SQLite and PostgreSQL): a missing or
wrong CSRF token is a 403 that changes nothing; bad form values get an error page or the form
again with a message, never a 500; customers' hostile chat texts and staff notes are shown
escaped."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.badinput.corpus import ABSURD_PHONES, INVALID_TEXTS, VALID_TEXTS
from tests.badinput.harness import Reply, Run
from tests.badinput.test_api_corpus import seed, settle
from tests.console.conftest import (
    ADMIN,
    AGENT,
    Client,
    Clock,
    TrackerStore,
    csrf_of,
    login,
    user,
)

CUSTOMER = "badinput-console-customer"
# A form the console answers by showing the page again with a message (303 + ?msg=…).
FLASH = re.compile(r"[?&]msg=\w+")


async def form(client: Client, path: str, data: dict[str, str] | bytes, **headers: str) -> Reply:
    async with client.post(path, data=data, headers=headers, allow_redirects=False) as response:
        return Reply(response.status, await response.text(), dict(response.headers))


async def page(client: Client, path: str) -> Reply:
    async with client.get(path, allow_redirects=False) as response:
        return Reply(response.status, await response.text(), dict(response.headers))


def refused(reply: Reply) -> bool:
    """An error page that says something, or the form again with a message."""
    if reply.status == 303:
        return bool(FLASH.search(reply.headers.get("Location", "")))
    return 400 <= reply.status < 500 and bool(reply.body.strip())


# Every form value that no person types: refused or stored without harm, never a 500.
FORM_VALUES: dict[str, str] = {
    **{k: v for k, v in INVALID_TEXTS.items() if "surrogate" not in k},
    **VALID_TEXTS,
    "empty": "",
    "spaces": "   ",
}


async def test_login_form(client: Client, engine: AsyncEngine) -> None:
    run = Run("console login", engine)
    login_page = await page(client, "/console/login")
    token = csrf_of(login_page.body)
    for name, data in {
        "no csrf": {"email": AGENT[0], "password": AGENT[1]},
        "wrong csrf": {"email": AGENT[0], "password": AGENT[1], "csrf": "forged"},
        "sql csrf": {"email": AGENT[0], "password": AGENT[1], "csrf": "' OR 1=1 --"},
    }.items():
        await run.reject(f"login {name}", partial(form, client, "/console/login", data))
    for name, value in FORM_VALUES.items():
        # Unknown e-mail addresses: a failed login for them changes no account.
        await run.reject(
            f"login e-mail {name}",
            partial(
                form, client, "/console/login", {"email": value, "password": "x", "csrf": token}
            ),
        )
        await run.reject(
            f"login password {name} for an unknown account",
            partial(
                form,
                client,
                "/console/login",
                {"email": "nobody@techfriends.test", "password": value, "csrf": token},
            ),
        )
    for name, (body, content_type) in {
        "broken urlencoding": (b"email=%ZZ&password=%&csrf=" + token.encode(), None),
        "broken multipart": (
            b"--x\r\nContent-Disposition: form-data\r\n\r\n",
            "multipart/form-data; boundary=x",
        ),
        "json body": (b'{"email": "a"}', "application/json"),
        "two mib": (b"email=" + b"a" * 2 * 1024 * 1024, None),
    }.items():
        headers = {"Content-Type": content_type or "application/x-www-form-urlencoded"}
        await run.reject(
            f"login {name}",
            partial(form, client, "/console/login", body, **headers),
        )
    for name, target in {
        "absolute next": "https://evil.example/",
        "protocol-relative next": "//evil.example/console",
        "script next": "javascript:alert(1)",
    }.items():
        reply = await page(client, f"/console/login?next={quote(target, safe='')}")
        run.expect(name, reply.status == 200 and target not in reply.body, "next shown as is")
        run.accepted(f"login page with {name}", reply, ok=(200,))
    alive = await page(client, "/healthz")
    run.expect("after the corpus", alive.status == 200, "the backend stopped answering")
    run.assert_clean()


async def test_forms_after_login(
    client: Client, engine: AsyncEngine, tracker_store: TrackerStore, clock: Clock
) -> None:
    reference, friend_id = await seed(client, engine)
    at = clock() - timedelta(minutes=5)
    for name, value in VALID_TEXTS.items():
        tracker_store.add(CUSTOMER, user(value, at, intent=f"x_{name}"))
    csrf = await login(client, ADMIN)
    await settle(engine)
    run = Run("console forms", engine)
    job, conv = f"/console/jobs/{reference}", f"/console/conversations/{CUSTOMER}"
    forms: dict[str, dict[str, str]] = {
        f"{job}/cancel": {"reason": "Kunde hat abgesagt"},
        f"{job}/note": {"text": "Notiz"},
        f"{job}/redispatch": {},
        f"{job}/assign": {"friend_id": str(friend_id)},
        f"{conv}/notes": {"text": "Notiz"},
        f"{conv}/tags": {"tag": "wichtig"},
        f"{conv}/tags/remove": {"tag": "wichtig"},
        f"{conv}/flag": {"intent": "greet", "event_id": "1"},
        f"{conv}/review": {},
        f"{conv}/takeover": {},
        f"{conv}/reply": {"text": "Hallo"},
        f"{conv}/handback": {},
        "/console/privacy/erase": {"id": CUSTOMER, "confirm": CUSTOMER},
        "/console/language": {"language": "en"},
        f"/console/friends/{friend_id}/suspend": {},
        "/console/logout": {},
    }
    for path, data in forms.items():
        where = path.replace(reference, "{ref}").replace(CUSTOMER, "{customer}")
        for name, token in {
            "no csrf": None,
            "wrong csrf": "forged",
            "empty csrf": "",
            "another form's csrf": csrf_of((await page(client, "/console/login")).body),
        }.items():
            sent = data | ({} if token is None else {"csrf": token})
            await run.reject(f"{where} {name}", partial(form, client, path, sent), refused)

    # With the right token: odd values in every field; refused, or stored as text.
    def post(path: str, data: dict[str, str]) -> Any:
        return lambda: form(client, path, data | {"csrf": csrf})

    for name, value in FORM_VALUES.items():
        for path, key in ((f"{job}/assign", "friend_id"), (f"{conv}/flag", "event_id")):
            await run.reject(
                f"{path} {key} {name}", post(path, forms[path] | {key: value}), refused
            )
        await run.reject(
            f"privacy erase mismatch {name}",
            post("/console/privacy/erase", {"id": value, "confirm": value + "x"}),
            refused,
        )
    for name, value in {"empty": "", "spaces": "   ", "nul only": "\x00"}.items():
        await run.reject(f"cancel reason {name}", post(f"{job}/cancel", {"reason": value}), refused)
    for name, value in {
        "huge": "9" * 25,
        "overflow int4": "99999999999",
        "negative": "-1",
        "float": "1.5",
        "unicode digits": "١",
    }.items():
        await run.reject(
            f"assign friend id {name}", post(f"{job}/assign", {"friend_id": value}), refused
        )
        flag = {"intent": "greet", "event_id": value}
        await run.reject(f"flag event id {name}", post(f"{conv}/flag", flag), refused)
    for name, value in ABSURD_PHONES.items():
        export = f"/console/privacy/export?id={quote(str(value), safe='')}"
        await run.read(f"privacy export id {name}", partial(page, client, export))
    for value in FORM_VALUES.values():
        quoted = quote(value, safe="")
        for path in (
            f"/console/jobs/{quoted}",
            f"/console/conversations/{quoted}",
            f"/console/conversations?after={quoted}",
            f"/console/privacy?id={quoted}",
            f"/console/privacy?channel={quoted}&id={CUSTOMER}",
            f"/console/conversations?channel={quoted}",
            f"/console/jobs?lang={quoted}",
            f"/console/jobs?msg={quoted}",
        ):
            await run.read(f"GET {path[:60]}", partial(page, client, path))
    alive = await page(client, "/healthz")
    run.expect("after the corpus", alive.status == 200, "the backend stopped answering")
    run.assert_clean()

    # Accepted: notes and tags with hostile text are stored and shown escaped; so are the
    # customer's own messages in the transcript.
    shown = Run("console text shown escaped", engine)
    for name, value in {
        **VALID_TEXTS,
        **{k: v for k, v in INVALID_TEXTS.items() if k == "nul"},
    }.items():
        reply = await form(client, f"{job}/note", {"text": value, "csrf": csrf})
        shown.accepted(f"job note {name}", reply, ok=(303,))
        reply = await form(client, f"{conv}/notes", {"text": value, "csrf": csrf})
        shown.accepted(f"conversation note {name}", reply, ok=(303,))
    job_page = (await page(client, job)).body
    conv_page = (await page(client, conv)).body
    for name, value in VALID_TEXTS.items():
        for where, html in (("job page", job_page), ("conversation page", conv_page)):
            if "<" in value or '"' in value:
                shown.expect(f"{where} {name}", value not in html, "shown unescaped")
            shown.expect(f"{where} {name}", str(escape(value)) in html, "not shown escaped")
    shown.expect("NUL in a note", "\x00" not in job_page + conv_page, "a NUL reached the page")
    shown.assert_clean()


# Filter inputs out of their range (issue 21, point 5): 0001-01-01 and 9999-12-31 overflowed
# the time-zone arithmetic into a 500. Each is a 400 that names the input and its range.
EXTREME_DAYS = {
    "year one": "0001-01-01",
    "last day of year 9999": "9999-12-31",
    "day before the range": "1999-12-31",
    "day after the range": "2100-01-01",
    "no such day": "2026-02-30",
    "year zero": "0000-01-01",
    "five-digit year": "10000-01-01",
    "negative year": "-2026-01-01",
    "iso week far out": "9999-W52-7",
    "timestamp": "253402300799",
}
BAD_CONFIDENCES = {
    "nan": "nan",
    "infinity": "inf",
    "minus infinity": "-inf",
    "overflowing": "1e999",
    "below zero": "-0.01",
    "above one": "1.5",
    "hex float": "0x1p-2",
}


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


async def test_conversation_filters(client: Client, engine: AsyncEngine) -> None:
    await login(client, AGENT)
    run = Run("console conversation filters", engine)

    def says_the_range(reply: Reply) -> bool:
        return reply.status == 400 and "…" in reply.body

    for name, value in EXTREME_DAYS.items():
        for key in ("since", "until"):
            path = f"/console/conversations?{key}={quote(value, safe='')}"
            await run.reject(f"{key} {name}", partial(page, client, path), says_the_range)
        both = f"/console/conversations?since={quote(value)}&until={quote(value)}&q=x"
        await run.reject(f"since and until {name}", partial(page, client, both), says_the_range)
    for name, value in BAD_CONFIDENCES.items():
        path = f"/console/conversations?below={quote(value, safe='')}"
        await run.reject(f"below {name}", partial(page, client, path), says_the_range)
    # The ends of the range and empty inputs are fine.
    for query in (
        "since=2000-01-01&until=2099-12-31",
        "since=2099-12-31",
        "until=2000-01-01",
        "since=&until=&below=",
        "below=0",
        "below=1",
    ):
        reply = await page(client, f"/console/conversations?{query}")
        run.accepted(query, reply, ok=(200,))
    # Page cursors are ours: one with an extreme, naive or unreadable time starts at page one.
    for name, raw in {
        "year one": "0001-01-01T00:00:00+14:00|x",
        "year 9999": "9999-12-31T23:59:59-14:00|x",
        "naive": "2026-11-20T09:00:00|x",
        "no time": "|x",
        "no sender": "2026-11-20T09:00:00+00:00",
    }.items():
        path = f"/console/conversations?after={_cursor(raw)}"
        await run.read(f"cursor {name}", partial(page, client, path))
    alive = await page(client, "/healthz")
    run.expect("after the corpus", alive.status == 200, "the backend stopped answering")
    run.assert_clean()
