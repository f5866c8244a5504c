from pathlib import Path

from backend.services.postcodes import read_geonames


def test_centroids_from_the_real_dumps(geonames_dir: Path) -> None:
    de = {p.postal_code: p for p in read_geonames(geonames_dir / "DE.txt")}
    at = {p.postal_code: p for p in read_geonames(geonames_dir / "AT.txt")}
    ch = {p.postal_code: p for p in read_geonames(geonames_dir / "CH.txt")}
    assert de["10115"].city == "Berlin"
    assert abs(de["10115"].latitude - 52.53) < 0.05
    assert "99999" not in de
    # Company codes (numeric state code in the dump) are left out: 10875 is a Stuttgart firm.
    assert "10875" not in de
    assert at["1070"].city == "Wien"
    assert at["8010"].city == "Graz"
    assert ch["8004"].city == "Zürich"
    assert len(ch) == 3362
