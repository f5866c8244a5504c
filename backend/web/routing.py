"""What one line of a URL map says: method, path, handler, who may call it and, for the JSON
API, its OpenAPI operation; and the token rules auth_middleware reads from the map."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from aiohttp import web

from backend.web.openapi import Operation

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_PREFIX = "/api/"


class Access(Enum):
    # Anyone; the handler checks what it needs (a webhook's signature, the metrics token).
    PUBLIC = "public"
    # The JSON API's bearer tokens, checked by auth_middleware: the API token (the admin token
    # also works), or only the admin token.
    API_TOKEN = "api token"
    ADMIN_TOKEN = "admin token"
    # The support console's logged-in staff (every POST with the session's CSRF token), or
    # only its admins: require_staff().
    STAFF = "staff"
    STAFF_ADMIN = "staff admin"


# auth_middleware checks tokens on /api/ paths only, require_staff is for console pages: a route
# elsewhere with such a column would look guarded and not be.
API_ACCESS = (Access.PUBLIC, Access.API_TOKEN, Access.ADMIN_TOKEN)
PAGE_ACCESS = (Access.PUBLIC, Access.STAFF, Access.STAFF_ADMIN)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    access: Access
    operation: Operation | None = None

    def __post_init__(self) -> None:
        allowed = API_ACCESS if self.path.startswith(API_PREFIX) else PAGE_ACCESS
        if self.access not in allowed:
            raise ValueError(f"{self.method} {self.path}: {self.access.value} is not checked here")


def get(path: str, handler: Handler, access: Access, operation: Operation | None = None) -> Route:
    return Route("GET", path, handler, access, operation)


def post(path: str, handler: Handler, access: Access, operation: Operation | None = None) -> Route:
    return Route("POST", path, handler, access, operation)


def patch(path: str, handler: Handler, access: Access, operation: Operation | None = None) -> Route:
    return Route("PATCH", path, handler, access, operation)


def add_routes(
    app: web.Application, routes: Iterable[Route], guard: Callable[[Route], Handler]
) -> None:
    """Register the routes; `guard` gives the handler to serve (a login check around it)."""
    for route in routes:
        if route.method == "GET":
            app.router.add_get(route.path, guard(route))  # and HEAD, like every GET
        else:
            app.router.add_route(route.method, route.path, guard(route))


@dataclass(frozen=True)
class TokenRules:
    """Which /api/ paths need no token and which routes the admin token; every other /api/
    request (an unknown path too) needs the API token."""

    public_paths: frozenset[str]
    admin_routes: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, routes: Iterable[Route]) -> TokenRules:
        api = [r for r in routes if r.path.startswith(API_PREFIX)]
        return cls(
            public_paths=frozenset(r.path for r in api if r.access is Access.PUBLIC),
            admin_routes=frozenset(
                (r.method, r.path) for r in api if r.access is Access.ADMIN_TOKEN
            ),
        )


TOKEN_RULES = web.AppKey("token_rules", TokenRules)
