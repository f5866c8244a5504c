"""Hardening of the console and `make run` (issue 21, point 7): the CSP's img-src, security
headers on every console response (the privacy export too), `_safe_next`, the CSRF token
bound to its session, Secure cookies, and /metrics' token in `make run`."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp.test_utils import TestClient, TestServer

from backend.app import create_app
from backend.config import Settings
from backend.console.routes_auth import _safe_next
from backend.console.web import TRUSTED_PROXIES
from tests.console.conftest import ADMIN, AGENT, Client, _create_staff, csrf_of, login
from tools import run


def _policy(response: object) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


async def test_images_load_only_from_this_origin(client: Client) -> None:
    await login(client)
    page = await client.get("/console/conversations")
    assert _policy(page)["img-src"] == "'self'"


async def test_every_console_response_has_the_security_headers(client: Client) -> None:
    # Without a session: the redirect to the login page.
    redirect = await client.get("/console/jobs", allow_redirects=False)
    await login(client)
    export = await client.get("/console/privacy/export?channel=messenger&id=psid-42")
    assert export.status == 200
    missing = await client.get("/console/no-such-page")
    for response in (redirect, export, missing):
        assert response.headers.get("Cache-Control") == "no-store", response.url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", response.url
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")


@pytest.mark.parametrize(
    "target",
    [
        "/console/jobs\r\nSet-Cookie: x=1",
        "/console\n//evil.example",
        "/console/jobs\tx",
        "/console/\x00",
        "//evil.example/console",
        "/\\evil.example",
        "/console\\..\\..\\evil",
        "https://evil.example/console",
        "javascript:alert(1)",
        "/consoleevil",
        "console/jobs",
        "",
    ],
)
def test_safe_next_keeps_only_local_console_paths(target: str) -> None:
    assert _safe_next(target) == "/console/conversations"


def test_safe_next_keeps_our_pages() -> None:
    for target in ("/console", "/console/jobs", "/console/jobs/TF-ABCD?x=1#top"):
        assert _safe_next(target) == target


async def test_a_csrf_token_from_one_session_is_refused_in_another(
    client: Client, settings: Settings
) -> None:
    first = await login(client, AGENT)
    async with TestClient(TestServer(create_app(settings))) as other:
        second = await login(other, ADMIN)
        assert first != second
        refused = await other.post(
            "/console/language", data={"language": "en", "csrf": first}, allow_redirects=False
        )
        assert refused.status == 403
        accepted = await other.post(
            "/console/language", data={"language": "en", "csrf": second}, allow_redirects=False
        )
        assert accepted.status == 303


async def _login_cookie(settings: Settings, proxies: frozenset[str], **headers: str) -> str:
    app = create_app(settings)
    app[TRUSTED_PROXIES] = proxies
    async with TestClient(TestServer(app)) as browser:
        form = await browser.get("/console/login", headers=headers)
        csrf_of(await form.text())
        return form.headers.getone("Set-Cookie")


async def test_cookies_are_secure_by_setting_or_behind_our_https_proxy(settings: Settings) -> None:
    await _create_staff(settings.database_url)
    https = {"X-Forwarded-Proto": "https"}
    assert "Secure" not in await _login_cookie(settings, frozenset())
    # A client's own header is not believed; our proxy's is.
    assert "Secure" not in await _login_cookie(settings, frozenset(), **https)
    assert "Secure" in await _login_cookie(settings, frozenset({"127.0.0.1"}), **https)
    secure = dataclasses.replace(settings, console_secure_cookies=True)
    assert "Secure" in await _login_cookie(secure, frozenset())


def test_make_run_makes_cookies_secure_and_the_demo_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(run, "load_environment", lambda: {})
    assert run.run_env()["CONSOLE_SECURE_COOKIES"] == "1"
    monkeypatch.setattr(run, "load_environment", lambda: {"CONSOLE_SECURE_COOKIES": "0"})
    assert run.run_env()["CONSOLE_SECURE_COOKIES"] == "0"  # said so explicitly
    monkeypatch.setattr(run, "load_environment", lambda: {"CONSOLE_SECURE_COOKIES": "1"})
    assert run.demo_env()["CONSOLE_SECURE_COOKIES"] == "0"
    assert Settings.from_env({"CONSOLE_SECURE_COOKIES": "1"}).console_secure_cookies


def test_make_run_refuses_to_start_without_a_metrics_token() -> None:
    env = {name: "x" for name in run.RUN_SECRETS if name != "METRICS_TOKEN"}
    env |= {"WEBCHAT_SECRET": "x", "FRIENDS_WHATSAPP_PHONE_NUMBER_ID": "1"}
    env |= {name: "x" for name in run.WHATSAPP_FRIENDS.settings}
    problems = run.run_problems(env, webchat_on=True)
    assert problems == ["make run needs these settings (environment or .env): METRICS_TOKEN"]
    assert run.run_problems(env | {"METRICS_TOKEN": "m"}, webchat_on=True) == []


async def test_metrics_without_its_token_is_refused_under_run_settings(settings: Settings) -> None:
    with_token = dataclasses.replace(settings, metrics_token="m3trics")
    async with TestClient(TestServer(create_app(with_token))) as scraper:
        for method in ("GET", "HEAD"):
            for headers in ({}, {"Authorization": "Bearer wrong"}):
                response = await scraper.request(method, "/metrics", headers=headers)
                assert response.status == 401, (method, headers)
        allowed = await scraper.get("/metrics", headers={"Authorization": "Bearer m3trics"})
        assert allowed.status == 200
