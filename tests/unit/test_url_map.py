"""backend/routes.py is the one URL map: what it lists is what the app serves, the OpenAPI
document describes exactly its JSON API, and the access column is what gets checked."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from aiohttp import web

from backend.app import create_app
from backend.config import Settings
from backend.routes import CONSOLE, JSON_API, served
from backend.web import api
from backend.web.openapi import DOCUMENT
from backend.web.routing import TOKEN_RULES, Access, Route

OPENAPI_PATH = "/api/v1/openapi.json"


def _app(role: str = "all") -> web.Application:
    return create_app(dataclasses.replace(Settings.from_env({}), role=role))


def _registered(app: web.Application) -> set[tuple[str, str]]:
    """(method, path) of every route the app answers, HEAD and static files aside."""
    return {
        (r.method, r.resource.canonical)
        for r in app.router.routes()
        if r.resource is not None
        and r.method != "HEAD"
        and isinstance(r.resource, web.Resource)
        and not isinstance(r.resource, web.StaticResource)
    }


def _canonical(path: str) -> str:
    return re.sub(r"\{(\w+):[^}]+\}", r"{\1}", path)


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}


@pytest.mark.parametrize("role", ["all", "web", "worker"])
def test_the_app_serves_exactly_what_the_map_lists(role: str) -> None:
    listed = {(r.method, _canonical(r.path)) for r in served(role)}
    assert _registered(_app(role)) == listed


def test_a_worker_answers_only_health_and_metrics() -> None:
    assert {path for _, path in _registered(_app("worker"))} == {"/healthz", "/metrics"}


def test_the_document_describes_exactly_the_json_api_both_ways() -> None:
    app = _app()
    document = app[DOCUMENT]
    api_routes = {
        (method, path)
        for method, path in _registered(app)
        if path.startswith("/api/") and path != OPENAPI_PATH
    }
    assert _documented(document) == api_routes
    assert _documented(document) == {(r.method, r.path) for r in JSON_API if r.operation}


def test_every_reference_resolves_and_every_path_parameter_is_described() -> None:
    document = _app()[DOCUMENT]
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', text)):
        assert ref[1] in document["components"][ref[0]], ref
    for path, operations in document["paths"].items():
        for operation in operations.values():
            described = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert described == set(re.findall(r"\{(\w+)\}", path)), path


def test_the_admin_column_is_what_the_summaries_promise_and_the_middleware_checks() -> None:
    app = _app()
    admin = {(r.method, r.path) for r in JSON_API if r.access is Access.ADMIN_TOKEN}
    says_admin = {
        (m.upper(), p)
        for p, ops in app[DOCUMENT]["paths"].items()
        for m, op in ops.items()
        if "(admin token)" in op["summary"]
    }
    assert admin == says_admin
    assert app[TOKEN_RULES].admin_routes == admin
    assert app[TOKEN_RULES].public_paths == {OPENAPI_PATH}


def test_every_console_page_but_the_login_needs_staff() -> None:
    open_pages = {r.path for r in CONSOLE if r.access is Access.PUBLIC}
    assert open_pages == {"/console/login", "/console", "/console/"}


def test_a_token_column_on_a_page_or_a_staff_column_on_the_api_is_refused() -> None:
    with pytest.raises(ValueError, match="not checked here"):
        Route("GET", "/console/secret", api.healthz, Access.ADMIN_TOKEN)
    with pytest.raises(ValueError, match="not checked here"):
        Route("GET", "/api/v1/secret", api.healthz, Access.STAFF)
