"""The pure billing modules do no I/O: documents, numbers, references, QR payloads, the journal,
texts, bank files in and out are values in, values out. Only pdf (the fonts), orm and numbering
(the database) reach outside."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BILLING = Path(__file__).resolve().parents[2] / "backend" / "billing"
PURE = (
    "accounts",
    "amounts",
    "vat",
    "invoice",
    "numbers",
    "references",
    "qr",
    "journal",
    "texts",
    "camt",
    "pain001",
    "matching",
    "payouts",
)
FORBIDDEN = {
    "aiohttp",
    "asyncpg",
    "aiosqlite",
    "os",
    "pathlib",
    "shutil",
    "socket",
    "sqlalchemy",
    "subprocess",
    "requests",
    "backend.adapters",
    "backend.services",
    "backend.billing.orm",
    "backend.billing.numbering",
    "backend.billing.pdf",
}
FORBIDDEN_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "getenv"}


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE)
def test_a_pure_billing_module_does_no_io(module: str) -> None:
    tree = ast.parse((BILLING / f"{module}.py").read_text(encoding="utf-8"))
    bad = {
        name
        for name in _imports(tree)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not bad, bad
    calls = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }
    assert not calls & FORBIDDEN_CALLS


def test_every_billing_module_is_classified_and_small() -> None:
    modules = {p.stem for p in BILLING.glob("*.py")} - {"__init__"}
    assert modules == set(PURE) | {"pdf", "orm", "numbering", "store"}
    for path in BILLING.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
