"""Wave radii, wave configuration, and when a deadline is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.config import Settings
from backend.domain.deadlines import DeadlinePolicy, contact_deadlines, is_due
from backend.domain.waves import WavePolicy, parse_radii, wave_radius

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_each_wave_has_its_radius_and_none_after_the_last() -> None:
    policy = WavePolicy()
    assert [wave_radius(policy, n) for n in (0, 1, 2, 3, 4)] == [None, 10.0, 25.0, 50.0, None]
    assert policy.last_wave == 3 and policy.max_radius_km == 50.0


def test_wave_configuration_is_checked() -> None:
    assert parse_radii(" 5, 12.5,40 ") == (5.0, 12.5, 40.0)
    for bad in ("", "a,b", ","):
        with pytest.raises(ValueError):
            parse_radii(bad)
    with pytest.raises(ValueError):
        WavePolicy(radii_km=(25.0, 10.0))
    with pytest.raises(ValueError):
        WavePolicy(size=0)
    with pytest.raises(ValueError):
        WavePolicy(timeout=timedelta(0))


def test_settings_read_waves_and_deadlines_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "WAVE_SIZE": "5",
            "WAVE_TIMEOUT_MINUTES": "15",
            "WAVE_RADII_KM": "5,20",
            "CONTACT_REMINDER_HOURS": "6",
            "CONTACT_DEADLINE_HOURS": "10",
            "DEADLINE_SWEEP_SECONDS": "2",
        }
    )
    assert settings.waves == WavePolicy(5, timedelta(minutes=15), (5.0, 20.0))
    assert settings.deadlines.contact_reminder == timedelta(hours=6)
    assert settings.deadlines.contact_deadline == timedelta(hours=10)
    assert settings.deadlines.rating_reminder == timedelta(hours=24)
    assert settings.sweep_seconds == 2.0 and settings.max_radius_km == 20.0
    defaults = Settings.from_env({})
    assert defaults.waves == WavePolicy() and defaults.deadlines == DeadlinePolicy()


def test_contact_reminder_at_8_hours_and_deadline_at_12() -> None:
    assert contact_deadlines(T0, DeadlinePolicy()) == (
        T0 + timedelta(hours=8),
        T0 + timedelta(hours=12),
    )
    with pytest.raises(ValueError):
        DeadlinePolicy(contact_reminder=timedelta(hours=12), contact_deadline=timedelta(hours=8))


def test_a_deadline_is_due_from_its_moment_on_and_never_without_one() -> None:
    assert not is_due(T0, T0 - timedelta(microseconds=1))
    assert is_due(T0, T0)
    assert is_due(T0, T0 + timedelta(days=3))  # after downtime: at once
    assert not is_due(None, T0)
