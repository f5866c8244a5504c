"""Completion issues exactly one invoice (chat, API), read back as JSON and PDF; corrections
are credit notes; the Friend's IBAN and VAT status (issue 18)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from backend.billing.accounts import BillingSettings
from backend.billing.numbers import parse
from backend.billing.orm import Invoice
from backend.billing.references import is_valid_qrr, qrr_reference, rf_reference
from backend.config import Settings
from backend.services.invoices import payment_of
from simulator.fake_graph import FakeGraph
from tests.backend.clock import Client, MovableClock, backend, clocked
from tests.backend.conftest import admin_headers, api_headers
from tests.backend.helpers import (
    add_friend,
    create_job,
    friend,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)
from tests.billing.pdf_text import extract_text

Graph = tuple[FakeGraph, str]
ZURICH_JOB = {
    "country": "CH",
    "postal_code": "8002",
    "street": "Seestrasse 5",
    "customer": {
        "psid": "cust-ch",
        "name": "Jürg Müller",
        "phone": "079 123 45 67",
        "language": "de",
    },
}


async def _assigned(
    client: Client, graph: FakeGraph, friend: dict[str, Any] | None = None, **job: Any
) -> tuple[str, int]:
    """A job claimed by a Friend (Anna in Berlin unless ``friend`` says otherwise)."""
    anna = await add_friend(client, **(friend or {}))
    ref: str = (await create_job(client, **job))["reference"]
    await wait_for(graph, lambda c: ref in text_of(c))
    await post_friends_webhook(client, [tap(anna["messenger_id"], f"CLAIM:{ref}", 1)])
    await wait_for(graph, lambda c: "gehört" in text_of(c))
    return ref, int(anna["id"])


async def _complete(client: Client, ref: str, **body: Any) -> Any:
    return await client.post(
        f"/api/v1/jobs/{ref}/completion",
        json={"extra_minutes": 0, "payment": "platform"} | body,
        headers=admin_headers(),
    )


async def _invoice(client: Client, ref: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/jobs/{ref}/invoice", headers=api_headers())
    assert response.status == 200, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def test_the_friends_done_in_chat_issues_one_invoice_with_a_girocode_and_35a_labour(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        ref, _ = await _assigned(client, graph)
        await post_friends_webhook(client, [tap("friend-anna", f"DONEEXTRA:{ref}:setup:30", 5)])
        await wait_for(graph, lambda c: "abgeschlossen" in text_of(c))
        invoice = await _invoice(client, ref)
        year = invoice["issued_at"][:4]
        assert invoice["number"] == f"DE-{year}-000001"
        assert (invoice["currency"], invoice["total"], invoice["labour"]) == (
            "EUR",
            "111.00",
            "111.00",
        )
        # A small business (no VAT status given): no VAT.
        assert (invoice["vat"], invoice["vat_rate"]) == ("0.00", None)
        assert [(x["quantity"], x["amount"], x["labour"]) for x in invoice["lines"]] == [
            (1, "89.00", True),
            (2, "22.00", True),
        ]
        assert invoice["lines"][0]["description"] == "Paket Einrichtung (2 Stunden)"
        assert invoice["status"] == "open" and invoice["outstanding"] == "111.00"
        payment = invoice["payment"]
        assert payment["method"] == "epc_qr" and payment["reference"].startswith("RF")
        assert payment["qr_payload"].split("\n")[:4] == ["BCD", "002", "1", "SCT"]
        assert payment["reference"] in payment["qr_payload"]

        pdf = await client.get(f"/api/v1/jobs/{ref}/invoice.pdf", headers=api_headers())
        assert pdf.status == 200 and pdf.content_type == "application/pdf"
        printed = extract_text(await pdf.read())
        assert invoice["number"] in printed and "§ 35a EStG" in printed
        assert "Erika Muster" in printed and "Invalidenstraße 1" in printed

        # Done twice in chat is refused; the API's completion returns the same invoice.
        repeated = await _complete(client, ref)
        assert repeated.status == 200
        assert (await repeated.json())["number"] == invoice["number"]


async def test_completion_by_api_for_a_zurich_job_issues_a_swiss_qr_bill_once(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    swiss_friend = {
        "messenger_id": "friend-reto",
        "name": "Reto Keller",
        "postal_code": "8001",
        "country": "CH",
        "iban": "CH93 0076 2011 6238 5295 7",
        "vat": {"CH": {"registered": True, "vat_id": "CHE-123.456.789 MWST"}},
    }
    async with backend(clocked(settings, MovableClock())) as client:
        ref, reto = await _assigned(client, graph, swiss_friend, **ZURICH_JOB)
        friend = await (await client.get(f"/api/v1/friends/{reto}", headers=admin_headers())).json()
        assert friend["iban"] == "CH9300762011623852957"

        bad = await _complete(client, ref, extra_minutes=-5, payment="cash")
        assert bad.status == 422
        assert set((await bad.json())["errors"]) == {"extra_minutes", "payment"}
        internal = await client.post(
            f"/api/v1/jobs/{ref}/completion",
            json={"extra_minutes": 0, "payment": "platform"},
            headers=api_headers(),
        )
        assert internal.status in (401, 403)

        done = await _complete(client, ref, extra_minutes=20)
        assert done.status == 201, await done.text()
        invoice = await done.json()
        assert invoice["number"].startswith("CH-") and invoice["currency"] == "CHF"
        # 79.00 + 2 × 19.50 = 118.00, VAT 8.1 % included: 118 × 8.1 / 108.1 = 8.84
        assert (invoice["total"], invoice["vat"], invoice["vat_rate"]) == ("118.00", "8.84", "8.1")
        payment = invoice["payment"]
        assert payment["method"] == "swiss_qr_bill" and is_valid_qrr(payment["reference"])
        assert payment["qr_payload"].startswith("SPC\r\n0200\r\n1\r\nCH4431999123000889012")
        assert "118.00" in payment["qr_payload"] and "Seestrasse" in payment["qr_payload"]

        again = await _complete(client, ref, extra_minutes=60)
        assert again.status == 200 and (await again.json()) == invoice
        assert await _invoice(client, ref) == invoice
        job = await (await client.get(f"/api/v1/jobs/{ref}", headers=api_headers())).json()
        assert job["status"] == "completed"
        ledger = await (await client.get("/api/v1/ledger", headers=admin_headers())).json()
        assert [(e["price"], e["paid_via"]) for e in ledger] == [("118.00", "platform")]

        pdf = await client.get(f"/api/v1/jobs/{ref}/invoice.pdf", headers=admin_headers())
        printed = extract_text(await pdf.read())
        assert "MWST 8.1 %" in printed and "CHE-123.456.789 MWST" in printed

        # The customer's status page shows the one line and links the PDF by its own key.
        path = urlsplit(job["status_url"]).path
        page = await (await client.get(path, headers={"Accept-Language": "en"})).text()
        page = page.replace("\xa0", " ").replace("\u202f", " ")
        assert "CHF 118.00, zahlbar innerhalb von 10 Tagen, scannen Sie den QR-Code" in page
        assert f'href="{path}/invoice.pdf"' in page
        customer_pdf = await client.get(f"{path}/invoice.pdf")
        assert customer_pdf.status == 200 and customer_pdf.content_type == "application/pdf"
        assert invoice["number"] in extract_text(await customer_pdf.read())
        assert (await client.get("/b/" + "x" * 32 + "/invoice.pdf")).status == 404

        assert (await _complete(client, "TF-NONE")).status == 404
        none = await client.get("/api/v1/jobs/TF-NONE/invoice", headers=api_headers())
        assert none.status == 404


async def test_an_open_job_cannot_be_completed_by_api_and_has_no_invoice(
    settings: Settings, fake_graph: Graph
) -> None:
    async with backend(clocked(settings, MovableClock())) as client:
        ref: str = (await create_job(client))["reference"]
        refused = await _complete(client, ref, payment="direct")
        assert refused.status == 409
        missing = await client.get(f"/api/v1/jobs/{ref}/invoice.pdf", headers=api_headers())
        assert missing.status == 404


async def test_a_price_correction_and_a_cancellation_are_credit_notes_never_edits(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        ref, _ = await _assigned(client, graph)
        invoice = await (await _complete(client, ref, payment="direct")).json()
        assert invoice["payment"] == {
            "method": "direct",
            "paid_via": "direct",
            "reference": "",
            "qr_payload": None,
            "iban": None,
            "due_on": None,
        }
        assert invoice["status"] == "paid"
        url = f"/api/v1/jobs/{ref}/invoice/corrections"
        missing = await client.post(url, json={"new_price": "39.00"}, headers=admin_headers())
        assert missing.status == 422 and "reason" in (await missing.json())["errors"]
        higher = await client.post(
            url, json={"new_price": "59.00", "reason": "x"}, headers=admin_headers()
        )
        assert higher.status == 409

        lower = await client.post(
            url, json={"new_price": "39.00", "reason": "Kulanz"}, headers=admin_headers()
        )
        assert lower.status == 201, await lower.text()
        corrected = await lower.json()
        year = invoice["number"][3:7]
        assert corrected["credit_note"] == f"DE-{year}-000002"
        assert corrected["number"] == invoice["number"] and corrected["total"] == "49.00"
        assert [(n["total"], n["reason"]) for n in corrected["credit_notes"]] == [
            ("-10.00", "Kulanz")
        ]
        full = await client.post(
            url, json={"full_credit": True, "reason": "storniert"}, headers=admin_headers()
        )
        assert full.status == 201
        credited = await full.json()
        assert credited["status"] == "credited"
        assert [n["total"] for n in credited["credit_notes"]] == ["-10.00", "-39.00"]
        twice = await client.post(
            url, json={"full_credit": True, "reason": "storniert"}, headers=admin_headers()
        )
        assert twice.status == 409

        note = await client.get(
            f"/api/v1/jobs/{ref}/invoice.pdf",
            params={"number": credited["credit_notes"][1]["number"]},
            headers=api_headers(),
        )
        printed = extract_text(await note.read())
        assert "Gutschrift" in printed and invoice["number"] in printed


async def test_a_friends_iban_is_checked_where_admin_sets_it(
    settings: Settings, fake_graph: Graph
) -> None:
    async with backend(clocked(settings, MovableClock())) as client:
        wrong = await client.post(
            "/api/v1/friends",
            json=friend(iban="DE89370400440532013001"),
            headers=admin_headers(),
        )
        assert wrong.status == 422 and set((await wrong.json())["errors"]) == {"iban"}
        anna = await add_friend(client, check_in=False)
        assert (anna["iban"], anna["vat"]) == ("", {})
        url = f"/api/v1/friends/{anna['id']}"
        bad = await client.patch(url, json={"iban": "nonsense"}, headers=admin_headers())
        assert bad.status == 422 and "iban" in (await bad.json())["errors"]
        bad_vat = await client.patch(url, json={"vat": {"XX": {}}}, headers=admin_headers())
        assert bad_vat.status == 422 and "vat" in (await bad_vat.json())["errors"]
        changed = await client.patch(
            url,
            json={"iban": "de89 3704 0044 0532 0130 00", "vat": {"DE": {"registered": True}}},
            headers=admin_headers(),
        )
        assert changed.status == 200
        body = await changed.json()
        assert body["iban"] == "DE89370400440532013000"
        assert body["vat"] == {"DE": {"registered": True, "vat_id": ""}}
        listed = await (await client.get("/api/v1/friends", headers=admin_headers())).json()
        assert [f["iban"] for f in listed] == ["DE89370400440532013000"]


async def test_two_completions_at_once_issue_one_invoice(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        ref, _ = await _assigned(client, graph)
        first, second = await asyncio.gather(_complete(client, ref), _complete(client, ref))
        assert sorted([first.status, second.status]) == [200, 201]
        numbers = {(await first.json())["number"], (await second.json())["number"]}
        assert len(numbers) == 1
        ledger = await (await client.get("/api/v1/ledger", headers=admin_headers())).json()
        assert len(ledger) == 1


def test_a_stored_invoice_is_paid_to_the_account_its_reference_was_made_for() -> None:
    number = parse("CH-2026-000007")
    stored = Invoice(
        number=str(number),
        country="CH",
        currency="CHF",
        gross=Decimal("79.00"),
        language="de",
        customer_name="Jürg Müller",
        customer_address="Seestrasse 5\n8002 Zürich",
        payment_method="swiss_qr_bill",
        payment_reference=rf_reference(number),  # issued while there was no QR-IBAN
    )
    payment = payment_of(stored, BillingSettings())  # the demo has a QR-IBAN now
    assert payment is not None and payment.reference == stored.payment_reference
    assert payment.creditor.iban == "CH9300762011623852957"
    stored.payment_reference = qrr_reference(number)
    payment = payment_of(stored, BillingSettings())
    assert payment is not None and payment.creditor.iban == "CH4431999123000889012"
    assert payment.debtor is not None and payment.debtor.house_number == "5"


async def test_two_full_credits_at_once_credit_the_invoice_once(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        ref, _ = await _assigned(client, graph)
        assert (await _complete(client, ref)).status == 201
        url = f"/api/v1/jobs/{ref}/invoice/corrections"
        body = {"full_credit": True, "reason": "storniert"}
        answers = await asyncio.gather(
            *(client.post(url, json=body, headers=admin_headers()) for _ in range(3))
        )
        assert sorted(a.status for a in answers) == [201, 409, 409]
        invoice = await _invoice(client, ref)
        assert invoice["status"] == "credited" and len(invoice["credit_notes"]) == 1
