"""One API token reached every customer (issue 21, point 3): an `Idempotency-Key` reused for
another customer answered with the first customer's job, a booking naming an existing
customer overwrote their name and phone, the internal token could cancel as anybody, and
nothing kept the internal token from being the admin token."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer, JobEvent
from backend.config import Settings
from tests.backend.conftest import admin_headers, api_headers
from tests.backend.helpers import Client, create_job, get_job, job_body


def customer(psid: str, name: str = "Erika Muster", phone: str = "0171 9876543") -> dict[str, str]:
    return {"psid": psid, "name": name, "phone": phone, "language": "de"}


async def test_an_idempotency_key_from_another_customer_makes_a_new_job(client: Client) -> None:
    first = await create_job(client, key="order-1", customer=customer("cust-1"))
    again = await client.post(
        "/api/v1/jobs",
        json=job_body(customer=customer("cust-1")),
        headers=api_headers(**{"Idempotency-Key": "order-1"}),
    )
    assert again.status == 200  # the retry of the same customer's booking: the same job
    assert (await again.json())["reference"] == first["reference"]
    other = await client.post(
        "/api/v1/jobs",
        json=job_body(customer=customer("cust-2", "Max Mustermann", "0171 1234567")),
        headers=api_headers(**{"Idempotency-Key": "order-1"}),
    )
    assert other.status == 201, await other.text()
    body = await other.json()
    assert body["reference"] != first["reference"]
    assert body["customer"]["psid"] == "cust-2"
    assert body["customer"]["name"] == "Max Mustermann"


async def test_an_idempotency_key_is_scoped_to_the_token(client: Client) -> None:
    first = await create_job(client, key="order-7")
    admin = await client.post(
        "/api/v1/jobs", json=job_body(), headers=admin_headers() | {"Idempotency-Key": "order-7"}
    )
    assert admin.status == 201
    assert (await admin.json())["reference"] != first["reference"]


async def test_a_booking_does_not_overwrite_the_customers_name_and_phone(
    client: Client, settings: Settings
) -> None:
    first = await create_job(client, customer=customer("cust-1"))
    second = await create_job(client, customer=customer("cust-1", "Mallory", "0171 5555555"))
    # The first job keeps the details given for it; the second carries its own.
    shown = await get_job(client, first["reference"])
    assert (shown["customer"]["name"], shown["customer"]["phone"]) == (
        "Erika Muster",
        "+491719876543",
    )
    assert (second["customer"]["name"], second["customer"]["phone"]) == (
        "Mallory",
        "+491715555555",
    )
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            stored = await session.scalar(select(Customer).where(Customer.channel_id == "cust-1"))
            assert stored is not None
            assert (stored.name, stored.phone) == ("Erika Muster", "+491719876543")
            kinds = list(await session.scalars(select(JobEvent.kind)))
            assert kinds.count("contact_differs") == 1
    finally:
        await engine.dispose()


@pytest.mark.parametrize("by", ["support", "partner", "hacker"])
async def test_the_internal_token_cancels_only_as_the_customer(client: Client, by: str) -> None:
    job = await create_job(client)
    response = await client.post(
        f"/api/v1/jobs/{job['reference']}/cancel",
        json={"reason": "x", "by": by},
        headers=api_headers(),
    )
    assert response.status == 422
    assert set((await response.json())["errors"]) == {"by"}
    assert (await get_job(client, job["reference"]))["status"] == "open"


async def test_the_admin_token_may_cancel_as_support(client: Client) -> None:
    job = await create_job(client)
    response = await client.post(
        f"/api/v1/jobs/{job['reference']}/cancel",
        json={"reason": "x", "by": "support"},
        headers=admin_headers(),
    )
    assert response.status == 200


def test_the_internal_token_cannot_be_the_admin_token(settings: Settings) -> None:
    with pytest.raises(ValueError, match=r"BACKEND_API_TOKEN .* must differ"):
        dataclasses.replace(settings, api_token="same", admin_token="same")
    with pytest.raises(ValueError, match="must differ"):
        Settings.from_env({"BACKEND_API_TOKEN": "same", "BACKEND_ADMIN_TOKEN": "same"})
