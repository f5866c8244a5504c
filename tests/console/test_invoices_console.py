"""Support completes a job in the console (the same use case as the chat and the API), opens
its invoice, and erasure pseudonymises the customer on it; the export lists it (issue 18)."""

from __future__ import annotations

import json

from backend.services.invoices import pseudonym
from backend.services.outbox import FRIENDS_PAGE, record_inbound
from backend.web.runtime import RUNTIME
from tests.billing.pdf_text import extract_text
from tests.console.conftest import ADMIN, ADMIN_TOKEN, API_TOKEN, Client, Clock, FakeRasa, login
from tests.console.test_jobs_friends_privacy import APPLICANT, create_job

ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
API_HEADERS = {"Authorization": f"Bearer {API_TOKEN}"}


async def test_support_completes_in_the_console_and_erasure_pseudonymises_the_invoice(
    client: Client, fake_rasa: FakeRasa, clock: Clock
) -> None:
    anna = APPLICANT | {"name": "Anna Aktiv", "messenger_id": "friend-anna", "status": "active"}
    created = await client.post("/api/v1/friends", json=anna, headers=ADMIN_HEADERS)
    friend_id = (await created.json())["id"]
    async with client.app[RUNTIME].sessions() as session:
        await record_inbound(session, FRIENDS_PAGE, {"friend-anna"}, clock())
        await session.commit()
    reference = (await create_job(client))["reference"]
    csrf = await login(client, ADMIN)
    url = f"/console/jobs/{reference}"
    await client.post(f"{url}/assign", data={"csrf": csrf, "friend_id": str(friend_id)})
    page = await (await client.get(url)).text()
    assert 'id="complete"' in page and 'id="invoice"' not in page

    bad = await client.post(
        f"{url}/complete", data={"csrf": csrf, "extra_minutes": "x", "payment": "platform"}
    )
    assert bad.status == 422
    done = await client.post(
        f"{url}/complete", data={"csrf": csrf, "extra_minutes": "15", "payment": "platform"}
    )
    assert done.status == 200
    page = await (await client.get(url)).text()
    assert 'id="invoice"' in page and 'id="complete"' not in page
    invoice = await (
        await client.get(f"/api/v1/jobs/{reference}/invoice", headers=API_HEADERS)
    ).json()
    # 49.00 + 1 × 12.00
    assert invoice["total"] == "61.00" and invoice["payment"]["method"] == "epc_qr"
    pdf = await client.get(f"{url}/invoice.pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert "Erika Muster" in extract_text(await pdf.read())

    exported = json.loads(await (await client.get("/console/privacy/export?psid=psid-42")).text())
    assert [(i["number"], i["customer_name"]) for i in exported["invoices"]] == [
        (invoice["number"], "Erika Muster")
    ]
    erased = await client.post(
        "/console/privacy/erase", data={"csrf": csrf, "psid": "psid-42", "confirm": "psid-42"}
    )
    assert erased.status == 200
    after = json.loads(await (await client.get("/console/privacy/export?psid=psid-42")).text())
    [kept] = after["invoices"]
    assert kept["number"] == invoice["number"] and kept["total"] == "61.00"
    assert kept["customer_name"].startswith("[erased customer ") and kept["customer_address"] == ""
    again = await (
        await client.get(f"/api/v1/jobs/{reference}/invoice", headers=API_HEADERS)
    ).json()
    assert {k: v for k, v in again.items() if k != "payment"} == {
        k: v for k, v in invoice.items() if k != "payment"
    }
    printed = extract_text(await (await client.get(f"{url}/invoice.pdf")).read())
    assert "Erika" not in printed and "Invalidenstraße" not in printed
    assert kept["customer_name"] == pseudonym(int(kept["customer_name"].split()[-1][:-1]))
