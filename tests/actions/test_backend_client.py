"""actions/backend_client.py against a small in-process fake of the backend contract."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web

from actions.backend_client import BackendClient, BackendError, BackendValidationError

PLACES = [
    {"country": "AT", "postal_code": "1010", "city": "Wien", "latitude": 48.2, "longitude": 16.4},
    {
        "country": "CH",
        "postal_code": "1010",
        "city": "Lausanne",
        "latitude": 46.5,
        "longitude": 6.6,
    },
]


class FakeBackend:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.job_failures = 0
        self.jobs: dict[str, dict[str, Any]] = {}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/v1/postal-codes", self.postal_codes)
        app.router.add_get("/api/v1/postal-codes/nearest", self.nearest)
        app.router.add_post("/api/v1/jobs", self.create_job)
        app.router.add_get("/api/v1/jobs", self.list_jobs)
        app.router.add_post("/api/v1/jobs/{reference}/rating", self.rate)
        return app

    def _record(self, request: web.Request, body: Any = None) -> None:
        self.requests.append(
            {
                "path": request.path,
                "query": dict(request.query),
                "authorization": request.headers.get("Authorization"),
                "idempotency_key": request.headers.get("Idempotency-Key"),
                "body": body,
            }
        )

    async def list_jobs(self, request: web.Request) -> web.Response:
        self._record(request)
        return web.json_response([{"reference": "TF-0002"}, "not a job"])

    async def rate(self, request: web.Request) -> web.Response:
        self._record(request, await request.json())
        return web.json_response({"reference": request.match_info["reference"]}, status=201)

    async def postal_codes(self, request: web.Request) -> web.Response:
        self._record(request)
        code, country = request.query.get("code"), request.query.get("country")
        found = [p for p in PLACES if p["postal_code"] == code and country in (None, p["country"])]
        return web.json_response(found)

    async def nearest(self, request: web.Request) -> web.Response:
        self._record(request)
        if float(request.query["latitude"]) > 60:
            return web.json_response({"error": "nothing near"}, status=404)
        return web.json_response(PLACES[0])

    async def create_job(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._record(request, body)
        if body.get("description") == "invalid":
            return web.json_response({"errors": {"customer.phone": "is not valid"}}, status=422)
        if self.job_failures:
            self.job_failures -= 1
            return web.json_response({"error": "temporarily down"}, status=503)
        key = request.headers["Idempotency-Key"]
        if key in self.jobs:
            return web.json_response(self.jobs[key], status=200)
        self.jobs[key] = {"reference": f"TF-{len(self.jobs) + 2:04d}", **body}
        return web.json_response(self.jobs[key], status=201)


@pytest.fixture
async def backend(aiohttp_server: Any) -> tuple[FakeBackend, BackendClient]:
    fake = FakeBackend()
    server = await aiohttp_server(fake.app())
    client = BackendClient(base_url=str(server.make_url("")), token="secret", timeout=5)
    return fake, client


async def test_postal_code_lookup_sends_the_token(backend: tuple[FakeBackend, BackendClient]):
    fake, client = backend
    assert [p["country"] for p in await client.lookup_postal_code("1010")] == ["AT", "CH"]
    assert [p["city"] for p in await client.lookup_postal_code("1010", "CH")] == ["Lausanne"]
    assert await client.lookup_postal_code("99999") == []
    assert fake.requests[0]["authorization"] == "Bearer secret"
    assert fake.requests[1]["query"] == {"code": "1010", "country": "CH"}


async def test_nearest_place_or_none(backend: tuple[FakeBackend, BackendClient]):
    _, client = backend
    place = await client.nearest_postal_code(48.2, 16.37)
    assert place is not None and place["postal_code"] == "1010"
    assert await client.nearest_postal_code(70.0, 10.0) is None


async def test_job_post_is_idempotent_and_retried(backend: tuple[FakeBackend, BackendClient]):
    fake, client = backend
    fake.job_failures = 1  # the first attempt gets a 503, the retry goes through
    job = await client.create_job({"description": "Drucker druckt nicht"}, "key-1")
    assert job["reference"] == "TF-0002"
    again = await client.create_job({"description": "Drucker druckt nicht"}, "key-1")
    assert again["reference"] == "TF-0002"
    assert len(fake.jobs) == 1
    assert {r["idempotency_key"] for r in fake.requests} == {"key-1"}


async def test_job_validation_errors(backend: tuple[FakeBackend, BackendClient]):
    _, client = backend
    with pytest.raises(BackendValidationError) as raised:
        await client.create_job({"description": "invalid"}, "key-2")
    assert raised.value.errors == {"customer.phone": "is not valid"}


async def test_a_backend_that_stays_down_raises(backend: tuple[FakeBackend, BackendClient]):
    fake, client = backend
    fake.job_failures = 5
    with pytest.raises(BackendError) as raised:
        await client.create_job({"description": "x"}, "key-3")
    assert raised.value.status == 503


async def test_jobs_are_listed_and_rated_per_channel(
    backend: tuple[FakeBackend, BackendClient],
) -> None:
    fake, client = backend
    web_id = "web-0123456789abcdef0123456789abcdef"
    assert await client.list_jobs("2718281828", "messenger") == [{"reference": "TF-0002"}]
    await client.list_jobs(web_id, "webchat")
    await client.rate_job("TF-0002", 5, "Super", "2718281828", "messenger")
    await client.rate_job("TF-0002", 4, "", web_id, "webchat")
    listed, listed_web, rated, rated_web = fake.requests
    # Messenger: the form every backend release reads, exactly as before channels.
    assert listed["query"] == {"customer_psid": "2718281828", "customer": "2718281828"}
    assert rated["body"] == {"stars": 5, "comment": "Super", "customer_psid": "2718281828"}
    # Other channels: the contract's channel + customer_id.
    assert listed_web["query"] == {"channel": "webchat", "customer_id": web_id}
    assert rated_web["body"] == {
        "stars": 4,
        "comment": "",
        "channel": "webchat",
        "customer_id": web_id,
    }
    # Without a channel: Messenger, as every caller before issue 15.
    await client.list_jobs("2718281828")
    assert fake.requests[-1]["query"] == listed["query"]


async def test_an_unreachable_backend_raises(unused_tcp_port: int):
    client = BackendClient(base_url=f"http://127.0.0.1:{unused_tcp_port}", token="", timeout=2)
    with pytest.raises(BackendError):
        await client.lookup_postal_code("10115")


def test_configuration_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEND_URL", "http://backend.test:9000/")
    monkeypatch.setenv("BACKEND_API_TOKEN", "t0k3n")
    client = BackendClient()
    assert client.base_url == "http://backend.test:9000"
    assert client._headers()["Authorization"] == "Bearer t0k3n"
    monkeypatch.delenv("BACKEND_URL")
    monkeypatch.setenv("BACKEND_API_TOKEN", "")
    client = BackendClient()
    assert client.base_url == "http://127.0.0.1:8000"
    assert "Authorization" not in client._headers()
