"""tools/proxy.py against real aiohttp upstreams on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tools.postgres import free_port
from tools.proxy import Pool, Proxy, Site, Upstream


def upstream_app(name: str, seen: list[dict[str, str]]) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        seen.append({"name": name, **{k: v for k, v in request.headers.items()}})
        return web.json_response(
            {"served_by": name, "path": request.path_qs, "bytes": len(body)}, status=201
        )

    # The apps keep their own 1 MiB limit; the proxy must not impose another.
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@pytest.fixture
async def topology() -> AsyncIterator[tuple[str, Proxy, list[TestServer], list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    servers = [TestServer(upstream_app(f"app-{i}", seen)) for i in (1, 2)]
    for server in servers:
        await server.start_server()
    port = free_port()
    proxy = Proxy(
        {"app": [str(s.make_url("")).rstrip("/") for s in servers]},
        [Site(port, [("/", "app")])],
        admin_port=free_port(),
    )
    await proxy.start()
    yield f"http://127.0.0.1:{port}", proxy, servers, seen
    await proxy.stop()
    for server in servers:
        await server.close()


async def test_requests_take_turns_and_carry_forwarding_headers(
    topology: tuple[str, Proxy, list[TestServer], list[dict[str, str]]],
) -> None:
    url, proxy, _, seen = topology
    async with aiohttp.ClientSession() as http:
        served = []
        for i in range(4):
            async with http.post(
                f"{url}/api/v1/jobs?x={i}", json={"i": i}, headers={"X-Request-ID": f"req-{i}"}
            ) as r:
                assert r.status == 201
                assert r.headers["X-Request-ID"] == f"req-{i}"
                data = await r.json()
                assert data["path"] == f"/api/v1/jobs?x={i}"
                served.append(data["served_by"])
        # A forged, overlong request id is replaced by one of ours.
        async with http.get(f"{url}/x", headers={"X-Request-ID": "a b" * 100}) as r:
            assert r.status == 201 and " " not in r.headers["X-Request-ID"]
    assert sorted(served) == ["app-1", "app-1", "app-2", "app-2"]
    assert served[0] != served[1]
    assert seen[0]["X-Forwarded-For"] == "127.0.0.1"
    assert seen[0]["X-Request-ID"] == "req-0"
    stats = proxy.stats()
    assert stats["app-1"]["by_status"]["201"] + stats["app-2"]["by_status"]["201"] == 5


async def test_a_stopped_upstream_is_skipped_and_none_left_is_a_bilingual_503(
    topology: tuple[str, Proxy, list[TestServer], list[dict[str, str]]],
) -> None:
    url, proxy, servers, _ = topology
    await servers[0].close()
    async with aiohttp.ClientSession() as http:
        # Before any health check notices, a refused connection moves on to the next upstream.
        for _ in range(3):
            async with http.post(f"{url}/webhook", data=b"payload") as r:
                assert r.status == 201
                data = await r.json()
                assert (data["served_by"], data["bytes"]) == ("app-2", 7)
        await servers[1].close()
        async with http.get(f"{url}/x") as r:
            assert r.status == 503
            body = await r.json()
            assert body["error_de"] and body["error_en"]
    assert proxy.stats()["app-1"]["healthy"] is False


async def test_bodies_stream_through_and_the_apps_keep_their_size_limit(
    topology: tuple[str, Proxy, list[TestServer], list[dict[str, str]]],
) -> None:
    url, _, _, _ = topology
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/upload", data=b"x" * (1024 * 1024 - 10)) as r:
            assert r.status == 201
            assert (await r.json())["bytes"] == 1024 * 1024 - 10
        async with http.post(f"{url}/upload", data=b"x" * (2 * 1024 * 1024)) as r:
            assert r.status == 413  # the app's answer, passed on


async def test_a_sticky_prefix_keeps_one_client_on_one_upstream() -> None:
    seen: list[dict[str, str]] = []
    servers = [TestServer(upstream_app(f"app-{i}", seen)) for i in (1, 2)]
    for server in servers:
        await server.start_server()
    port = free_port()
    proxy = Proxy(
        {"app": [str(s.make_url("")).rstrip("/") for s in servers]},
        [Site(port, [("/socket.io/", "app"), ("/", "app")], sticky=("/socket.io/",))],
        admin_port=free_port(),
    )
    await proxy.start()
    try:
        async with aiohttp.ClientSession() as http:
            served = {"sticky": [], "turns": []}
            for i in range(6):
                for kind, path in (("sticky", f"/socket.io/?EIO=4&t={i}"), ("turns", "/x")):
                    async with http.get(f"http://127.0.0.1:{port}{path}") as r:
                        served[kind].append((await r.json())["served_by"])
    finally:
        await proxy.stop()
        for server in servers:
            await server.close()
    # socket.io's polls of one client reach the server holding its session; the rest alternate.
    assert len(set(served["sticky"])) == 1
    assert sorted(set(served["turns"])) == ["app-1", "app-2"]


def test_sticky_keys_spread_over_the_healthy_upstreams() -> None:
    pool = Pool("app", [Upstream(f"u{i}", f"http://u{i}", healthy=True) for i in range(3)])
    firsts = {pool.order(f"10.0.0.{i}")[0].name for i in range(60)}
    assert firsts == {"u0", "u1", "u2"}
    assert pool.order("10.0.0.7") == pool.order("10.0.0.7")
    pool.upstreams[0].healthy = False
    assert all(pool.order(f"10.0.0.{i}")[0].name != "u0" for i in range(60))
