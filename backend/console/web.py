"""What every console page shares: the runtime, staff sessions, CSRF checks and rendering."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.adapters.messenger import MessengerClient
from backend.console import auth, summaries
from backend.console.i18n import (
    CONSOLE_LANGUAGES,
    TEXTS,
    alert_text,
    console_accept_language,
    console_language,
    translate,
)
from backend.console.summaries import STAFF_TIME_ZONE
from backend.domain.statuses import FINAL_JOB_STATUSES, JobStatus
from backend.web.client import TRUSTED_PROXIES as TRUSTED_PROXIES
from backend.web.runtime import RUNTIME, Runtime
from product.categories import category_label
from product.channels import CHANNELS, of_conversation
from product.languages import LANGUAGES
from product.money import format_money

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "tf_console"
LOGIN_CSRF_COOKIE = "tf_login_csrf"
LANG_COOKIE = "tf_lang"
JINJA = web.AppKey("console_jinja", jinja2.Environment)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Console:
    """The console's own connections, next to the backend's Runtime."""

    tracker: AsyncEngine
    http: aiohttp.ClientSession
    customers: MessengerClient
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    sync_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


CONSOLE = web.AppKey("console", Console)


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    role: str
    language: str
    csrf: str


STAFF = web.RequestKey("console_staff", Staff)


async def sync_now(request: web.Request) -> None:
    """Fold the newest tracker events, so the page shows what just happened."""
    c = console(request)
    async with c.sync_lock:
        await summaries.sync(runtime(request).sessions, c.tracker)


def conversation_url(sender_id: str, suffix: str = "") -> str:
    return f"/console/conversations/{quote(sender_id, safe='')}{suffix}"


def runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def console(request: web.Request) -> Console:
    return request.app[CONSOLE]


def staff(request: web.Request) -> Staff:
    return request[STAFF]


def language(request: web.Request) -> str:
    chosen = request.query.get("lang") or request.cookies.get(LANG_COOKIE, "")
    if chosen in CONSOLE_LANGUAGES:
        return chosen
    if STAFF in request:
        return console_language(staff(request).language)
    return console_accept_language(request.headers.get("Accept-Language", ""))


def t(request: web.Request, key: str, **values: object) -> str:
    return translate(language(request), key, **values)


def flash_key(request: web.Request) -> str:
    key = request.query.get("msg", "")
    return key if key in TEXTS else ""


def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    lang = language(request)
    base: dict[str, Any] = {
        "lang": lang,
        # The console's own languages (the staff member's choice); customers' languages
        # (the conversations' filter) are all of LANGUAGES.
        "console_languages": CONSOLE_LANGUAGES,
        "languages": LANGUAGES,
        "t": lambda key, **values: translate(lang, key, **values),
        "alert_text": lambda kind, detail: alert_text(lang, kind, detail),
        "skill_label": lambda skill: category_label(skill, lang),
        "staff": request.get(STAFF),
        "csrf": request[STAFF].csrf if STAFF in request else "",
        "flash": flash_key(request),
        "path": request.path,
    }
    response = aiohttp_jinja2.render_template(
        template, request, base | context, app_key=JINJA, status=status
    )
    if request.query.get("lang") in CONSOLE_LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, request.query["lang"], max_age=365 * 86400)
    response.headers.update(SECURITY_HEADERS)
    return response


def set_cookie(
    request: web.Request,
    response: web.StreamResponse,
    name: str,
    value: str,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/console",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(request),
    )


def secure_cookies(request: web.Request) -> bool:
    """Whether the console's cookies are Secure: by setting (`make run` turns it on), or
    because one of our proxies says the browser came over https (`X-Forwarded-Proto`; a
    client's own header is never read)."""
    if runtime(request).settings.console_secure_cookies:
        return True
    trusted: frozenset[str] = request.app.get(TRUSTED_PROXIES, frozenset())
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return (request.remote or "") in trusted and forwarded == "https"


def redirect(location: str, msg: str = "") -> web.Response:
    """303 See Other: after a form, the browser loads the page anew with GET."""
    if msg:
        location += ("&" if "?" in location else "?") + f"msg={msg}"
    return web.Response(status=303, headers={"Location": location})


def message_page(request: web.Request, key: str, status: int, **values: object) -> web.Response:
    return render(request, "message.html", {"message": t(request, key, **values)}, status)


def _login_redirect(request: web.Request) -> web.HTTPFound:
    return web.HTTPFound(f"/console/login?next={quote(request.path_qs, safe='')}")


def require_staff(admin: bool = False) -> Callable[[Handler], Handler]:
    """Only for a logged-in staff member; every POST must carry the session's CSRF token."""

    def decorate(handler: Handler) -> Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            if "\x00" in request.path or any("\x00" in k + v for k, v in request.query.items()):
                # No link of ours holds NUL, and PostgreSQL cannot compare it (a 500).
                return message_page(request, "not_found", 404)
            rt = runtime(request)
            async with rt.sessions() as session:
                found = await auth.find_session(
                    session, request.cookies.get(SESSION_COOKIE, ""), rt.settings.clock()
                )
            if found is None:
                raise _login_redirect(request)
            account, login = found
            request[STAFF] = Staff(
                account.id, account.email, account.role, account.language, login.csrf_token
            )
            if request.method == "POST":
                form = await read_form(request)
                given = str(form.get("csrf") or request.headers.get("X-CSRF-Token") or "")
                if not auth.same_token(given, login.csrf_token):
                    return message_page(request, "csrf", 403)
            if admin and account.role != "admin":
                return message_page(request, "forbidden", 403)
            return await handler(request)

        return wrapper

    return decorate


async def read_form(
    request: web.Request,
) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The posted form; a body that is no form (broken multipart, bad encoding) is a 400."""
    try:
        return await request.post()
    except ValueError as exc:  # aiohttp's multipart and urlencoded parsers raise these
        raise web.HTTPBadRequest(
            text="Das Formular ließ sich nicht lesen. / The form could not be read."
        ) from exc


async def form_text(request: web.Request, key: str, limit: int = 2000) -> str:
    form = await read_form(request)
    value = form.get(key)
    # No person types NUL, and PostgreSQL cannot store it: it is dropped, not saved.
    return value.replace("\x00", "").strip()[: limit + 1] if isinstance(value, str) else ""


def form_id(raw: str) -> int | None:
    """A row id typed into a form: ASCII digits that fit a database integer, else None."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return int(raw)


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def local_time(moment: datetime, pattern: str) -> str:
    return moment.astimezone(STAFF_TIME_ZONE).strftime(pattern)


def jinja_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        enable_async=False,
    )
    env.filters["local"] = local_time
    # Every amount of money the one way (product/money.py): {{ total|money(currency, lang) }}.
    env.filters["money"] = format_money
    # Templates compare statuses by name, not by a word that could drift from the enum.
    env.globals["JobStatus"] = JobStatus
    env.globals["FINAL_JOB_STATUSES"] = FINAL_JOB_STATUSES
    # Every page names a conversation's channel the same way (its id tells it).
    env.globals["CHANNELS"] = CHANNELS
    env.globals["channel_of"] = of_conversation
    return env
