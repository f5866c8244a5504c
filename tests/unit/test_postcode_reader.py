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


def test_french_italian_and_polish_dumps_load_like_the_others(geonames_dir: Path) -> None:
    fr = {p.postal_code: p for p in read_geonames(geonames_dir / "FR.txt")}
    it = {p.postal_code: p for p in read_geonames(geonames_dir / "IT.txt")}
    pl = {p.postal_code: p for p in read_geonames(geonames_dir / "PL.txt")}
    assert fr["75008"].city.startswith("Paris")
    assert abs(fr["75008"].latitude - 48.87) < 0.05
    # CEDEX codes are companies' mail codes: nobody lives there.
    assert not any("CEDEX" in code for code in fr)
    assert it["20121"].city == "Milano"
    assert it["00118"].country == "IT"  # leading zeros kept (Rome)
    # Polish codes keep the form Poles write: "00-950".
    assert all(len(code) == 6 and code[2] == "-" for code in pl)
    assert pl["00-002"].city == "Warszawa"
    assert abs(pl["00-002"].latitude - 52.23) < 0.1
