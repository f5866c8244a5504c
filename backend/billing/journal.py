"""The double-entry journal: every money change is one entry of postings that sum to zero per
currency, with who made it, when and why.

Sign: a positive amount is a debit, a negative one a credit. Accounts (the platform's books):

- ``bank``: the platform's bank account (customers' transfers in, payouts and refunds out).
- ``customers``: what customers owe for invoices they pay through the platform.
- ``friend:<id>``: what the platform owes Friend <id> (a negative balance: what the Friend owes
  the platform, i.e. commission on jobs the customer paid them directly).
- ``commission``: the platform's 20 % (revenue; credited).
- ``unmatched``: money received that matches no open invoice (unknown reference, overpayment),
  waiting in the console's review list.

The Friend's VAT is the Friend's own (they supply the service): it is on the invoice, not in
these books. Bookings per event:

=========================  ============================================================
invoice, paid via platform customers +gross, friend −(gross − commission), commission −commission
invoice, paid directly     friend +commission, commission −commission
credit note                the same with the credit note's negative amounts
payment matched            bank +x, customers −x       (unmatched part: unmatched −x)
refund to a customer       customers +x, bank −x
payout to a Friend         friend +x, bank −x
Friend pays commission     bank +x, friend −x
=========================  ============================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from backend.billing.amounts import cents
from backend.billing.invoice import Document

BANK = "bank"
CUSTOMERS = "customers"
COMMISSION = "commission"
UNMATCHED = "unmatched"


def friend_account(friend_id: int) -> str:
    return f"friend:{friend_id}"


class PaidVia(StrEnum):
    PLATFORM = "platform"
    DIRECT = "direct"


class UnbalancedEntry(ValueError):
    pass


@dataclass(frozen=True)
class Posting:
    account: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Entry:
    """One booking. ``key`` makes it idempotent: booking the same key twice is refused by the
    journal table's unique index (importing a statement twice changes nothing)."""

    key: str
    kind: str
    who: str
    why: str
    at: datetime
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        if not self.who or not self.why:
            raise ValueError("every money change says who and why")
        if self.at.tzinfo is None:
            raise ValueError("journal times are aware (UTC)")
        for posting in self.postings:
            if cents(posting.amount) != posting.amount:
                raise UnbalancedEntry(f"{posting.amount} is not a whole number of cents")
        unbalanced = {c: s for c, s in sums_per_currency(self.postings).items() if s != 0}
        if unbalanced:
            raise UnbalancedEntry(f"{self.key}: postings do not sum to zero: {unbalanced}")


def sums_per_currency(postings: Iterable[Posting]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        sums[posting.currency] += posting.amount
    return dict(sums)


def balances(entries: Iterable[Entry]) -> dict[tuple[str, str], Decimal]:
    """(account, currency) → balance over ``entries``."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        for posting in entry.postings:
            totals[(posting.account, posting.currency)] += posting.amount
    return dict(totals)


def _entry(key: str, kind: str, who: str, why: str, at: datetime, *legs: Posting) -> Entry:
    return Entry(key, kind, who, why, at, tuple(leg for leg in legs if leg.amount != 0))


def issued(
    document: Document,
    number: str,
    friend_id: int,
    paid_via: PaidVia,
    who: str,
    at: datetime,
) -> Entry:
    """An invoice or credit note issued (the credit note's amounts are negative)."""
    currency, friend = document.currency, friend_account(friend_id)
    why = f"{document.kind} {number}" + (f" for {document.corrects}" if document.corrects else "")
    legs: tuple[Posting, ...]
    if paid_via is PaidVia.PLATFORM:
        legs = (
            Posting(CUSTOMERS, document.gross, currency),
            Posting(friend, -document.friend_share, currency),
            Posting(COMMISSION, -document.commission, currency),
        )
    else:
        legs = (
            Posting(friend, document.commission, currency),
            Posting(COMMISSION, -document.commission, currency),
        )
    return _entry(f"document:{number}", str(document.kind), who, why, at, *legs)


def payment_received(
    key: str, amount: Decimal, matched: Decimal, currency: str, who: str, why: str, at: datetime
) -> Entry:
    """A customer's transfer of ``amount``, of which ``matched`` settles an invoice; the rest
    (unknown reference, overpayment) waits in ``unmatched``."""
    if not 0 <= matched <= amount:
        raise ValueError("the matched part lies between nothing and the amount received")
    return _entry(
        key,
        "payment",
        who,
        why,
        at,
        Posting(BANK, amount, currency),
        Posting(CUSTOMERS, -matched, currency),
        Posting(UNMATCHED, matched - amount, currency),
    )


def refund(key: str, amount: Decimal, currency: str, who: str, why: str, at: datetime) -> Entry:
    return _entry(
        key,
        "refund",
        who,
        why,
        at,
        Posting(CUSTOMERS, amount, currency),
        Posting(BANK, -amount, currency),
    )


def payout(
    key: str, friend_id: int, amount: Decimal, currency: str, who: str, why: str, at: datetime
) -> Entry:
    if amount <= 0:
        raise ValueError("a payout is positive")
    return _entry(
        key,
        "payout",
        who,
        why,
        at,
        Posting(friend_account(friend_id), amount, currency),
        Posting(BANK, -amount, currency),
    )


def commission_paid(
    key: str, friend_id: int, amount: Decimal, currency: str, who: str, why: str, at: datetime
) -> Entry:
    return _entry(
        key,
        "commission_paid",
        who,
        why,
        at,
        Posting(BANK, amount, currency),
        Posting(friend_account(friend_id), -amount, currency),
    )
