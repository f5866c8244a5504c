"""Logging in: sessions, cookies, CSRF on every form, throttling, roles, the CLI."""

from __future__ import annotations

import pytest

from backend.__main__ import main
from tests.console.conftest import ADMIN, AGENT, Client, Clock, csrf_of, login


async def test_pages_need_a_login_and_logout_ends_the_session(client: Client) -> None:
    response = await client.get("/console/conversations", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/console/login?next=")

    form = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={"email": AGENT[0], "password": AGENT[1], "csrf": csrf_of(await form.text())},
        allow_redirects=False,
    )
    cookie = response.cookies["tf_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/console"
    assert not cookie["secure"]  # Secure only behind TLS (CONSOLE_SECURE_COOKIES)
    page = await client.get("/console/conversations")
    assert page.status == 200 and AGENT[0] in await page.text()

    logout = await client.post(
        "/console/logout", data={"csrf": csrf_of(await page.text())}, allow_redirects=False
    )
    assert logout.status == 303
    again = await client.get("/console/conversations", allow_redirects=False)
    assert again.status == 302


async def test_wrong_password_is_refused_with_a_reason(client: Client) -> None:
    form = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={"email": AGENT[0], "password": "wrong", "csrf": csrf_of(await form.text())},
    )
    assert response.status == 401
    assert "wrong" in await response.text() or "stimmt nicht" in await response.text()


async def test_login_form_without_its_csrf_token_is_refused(client: Client) -> None:
    await client.get("/console/login")
    response = await client.post(
        "/console/login", data={"email": AGENT[0], "password": AGENT[1], "csrf": "forged"}
    )
    assert response.status == 403
    assert "tf_console" not in {c.key for c in client.session.cookie_jar}


async def test_a_form_without_the_session_csrf_token_changes_nothing(client: Client) -> None:
    csrf = await login(client)
    for token in ("", "forged", csrf[:-1]):
        response = await client.post(
            "/console/jobs/ABCDEF/note", data={"text": "sneaky", "csrf": token}
        )
        assert response.status == 403
    # With the right token the same form goes through to the handler (an unknown job: 404).
    response = await client.post("/console/jobs/ABCDEF/note", data={"text": "x", "csrf": csrf})
    assert response.status == 404


async def test_five_failures_make_the_next_attempt_wait(client: Client, clock: Clock) -> None:
    """Not a hard lock any more: a wait that doubles (tests/console/test_login_throttling.py)."""

    async def attempt(password: str) -> int:
        form = await client.get("/console/login")
        response = await client.post(
            "/console/login",
            data={"email": AGENT[0], "password": password, "csrf": csrf_of(await form.text())},
            allow_redirects=False,
        )
        return response.status

    for _ in range(5):
        assert await attempt("wrong password") == 401
    assert await attempt(AGENT[1]) == 401  # even the right password while waiting
    clock.advance(seconds=1)
    assert await attempt(AGENT[1]) == 303
    # A success resets the count: four more failures do not make it wait.
    for _ in range(3):
        assert await attempt("wrong password") == 401
    assert await attempt(AGENT[1]) == 303


async def test_unknown_account_gets_the_same_answer(client: Client) -> None:
    form = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={"email": "nobody@x.test", "password": "x", "csrf": csrf_of(await form.text())},
    )
    assert response.status == 401


async def test_next_parameter_cannot_leave_the_console(client: Client) -> None:
    form = await client.get("/console/login?next=https://evil.test/")
    html = await form.text()
    assert "evil.test" not in html
    response = await client.post(
        "/console/login",
        data={
            "email": AGENT[0],
            "password": AGENT[1],
            "csrf": csrf_of(html),
            "next": "//evil.test/x",
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/console/conversations"


async def test_agents_may_not_do_admin_things(client: Client) -> None:
    csrf = await login(client, AGENT)
    response = await client.post(
        "/console/privacy/erase", data={"csrf": csrf, "psid": "p", "confirm": "p"}
    )
    assert response.status == 403


async def test_interface_language_follows_the_staff_choice(client: Client) -> None:
    csrf = await login(client, ADMIN)  # the admin's account language is German
    page = await client.get("/console/conversations")
    assert "Gespräche" in await page.text()
    await client.post("/console/language", data={"csrf": csrf, "language": "en", "next": "/x"})
    page = await client.get("/console/conversations")
    assert "Conversations" in await page.text() and "Gespräche" not in await page.text()
    page = await client.get("/console/conversations?lang=de")
    assert "Gespräche" in await page.text()


async def test_the_console_offers_french_and_italian_but_not_polish(client: Client) -> None:
    csrf = await login(client, ADMIN)
    page = await (await client.get("/console/conversations")).text()
    for code in ("de", "en", "fr", "it"):
        assert f'name="language" value="{code}"' in page
    assert 'name="language" value="pl"' not in page
    await client.post("/console/language", data={"csrf": csrf, "language": "it", "next": "/x"})
    assert "Conversazioni" in await (await client.get("/console/conversations")).text()
    await client.post("/console/language", data={"csrf": csrf, "language": "pl", "next": "/x"})
    assert "Conversazioni" in await (await client.get("/console/conversations")).text()
    page = await (await client.get("/console/conversations?lang=fr")).text()
    assert "Se déconnecter" in page or "Se d&#233;connecter" in page
    # Polish customers' conversations can still be filtered.
    assert '<option value="pl"' in page


def test_create_staff_command(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CONSOLE_STAFF_PASSWORD", "a-long-password")
    assert main(["create-staff", "--email", "New@Example.test", "--role", "admin"]) == 0
    assert "new@example.test (admin)" in capsys.readouterr().out
    assert main(["create-staff", "--email", "new@example.test"]) == 2  # exists already
    monkeypatch.setenv("CONSOLE_STAFF_PASSWORD", "short")
    assert main(["create-staff", "--email", "other@example.test"]) == 2
    assert "password" in capsys.readouterr().err
