"""A small reverse proxy for the prod-like topology: round-robin over healthy upstreams.

    python -m tools.proxy --config proxy.json

The config names pools of upstreams and the sites (listening ports) that route path prefixes
to them, e.g.

    {"pools": {"rasa": ["http://127.0.0.1:5005", "http://127.0.0.1:5006"],
               "backend": ["http://127.0.0.1:8000", "http://127.0.0.1:8001"]},
     "sites": [{"port": 8080, "routes": [["/webhooks/messenger/", "rasa"], ["/", "backend"]],
                "sticky": ["/socket.io/"]}],
     "admin_port": 8079}

A sticky prefix sends every request of one client address to the same healthy upstream: the
website chat's socket.io long-polling keeps a session in the Rasa server that opened it, and
each poll must reach that server again.

Each upstream's `GET /healthz` is polled every second; a pool sends to its healthy upstreams in
turn. A request that cannot even connect is retried on the next upstream (nothing reached the
first one, so a POST is safe to repeat); any later error is a 502, never a retry, because the
upstream may have acted on it. Bodies are streamed both ways and the body-size limit is left
to the apps (1 MiB), so they answer an oversized body with their own 4xx. The proxy adds
X-Forwarded-For/-Proto/-Host and an X-Request-ID (kept when the caller sent a sane one).

The admin port (loopback) answers `GET /healthz` and `GET /stats`: per upstream, how many
responses it gave and whether it is healthy; tests use it to see that every replica served.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import signal
import sys
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

log = logging.getLogger("techfriends.proxy")

HEALTH_INTERVAL = 1.0
HEALTH_TIMEOUT = 2.0
# Rasa answers webhooks at once and does the turn afterwards; two minutes covers any API call.
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=120, sock_connect=3)
HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
        "Host",
    )
)
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNAVAILABLE = {
    "error": "service temporarily unavailable",
    "error_de": "Der Dienst ist gerade nicht erreichbar. Bitte gleich noch einmal versuchen.",
    "error_en": "The service is not reachable right now. Please try again in a moment.",
}


@dataclass
class Upstream:
    name: str
    url: str
    healthy: bool = False
    responses: Counter[int] = field(default_factory=Counter)


@dataclass
class Pool:
    name: str
    upstreams: list[Upstream]
    _next: int = 0

    def order(self, sticky_key: str | None = None) -> list[Upstream]:
        """Healthy upstreams starting with the next in turn (or, given a sticky key, with the
        one that key always starts with); all of them when none is healthy (a health check can
        lag a restart, and trying costs less than refusing)."""
        healthy = [u for u in self.upstreams if u.healthy] or list(self.upstreams)
        if sticky_key is not None:
            start = zlib.crc32(sticky_key.encode()) % len(healthy)
        else:
            start = self._next % len(healthy)
            self._next += 1
        return healthy[start:] + healthy[:start]


@dataclass(frozen=True)
class Site:
    port: int
    routes: list[tuple[str, str]]  # (path prefix, pool name), longest prefix first
    host: str = "127.0.0.1"
    sticky: tuple[str, ...] = ()  # path prefixes routed by client address


def _forward_headers(request: web.Request, request_id: str) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
    peer = request.remote or ""
    earlier = request.headers.get("X-Forwarded-For")
    headers["X-Forwarded-For"] = f"{earlier}, {peer}" if earlier else peer
    headers["X-Forwarded-Proto"] = request.headers.get("X-Forwarded-Proto") or request.scheme
    headers["X-Forwarded-Host"] = request.headers.get("X-Forwarded-Host") or request.host
    headers["X-Request-ID"] = request_id
    return headers


class Proxy:
    def __init__(self, pools: dict[str, list[str]], sites: list[Site], admin_port: int) -> None:
        self.pools = {
            name: Pool(
                name, [Upstream(f"{name}-{i + 1}", u.rstrip("/")) for i, u in enumerate(urls)]
            )
            for name, urls in pools.items()
        }
        for site in sites:
            for _, pool in site.routes:
                if pool not in self.pools:
                    raise ValueError(f"site :{site.port} routes to unknown pool {pool!r}")
        self.sites = sites
        self.admin_port = admin_port
        self._runners: list[web.AppRunner] = []
        self._http: aiohttp.ClientSession | None = None
        self._health_task: asyncio.Task[None] | None = None

    # --- health ---------------------------------------------------------------------------

    async def check_health(self) -> None:
        http = self._http
        assert http is not None
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT)

        async def one(upstream: Upstream) -> None:
            try:
                async with http.get(f"{upstream.url}/healthz", timeout=timeout) as r:
                    ok = r.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            if ok != upstream.healthy:
                log.info("%s %s", upstream.name, "healthy" if ok else "unhealthy")
            upstream.healthy = ok

        await asyncio.gather(*(one(u) for p in self.pools.values() for u in p.upstreams))

    async def _health_loop(self) -> None:
        while True:
            try:
                await self.check_health()
            except Exception:  # the loop must outlive any one bad answer
                log.exception("health check round failed")
            await asyncio.sleep(HEALTH_INTERVAL)

    # --- proxying -------------------------------------------------------------------------

    def _pool_for(self, site: Site, path: str) -> Pool:
        for prefix, pool in site.routes:
            if path.startswith(prefix):
                return self.pools[pool]
        raise web.HTTPNotFound(
            text=json.dumps({"error": "not found", "error_de": "Nicht gefunden."}),
            content_type="application/json",
        )

    async def handle(self, request: web.Request, site: Site) -> web.StreamResponse:
        assert self._http is not None
        started = time.monotonic()
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        pool = self._pool_for(site, request.path)
        headers = _forward_headers(request, request_id)
        body = request.content if request.body_exists else None
        sticky = any(request.path.startswith(prefix) for prefix in site.sticky)
        for upstream in pool.order((request.remote or "") if sticky else None):
            try:
                upstream_response = await self._http.request(
                    request.method,
                    upstream.url + request.path_qs,
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                    timeout=UPSTREAM_TIMEOUT,
                )
            except aiohttp.ClientConnectorError:
                # Nothing reached it: take it out of turn and try the next one.
                upstream.healthy = False
                continue
            except (aiohttp.ClientError, TimeoutError) as exc:
                self._log(request, request_id, upstream.name, 502, started, str(exc))
                return self._unavailable(502, request_id)
            try:
                return await self._relay(request, upstream_response, upstream, request_id, started)
            finally:
                upstream_response.release()
        self._log(request, request_id, None, 503, started, f"no {pool.name} upstream answered")
        return self._unavailable(503, request_id)

    async def _relay(
        self,
        request: web.Request,
        upstream_response: aiohttp.ClientResponse,
        upstream: Upstream,
        request_id: str,
        started: float,
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=upstream_response.status)
        for key, value in upstream_response.headers.items():
            if key.lower() not in HOP_BY_HOP:
                response.headers.add(key, value)
        response.headers["X-Request-ID"] = request_id
        await response.prepare(request)
        async for chunk in upstream_response.content.iter_chunked(64 * 1024):
            await response.write(chunk)
        await response.write_eof()
        upstream.responses[upstream_response.status] += 1
        self._log(request, request_id, upstream.name, upstream_response.status, started)
        return response

    def _unavailable(self, status: int, request_id: str) -> web.Response:
        return web.json_response(UNAVAILABLE, status=status, headers={"X-Request-ID": request_id})

    @staticmethod
    def _log(
        request: web.Request,
        request_id: str,
        upstream: str | None,
        status: int,
        started: float,
        error: str = "",
    ) -> None:
        entry: dict[str, Any] = {
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "upstream": upstream,
            "status": status,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
        if error:
            entry["error"] = error
        log.info(json.dumps(entry))

    # --- admin ----------------------------------------------------------------------------

    def stats(self) -> dict[str, dict[str, Any]]:
        return {
            u.name: {
                "url": u.url,
                "healthy": u.healthy,
                "responses": sum(u.responses.values()),
                "by_status": {str(k): v for k, v in sorted(u.responses.items())},
            }
            for p in self.pools.values()
            for u in p.upstreams
        }

    def _admin_app(self) -> web.Application:
        async def healthz(request: web.Request) -> web.Response:
            return web.json_response({"status": "ok", "service": "proxy"})

        async def stats(request: web.Request) -> web.Response:
            return web.json_response(self.stats())

        app = web.Application()
        app.router.add_get("/healthz", healthz)
        app.router.add_get("/stats", stats)
        return app

    def _site_app(self, site: Site) -> web.Application:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await self.handle(request, site)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        return app

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        # Bodies pass through as they are: no decompression, no cookie jar of our own.
        self._http = aiohttp.ClientSession(
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            connector=aiohttp.TCPConnector(limit=0),
        )
        await self.check_health()
        self._health_task = asyncio.create_task(self._health_loop())
        apps = [(self._site_app(s), s.host, s.port) for s in self.sites]
        apps.append((self._admin_app(), "127.0.0.1", self.admin_port))
        for app, host, port in apps:
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            self._runners.append(runner)

    async def stop(self) -> None:
        if self._health_task is not None:
            self._health_task.cancel()
        for runner in self._runners:
            await runner.cleanup()
        if self._http is not None:
            await self._http.close()


def load_config(path: Path) -> Proxy:
    data = json.loads(path.read_text())
    sites = [
        Site(
            port=int(s["port"]),
            host=str(s.get("host") or "127.0.0.1"),
            # Longest prefix first, so "/webhooks/messenger/" wins over "/".
            routes=sorted(((str(p), str(n)) for p, n in s["routes"]), key=lambda r: -len(r[0])),
            sticky=tuple(str(p) for p in s.get("sticky") or ()),
        )
        for s in data["sites"]
    ]
    return Proxy({k: list(v) for k, v in data["pools"].items()}, sites, int(data["admin_port"]))


async def _serve(proxy: Proxy) -> None:
    await proxy.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await proxy.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.proxy")
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    asyncio.run(_serve(load_config(args.config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
