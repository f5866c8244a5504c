"""How the backend serves the widget's files, and the demo website that embeds it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backend import routes
from backend.web import webchat_assets
from backend.web.routing import add_routes
from simulator.app import create_app as create_simulator
from simulator.settings import SimulatorSettings

Client = TestClient[Any, Any]
VENDORED = "socket.io-4.8.4.min.js"


@pytest.fixture
async def files() -> AsyncIterator[Client]:
    app = web.Application()
    add_routes(app, routes.WEBCHAT, lambda route: route.handler)
    async with TestClient(TestServer(app)) as client:
        yield client


def test_the_widget_is_served_by_web_processes_only() -> None:
    paths = {route.path for route in routes.WEBCHAT}
    assert paths <= {route.path for route in routes.served("all")}
    assert paths <= {route.path for route in routes.served("web")}
    assert not paths & {route.path for route in routes.served("worker")}


async def test_widget_js_and_css_are_revalidated_each_time(files: Client) -> None:
    for name, kind in (("widget.js", "text/javascript"), ("widget.css", "text/css")):
        response = await files.get(f"/webchat/{name}")
        assert response.status == 200
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        again = await files.get(
            f"/webchat/{name}", headers={"If-None-Match": response.headers["ETag"]}
        )
        assert again.status == 304


async def test_the_vendored_client_is_versioned_and_cached_long(files: Client) -> None:
    widget = await (await files.get("/webchat/widget.js")).text()
    # widget.js loads exactly the file tools/vendor_webchat.sh wrote.
    assert f'SOCKET_IO_FILE = "vendor/{VENDORED}"' in widget
    response = await files.get(f"/webchat/vendor/{VENDORED}")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    body = await response.text()
    assert body.startswith("/* socket.io-client 4.8.4, vendored by tools/vendor_webchat.sh")
    assert "The MIT License (MIT)" in body[:2000]
    assert "sourceMappingURL" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/webchat/vendor/..%2Fwidget.js",
        "/webchat/vendor/%2E%2E%2Fwidget.js",
        "/webchat/vendor/.hidden.js",
        "/webchat/vendor/nothing.js",
        "/webchat/vendor/socket.io-4.8.4.min.js.map",
        "/webchat/other.js",
    ],
)
async def test_nothing_else_is_served(files: Client, path: str) -> None:
    assert (await files.get(path)).status == 404


def test_a_missing_widget_file_fails_when_the_map_is_built() -> None:
    with pytest.raises(ValueError, match="no widget file"):
        webchat_assets.asset("missing.js")


async def test_the_demo_site_embeds_the_widget_with_the_configured_urls() -> None:
    settings = SimulatorSettings(
        rasa_url="http://127.0.0.1:5005/", backend_url='http://127.0.0.1:8000/"><x'
    )
    async with TestClient(TestServer(create_simulator(settings))) as client:
        response = await client.get("/site")
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    assert '<html lang="de">' in page
    assert "<title>techfriends – Hilfe mit Technik</title>" in page
    tags = re.findall(r"<script[^>]*>", page)
    assert tags == [
        '<script src="http://127.0.0.1:8000/&quot;&gt;&lt;x/webchat/widget.js"'
        ' data-server="http://127.0.0.1:5005" defer>'
    ]
