"""A database that is away or overloaded is a 503 with Retry-After (callers retry), never a bare
500; a fault in our code stays a 500, and no answer carries a stack trace."""

from __future__ import annotations

import sqlite3

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backend.web.middleware import error_middleware

CASES = {
    "pool": PoolTimeout("QueuePool limit of size 5 overflow 10 reached, connection timed out"),
    "refused": ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    "locked": OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked")),
    "syntax": OperationalError("SELEC 1", {}, sqlite3.OperationalError('near "SELEC": syntax')),
    "bug": KeyError("customer"),
}


async def _client() -> TestClient[web.Request, web.Application]:
    app = web.Application(middlewares=[error_middleware])

    async def fail(request: web.Request) -> web.Response:
        raise CASES[request.match_info["case"]]

    app.router.add_get("/api/v1/fail/{case}", fail)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.mark.parametrize(
    ("case", "status"),
    [("pool", 503), ("refused", 503), ("locked", 503), ("syntax", 500), ("bug", 500)],
)
async def test_what_the_caller_hears_when_the_database_fails(case: str, status: int) -> None:
    client = await _client()
    try:
        response = await client.get(f"/api/v1/fail/{case}")
        body = await response.json()
    finally:
        await client.close()
    assert response.status == status
    assert "Traceback" not in str(body) and "SELEC" not in str(body)
    if status == 503:
        assert response.headers["Retry-After"] == "5"
        assert "try again" in body["error"]
    else:
        assert body == {"error": "internal error"}
