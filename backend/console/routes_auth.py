"""Logging in and out."""

from __future__ import annotations

import logging
import weakref
from urllib.parse import urlsplit

from aiohttp import web

from backend.console import auth

# The client-address rule and its key live below the console and the API (backend/web/client.py).
from backend.console.i18n import CONSOLE_LANGUAGES
from backend.console.models import StaffAccount
from backend.console.web import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    new_login_csrf,
    read_form,
    redirect,
    render,
    runtime,
    set_cookie,
    staff,
    t,
)
from backend.web.client import TRUSTED_PROXIES as TRUSTED_PROXIES
from backend.web.client import client_address as client_address

log = logging.getLogger(__name__)

# Our reverse proxies, whose X-Forwarded-For names the client: BACKEND_TRUSTED_PROXIES, put
# into the app under TRUSTED_PROXIES (backend/console/web.py, which also reads it for cookies)
# when the app is made. Without it the connection's peer is the client, and a header a client
# wrote is never read.
# Each app's attempts per client address (in memory, per process).
_ADDRESS_THROTTLES: weakref.WeakKeyDictionary[web.Application, auth.AddressThrottle] = (
    weakref.WeakKeyDictionary()
)


def address_throttle(app: web.Application) -> auth.AddressThrottle:
    throttle = _ADDRESS_THROTTLES.get(app)
    if throttle is None:
        throttle = _ADDRESS_THROTTLES[app] = auth.AddressThrottle()
    return throttle


def _safe_next(target: str) -> str:
    """Only a local path of our own pages: an absolute or protocol-relative URL (`//host`,
    `/\\host`, which browsers read as `//host`) would be an open redirect, and a control
    character (CR, LF, tab, NUL …, which browsers strip or a header would split on) could
    turn a local-looking path into one (issue 21, point 7)."""
    fallback = "/console/conversations"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in target) or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return fallback
    if parts.path != "/console" and not parts.path.startswith("/console/"):
        return fallback
    return target


def _login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        {
            "login_csrf": token,
            "error": error,
            "next": _safe_next(request.query.get("next", "")),
        },
        status,
    )
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    return _login_page(request)


async def login(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    # Double submit: the form's token must equal the cookie set with the form.
    if not auth.same_token(str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")):
        return _login_page(request, t(request, "csrf"), 403)
    rt = runtime(request)
    now = rt.settings.clock()
    address = client_address(request)
    async with rt.sessions() as session:
        result = await auth.check_login(
            session,
            str(form.get("email", ""))[:254],
            str(form.get("password", ""))[:1000],
            now,
            address,
            address_throttle(request.app),
        )
        if result.account is None:
            # One answer for every failure (unknown account, wrong password, waiting), so it
            # tells an attacker nothing; a throttled attempt was not checked at all.
            log.info("console login refused from %s: %s", address, result.reason)
            return _login_page(request, t(request, "login_failed"), 401)
        token = await auth.open_session(session, result.account, now)
        account_language = result.account.language
    response = redirect(_safe_next(str(form.get("next", ""))))
    set_cookie(request, response, SESSION_COOKIE, token)
    if LANG_COOKIE not in request.cookies:
        set_cookie(request, response, LANG_COOKIE, account_language, max_age=365 * 86400)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/console")
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    rt = runtime(request)
    async with rt.sessions() as session:
        await auth.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/console/login")
    response.del_cookie(SESSION_COOKIE, path="/console")
    return response


async def choose_language(request: web.Request) -> web.StreamResponse:
    """The staff member's own choice, kept on the account."""
    form = await read_form(request)
    chosen = str(form.get("language", ""))
    if chosen not in CONSOLE_LANGUAGES:
        return redirect("/console/conversations")
    async with runtime(request).sessions() as session:
        account = await session.get(StaffAccount, staff(request).id)
        if account is not None:
            account.language = chosen
            await session.commit()
    response = redirect(_safe_next(str(form.get("next", ""))))
    set_cookie(request, response, LANG_COOKIE, chosen, max_age=365 * 86400)
    return response


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/console/conversations")
