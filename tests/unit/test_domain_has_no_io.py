"""backend/domain/ is rules only: no files, network, database, environment or web framework.

Files are read in backend/adapters/ (config_files.py), rows in services/; a domain module that
starts doing I/O fails here, whichever way it tries (an import or a call).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "backend" / "domain"
# Top-level modules that mean I/O (or a layer above the domain).
FORBIDDEN_IMPORTS = {
    "aiohttp",
    "aiosqlite",
    "alembic",
    "apscheduler",
    "asyncpg",
    "dotenv",
    "glob",
    "http",
    "httpx",
    "io",
    "os",
    "pathlib",
    "requests",
    "shutil",
    "socket",
    "sqlalchemy",
    "sqlite3",
    "subprocess",
    "sys",
    "tempfile",
    "urllib.request",
    "yaml",
    "backend.adapters",
    "backend.console",
    "backend.services",
    "backend.web",
    "backend.config",
}
FORBIDDEN_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "getenv"}


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f"{f}.") for f in FORBIDDEN_IMPORTS)


def _calls(tree: ast.Module) -> set[str]:
    called: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                called.add(func.id)
            elif isinstance(func, ast.Attribute):
                called.add(func.attr)
    return called


MODULES = sorted(DOMAIN.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_domain_module_imports_nothing_that_does_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert sorted(m for m in _imported(tree) if _forbidden(m)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_domain_module_opens_no_file(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert sorted(_calls(tree) & FORBIDDEN_CALLS) == []


def test_the_check_sees_what_it_is_meant_to_see() -> None:
    sneaky = ast.parse(
        "import os.path\nfrom yaml import safe_load\nfrom backend.adapters.orm import Job\n"
        "text = Path('x').read_text()\nopen('y')\n"
    )
    assert sorted(m for m in _imported(sneaky) if _forbidden(m)) == [
        "backend.adapters.orm",
        "os.path",
        "yaml",
    ]
    assert _calls(sneaky) & FORBIDDEN_CALLS == {"open", "read_text"}
    assert len(MODULES) > 10  # the folder was found
