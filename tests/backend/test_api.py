"""The JSON API over HTTP against a real SQLite database."""

from __future__ import annotations

import dataclasses

from backend.config import Settings
from product.countries import COUNTRY_CODES
from tests.backend.clock import backend
from tests.backend.conftest import admin_headers, api_headers
from tests.backend.helpers import Client, add_friend, create_job, friend, job_body


async def test_health_needs_no_token(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_api_refuses_missing_or_wrong_token(client: Client) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        response = await client.get("/api/v1/jobs/TF-2345", headers=headers)
        assert response.status == 401
        assert "token" in (await response.json())["error"]


async def test_creating_friends_needs_the_admin_token(client: Client) -> None:
    response = await client.post("/api/v1/friends", json=friend(), headers=api_headers())
    assert response.status == 401
    created = await add_friend(client)
    assert created["messenger_id"] == "friend-anna" and created["status"] == "active"
    again = await client.post("/api/v1/friends", json=friend(), headers=admin_headers())
    assert again.status == 422
    assert "messenger_id" in (await again.json())["errors"]


async def test_friend_validation_is_field_by_field(client: Client) -> None:
    bad = friend(postal_code="99999", skills=["cooking"], radius_km=500, status="boss")
    response = await client.post("/api/v1/friends", json=bad, headers=admin_headers())
    assert response.status == 422
    assert set((await response.json())["errors"]) == {"skills", "radius_km", "status"}
    unknown_code = await client.post(
        "/api/v1/friends", json=friend(postal_code="99999"), headers=admin_headers()
    )
    assert (await unknown_code.json())["errors"] == {"postal_code": "unknown postal code in DE"}


async def test_create_read_and_list_a_job(client: Client) -> None:
    job = await create_job(client, key="k-1")
    assert job["reference"].startswith("TF-")
    assert job["status"] == "open"
    assert job["city"] == "Berlin" and job["postal_code"] == "10115"
    # The Messenger form of the request ({"psid": ...}) makes a Messenger customer, shown as
    # before channels; the job's "channel" names the door.
    assert job["customer"] == {
        "psid": "cust-1",
        "name": "Erika Muster",
        "phone": "+491719876543",
        "language": "de",
    }
    assert job["channel"] == "messenger"
    assert job["status_url"].startswith("http://127.0.0.1:8000/b/")
    assert job["assigned_friend"] is None
    assert job["time_window"]["start"].endswith("+01:00")

    read = await client.get(f"/api/v1/jobs/{job['reference']}", headers=api_headers())
    assert (await read.json())["reference"] == job["reference"]
    listed = await client.get("/api/v1/jobs?customer_psid=cust-1", headers=api_headers())
    assert [j["reference"] for j in await listed.json()] == [job["reference"]]
    nobody = await client.get("/api/v1/jobs?customer_psid=other", headers=api_headers())
    assert await nobody.json() == []


async def test_the_same_idempotency_key_never_makes_two_jobs(client: Client) -> None:
    first = await client.post(
        "/api/v1/jobs", json=job_body(), headers=api_headers(**{"Idempotency-Key": "tap-1"})
    )
    second = await client.post(
        "/api/v1/jobs", json=job_body(), headers=api_headers(**{"Idempotency-Key": "tap-1"})
    )
    assert (first.status, second.status) == (201, 200)
    assert (await first.json())["reference"] == (await second.json())["reference"]
    listed = await client.get("/api/v1/jobs?customer_psid=cust-1", headers=api_headers())
    assert len(await listed.json()) == 1
    other = await create_job(client, key="tap-2")
    assert other["reference"] != (await first.json())["reference"]


async def test_bad_job_requests_get_reasons_not_500(client: Client) -> None:
    not_json = await client.post(
        "/api/v1/jobs", data=b"{oops", headers=api_headers(**{"Content-Type": "application/json"})
    )
    assert not_json.status == 400 and "JSON" in (await not_json.json())["error"]
    unknown_code = await client.post(
        "/api/v1/jobs", json=job_body(postal_code="99999"), headers=api_headers()
    )
    assert unknown_code.status == 422
    assert (await unknown_code.json())["errors"] == {"postal_code": "unknown postal code in DE"}
    missing = await client.post("/api/v1/jobs", json={}, headers=api_headers())
    assert missing.status == 422
    assert "category" in (await missing.json())["errors"]


async def test_unknown_job_is_404(client: Client) -> None:
    response = await client.get("/api/v1/jobs/TF-ZZZZ", headers=api_headers())
    assert response.status == 404
    assert (await response.json())["error"] == "no job with this reference"


async def test_unknown_route_answers_json(client: Client) -> None:
    response = await client.get("/api/v1/nothing", headers=api_headers())
    assert response.status == 404
    assert "error" in await response.json()


async def test_postal_code_lookup_knows_ambiguous_four_digit_codes(client: Client) -> None:
    both = await client.get("/api/v1/postal-codes?code=8010", headers=api_headers())
    assert {(p["country"], p["city"]) for p in await both.json()} == {
        ("AT", "Graz"),
        ("CH", "Zürich"),
    }
    swiss = await client.get("/api/v1/postal-codes?code=8010&country=CH", headers=api_headers())
    assert [p["city"] for p in await swiss.json()] == ["Zürich"]
    unknown = await client.get("/api/v1/postal-codes?code=99999", headers=api_headers())
    assert await unknown.json() == []
    bad = await client.get("/api/v1/postal-codes?code=abc", headers=api_headers())
    assert bad.status == 422


async def test_nearest_postal_code_to_a_shared_location(client: Client) -> None:
    near = await client.get(
        "/api/v1/postal-codes/nearest?latitude=52.5323&longitude=13.3846", headers=api_headers()
    )
    assert (await near.json())["postal_code"] == "10115"
    sea = await client.get(
        "/api/v1/postal-codes/nearest?latitude=55.0&longitude=3.0", headers=api_headers()
    )
    assert sea.status == 404


async def test_packages_are_priced_per_country(client: Client) -> None:
    de = await (await client.get("/api/v1/packages?country=DE", headers=api_headers())).json()
    ch = await (await client.get("/api/v1/packages?country=CH", headers=api_headers())).json()
    assert {p["price"]["currency"] for p in de} == {"EUR"}
    assert {p["price"]["currency"] for p in ch} == {"CHF"}
    assert {p["id"] for p in de} == {p["id"] for p in ch}
    pl = await (await client.get("/api/v1/packages?country=PL", headers=api_headers())).json()
    assert {p["price"]["currency"] for p in pl} == {"PLN"}
    assert pl[0]["name"]["pl"] == "Szybka pomoc (1 godzina)"
    bad = await client.get("/api/v1/packages?country=ES", headers=api_headers())
    assert bad.status == 422


async def test_a_job_in_a_country_not_served_is_refused(client: Client) -> None:
    # SERVICE_COUNTRIES is DE,AT,CH here (the default): Paris is not served yet.
    job = {
        "category": "computer",
        "description": "L'ordinateur ne démarre plus",
        "country": "FR",
        "postal_code": "75008",
        "customer": {
            "channel": "messenger",
            "id": "psid-paris",
            "name": "Marie Dupont",
            "phone": "+33 6 12 34 56 78",
        },
    }
    response = await client.post("/api/v1/jobs", json=job, headers=api_headers())
    assert response.status == 422
    assert "not served" in (await response.json())["errors"]["country"]


async def test_openapi_document_lists_every_api_path(client: Client) -> None:
    response = await client.get("/api/v1/openapi.json")
    doc = await response.json()
    assert doc["openapi"].startswith("3.")
    registered = {
        r.resource.canonical
        for r in client.app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith("/api/v1/")
    } - {"/api/v1/openapi.json"}
    assert registered == set(doc["paths"])


async def test_a_shared_location_finds_the_nearest_code_in_a_served_country(
    settings: Settings,
) -> None:
    # Strasbourg's cathedral: Kehl (DE) is across the Rhine, a few kilometres away.
    where = "/api/v1/postal-codes/nearest?latitude=48.5818&longitude=7.7509"
    async with backend(settings) as client:
        assert (await (await client.get(where, headers=api_headers())).json())["country"] == "DE"
    with_france = dataclasses.replace(settings, service_countries=COUNTRY_CODES)
    async with backend(with_france) as client:
        place = await (await client.get(where, headers=api_headers())).json()
        assert place["country"] == "FR" and place["postal_code"].startswith("670")
