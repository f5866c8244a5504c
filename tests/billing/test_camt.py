"""Bank statements: the credits of camt.053 (.02 and .08) and camt.054, with ids that make a
second import of the same payment recognisable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from backend.billing.camt import Credit, StatementError, parse
from backend.billing.numbers import InvoiceNumber
from backend.billing.references import invoice_number

FIXTURES = Path(__file__).parent / "fixtures"


def credits(name: str) -> list[Credit]:
    return parse((FIXTURES / name).read_bytes())


def test_a_swiss_statement_gives_its_booked_credits_one_per_transaction() -> None:
    found = credits("camt053_v02.xml")
    assert [(c.amount, c.currency, c.reference, c.entry_id) for c in found] == [
        (D("109.00"), "CHF", "000000000000075620260001232", "CH4431999123000889012:TX-0001"),
        (D("79.00"), "CHF", "000000000000075620260001248", "CH4431999123000889012:TX-0002"),
        # an RF reference typed into the free text, with spaces, is found
        (D("50.00"), "CHF", "RF31CH2026000124", "CH4431999123000889012:TX-0003"),
    ]
    assert {c.booking_date for c in found} == {date(2026, 12, 7)}
    assert found[0].debtor == "Jürg Müller"
    assert found[2].remittance == "Rechnung RF31 CH20 2600 0124 Danke"
    # The debit, the pending credit and the reversal are not payments.
    assert D("500.00") not in {c.amount for c in found}
    # Each reference leads to its invoice.
    assert [invoice_number(c.reference) for c in found] == [
        InvoiceNumber("CH", 2026, 123),
        InvoiceNumber("CH", 2026, 124),
        InvoiceNumber("CH", 2026, 124),
    ]


def test_version_08_reads_status_codes_amounts_and_debtors_where_they_moved() -> None:
    found = credits("camt053_v08.xml")
    assert len(found) == 2
    first, second = found
    assert (first.amount, first.currency, first.reference) == (
        D("109.00"),
        "EUR",
        "RF58DE2026000123",
    )
    assert first.debtor == "Zofia Łęcka"
    assert first.booking_date == date(2026, 12, 7)  # from BookgDt/DtTm
    assert first.entry_id == "DE89370400440532013000:2026120712345"
    # No bank reference and no transaction details: the entry's own amount and a digest id.
    assert (second.amount, second.reference) == (D("12.50"), "")
    assert second.entry_id.startswith("DE89370400440532013000:sha256:")


def test_the_same_payment_in_a_notification_and_the_statement_has_one_id() -> None:
    notified = credits("camt054_v08.xml")
    stated = credits("camt053_v08.xml")
    assert len(notified) == 1
    assert notified[0].entry_id == stated[0].entry_id
    assert notified[0].reference == stated[0].reference  # spaces taken out
    # Parsing again gives the same ids: an import twice books nothing twice.
    assert [c.entry_id for c in credits("camt053_v08.xml")] == [c.entry_id for c in stated]


@pytest.mark.parametrize(
    "document",
    [
        b"not xml",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&a;</Document>',
        (FIXTURES / "camt053_v08.xml")
        .read_bytes()
        .replace(b'<Amt Ccy="EUR">12.50</Amt>', b'<Amt Ccy="EUR">-12.50</Amt>'),
        (FIXTURES / "camt053_v08.xml")
        .read_bytes()
        .replace(b"<Dt>2026-12-07</Dt>", b"<Dt>yesterday</Dt>"),
    ],
)
def test_what_is_not_a_readable_statement_is_refused(document: bytes) -> None:
    with pytest.raises(StatementError):
        parse(document)
