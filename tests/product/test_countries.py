"""product/countries.py: served countries from SERVICE_COUNTRIES, postal-code forms, names."""

from __future__ import annotations

import pytest

from backend.config import Settings
from product.countries import (
    COUNTRIES,
    COUNTRY_CODES,
    DEFAULT_SERVICE_COUNTRIES,
    is_postal_code_form,
    parse_service_countries,
    postal_form,
)


def test_new_countries_are_appended_never_reordered() -> None:
    assert COUNTRY_CODES[:3] == ("DE", "AT", "CH")
    assert COUNTRY_CODES == ("DE", "AT", "CH", "FR", "IT", "PL")
    assert {c: COUNTRIES[c].currency for c in ("FR", "IT", "PL")} == {
        "FR": "EUR",
        "IT": "EUR",
        "PL": "PLN",
    }


def test_every_country_is_named_in_all_five_languages() -> None:
    for code, country in COUNTRIES.items():
        assert set(country.names) >= {"de", "en", "fr", "it", "pl"}, code
        assert set(country.in_country) >= {"de", "en", "fr", "it", "pl"}, code
    assert COUNTRIES["PL"].in_country["pl"] == "w Polsce"
    assert COUNTRIES["CH"].names["it"] == "Svizzera"


@pytest.mark.parametrize(
    ("value", "served"),
    [
        (None, ("DE", "AT", "CH")),
        ("", ("DE", "AT", "CH")),
        ("DE,AT,CH,FR,IT,PL", COUNTRY_CODES),
        (" pl , de ", ("DE", "PL")),  # any case and spacing; the order of COUNTRIES
        ("CH", ("CH",)),
    ],
)
def test_service_countries(value: str | None, served: tuple[str, ...]) -> None:
    assert parse_service_countries(value) == served


def test_an_unknown_service_country_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match=r"SERVICE_COUNTRIES: unknown country XX, UK"):
        parse_service_countries("DE,XX,UK")


def test_the_backend_reads_service_countries_and_refuses_unknown_ones() -> None:
    assert Settings.from_env({}).service_countries == DEFAULT_SERVICE_COUNTRIES
    all_six = Settings.from_env({"SERVICE_COUNTRIES": "DE,AT,CH,FR,IT,PL"})
    assert all_six.service_countries == COUNTRY_CODES
    with pytest.raises(ValueError, match="SERVICE_COUNTRIES"):
        Settings.from_env({"SERVICE_COUNTRIES": "DE,ES"})


def test_polish_postal_codes_are_written_with_a_dash() -> None:
    assert postal_form("00950", "PL") == "00-950"
    assert postal_form("00-950", "PL") == "00-950"
    assert postal_form("10115", "DE") == "10115"
    assert postal_form("1010", "PL") == "1010"  # not a Polish code: as given


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("10115", True),
        ("1010", True),
        ("00-950", True),
        ("00950", True),
        ("-1011", False),
        ("12-34", False),
        ("10115.0", False),
        ("¹⁰¹¹⁵", False),
        ("", False),
    ],
)
def test_postal_code_forms(code: str, valid: bool) -> None:
    assert is_postal_code_form(code) is valid
