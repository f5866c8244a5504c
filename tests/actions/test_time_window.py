"""actions/time_window.py: free text to a time window in the customer's time zone, and back."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from actions.time_window import (
    PAST,
    TOO_FAR,
    UNKNOWN,
    describe_iso,
    describe_window,
    parse_time_window,
    zone_for,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Friday, 28 November 2025, 10:00 in Berlin.
FRIDAY_10 = datetime(2025, 11, 28, 10, 0, tzinfo=BERLIN)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def window(text: str, now: datetime = FRIDAY_10, country: str = "DE") -> tuple[datetime, datetime]:
    result = parse_time_window(text, now, country)
    assert result.window is not None, (text, result.reason)
    return result.window.start, result.window.end


def words(text: str, language: str, now: datetime = FRIDAY_10, country: str = "DE") -> str:
    start, end = window(text, now, country)
    return describe_window(start, end, now, language)


# --- the examples of the issue ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("morgen Nachmittag", at(29, 13), at(29, 18)),
        ("Samstag Vormittag", at(29, 8), at(29, 12)),
        ("heute Abend", at(28, 18), at(28, 21)),
        ("tomorrow morning", at(29, 8), at(29, 12)),
        ("übermorgen früh", at(30, 8), at(30, 12)),
        ("am Montag", at(1, 8, month=12), at(1, 20, month=12)),
        ("12.12.", at(12, 8, month=12), at(12, 20, month=12)),
        ("um 15 Uhr", at(28, 15), at(28, 17)),
        ("morgen Mittag", at(29, 11), at(29, 14)),
        ("Sonntag", at(30, 8), at(30, 20)),
    ],
)
def test_the_examples_become_windows(text: str, start: datetime, end: datetime) -> None:
    assert window(text) == (start, end)


def test_friday_afternoon_on_a_friday_morning_is_today() -> None:
    assert window("Friday afternoon") == (at(28, 13), at(28, 18))
    # … and next week's Friday once today's afternoon is over.
    evening = at(28, 19)
    assert window("Friday afternoon", evening) == (at(5, 13, month=12), at(5, 18, month=12))


@pytest.mark.parametrize(
    "text", ["so schnell wie möglich", "asap", "ASAP!", "so früh wie möglich", "egal", "sofort"]
)
def test_as_soon_as_possible_is_the_next_24_hours(text: str) -> None:
    result = parse_time_window(text, FRIDAY_10, "DE")
    assert result.window is not None and result.window.asap
    assert result.window.start == FRIDAY_10
    assert result.window.end == at(29, 10)


def test_the_echo_in_both_languages() -> None:
    assert words("morgen Nachmittag", "de") == "morgen, Sa 29.11., 13–18 Uhr"
    assert words("morgen Nachmittag", "en") == "tomorrow, Sat 29 Nov, 1–6 pm"
    assert words("Samstag Vormittag", "en") == "tomorrow, Sat 29 Nov, 8 am–noon"
    assert words("übermorgen früh", "de") == "übermorgen, So 30.11., 8–12 Uhr"
    assert words("am Montag", "de") == "Mo 1.12., 8–20 Uhr"
    assert words("am Montag", "en") == "Mon 1 Dec, 8 am–8 pm"
    assert words("heute Abend", "de") == "heute, Fr 28.11., 18–21 Uhr"
    assert words("heute Abend", "en") == "today, Fri 28 Nov, 6–9 pm"
    assert words("Mittag", "en") == "today, Fri 28 Nov, 11 am–2 pm"
    assert words("asap", "de") == "so schnell wie möglich (innerhalb von 24 Stunden)"
    assert words("asap", "en") == "as soon as possible (within 24 hours)"


def test_a_date_in_another_year_names_the_year() -> None:
    assert words("3. Jänner", "de") == "Sa 3.1.2026, 8–20 Uhr"
    assert words("3. Jänner", "en") == "Sat 3 Jan 2026, 8 am–8 pm"


# --- the past, clipping and the far future -------------------------------------------------------


def test_a_window_entirely_in_the_past_is_refused() -> None:
    two_pm = at(28, 14)
    assert parse_time_window("heute Vormittag", two_pm, "DE").reason == PAST
    assert parse_time_window("heute um 9 Uhr", two_pm, "DE").reason == PAST
    assert parse_time_window("27.11.", two_pm, "DE").reason == PAST
    assert parse_time_window("heute Abend", at(28, 21, 30), "DE").reason == PAST
    assert parse_time_window("gestern Nachmittag", FRIDAY_10, "DE").reason == PAST
    assert parse_time_window("yesterday at 3 pm", FRIDAY_10, "DE").reason == PAST


def test_today_with_a_part_already_begun_starts_now() -> None:
    quarter_past_two = datetime(2025, 11, 28, 14, 17, 30, tzinfo=BERLIN)
    start, end = window("heute Nachmittag", quarter_past_two)
    assert (start, end) == (at(28, 14, 20), at(28, 18))
    assert describe_window(start, end, quarter_past_two, "de") == "heute, Fr 28.11., 14:20–18 Uhr"
    assert describe_window(start, end, quarter_past_two, "en") == "today, Fri 28 Nov, 2:20–6 pm"


def test_less_than_an_hour_left_is_too_late() -> None:
    assert parse_time_window("heute Abend", at(28, 20, 15), "DE").reason == PAST


def test_a_part_without_a_day_that_is_over_means_tomorrow() -> None:
    assert window("Vormittag", at(28, 14)) == (at(29, 8), at(29, 12))
    assert window("um 9 Uhr", at(28, 14)) == (at(29, 9), at(29, 11))


def test_more_than_three_months_ahead_is_refused() -> None:
    assert parse_time_window("12.6.2026", FRIDAY_10, "DE").reason == TOO_FAR


@pytest.mark.parametrize("text", ["", None, "hallo", "/affirm", "blabla", "31.2.", "um 25 Uhr"])
def test_nonsense_is_not_understood(text: str | None) -> None:
    assert parse_time_window(text, FRIDAY_10, "DE").reason == UNKNOWN


# --- clock times and ranges -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("at 3pm", at(28, 15), at(28, 17)),
        ("15:30", at(28, 15, 30), at(28, 17, 30)),
        ("um 3", at(28, 15), at(28, 17)),
        ("zwischen 14 und 16 Uhr", at(28, 14), at(28, 16)),
        ("2-4 pm", at(28, 14), at(28, 16)),
        ("11-2 pm", at(28, 11), at(28, 14)),
        ("ab 14 Uhr", at(28, 14), at(28, 20)),
        ("morgen bis 15 Uhr", at(29, 8), at(29, 15)),
        ("heute bis 16 Uhr", at(28, 10), at(28, 16)),
        ("tomorrow before 11 am", at(29, 8), at(29, 11)),
        ("am 12.12. um 15 Uhr", at(12, 15, month=12), at(12, 17, month=12)),
        ("um 10 am Samstag", at(29, 10), at(29, 12)),
        ("Samstag Nachmittag um 3", at(29, 15), at(29, 17)),
        ("Dec 12", at(12, 8, month=12), at(12, 20, month=12)),
        ("next friday", at(5, 8, month=12), at(5, 20, month=12)),
        ("nächsten Freitag", at(5, 8, month=12), at(5, 20, month=12)),
    ],
)
def test_clock_times_dates_and_ranges(text: str, start: datetime, end: datetime) -> None:
    assert window(text) == (start, end)


# --- dialect and typos ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Nami", at(28, 13), at(28, 18)),  # Swiss: Nachmittag
        ("morn am Namittag", at(29, 13), at(29, 18)),
        ("am Samschtig am Nami", at(29, 13), at(29, 18)),
        ("Freitag in der Früh", at(28, 10), at(28, 12)),  # today's morning, begun
        ("Sa. Vormittag", at(29, 8), at(29, 12)),
        ("heute morgen", at(28, 10), at(28, 12)),  # the morning of today, begun
        ("morgen früh", at(29, 8), at(29, 12)),
        ("tmrw evening", at(29, 18), at(29, 21)),
        ("this afternoon", at(28, 13), at(28, 18)),
        ("tonight", at(28, 18), at(28, 21)),
        ("am Wochenende", at(29, 8), at(29, 20)),
        ("Hallo, morgen Nachmittag wäre gut", at(29, 13), at(29, 18)),
    ],
)
def test_dialect_typos_and_phrasing(text: str, start: datetime, end: datetime) -> None:
    assert window(text) == (start, end)


# --- time zones and daylight saving time -----------------------------------------------------


def test_the_window_is_in_the_customers_time_zone() -> None:
    now = datetime(2025, 11, 28, 9, 0, tzinfo=ZoneInfo("UTC"))
    zones = (("DE", "Europe/Berlin"), ("AT", "Europe/Vienna"), ("CH", "Europe/Zurich"))
    for country, zone in zones:
        start, _ = window("morgen Nachmittag", now, country)
        assert start == datetime(2025, 11, 29, 13, tzinfo=ZoneInfo(zone))
        assert start.isoformat() == "2025-11-29T13:00:00+01:00"
        assert str(start.tzinfo) == zone
    assert zone_for("CH") == ZoneInfo("Europe/Zurich")
    assert zone_for(None) == ZoneInfo("Europe/Berlin")


def test_across_the_change_to_summer_time() -> None:
    # Saturday 28 March 2026, 10:00 CET; the clocks go forward in the night to Sunday.
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN)
    start, end = window("morgen Vormittag", saturday)
    assert start.isoformat() == "2026-03-29T08:00:00+02:00"
    assert end.isoformat() == "2026-03-29T12:00:00+02:00"
    assert describe_window(start, end, saturday, "de") == "morgen, So 29.3., 8–12 Uhr"
    # As soon as possible is 24 real hours, not 24 hours on the clock.
    result = parse_time_window("asap", saturday, "DE")
    assert result.window is not None
    assert result.window.end.isoformat() == "2026-03-29T11:00:00+02:00"
    utc = ZoneInfo("UTC")
    assert result.window.end.astimezone(utc) - result.window.start.astimezone(utc) == timedelta(
        hours=24
    )


def test_across_the_change_to_winter_time() -> None:
    saturday = datetime(2026, 10, 24, 12, 0, tzinfo=ZoneInfo("Europe/Vienna"))
    start, _ = window("morgen Nachmittag", saturday, "AT")
    assert start.isoformat() == "2026-10-25T13:00:00+01:00"


def test_describe_iso_reads_the_slots() -> None:
    start, end = window("morgen Nachmittag")
    text = describe_iso(start.isoformat(), end.isoformat(), FRIDAY_10, "de")
    assert text == "morgen, Sa 29.11., 13–18 Uhr"
    # A day later the same window is "heute".
    assert describe_iso(start.isoformat(), end.isoformat(), at(29, 9), "de") == (
        "heute, Sa 29.11., 13–18 Uhr"
    )
    assert describe_iso(None, end.isoformat(), FRIDAY_10, "de") is None
    assert describe_iso("gestern", "heute", FRIDAY_10, "de") is None
    assert describe_iso("2025-11-29T13:00:00", "2025-11-29T18:00:00", FRIDAY_10, "de") is None


# --- French, Italian and Polish ----------------------------------------------------------------


# On Friday 28 November 2025 at 10:00; Polish with and without diacritics.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # fr
        ("demain après-midi", at(29, 13), at(29, 18)),
        ("demain apres midi", at(29, 13), at(29, 18)),
        ("samedi matin", at(29, 8), at(29, 12)),
        ("lundi prochain vers 14h", at(1, 14, month=12), at(1, 16, month=12)),
        ("ce soir", at(28, 18), at(28, 21)),
        ("après-demain à 9h30", at(30, 9, 30), at(30, 11, 30)),
        ("mardi entre 14h et 16h", at(2, 14, month=12), at(2, 16, month=12)),
        ("demain à partir de 15h", at(29, 15), at(29, 20)),
        ("le 12 décembre", at(12, 8, month=12), at(12, 20, month=12)),
        ("vendredi prochain", at(5, 8, month=12), at(5, 20, month=12)),
        ("Mercredi midi", at(3, 11, month=12), at(3, 14, month=12)),
        ("demain avant midi", at(29, 8), at(29, 12)),
        ("demain de 14 h à 16 h", at(29, 14), at(29, 16)),
        ("lundi 1er décembre à 9h", at(1, 9, month=12), at(1, 11, month=12)),
        ("jeudi après 16h", at(4, 16, month=12), at(4, 20, month=12)),
        ("n’importe quand", FRIDAY_10, at(29, 10)),
        # it
        ("domani pomeriggio", at(29, 13), at(29, 18)),
        ("sabato mattina", at(29, 8), at(29, 12)),
        ("lunedì verso le 14", at(1, 14, month=12), at(1, 16, month=12)),
        ("lunedi verso le 14", at(1, 14, month=12), at(1, 16, month=12)),
        ("stasera", at(28, 18), at(28, 21)),
        ("domattina", at(29, 8), at(29, 12)),
        ("dopodomani alle 10:30", at(30, 10, 30), at(30, 12, 30)),
        ("martedì dalle 14 alle 16", at(2, 14, month=12), at(2, 16, month=12)),
        ("domani entro le 15", at(29, 8), at(29, 15)),
        ("il 12 dicembre", at(12, 8, month=12), at(12, 20, month=12)),
        ("giovedì sera", at(4, 18, month=12), at(4, 21, month=12)),
        ("domani tra le 9 e le 11", at(29, 9), at(29, 11)),
        ("domani dopo pranzo", at(29, 13), at(29, 18)),
        ("sabato prima di pranzo", at(29, 8), at(29, 12)),
        ("nel pomeriggio", at(28, 13), at(28, 18)),
        # pl
        ("jutro po południu", at(29, 13), at(29, 18)),
        ("jutro po poludniu", at(29, 13), at(29, 18)),
        ("w sobotę rano", at(29, 8), at(29, 12)),
        ("w sobote rano", at(29, 8), at(29, 12)),
        ("w poniedziałek około 14", at(1, 14, month=12), at(1, 16, month=12)),
        ("w poniedzialek okolo 14", at(1, 14, month=12), at(1, 16, month=12)),
        ("dziś wieczorem", at(28, 18), at(28, 21)),
        ("dzis wieczorem", at(28, 18), at(28, 21)),
        ("pojutrze o 9:30", at(30, 9, 30), at(30, 11, 30)),
        ("we wtorek od 14 do 16", at(2, 14, month=12), at(2, 16, month=12)),
        ("w środę przed południem", at(3, 8, month=12), at(3, 12, month=12)),
        ("12 grudnia", at(12, 8, month=12), at(12, 20, month=12)),
        ("w niedzielę", at(30, 8), at(30, 20)),
        ("w sobotę między 10 a 12", at(29, 10), at(29, 12)),
        ("jutro 10 do 12", at(29, 10), at(29, 12)),
        ("demain 10 à 12", at(29, 10), at(29, 12)),
        ("domani 10 alle 12", at(29, 10), at(29, 12)),
        ("jutro przed 12", at(29, 8), at(29, 12)),
        ("wtorek o godz. 10", at(2, 10, month=12), at(2, 12, month=12)),
        ("w przyszły poniedziałek", at(1, 8, month=12), at(1, 20, month=12)),
        ("jutro po obiedzie", at(29, 13), at(29, 18)),
    ],
)
def test_french_italian_and_polish_windows(text: str, start: datetime, end: datetime) -> None:
    assert window(text) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "dès que possible",
        "des que possible",
        "le plus vite possible",
        "au plus vite",
        "il prima possibile",
        "al più presto",
        "subito",
        "jak najszybciej",
        "jak najszybciej to możliwe",
        "obojętnie",
    ],
)
def test_as_soon_as_possible_in_french_italian_and_polish(text: str) -> None:
    result = parse_time_window(text, FRIDAY_10, "DE")
    assert result.window is not None and result.window.asap, text
    assert (result.window.start, result.window.end) == (FRIDAY_10, at(29, 10))


@pytest.mark.parametrize(
    "text", ["hier soir", "hier", "avant-hier", "ieri pomeriggio", "wczoraj", "wczoraj rano"]
)
def test_yesterday_in_french_italian_and_polish_is_past(text: str) -> None:
    assert parse_time_window(text, FRIDAY_10, "DE").reason == PAST


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("could you do 3 pm tomorrow", at(29, 15), at(29, 17)),
        ("Do. 14 Uhr", at(4, 14, month=12), at(4, 16, month=12)),
        ("do 14 Uhr", at(28, 14), at(28, 16)),  # "Do" without a dot is no Thursday
        ("jutro do 15", at(29, 8), at(29, 15)),
    ],
)
def test_polish_leads_are_polish_only_without_pm_or_uhr(
    text: str, start: datetime, end: datetime
) -> None:
    assert window(text) == (start, end)


def test_german_hier_is_not_yesterday() -> None:
    assert window("morgen ab 14 Uhr, ich bin hier") == (at(29, 14), at(29, 20))


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("demain après-midi", "fr", "demain, sam. 29 nov., 13h–18h"),
        ("lundi prochain vers 14h30", "fr", "lun. 1 déc., 14h30–16h30"),
        ("ce soir", "fr", "aujourd’hui, ven. 28 nov., 18h–21h"),
        ("domani pomeriggio", "it", "domani, sab 29 nov, 13:00–18:00"),
        ("dopodomani mattina", "it", "dopodomani, dom 30 nov, 8:00–12:00"),
        ("jutro po południu", "pl", "jutro, sob. 29.11, 13:00–18:00"),
        ("w środę o 9:30", "pl", "śr. 3.12, 9:30–11:30"),
        ("dziś wieczorem", "pl", "dziś, pt. 28.11, 18:00–21:00"),
    ],
)
def test_the_echo_in_french_italian_and_polish(text: str, language: str, expected: str) -> None:
    assert words(text, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "dès que possible (dans les 24 heures)"),
        ("it", "il prima possibile (entro 24 ore)"),
        ("pl", "jak najszybciej (w ciągu 24 godzin)"),
    ],
)
def test_as_soon_as_possible_echo(language: str, expected: str) -> None:
    assert words("asap", language) == expected


def test_every_language_has_an_echo() -> None:
    from product.languages import LANGUAGES

    start, end = window("morgen Nachmittag")
    texts = {language: describe_window(start, end, FRIDAY_10, language) for language in LANGUAGES}
    assert len(set(texts.values())) == len(LANGUAGES)


@pytest.mark.parametrize("text", ["AirPods gen 2", "two days 2 ago", "Mein Laptop ist tot"])
def test_short_words_of_other_languages_are_no_times(text: str) -> None:
    assert parse_time_window(text, FRIDAY_10, "DE").window is None
