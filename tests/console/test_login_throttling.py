"""Login throttling (issue 21, points 1 and 2): growing waits per account and per client
address instead of a hard lock, one answer for every failure, argon2 off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from sqlalchemy import update

from backend.adapters.db import make_engine, make_sessionmaker
from backend.app import create_app
from backend.config import Settings
from backend.console import auth
from backend.console.models import StaffAccount
from backend.console.routes_auth import TRUSTED_PROXIES, client_address
from tests.console.conftest import (
    ADMIN,
    AGENT,
    CSRF,
    START,
    Client,
    Clock,
    _create_staff,
    csrf_of,
)

INACTIVE = ("gone@techfriends.test", "gone-password-1")


@dataclass
class Attempt:
    status: int
    body: str  # the page, its one-time CSRF token blanked out


@dataclass
class Hashing:
    """Every argon2 verification the login ran: was it the dummy hash, on which thread."""

    calls: list[tuple[bool, str]] = field(default_factory=list)
    loop_thread: int = 0

    def real(self) -> int:
        return sum(1 for dummy, _ in self.calls if not dummy)


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hashing]:
    seen = Hashing(loop_thread=threading.get_ident())
    real = auth.password_matches

    def watched(password_hash: str, password: str) -> bool:
        seen.calls.append((password_hash == auth._DUMMY_HASH, threading.current_thread().name))
        return real(password_hash, password)

    monkeypatch.setattr(auth, "password_matches", watched)
    yield seen


async def _add_inactive(db_url: str) -> None:
    engine = make_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        await auth.create_staff(session, INACTIVE[0], "agent", INACTIVE[1])
        await session.execute(
            update(StaffAccount).where(StaffAccount.email == INACTIVE[0]).values(active=False)
        )
        await session.commit()
    await engine.dispose()


@pytest.fixture
async def proxied(settings: Settings) -> AsyncIterator[Client]:
    """The backend behind our proxy (127.0.0.1 trusted): X-Forwarded-For names the client."""
    await _create_staff(settings.database_url)
    await _add_inactive(settings.database_url)
    app = create_app(settings)
    app[TRUSTED_PROXIES] = frozenset({"127.0.0.1"})
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def login_token(session: aiohttp.ClientSession, url: str) -> str:
    """A login form's CSRF token (also the value of its cookie: a double submit)."""
    async with session.get(url) as form:
        return csrf_of(await form.text())


async def post_login(
    session: aiohttp.ClientSession,
    url: str,
    email: str,
    password: str,
    token: str,
    address: str = "",
) -> int:
    """One browser's login: its own form token and cookie, sent without a shared cookie jar."""
    headers = {"Cookie": f"tf_login_csrf={token}"}
    if address:
        headers["X-Forwarded-For"] = address
    async with session.post(
        url,
        data={"email": email, "password": password, "csrf": token},
        headers=headers,
        allow_redirects=False,
    ) as response:
        await response.read()
        return response.status


async def attempt(
    client: Client, who: tuple[str, str], password: str | None = None, address: str = ""
) -> Attempt:
    headers = {"X-Forwarded-For": address} if address else {}
    form = await client.get("/console/login")
    async with client.post(
        "/console/login",
        data={
            "email": who[0],
            "password": who[1] if password is None else password,
            "csrf": csrf_of(await form.text()),
        },
        headers=headers,
        allow_redirects=False,
    ) as response:
        body = CSRF.sub('name="csrf" value=""', await response.text())
        return Attempt(response.status, body)


