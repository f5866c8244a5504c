"""The scripted customers of the Messenger tests book again, this time on the website chat
(Rasa's socket.io protocol, long-polling), all at once: each job must say what the customer
said, name the channel `webchat` and the conversation the server issued, and carry a status
link that opens; one customer leaves an e-mail address, the others tap "No, thanks".
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import aiohttp

from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import SCRIPTED_CUSTOMERS, Booking, Customer, api, book
from tests.e2e.webchat_chat import WebChat

API_TOKEN = SECRETS["BACKEND_API_TOKEN"]
# The customers who only type and tap (the web chat takes no photo or shared location).
WEB_CUSTOMERS = [c for c in SCRIPTED_CUSTOMERS if c.location is None and c.image_url is None]
EMAIL = "erika.mustermann@example.org"


async def _book_on_the_web(system: System, template: Customer) -> tuple[Customer, Booking]:
    chat = await WebChat(system, language=template.locale.replace("_", "-")).open()
    customer = replace(template, psid=chat.psid, asked=[])
    if customer.name == "Erika Mustermann":
        customer.email = EMAIL
    try:
        booking = await book(system, customer, chat)
        # The status link follows the confirmation as a message of its own.
        await chat.wait("/b/")
        return customer, booking
    finally:
        await chat.close()


async def _jobs_of(system: System, conversation: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api(
        system, "GET", f"/api/v1/jobs?channel=webchat&customer_id={conversation}", API_TOKEN
    )
    return found


async def test_the_scripted_customers_book_on_the_website_chat(system: System) -> None:
    results = await asyncio.gather(*(_book_on_the_web(system, c) for c in WEB_CUSTOMERS))
    assert len(results) == len(WEB_CUSTOMERS) >= 5
    for customer, booking in results:
        assert customer.psid.startswith("web-") and len(customer.psid) == 36
        assert "email" in customer.asked  # the web booking offers the e-mail question
        jobs = await _jobs_of(system, customer.psid)
        assert len(jobs) == 1, (customer.name, jobs)
        job = jobs[0]
        assert job["reference"] in booking.confirmation
        assert job["channel"] == "webchat"
        assert job["customer"]["channel"] == "webchat"
        assert job["customer"]["id"] == customer.psid
        assert job["customer"]["name"] == customer.name
        assert job["customer"]["phone"].startswith("+")
        assert job["customer"]["language"] == customer.locale[:2]
        assert job["customer"].get("email", "") == (customer.email or "")
        assert (job["category"], job["postal_code"], job["package"]) == (
            customer.category,
            customer.postal_code,
            customer.package,
        )
        assert customer.city in job["city"]
        # The confirmation shows the private status link, and it opens the job's page.
        assert job["status_url"] in "\n".join(t for t in booking.chat.transcript)
        async with aiohttp.ClientSession() as http, http.get(job["status_url"]) as page:
            assert page.status == 200
            assert job["reference"] in await page.text()
        # Messenger's list knows nothing of web conversations.
        assert (
            await api(system, "GET", f"/api/v1/jobs?customer_psid={customer.psid}", API_TOKEN) == []
        )


async def test_a_reloaded_page_gets_its_conversation_back_and_a_forged_one_nothing(
    system: System,
) -> None:
    first = await WebChat(system).open()
    try:
        await first.send_text("Hallo", lambda call: bool(call["body"]["message"]["text"]))
        said = [c["body"]["message"]["text"] for c in first.received]
    finally:
        await first.close()
    again = await WebChat(system).open(first.token)
    try:
        assert again.psid == first.psid
        shown = " ".join(str(m.get("text", "")) for m in again.history or [])
        assert "Hallo" in shown and said[0][:40] in shown
    finally:
        await again.close()
    forged = first.psid + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    stranger = await WebChat(system).open(forged)
    try:
        assert stranger.psid != first.psid
        assert stranger.history == []
    finally:
        await stranger.close()
