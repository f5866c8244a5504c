"""Distances on the earth, good to a few metres over the tens of kilometres that matter here."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.radians(1) * EARTH_RADIUS_KM
# Latitude bands per degree (about 11 km each): the equality part of the Friends' index, so a
# search reads a few short longitude ranges instead of a whole strip across the map.
BANDS_PER_DEGREE = 10
_PAD_DEGREES = 1e-7  # about a centimetre


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; a cheap indexed prefilter.

    The circle's widest longitude is asin(sin(r/R) / cos(lat)) away from its centre, a little
    more than the naive (r/R) / cos(lat), which would cut off a sliver at the east and west
    edges. A hair of padding keeps points exactly on the circle inside despite float rounding.
    """
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    cos_lat = math.cos(math.radians(lat))
    ratio = math.sin(angular) / cos_lat if cos_lat > 1e-12 else 2.0
    # Near a pole the circle may wrap all the way round.
    dlon = 180.0 if ratio >= 1.0 else math.degrees(math.asin(ratio))
    return (
        lat - dlat - _PAD_DEGREES,
        lat + dlat + _PAD_DEGREES,
        lon - dlon - _PAD_DEGREES,
        lon + dlon + _PAD_DEGREES,
    )


def lat_band(latitude: float) -> int:
    return math.floor(latitude * BANDS_PER_DEGREE)


def lat_bands(min_lat: float, max_lat: float) -> list[int]:
    """Every band a latitude range touches."""
    return list(range(lat_band(min_lat), lat_band(max_lat) + 1))
