"""The admin token guards an admin route whatever the method (issue 21, point 4): HEAD ran
the GET handler with the API token and answered 200 with the body's size."""

from __future__ import annotations

from collections import defaultdict

from backend import routes
from backend.web.routing import Access
from tests.backend.conftest import admin_headers, api_headers
from tests.backend.helpers import Client, add_friend

ADMIN_PATHS = (
    "/api/v1/friends",
    "/api/v1/ledger",
    "/api/v1/support-alerts",
    "/api/v1/friends/{id}",
)


async def test_any_method_on_an_admin_route_needs_the_admin_token(client: Client) -> None:
    friend = await add_friend(client)
    for path in ADMIN_PATHS:
        url = path.replace("{id}", str(friend["id"]))
        for method in ("HEAD", "GET", "OPTIONS", "DELETE", "PUT", "PATCH", "POST"):
            for headers in (api_headers(), {}):
                response = await client.request(method, url, headers=headers, json={})
                assert response.status == 401, (method, url, response.status)
        # The admin token still reads them, HEAD included.
        for method in ("HEAD", "GET"):
            response = await client.request(method, url, headers=admin_headers())
            assert response.status == 200, (method, url)


async def test_head_on_api_routes_still_works_with_the_api_token(client: Client) -> None:
    for path in ("/api/v1/jobs?customer=cust-1", "/api/v1/openapi.json"):
        response = await client.head(path, headers=api_headers())
        assert response.status == 200, path


def test_no_resource_mixes_the_admin_token_with_another_role() -> None:
    """The middleware decides by resource: a path with an admin route is admin for every
    method. A path with routes of both kinds would make its other routes admin-only too."""
    roles: defaultdict[str, set[Access]] = defaultdict(set)
    for route in routes.served("api"):
        roles[route.path].add(route.access)
    mixed = {p: r for p, r in roles.items() if Access.ADMIN_TOKEN in r and len(r) > 1}
    assert not mixed
