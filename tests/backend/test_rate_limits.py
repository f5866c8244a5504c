"""Issue 21, point 8: the JSON API's rate limits (backend/web/ratelimit.py), against a running
app. A bucket per bearer token (20 a second, bursts of 100) and one per client address for
wrong tokens (10 a minute); 429 with Retry-After. The buckets' clock is held still here, so the
counts are exact."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backend.app import create_app
from backend.config import Settings, TrustedProxies, parse_trusted_proxies
from backend.console import routes_auth
from backend.web.middleware import API_LIMITS
from tests.backend.conftest import ADMIN_TOKEN, API_TOKEN

pytestmark = pytest.mark.sqlite_only

Client = TestClient[web.Request, web.Application]
PATH = "/api/v1/jobs/NONE"  # served: 404, no such job


class Still:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The defaults of backend/config.py (the other suites switch the limits off)."""
    return dataclasses.replace(
        settings, api_rate_per_second=20.0, api_burst=100, api_auth_failures_per_minute=10.0
    )


@pytest.fixture
async def app_client(settings: Settings) -> AsyncIterator[tuple[Client, Still]]:
    # The test client connects from 127.0.0.1: that is "our proxy", so X-Forwarded-For names
    # the client and one test can speak from several addresses.
    settings = dataclasses.replace(settings, trusted_proxies=parse_trusted_proxies("127.0.0.1"))
    clock = Still()
    async with TestClient(TestServer(create_app(settings))) as client:
        limits = client.app[API_LIMITS]
        limits.per_token.clock = clock
        limits.failures_per_address.clock = clock
        yield client, clock


def bearer(token: str, address: str = "203.0.113.7") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}


async def test_a_token_gets_429_with_retry_after_after_its_burst(
    app_client: tuple[Client, Still],
) -> None:
    client, clock = app_client
    for _ in range(100):
        response = await client.get(PATH, headers=bearer(API_TOKEN))
        assert response.status == 404
    response = await client.get(PATH, headers=bearer(API_TOKEN))
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    assert "retry after 1 s" in (await response.json())["error"]
    # Another token is not affected, from the same address or another.
    assert (await client.get(PATH, headers=bearer(ADMIN_TOKEN))).status == 404
    assert (await client.get(PATH, headers=bearer(ADMIN_TOKEN, "198.51.100.1"))).status == 404
    # The same token from another address shares its bucket: the limit is the token's.
    assert (await client.get(PATH, headers=bearer(API_TOKEN, "198.51.100.1"))).status == 429
    # A second later the bucket holds 20 again.
    clock.now += 1
    statuses = [(await client.get(PATH, headers=bearer(API_TOKEN))).status for _ in range(21)]
    assert statuses == [404] * 20 + [429]


async def test_wrong_tokens_from_one_address_get_429(app_client: tuple[Client, Still]) -> None:
    client, clock = app_client
    for guess in range(10):
        response = await client.get(PATH, headers=bearer(f"guess-{guess}"))
        assert response.status == 401
    response = await client.get(PATH, headers=bearer("guess-10"))
    assert response.status == 429
    assert int(response.headers["Retry-After"]) == 6  # one more guess every 6 seconds
    # Now even the right token waits at this address: a right guess looks like a wrong one.
    assert (await client.get(PATH, headers=bearer(API_TOKEN))).status == 429
    assert (await client.get(PATH, headers={"X-Forwarded-For": "203.0.113.7"})).status == 429
    # Other addresses are not hindered.
    assert (await client.get(PATH, headers=bearer(API_TOKEN, "198.51.100.1"))).status == 404
    assert (await client.get(PATH, headers=bearer("guess", "198.51.100.1"))).status == 401
    # Six seconds later one more attempt is allowed.
    clock.now += 6
    assert (await client.get(PATH, headers=bearer(API_TOKEN))).status == 404
    assert (await client.get(PATH, headers=bearer("guess-11"))).status == 401
    assert (await client.get(PATH, headers=bearer("guess-12"))).status == 429


async def test_a_forged_forwarded_for_gives_no_fresh_address(settings: Settings) -> None:
    # No trusted proxy: the peer is the client, whatever X-Forwarded-For says.
    async with TestClient(TestServer(create_app(settings))) as client:
        statuses = [
            (await client.get(PATH, headers=bearer(f"guess-{i}", f"192.0.2.{i}"))).status
            for i in range(12)
        ]
    assert statuses == [401] * 10 + [429] * 2


async def test_the_limits_are_settings(settings: Settings) -> None:
    env = {
        "BACKEND_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12,fd00::/8",
        "API_RATE_PER_SECOND": "5",
        "API_BURST": "7",
        "API_AUTH_FAILURES_PER_MINUTE": "3",
    }
    from_env = Settings.from_env(env)
    assert (from_env.api_rate_per_second, from_env.api_burst) == (5.0, 7)
    assert from_env.api_auth_failures_per_minute == 3.0
    proxies = from_env.trusted_proxies
    assert isinstance(proxies, TrustedProxies)
    assert "10.0.0.5" in proxies and "172.20.1.2" in proxies and "fd00::1" in proxies
    assert "10.0.0.6" not in proxies and "8.8.8.8" not in proxies and "nonsense" not in proxies
    defaults = Settings.from_env({})
    assert (defaults.api_rate_per_second, defaults.api_burst) == (50.0, 200)
    assert defaults.api_auth_failures_per_minute == 10.0 and not defaults.trusted_proxies
    with pytest.raises(ValueError, match="BACKEND_TRUSTED_PROXIES"):
        Settings.from_env({"BACKEND_TRUSTED_PROXIES": "10.0.0.300"})
    # The console's login reads the same setting.
    app = create_app(dataclasses.replace(settings, trusted_proxies=proxies))
    assert app[routes_auth.TRUSTED_PROXIES] is proxies
