"""Postal-code centroids from GeoNames dumps, and look-ups on them.

Every country of product/countries.py is loaded when its file (``<CODE>.txt``) is in the
directory, served or not: a code in a country not yet served is then recognised, and the bot
can say "we are not there yet" instead of "I do not know this code". Postal data: GeoNames
(www.geonames.org), CC BY 4.0, read at run time from GEONAMES_DIR.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import PostalCode
from backend.domain.geo import bounding_box, haversine_km
from product.countries import COUNTRIES, COUNTRY_CODES, postal_digits_of, postal_form

COUNTRY_FILES = COUNTRY_CODES
NEAREST_MAX_KM = 30.0


@dataclass(frozen=True)
class Place:
    country: str
    postal_code: str
    city: str
    latitude: float
    longitude: float

    def as_json(self) -> dict[str, str | float]:
        return {
            "country": self.country,
            "postal_code": self.postal_code,
            "city": self.city,
            "latitude": round(self.latitude, 5),
            "longitude": round(self.longitude, 5),
        }


def _city(place: str) -> str:
    # Austrian rows name the district too ("Graz,01.Bez.:Innere Stadt", "Wien, Neubau").
    return place.split(",", 1)[0].strip()


def read_geonames(path: Path) -> list[Place]:
    """One centroid per postal code: a code with several places gets their mean position.

    Columns (GeoNames postal-code dump): country, code, place, admin1 name, admin1 code,
    admin2 name, admin2 code, admin3 name, admin3 code, latitude, longitude, accuracy.
    """
    rows: dict[tuple[str, str], list[tuple[str, float, float]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for cols in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) < 11 or not cols[9] or not cols[10]:
                continue
            try:
                lat, lon = float(cols[9]), float(cols[10])
            except ValueError:
                continue
            country = cols[0].upper()
            code = cols[1].strip()
            # French "75021 CEDEX 01" codes are companies' mail codes, like the German ones
            # below: nobody lives there. Polish codes keep their dash ("00-950").
            if not code.replace("-", "").isdigit():
                continue
            # German rows with a numeric state code are companies' and PO-box codes, often
            # far from where they are listed; nobody lives there, so they would only mislead.
            if country == "DE" and cols[4].isdigit():
                continue
            rows[(country, code)].append((_city(cols[2]), lat, lon))
    places = []
    for (country, code), entries in rows.items():
        # The first place named is the main one for the code in these dumps.
        places.append(
            Place(
                country=country,
                postal_code=code,
                city=entries[0][0],
                latitude=sum(e[1] for e in entries) / len(entries),
                longitude=sum(e[2] for e in entries) / len(entries),
            )
        )
    return places


async def import_geonames(session: AsyncSession, directory: Path) -> dict[str, int]:
    """Replace each country's postal codes with the dump's; returns codes per country."""
    counts: dict[str, int] = {}
    for country in COUNTRY_FILES:
        path = directory / f"{country}.txt"
        if not path.exists():
            continue
        places = read_geonames(path)
        await session.execute(delete(PostalCode).where(PostalCode.country == country))
        session.add_all(
            PostalCode(
                country=p.country,
                postal_code=p.postal_code,
                place=p.city,
                latitude=p.latitude,
                longitude=p.longitude,
            )
            for p in places
        )
        counts[country] = len(places)
    await session.commit()
    return counts


def _place(row: PostalCode) -> Place:
    return Place(row.country, row.postal_code, row.place, row.latitude, row.longitude)


def stored_forms(code: str, country: str | None = None) -> set[str]:
    """The forms the code may be stored in: its digits, and "00-950" where a country (Poland)
    writes a dash; "00-950" typed is also "00950" for the others' sake (they then miss)."""
    digits = postal_digits_of(code.strip())
    countries = [country.upper()] if country else list(COUNTRIES)
    return {digits} | {postal_form(digits, c) for c in countries if c in COUNTRIES}


async def lookup(session: AsyncSession, code: str, country: str | None = None) -> list[Place]:
    """Every place with this postal code (in ``country`` only, when given), written "10115" or,
    in Poland, "00-950" or "00950"."""
    query = select(PostalCode).where(
        PostalCode.postal_code.in_(sorted(stored_forms(code, country)))
    )
    if country:
        query = query.where(PostalCode.country == country.upper())
    rows = (await session.scalars(query.order_by(PostalCode.country))).all()
    return [_place(r) for r in rows]


async def nearest(
    session: AsyncSession,
    latitude: float,
    longitude: float,
    max_km: float = NEAREST_MAX_KM,
    countries: Iterable[str] | None = None,
) -> Place | None:
    """The postal code nearest to a position, within ``max_km`` and (when given) ``countries``:
    in Basel the served Swiss or German code, not the French one across the border."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, max_km)
    query = select(PostalCode).where(
        PostalCode.latitude.between(min_lat, max_lat),
        PostalCode.longitude.between(min_lon, max_lon),
    )
    if countries is not None:
        query = query.where(PostalCode.country.in_(list(countries)))
    rows = (await session.scalars(query)).all()
    best = min(
        rows,
        key=lambda r: haversine_km(latitude, longitude, r.latitude, r.longitude),
        default=None,
    )
    if best is None or haversine_km(latitude, longitude, best.latitude, best.longitude) > max_km:
        return None
    return _place(best)