async def test_failures_make_the_account_wait_longer_and_longer(
    proxied: Client, clock: Clock
) -> None:
    wrong = "wrong password"
    for n in range(auth.MAX_FAILURES):
        # A different address each time: the account's own count is what is tested here.
        assert (await attempt(proxied, AGENT, wrong, f"10.0.0.{n}")).status == 401
    # Five failures: the next attempt waits a second; before that even the right password is
    # refused, with the same answer (it was not checked).
    assert (await attempt(proxied, AGENT, address="10.0.1.1")).status == 401
    clock.advance(seconds=1)
    assert (await attempt(proxied, AGENT, wrong, "10.0.1.2")).status == 401
    # The sixth failure: two seconds now.
    clock.advance(seconds=1)
    assert (await attempt(proxied, AGENT, address="10.0.1.3")).status == 401
    clock.advance(seconds=1)
    assert (await attempt(proxied, AGENT, address="10.0.1.4")).status == 303
    # A success starts again: four failures, then the right password, at once.
    for n in range(auth.MAX_FAILURES - 1):
        assert (await attempt(proxied, AGENT, wrong, f"10.0.2.{n}")).status == 401
    assert (await attempt(proxied, AGENT, address="10.0.2.9")).status == 303
    # The wait has a cap: after many failures it is five minutes, not more.
    for n in range(12):
        clock.advance(minutes=5)
        assert (await attempt(proxied, AGENT, wrong, f"10.0.3.{n}")).status == 401
    clock.advance(minutes=5)
    assert (await attempt(proxied, AGENT, address="10.0.4.1")).status == 303


async def test_an_address_spraying_many_accounts_waits(proxied: Client, clock: Clock) -> None:
    attacker = "203.0.113.7"
    # One password tried on many accounts (unknown ones and real ones), once each: no account
    # reaches its own limit, the address does.
    for n in range(auth.ADDRESS_FREE_FAILURES - 2):
        who = (f"staff{n}@techfriends.test", "Summer2026!")
        assert (await attempt(proxied, who, address=attacker)).status == 401
    assert (await attempt(proxied, AGENT, "Summer2026!", attacker)).status == 401
    assert (await attempt(proxied, ADMIN, "Summer2026!", attacker)).status == 401
    # Now the address waits: even a right password from it is not checked.
    assert (await attempt(proxied, ADMIN, address=attacker)).status == 401
    # Others are not hindered by the attacker's address.
    assert (await attempt(proxied, AGENT, address="198.51.100.1")).status == 303
    clock.advance(seconds=1)
    assert (await attempt(proxied, ADMIN, address=attacker)).status == 303
    # A success gave its own attempt back, and resets nothing else: one more failure from
    # the attacker's address and it waits two seconds.
    assert (await attempt(proxied, AGENT, "x", attacker)).status == 401
    clock.advance(seconds=1)
    assert (await attempt(proxied, ADMIN, address=attacker)).status == 401
    clock.advance(seconds=1)
    assert (await attempt(proxied, ADMIN, address=attacker)).status == 303
    # Forgotten after an hour without failures.
    for n in range(auth.ADDRESS_FREE_FAILURES):
        await attempt(proxied, (f"other{n}@techfriends.test", "x"), address="192.0.2.1")
    assert (await attempt(proxied, AGENT, address="192.0.2.1")).status == 401
    clock.advance(hours=1, seconds=1)
    assert (await attempt(proxied, AGENT, address="192.0.2.1")).status == 303


async def test_forwarded_for_is_read_only_from_our_proxies(client: Client) -> None:
    """Without a trusted proxy the peer is the client: a made-up X-Forwarded-For per attempt
    does not give a sprayer a fresh address each time."""
    for n in range(auth.ADDRESS_FREE_FAILURES):
        who = (f"staff{n}@techfriends.test", "x")
        assert (await attempt(client, who, address=f"10.9.9.{n}")).status == 401
    assert (await attempt(client, AGENT, address="10.9.9.200")).status == 401


async def test_every_failure_gets_the_same_answer_after_one_argon2_check_off_the_loop(
    proxied: Client, clock: Clock, hashing: Hashing
) -> None:
    for n in range(auth.MAX_FAILURES):
        await attempt(proxied, ADMIN, "wrong password", f"10.1.0.{n}")
    for n in range(auth.ADDRESS_FREE_FAILURES):
        await attempt(proxied, (f"x{n}@techfriends.test", "x"), address="10.2.0.1")
    hashing.calls.clear()
    answers = {
        "unknown account": await attempt(proxied, ("nobody@x.test", "x"), address="10.3.0.1"),
        "wrong password": await attempt(proxied, AGENT, "wrong password", "10.3.0.2"),
        "inactive account": await attempt(proxied, INACTIVE, address="10.3.0.3"),
        "account waiting": await attempt(proxied, ADMIN, address="10.3.0.4"),
        "address waiting": await attempt(proxied, AGENT, address="10.2.0.1"),
    }
    reference = answers["wrong password"]
    assert reference.status == 401 and "Passwort stimmt nicht" in reference.body
    for case, answer in answers.items():
        assert (answer.status, answer.body) == (reference.status, reference.body), case
    # One argon2 verification each (the timing is that of a wrong password), all off the loop,
    # on the hashing threads.
    assert len(hashing.calls) == len(answers)
    assert hashing.real() == 1  # only the wrong password was checked against a real hash
    assert all(name.startswith("argon2") for _, name in hashing.calls), hashing.calls


