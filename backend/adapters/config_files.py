"""The product's YAML files (packages and prices, the vetting quiz), read here so that
backend/domain/ stays free of I/O."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from backend.domain.packages import Package, packages_from
from backend.domain.quiz import Question, bank_from

BACKEND_DIR = Path(__file__).resolve().parent.parent
PACKAGES_FILE = BACKEND_DIR / "packages.yml"
BANK_FILE = BACKEND_DIR / "quiz.yml"


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_packages(path: Path = PACKAGES_FILE) -> dict[str, Package]:
    return packages_from(_read(path)["packages"])


def load_bank(path: Path = BANK_FILE, minimum: int = 6) -> dict[str, Question]:
    """The vetting quiz's questions by id; BankError when the file is not usable."""
    return bank_from(_read(path), str(path), minimum)
