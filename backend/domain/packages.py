"""Service packages and their prices per country (adapters/config_files.py reads the file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Package:
    id: str
    minutes: int
    names: dict[str, str]
    prices: dict[str, Price]
    # What each started 15 minutes beyond the package costs, per country.
    extra_per_15_min: dict[str, Price] = field(default_factory=dict)


def _prices(raw: dict[str, dict[str, object]] | None) -> dict[str, Price]:
    return {
        country: Price(Decimal(str(p["amount"])), str(p["currency"]))
        for country, p in (raw or {}).items()
    }


def packages_from(raw: dict[str, Any]) -> dict[str, Package]:
    """The packages of packages.yml's `packages` mapping, by id."""
    return {
        pid: Package(
            id=pid,
            minutes=int(spec["minutes"]),
            names=dict(spec["name"]),
            prices=_prices(spec["prices"]),
            extra_per_15_min=_prices(spec.get("extra_per_15_min")),
        )
        for pid, spec in raw.items()
    }
