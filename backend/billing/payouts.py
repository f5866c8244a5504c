"""A Friend's month: the statement (jobs, what customers paid through the platform, the 20 %
commission, what the Friend collected directly) and the payout of what the platform owes.

The payout is the Friend's journal balance, not the month's statement: it carries what earlier
months left (a commission owed, a refund). A run is idempotent per period: its transfers' ids
and its journal keys are made from the period, the Friend and the currency, and the journal's
unique keys refuse a second booking of the same payout.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from backend.billing.journal import PaidVia
from backend.billing.pain001 import Transfer
from product.countries import time_zone

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Issued:
    """One issued document of a Friend (an invoice, or a credit note with negative amounts)."""

    friend_id: int
    currency: str
    paid_via: PaidVia
    gross: Decimal
    commission: Decimal
    is_invoice: bool


@dataclass(frozen=True)
class Statement:
    period: str
    friend_id: int
    currency: str
    jobs: int
    paid_through_platform: Decimal
    collected_directly: Decimal
    commission: Decimal

    @property
    def earned(self) -> Decimal:
        """What the month's jobs earned the Friend after commission, however paid."""
        return self.paid_through_platform + self.collected_directly - self.commission


@dataclass(frozen=True)
class Payee:
    name: str
    iban: str
    bic: str = ""


def period_of(at: datetime, country: str) -> str:
    """The month (``YYYY-MM``) an event belongs to, in its country's time zone."""
    return at.astimezone(ZoneInfo(time_zone(country))).strftime("%Y-%m")


def check_period(period: str) -> str:
    if not _PERIOD.match(period):
        raise ValueError(f"{period!r} is not a month like 2026-11")
    return period


def statements(period: str, documents: Iterable[Issued]) -> list[Statement]:
    """One statement per Friend and currency, from the period's documents."""
    check_period(period)
    sums: dict[tuple[int, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    jobs: dict[tuple[int, str], int] = defaultdict(int)
    for doc in documents:
        key = (doc.friend_id, doc.currency)
        jobs[key] += 1 if doc.is_invoice else 0
        totals = sums[key]
        totals[0 if doc.paid_via is PaidVia.PLATFORM else 1] += doc.gross
        totals[2] += doc.commission
    return [
        Statement(period, friend, currency, jobs[(friend, currency)], *sums[(friend, currency)])
        for friend, currency in sorted(sums)
    ]


def payout_key(period: str, friend_id: int, currency: str) -> str:
    """The journal key of a Friend's payout for ``period``: booked once, whatever reruns."""
    return f"payout:{check_period(period)}:friend:{friend_id}:{currency}"


def message_id(period: str, currency: str) -> str:
    return f"TF-PAYOUT-{check_period(period)}-{currency}"


def transfers(
    period: str,
    balances: Mapping[tuple[int, str], Decimal],
    payees: Mapping[int, Payee],
) -> dict[str, list[Transfer]]:
    """Per currency, a transfer to each Friend the platform owes (a negative ``friend:<id>``
    balance, keyed by (friend id, currency)). A Friend who owes commission, or has no valid
    account on file, is not paid (the console lists them)."""
    check_period(period)
    out: dict[str, list[Transfer]] = defaultdict(list)
    for (friend_id, currency), balance in sorted(balances.items()):
        payee = payees.get(friend_id)
        if balance >= 0 or payee is None:
            continue
        out[currency].append(
            Transfer(
                name=payee.name,
                iban=payee.iban,
                amount=-balance,
                description=f"techfriends {period}",
                end_to_end_id=f"TF-{period}-F{friend_id}",
                bic=payee.bic,
            )
        )
    return dict(out)
