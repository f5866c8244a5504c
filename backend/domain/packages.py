"""Service packages and their prices per country (adapters/config_files.py reads the file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from product.countries import COUNTRIES


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
    """The packages of packages.yml's `packages` mapping, by id. A country's price and extra
    time must be in that country's currency (ValueError names the package and country)."""
    packages = {
        pid: Package(
            id=pid,
            minutes=int(spec["minutes"]),
            names=dict(spec["name"]),
            prices=_prices(spec["prices"]),
            extra_per_15_min=_prices(spec.get("extra_per_15_min")),
        )
        for pid, spec in raw.items()
    }
    for package in packages.values():
        for country, price in [*package.prices.items(), *package.extra_per_15_min.items()]:
            known = COUNTRIES.get(country)
            if known is not None and price.currency != known.currency:
                raise ValueError(
                    f"packages.yml {package.id} {country}: {price.currency}, "
                    f"but {country} pays in {known.currency}"
                )
    return packages
