"""Credits matched to invoices (paid, part paid, overpaid, unknown), invoice statuses, and the
Friends' month: statements and the payout transfers of a run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from backend.billing.camt import Credit, parse
from backend.billing.journal import PaidVia
from backend.billing.matching import Outstanding, Review, Status, match, status
from backend.billing.pain001 import Account, payout_file
from backend.billing.payouts import (
    Issued,
    Payee,
    message_id,
    payout_key,
    period_of,
    statements,
    transfers,
)

FIXTURES = Path(__file__).parent / "fixtures"


def credit(amount: str, reference: str, currency: str = "CHF") -> Credit:
    return Credit("acct:tx", "CH44", D(amount), currency, reference, date(2026, 12, 7))


OPEN = {
    "CH-2026-000123": Outstanding("CH-2026-000123", "CHF", D("109.00")),
    "CH-2026-000124": Outstanding("CH-2026-000124", "CHF", D("0.00")),
}


@pytest.mark.parametrize(
    ("amount", "reference", "currency", "invoice", "matched", "unmatched", "review"),
    [
        ("109.00", "000000000000075620260001232", "CHF", "CH-2026-000123", "109.00", "0", ""),
        ("50.00", "RF58CH2026000123", "CHF", "CH-2026-000123", "50.00", "0", ""),
        ("120.00", "000000000000075620260001232", "CHF", "CH-2026-000123", "109.00", "11.00",
         "overpaid"),
        ("109.00", "000000000000075620260001232", "EUR", "CH-2026-000123", "0", "109.00",
         "wrong_currency"),
        ("79.00", "000000000000075620260001248", "CHF", "CH-2026-000124", "0", "79.00",
         "nothing_outstanding"),
        ("79.00", "RF18539007547034", "CHF", None, "0", "79.00", "unknown_reference"),
        ("79.00", "", "CHF", None, "0", "79.00", "unknown_reference"),
    ],
)  # fmt: skip
def test_a_credit_is_matched_by_its_reference(
    amount: str,
    reference: str,
    currency: str,
    invoice: str | None,
    matched: str,
    unmatched: str,
    review: str,
) -> None:
    result = match(credit(amount, reference, currency), OPEN)
    assert (result.invoice, result.matched, result.unmatched, result.review) == (
        invoice,
        D(matched),
        D(unmatched),
        Review(review),
    )
    assert result.matched + result.unmatched == D(amount)


def test_the_swiss_statement_fixture_matches_end_to_end() -> None:
    outstanding = {
        "CH-2026-000123": Outstanding("CH-2026-000123", "CHF", D("109.00")),
        "CH-2026-000124": Outstanding("CH-2026-000124", "CHF", D("129.00")),
    }
    results = [match(c, outstanding) for c in parse((FIXTURES / "camt053_v02.xml").read_bytes())]
    assert [(r.invoice, r.matched, r.review) for r in results] == [
        ("CH-2026-000123", D("109.00"), Review.NONE),
        ("CH-2026-000124", D("79.00"), Review.NONE),  # part of 129.00 …
        ("CH-2026-000124", D("50.00"), Review.NONE),  # … and the rest, reference in free text
    ]


@pytest.mark.parametrize(
    ("gross", "credited", "paid", "expected"),
    [
        ("109.00", "0", "0", Status.OPEN),
        ("109.00", "0", "50.00", Status.PART_PAID),
        ("109.00", "0", "109.00", Status.PAID),
        ("109.00", "0", "120.00", Status.PAID),
        ("109.00", "9.00", "100.00", Status.PAID),
        ("109.00", "109.00", "0", Status.CREDITED),
        ("109.00", "109.00", "109.00", Status.CREDITED),  # refund due
    ],
)
def test_an_invoice_status_follows_its_money(
    gross: str, credited: str, paid: str, expected: Status
) -> None:
    assert status(D(gross), D(credited), D(paid)) is expected


def test_a_friends_month_statement() -> None:
    docs = [
        Issued(1, "CHF", PaidVia.PLATFORM, D("79.00"), D("15.80"), True),
        Issued(1, "CHF", PaidVia.DIRECT, D("109.00"), D("21.80"), True),
        Issued(1, "CHF", PaidVia.PLATFORM, D("-79.00"), D("-15.80"), False),  # cancelled
        Issued(2, "EUR", PaidVia.PLATFORM, D("49.00"), D("9.80"), True),
    ]
    one, two = statements("2026-11", docs)
    assert (one.friend_id, one.currency, one.jobs) == (1, "CHF", 2)
    assert (one.paid_through_platform, one.collected_directly, one.commission) == (
        D("0.00"),
        D("109.00"),
        D("21.80"),
    )
    assert one.earned == D("87.20")
    assert (two.friend_id, two.paid_through_platform, two.commission, two.earned) == (
        2,
        D("49.00"),
        D("9.80"),
        D("39.20"),
    )


def test_a_payout_run_pays_what_the_platform_owes_once_per_period() -> None:
    balances = {
        (1, "CHF"): D("-63.20"),  # 80 % of a CHF 79.00 job paid through the platform
        (2, "EUR"): D("21.80"),  # owes commission: not paid, invoiced
        (3, "EUR"): D("-39.20"),  # no account on file: not paid
        (4, "EUR"): D("-10.00"),
    }
    payees = {
        1: Payee("Jürg Frei", "CH5604835012345678009"),
        2: Payee("Anna", "DE02120300000000202051"),
        4: Payee("Łukasz", "AT611904300234573201"),
    }
    run = transfers("2026-11", balances, payees)
    assert {c: [(t.end_to_end_id, t.amount) for t in ts] for c, ts in run.items()} == {
        "CHF": [("TF-2026-11-F1", D("63.20"))],
        "EUR": [("TF-2026-11-F4", D("10.00"))],
    }
    assert run == transfers("2026-11", balances, payees)  # the same run, the same file content
    assert payout_key("2026-11", 1, "CHF") == "payout:2026-11:friend:1:CHF"
    xml = payout_file(
        Account("techfriends GmbH", "CH9300762011623852957"),
        run["CHF"],
        "CHF",
        date(2026, 12, 1),
        message_id("2026-11", "CHF"),
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert b"<MsgId>TF-PAYOUT-2026-11-CHF</MsgId>" in xml and b">63.20<" in xml
    with pytest.raises(ValueError):
        transfers("2026-13", balances, payees)


def test_a_month_is_the_issuing_countrys() -> None:
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert period_of(late, "CH") == "2026-12"
    assert period_of(late, "DE") == "2026-12"
    assert period_of(datetime(2026, 11, 30, 22, 30, tzinfo=UTC), "CH") == "2026-11"
