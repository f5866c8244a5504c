"""Service packages and their prices per country, read from configuration."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml


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


def load_packages(path: Path) -> dict[str, Package]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["packages"]
    return {
        pid: Package(
            id=pid,
            minutes=int(spec["minutes"]),
            names=dict(spec["name"]),
            prices={
                country: Price(Decimal(str(p["amount"])), str(p["currency"]))
                for country, p in spec["prices"].items()
            },
        )
        for pid, spec in raw.items()
    }
