"""How far each wave of offers reaches and how long it waits for a claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class WavePolicy:
    size: int = 10
    timeout: timedelta = timedelta(minutes=30)
    # Wave n reaches radii_km[n - 1]; after the last wave's timeout the job is unassigned.
    radii_km: tuple[float, ...] = (10.0, 25.0, 50.0)

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError("wave size must be at least 1")
        if not self.radii_km or any(r <= 0 for r in self.radii_km):
            raise ValueError("wave radii must be positive")
        if list(self.radii_km) != sorted(self.radii_km):
            raise ValueError("each wave must reach at least as far as the one before")
        if self.timeout <= timedelta(0):
            raise ValueError("wave timeout must be positive")

    @property
    def last_wave(self) -> int:
        return len(self.radii_km)

    @property
    def max_radius_km(self) -> float:
        return self.radii_km[-1]


def wave_radius(policy: WavePolicy, wave: int) -> float | None:
    """The radius of wave `wave` (1-based), or None when the job has had every wave."""
    if 1 <= wave <= policy.last_wave:
        return policy.radii_km[wave - 1]
    return None


def parse_radii(raw: str) -> tuple[float, ...]:
    """`"10, 25,50"` → (10.0, 25.0, 50.0); ValueError on anything else."""
    radii = tuple(float(part) for part in raw.split(",") if part.strip())
    if not radii:
        raise ValueError("no wave radius given")
    return radii
