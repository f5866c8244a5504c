"""30 parallel wrong passwords against a running backend, on SQLite and PostgreSQL: each
attempt is counted by one conditional UPDATE, so none is lost and the right password sent
after them is refused (issue 21, point 1: it used to get in, three times out of three)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.console import auth
from backend.console.models import StaffAccount
from tests.console.conftest import AGENT, Client, Clock
from tests.console.test_login_throttling import Hashing, hashing, login_token, post_login

__all__ = ["hashing"]


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_db_url"))


async def failed_logins(db_url: str, email: str) -> int:
    engine = make_engine(db_url)
    async with make_sessionmaker(engine)() as session:
        count = await session.scalar(
            select(StaffAccount.failed_logins).where(StaffAccount.email == email)
        )
    await engine.dispose()
    return int(count or 0)


async def test_thirty_parallel_wrong_passwords_then_the_right_one_do_not_get_in(
    client: Client, clock: Clock, db_url: str, hashing: Hashing
) -> None:
    url = str(client.make_url("/console/login"))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browsers:
        tokens = [await login_token(browsers, url) for _ in range(30)]
        wrong = await asyncio.gather(
            *(post_login(browsers, url, AGENT[0], f"guess {n}", t) for n, t in enumerate(tokens))
        )
        assert wrong == [401] * 30
        hashing.calls.clear()
        right = await post_login(
            browsers, url, AGENT[0], AGENT[1], await login_token(browsers, url)
        )
        assert right == 401
        assert hashing.real() == 0  # not even checked: the account waits
    # Exactly five guesses were checked against the real hash; the others waited, uncounted.
    assert await failed_logins(db_url, AGENT[0]) == auth.MAX_FAILURES
    clock.advance(seconds=1)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser:
        token = await login_token(browser, url)
        assert await post_login(browser, url, AGENT[0], AGENT[1], token) == 303
    assert await failed_logins(db_url, AGENT[0]) == 0
