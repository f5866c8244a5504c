"""The journal balances: every entry sums to zero per currency, and after any mix of invoices,
credit notes, partial and over-payments, refunds, payouts and commission payments, each account
holds what an independent tally of the same events says it must."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.billing import journal
from backend.billing.invoice import Document, compose_invoice, full_credit, job_items
from backend.billing.invoice import price_correction as correction
from backend.billing.journal import (
    BANK,
    COMMISSION,
    CUSTOMERS,
    UNMATCHED,
    Entry,
    PaidVia,
    Posting,
    UnbalancedEntry,
    balances,
    friend_account,
    sums_per_currency,
)
from backend.billing.vat import VatStatus
from backend.domain.money import commission

NOW = datetime(2026, 12, 8, tzinfo=UTC)
CURRENCY = {"DE": "EUR", "AT": "EUR", "CH": "CHF", "FR": "EUR", "IT": "EUR", "PL": "PLN"}
cent_amounts = st.integers(1, 50_000).map(lambda n: D(n) / 100)


@dataclass
class Issued:
    invoice: Document
    number: str
    friend: int
    paid_via: PaidVia
    credited: D = D(0)
    paid: D = D(0)

    @property
    def remaining(self) -> D:
        return self.invoice.gross - self.credited

    @property
    def outstanding(self) -> D:
        return self.remaining - self.paid if self.paid_via is PaidVia.PLATFORM else D(0)


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_any_mix_of_money_events_keeps_the_books_balanced(data: st.DataObject) -> None:
    entries: list[Entry] = []
    issued: list[Issued] = []
    # What bank transfers, payouts and commission payments did, tallied beside the journal.
    tally: dict[tuple[str, str], D] = defaultdict(D)
    moves = st.sampled_from(["invoice", "credit", "correct", "pay", "refund", "payout", "settle"])
    for step in range(data.draw(st.integers(1, 40), label="events")):
        move = data.draw(moves) if issued else "invoice"
        key = f"e{step}"
        if move == "invoice":
            country = data.draw(st.sampled_from(sorted(CURRENCY)))
            status = (
                VatStatus.vat_registered(country)
                if data.draw(st.booleans())
                else VatStatus.small_business(country)
            )
            items = job_items(
                "p",
                data.draw(cent_amounts),
                data.draw(st.integers(0, 120)),
                data.draw(cent_amounts),
            )
            doc = compose_invoice(items, status, CURRENCY[country])
            record = Issued(
                doc,
                f"{country}-2026-{step + 1:06d}",
                data.draw(st.integers(1, 3)),
                data.draw(st.sampled_from(list(PaidVia))),
            )
            issued.append(record)
            entries.append(
                journal.issued(doc, record.number, record.friend, record.paid_via, "t", NOW)
            )
            continue
        record = data.draw(st.sampled_from(issued))
        currency = record.invoice.currency
        if move == "credit" and record.credited == 0:
            note = full_credit(record.invoice, record.number, "cancelled")
        elif move in ("credit", "correct") and record.remaining > 0:
            amount = data.draw(
                st.integers(1, int(record.remaining * 100)).map(lambda n: D(n) / 100)
            )
            note = correction(record.invoice, record.number, amount, "price", record.credited)
        elif move == "pay" and record.paid_via is PaidVia.PLATFORM:
            amount = data.draw(cent_amounts)
            matched = max(D(0), min(amount, record.outstanding))
            record.paid += matched
            tally[(BANK, currency)] += amount
            tally[(UNMATCHED, currency)] -= amount - matched
            entries.append(journal.payment_received(key, amount, matched, currency, "t", "p", NOW))
            continue
        elif move == "refund" and record.outstanding < 0:
            refund = -record.outstanding
            record.paid -= refund
            tally[(BANK, currency)] -= refund
            entries.append(journal.refund(key, refund, currency, "t", "r", NOW))
            continue
        elif move in ("payout", "settle"):
            account = friend_account(record.friend)
            owed = balances(entries).get((account, currency), D(0))
            tally[(BANK, currency)] += owed
            tally[(account, currency)] -= owed
            if owed < 0:  # the platform owes the Friend
                entries.append(journal.payout(key, record.friend, -owed, currency, "t", "m", NOW))
            elif owed > 0:  # the Friend owes commission
                entries.append(
                    journal.commission_paid(key, record.friend, owed, currency, "t", "c", NOW)
                )
            continue
        else:
            continue
        record.credited -= note.gross
        entries.append(journal.issued(note, f"C{step}", record.friend, record.paid_via, "t", NOW))

    # 1. every entry and so the whole journal sums to zero per currency
    for entry in entries:
        assert set(sums_per_currency(entry.postings).values()) <= {D(0)}
    books = balances(entries)
    totals: dict[str, D] = defaultdict(D)
    for (_, currency), amount in books.items():
        totals[currency] += amount
    assert set(totals.values()) <= {D(0)}

    # 2. each account holds what the events say, tallied independently of the journal
    expected: dict[tuple[str, str], D] = defaultdict(D, tally)
    for record in issued:
        currency, remaining = record.invoice.currency, record.remaining
        cut = commission(remaining)
        expected[(COMMISSION, currency)] -= cut
        if record.paid_via is PaidVia.PLATFORM:
            expected[(CUSTOMERS, currency)] += remaining - record.paid
            expected[(friend_account(record.friend), currency)] -= remaining - cut
        else:
            expected[(friend_account(record.friend), currency)] += cut
    for account in set(books) | set(expected):
        assert books.get(account, D(0)) == expected.get(account, D(0)), account


def test_an_unbalanced_entry_or_one_without_who_and_why_is_refused() -> None:
    with pytest.raises(UnbalancedEntry):
        Entry("k", "x", "t", "w", NOW, (Posting(BANK, D("1.00"), "EUR"),))
    with pytest.raises(UnbalancedEntry):  # balanced in sum, not per currency
        Entry(
            "k",
            "x",
            "t",
            "w",
            NOW,
            (Posting(BANK, D("1.00"), "EUR"), Posting(CUSTOMERS, D("-1.00"), "CHF")),
        )
    with pytest.raises(UnbalancedEntry):
        Entry(
            "k",
            "x",
            "t",
            "w",
            NOW,
            (Posting(BANK, D("0.005"), "EUR"), Posting(CUSTOMERS, D("-0.005"), "EUR")),
        )
    with pytest.raises(ValueError):
        Entry("k", "x", "", "w", NOW, ())
    with pytest.raises(ValueError):
        Entry("k", "x", "t", "w", datetime(2026, 12, 8), ())


def test_an_invoice_paid_through_the_platform_and_one_paid_directly() -> None:
    status = VatStatus.vat_registered("CH")
    doc = compose_invoice(job_items("p", D("79.00"), 0, D("15.00")), status, "CHF")
    platform = journal.issued(doc, "CH-2026-000001", 7, PaidVia.PLATFORM, "friend:7", NOW)
    assert platform.key == "document:CH-2026-000001"
    assert {(p.account, p.amount) for p in platform.postings} == {
        (CUSTOMERS, D("79.00")),
        ("friend:7", D("-63.20")),
        (COMMISSION, D("-15.80")),
    }
    direct = journal.issued(doc, "CH-2026-000002", 7, PaidVia.DIRECT, "friend:7", NOW)
    assert {(p.account, p.amount) for p in direct.postings} == {
        ("friend:7", D("15.80")),
        (COMMISSION, D("-15.80")),
    }
    paid = journal.payment_received("camt:x", D("100.00"), D("79.00"), "CHF", "import", "p", NOW)
    assert {(p.account, p.amount) for p in paid.postings} == {
        (BANK, D("100.00")),
        (CUSTOMERS, D("-79.00")),
        (UNMATCHED, D("-21.00")),
    }
