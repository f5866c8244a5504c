"""Logging in and out."""

from __future__ import annotations

from aiohttp import web

from backend.console import auth
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
from product.languages import LANGUAGES


def _safe_next(target: str) -> str:
    # Only our own pages: an absolute or protocol-relative URL would be an open redirect.
    if target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/conversations"


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
    async with rt.sessions() as session:
        result = await auth.check_login(
            session, str(form.get("email", ""))[:254], str(form.get("password", ""))[:1000], now
        )
        if result.account is None:
            if result.locked_until is not None:
                until = result.locked_until.strftime("%H:%M")
                return _login_page(request, t(request, "locked", until=until), 429)
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
    if chosen not in LANGUAGES:
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