async def test_healthz_answers_while_logins_are_hashing(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """16 logins held inside argon2: /healthz answers before any of them is let go. With
    argon2 on the event loop the first held login would stop everything, /healthz too."""
    release = threading.Event()
    entered = threading.Event()
    timed_out: list[bool] = []
    real = auth.password_matches

    def held(password_hash: str, password: str) -> bool:
        entered.set()
        timed_out.append(not release.wait(timeout=5))
        return real(password_hash, password)

    monkeypatch.setattr(auth, "password_matches", held)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browsers:
        url = str(client.make_url("/console/login"))
        tokens = [await login_token(browsers, url) for _ in range(16)]
        logins = [
            asyncio.create_task(post_login(browsers, url, AGENT[0], "wrong", token))
            for token in tokens
        ]
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, entered.wait, 10)
        health = await client.get("/healthz")
        assert health.status == 200
        # Every login still held in argon2 or queued for it.
        assert not any(task.done() for task in logins)
        release.set()
        answers = await asyncio.gather(*logins)
        assert answers == [401] * 16
    assert timed_out and not any(timed_out)


def test_waits_double_up_to_a_cap() -> None:
    assert (
        auth.delay_after(auth.MAX_FAILURES - 1, auth.MAX_FAILURES, auth.ACCOUNT_MAX_DELAY) is None
    )
    waits = [
        auth.delay_after(n, auth.MAX_FAILURES, auth.ACCOUNT_MAX_DELAY)
        for n in range(auth.MAX_FAILURES, auth.MAX_FAILURES + 12)
    ]
    assert waits[:3] == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=4)]
    assert waits[-1] == auth.ACCOUNT_MAX_DELAY
    assert auth.delay_after(10**6, 5, auth.ACCOUNT_MAX_DELAY) == auth.ACCOUNT_MAX_DELAY


def test_the_address_memory_is_bounded() -> None:
    throttle = auth.AddressThrottle(free=1, size=3)
    now = START
    for n in range(5):
        assert throttle.reserve(f"a{n}", now)
    assert len(throttle._tallies) == 3
    assert not throttle.reserve("a4", now)  # still remembered: waiting
    assert throttle.reserve("a0", now)  # forgotten: a fresh start


def test_the_client_address_trusts_forwarded_for_only_from_our_proxies() -> None:
    def address(peer: str, forwarded: str | None, trusted: frozenset[str]) -> str:
        app = web.Application()
        app[TRUSTED_PROXIES] = trusted
        transport = mock.Mock()
        transport.get_extra_info.return_value = (peer, 4711)
        headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
        return client_address(
            make_mocked_request("POST", "/console/login", headers, app=app, transport=transport)
        )

    proxy = frozenset({"10.0.0.1", "10.0.0.2"})
    assert address("198.51.100.9", "1.2.3.4", frozenset()) == "198.51.100.9"
    assert address("198.51.100.9", "1.2.3.4", proxy) == "198.51.100.9"  # not our proxy
    assert address("10.0.0.1", None, proxy) == "10.0.0.1"
    assert address("10.0.0.1", "203.0.113.5", proxy) == "203.0.113.5"
    # The last hop that is not ours; what the client wrote before it does not count.
    assert address("10.0.0.1", "1.1.1.1, 203.0.113.5, 10.0.0.2", proxy) == "203.0.113.5"
    assert address("10.0.0.1", "203.0.113.5, not-an-address", proxy) == "10.0.0.1"
