import math

from backend.domain.geo import (
    EARTH_RADIUS_KM,
    bounding_box,
    haversine_km,
)


def test_berlin_to_munich_is_about_504_km() -> None:
    assert 500 < haversine_km(52.5200, 13.4050, 48.1351, 11.5820) < 510


def test_same_point_is_zero() -> None:
    assert haversine_km(47.37, 8.54, 47.37, 8.54) == 0


def test_bounding_box_contains_every_point_of_the_circle() -> None:
    lat, lon, radius = 52.52, 13.405, 15.0
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    # Points just inside the radius due north, south, east and west must lie in the box.
    for dlat, dlon in ((0.13, 0), (-0.13, 0), (0, 0.22), (0, -0.22)):
        p_lat, p_lon = lat + dlat, lon + dlon
        if haversine_km(lat, lon, p_lat, p_lon) <= radius:
            assert min_lat <= p_lat <= max_lat and min_lon <= p_lon <= max_lon
    # And the box is not absurdly large: about 2 x 15 km tall.
    assert 0.25 < max_lat - min_lat < 0.28


def test_bounding_box_keeps_the_widest_point_of_the_circle_far_north() -> None:
    # At 55° N the circle's easternmost point lies north of the centre's latitude and
    # further east than (r/R) / cos(lat): the naive box cut that sliver off.
    lat, lon, radius = 55.0, 10.0, 50.0
    angular = radius / EARTH_RADIUS_KM
    east_lat = math.degrees(math.asin(math.sin(math.radians(lat)) / math.cos(angular)))
    east_lon = lon + math.degrees(math.asin(math.sin(angular) / math.cos(math.radians(lat))))
    assert haversine_km(lat, lon, east_lat, east_lon) <= radius + 1e-6
    naive_east = lon + math.degrees(angular / math.cos(math.radians(lat)))
    assert east_lon > naive_east
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    assert min_lat <= east_lat <= max_lat
    assert min_lon <= 2 * lon - east_lon and east_lon <= max_lon


def test_bounding_box_near_the_pole_spans_every_longitude() -> None:
    _, _, min_lon, max_lon = bounding_box(89.9, 0.0, 50.0)
    assert min_lon <= -180.0 and max_lon >= 180.0
