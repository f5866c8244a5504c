"""Customers beyond Messenger: a job booked on the website chat carries its channel and status
link, lists and ratings find the customer by (channel, id), the old Messenger forms keep
working, and the news about the job goes back through the website chat."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer, CustomerNotice, Job
from backend.config import Settings
from simulator.fake_graph import FakeGraph
from tests.backend.conftest import FakeRasa, api_headers
from tests.backend.helpers import (
    Client,
    add_friend,
    create_job,
    job_body,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

WEB_ID = "web-" + "0123456789abcdef" * 2
PUBLIC = "https://hilfe.example.org"


def web_customer(**changes: Any) -> dict[str, Any]:
    return {
        "channel": "webchat",
        "id": WEB_ID,
        "name": "Karl Weber",
        "phone": "030 1234567",
        "language": "de",
        "email": "karl.weber@example.org",
    } | changes


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, public_base_url=PUBLIC)


async def _stored(settings: Settings, reference: str) -> tuple[Job, Customer]:
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.scalar(select(Job).where(Job.reference == reference))
            assert job is not None
            customer = await session.get(Customer, job.customer_id)
            assert customer is not None
            return job, customer
    finally:
        await engine.dispose()


async def _list(client: Client, query: str) -> tuple[int, Any]:
    response = await client.get(f"/api/v1/jobs?{query}", headers=api_headers())
    return response.status, await response.json()


async def test_a_web_job_names_its_channel_and_its_status_page(
    client: Client, settings: Settings
) -> None:
    job = await create_job(client, customer=web_customer())
    assert job["channel"] == "webchat"
    assert job["customer"] == {
        "channel": "webchat",
        "id": WEB_ID,
        "psid": None,  # a PSID is a Messenger id only
        "name": "Karl Weber",
        "phone": "+49301234567",
        "language": "de",
        "email": "karl.weber@example.org",
    }
    stored, customer = await _stored(settings, job["reference"])
    assert (customer.channel, customer.channel_id) == ("webchat", WEB_ID)
    assert customer.email == "karl.weber@example.org" and stored.channel == "webchat"
    assert stored.status_token and len(stored.status_token) >= 24
    assert job["status_url"] == f"{PUBLIC}/b/{stored.status_token}"
    # Every answer that shows the job shows the same link.
    read = await (
        await client.get(f"/api/v1/jobs/{job['reference']}", headers=api_headers())
    ).json()
    assert read["status_url"] == job["status_url"] and read["channel"] == "webchat"


async def test_lists_find_the_customer_by_channel_and_id(client: Client) -> None:
    messenger = await create_job(client)  # {"psid": "cust-1"}: Messenger
    web = await create_job(client, customer=web_customer())
    status, found = await _list(client, f"channel=webchat&customer_id={WEB_ID}")
    assert status == 200 and [j["reference"] for j in found] == [web["reference"]]
    for query in (
        "customer_psid=cust-1",
        "customer=cust-1",
        "channel=messenger&customer_id=cust-1",
    ):
        status, found = await _list(client, query)
        assert (status, [j["reference"] for j in found]) == (200, [messenger["reference"]]), query
    # The id alone is not the customer: the same id on another channel is somebody else.
    assert await _list(client, f"channel=messenger&customer_id={WEB_ID}") == (200, [])
    assert await _list(client, f"customer_psid={WEB_ID}") == (200, [])


async def test_a_second_web_booking_keeps_the_customer_and_a_given_address(
    client: Client, settings: Settings
) -> None:
    first = await create_job(client, customer=web_customer())
    second = await create_job(client, customer=web_customer(email="", name="Karl W."))
    _, one = await _stored(settings, first["reference"])
    _, two = await _stored(settings, second["reference"])
    assert one.id == two.id
    # The customer keeps the e-mail given before and the name first given; the second job
    # carries the name given for it (a booking never overwrites the customer's details).
    assert (two.name, two.email) == ("Karl Weber", "karl.weber@example.org")
    assert second["customer"]["name"] == "Karl W."


@pytest.mark.parametrize(
    ("customer", "field"),
    [
        (web_customer(channel="fax"), "customer.channel"),
        (web_customer(channel=None), "customer.channel"),
        (web_customer(id=""), "customer.id"),
        (web_customer(email="karl.weber(at)example.org"), "customer.email"),
        (web_customer(email="karl weber@example.org"), "customer.email"),
        (web_customer(email="karl@localhost"), "customer.email"),
        (web_customer(email=42), "customer.email"),
    ],
)
async def test_a_bad_channel_or_address_is_refused_with_its_reason(
    client: Client, customer: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/api/v1/jobs", json=job_body(customer=customer), headers=api_headers()
    )
    # 422, the API's answer to every field it cannot take (backend/web/json.py).
    assert response.status == 422
    errors = (await response.json())["errors"]
    assert set(errors) == {field}, errors
    assert await _list(client, f"channel=webchat&customer_id={WEB_ID}") == (200, [])


async def test_a_list_for_an_unknown_channel_or_nobody_says_why(client: Client) -> None:
    status, body = await _list(client, "channel=fax&customer_id=123")
    assert status == 422 and "webchat" in body["errors"]["channel"]
    status, body = await _list(client, "channel=webchat")
    assert status == 422 and set(body["errors"]) == {"customer_id"}
    status, body = await _list(client, "")
    assert status == 422 and set(body["errors"]) == {"customer"}


async def test_a_web_customer_rates_by_channel_and_id(
    client: Client, fake_graph: tuple[FakeGraph, str], settings: Settings
) -> None:
    graph, _ = fake_graph
    ref = await _claimed(client, graph)
    body = {"stars": 5, "channel": "webchat", "customer_id": WEB_ID}
    # Found (the job is not completed yet: 409), where another customer's is not there (404).
    assert (await _rate(client, ref, body)) == 409
    assert (await _rate(client, ref, body | {"customer_id": "web-" + "f" * 32})) == 404
    assert (await _rate(client, ref, {"stars": 5, "customer_psid": WEB_ID})) == 404
    assert (await _rate(client, ref, body | {"channel": "fax"})) == 422


async def _rate(client: Client, ref: str, body: dict[str, Any]) -> int:
    response = await client.post(f"/api/v1/jobs/{ref}/rating", json=body, headers=api_headers())
    return response.status


async def _claimed(client: Client, graph: FakeGraph) -> str:
    await add_friend(client)
    ref: str = (await create_job(client, customer=web_customer()))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    assert await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)]) == 200
    await wait_for(graph, lambda c: c.recipient == "friend-anna" and "gehört" in text_of(c))
    return ref


async def test_news_for_a_web_customer_go_out_through_the_web_chat(
    client: Client, fake_graph: tuple[FakeGraph, str], fake_rasa: FakeRasa, settings: Settings
) -> None:
    graph, _ = fake_graph
    ref = await _claimed(client, graph)
    for _ in range(100):
        if fake_rasa.triggers:
            break
        await asyncio.sleep(0.05)
    [told] = fake_rasa.triggers
    assert told["conversation"] == WEB_ID
    assert told["query"] == {"output_channel": "webchat", "token": "rasa-token"}
    assert told["body"]["name"] == "EXTERNAL_friend_assigned"
    assert told["body"]["entities"]["job_reference"] == ref
    # The row is marked sent just after Rasa's answer: look until it is.
    engine = make_engine(settings.database_url)
    try:
        for _ in range(100):
            async with make_sessionmaker(engine)() as session:
                [notice] = (await session.scalars(select(CustomerNotice))).all()
            if notice.status == "sent":
                break
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    assert (notice.channel, notice.conversation_id, notice.status) == ("webchat", WEB_ID, "sent")


async def test_a_messenger_jobs_customer_reads_as_before_channels(client: Client) -> None:
    """Code written against the job JSON before channels compares `customer` whole."""
    job = await create_job(client)
    assert job["channel"] == "messenger"
    assert set(job["customer"]) == {"psid", "name", "phone", "language"}
    assert job["customer"]["psid"] == "cust-1"
