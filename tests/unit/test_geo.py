from backend.domain.geo import bounding_box, haversine_km


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
