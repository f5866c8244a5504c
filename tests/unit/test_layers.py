"""Which package may import which: the contract drawn in docs/architecture.md, checked on the
code's own import statements (an AST walk: nothing is imported or run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "actions",
    "backend",
    "benchmarks",
    "bot",
    "messenger_platform",
    "product",
    "simulator",
    "tests",
    "tools",
    "webchat_platform",
    "whatsapp_platform",
}

# Layer → the layers it may import (its own modules always). Read top to bottom: the three
# processes' code, then what they share. A backend package is a layer of its own.
MAY_IMPORT: dict[str, set[str]] = {
    # Tools and benchmarks start and measure everything, so they may use everything.
    "tools": OURS - {"tests", "benchmarks"},
    "benchmarks": OURS,
    # The Rasa server's process (.venv-bot): our channel and NLU components.
    "bot": {"actions", "messenger_platform", "webchat_platform", "whatsapp_platform", "product"},
    # The action server (.venv-bot): reaches the backend only over HTTP. It reads a WhatsApp
    # customer's number from the conversation id (whatsapp_platform.ids).
    "actions": {"messenger_platform", "whatsapp_platform", "product"},
    # The simulator's fake Graph API speaks Messenger and WhatsApp.
    "simulator": {"messenger_platform", "whatsapp_platform", "product"},
    # The backend (.venv), from its entry points down to the pure rules.
    "backend": set(),  # the package's __init__
    "backend.__main__": {
        "backend.*",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    "backend.app": {
        "backend.*",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    "backend.routes": {
        "backend.web",
        "backend.console",
        "backend.observability",
        "backend.status_page",
    },
    # The customer's status page: like the console, a web face on the use cases.
    "backend.status_page": {
        "backend.billing",
        "backend.web",
        "backend.services",
        "backend.friends_chat",
        "backend.adapters",
        "backend.domain",
        "backend.config",
        "product",
    },
    "backend.console": {
        "backend.billing",
        "backend.web",
        "backend.services",
        "backend.friends_chat",
        "backend.adapters",
        "backend.domain",
        "backend.config",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    "backend.web": {
        "backend.billing",
        "backend.services",
        "backend.friends_chat",
        "backend.adapters",
        "backend.domain",
        "backend.config",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    "backend.observability": {
        "backend.web",
        "backend.services",
        "backend.adapters",
        "backend.domain",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
    },
    "backend.friends_chat": {
        "backend.billing",
        "backend.services",
        "backend.adapters",
        "backend.domain",
        "backend.config",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    "backend.services": {
        "backend.billing",
        "backend.adapters",
        "backend.domain",
        "backend.config",
        # Leaf modules of upper packages that hold no use case: the counters, and the
        # Friends' messages (pure builders) that offers and reminders are written with.
        "backend.observability.metrics",
        "backend.friends_chat.messages",
        "backend.friends_chat.texts",
        # The offer as a WhatsApp template, for Friends outside the window.
        "backend.whatsapp.offer_template",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    # The customers' WhatsApp settings live beside the registry they name (backend.whatsapp).
    "backend.config": {
        "backend.adapters",
        # The platform's bank accounts per country (BILLING_* variables).
        "backend.billing.accounts",
        "backend.domain",
        "backend.whatsapp.settings",
        "product",
    },
    # WhatsApp's templates (the registry, its command) and the customer news sent as them:
    # configuration and a Graph client over the adapters; the RasaClient reaches the news
    # sender through a protocol (backend.adapters.rasa.TemplateNews), not an import.
    "backend.whatsapp": {
        "backend.adapters",
        "backend.domain",
        # friend_offer is filled with the texts of the offer inside the window.
        "backend.friends_chat.messages",
        "messenger_platform",
        "whatsapp_platform",
        "product",
    },
    "backend.adapters": {
        "backend.domain",
        "messenger_platform",
        "webchat_platform",
        "whatsapp_platform",
        "product",
    },
    # Getting paid (issue 18): documents, references, QR codes, PDF, journal, bank files; its
    # tables join the adapters' Base. The use cases reach it from backend.services; the web,
    # console, status page and Friends' chat faces read its values (documents, accounts).
    "backend.billing": {"backend.adapters", "backend.domain", "product"},
    "backend.migrations": {
        "backend.adapters",
        "backend.billing",
        "backend.console",
        "backend.domain",
        "product",
    },
    "backend.domain": {"product"},
    # Shared by both virtual environments: the standard library and each other only.
    "messenger_platform": {"product"},
    "webchat_platform": {"product"},
    # WhatsApp's rules reuse Meta's signature and backoff from messenger_platform.
    "whatsapp_platform": {"messenger_platform", "product"},
    "product": set(),
}
# What the leaf modules that services may reach import in turn (else the exception would hide
# a way back up).
LEAVES: dict[str, set[str]] = {
    "backend.observability.metrics": {"backend.adapters", "backend.domain"},
    "backend.friends_chat.messages": {
        "backend.friends_chat.texts",
        "backend.adapters.messenger",
        "backend.adapters.orm",
        "backend.domain",
        "product",
    },
    "backend.friends_chat.texts": {"product"},
}


def layer(module: str) -> str:
    """``backend.services.claims`` → ``backend.services``; ``actions.dialogue`` → ``actions``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "backend" and len(parts) > 1 else parts[0]


def _allowed(target: str, rules: set[str]) -> bool:
    return any(
        target == rule or target.startswith(rule.rstrip("*") if rule.endswith("*") else rule + ".")
        for rule in rules
    )


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        top = relative.parts[0]
        if top not in OURS or top == "tests" or "versions" in relative.parts:
            continue
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        yield name, path


def imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            # `from backend.friends_chat import texts` names the module texts.
            yield node.lineno, max(names, key=lambda n: (_is_module(n), len(n)))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def violations() -> list[str]:
    found = []
    for name, path in modules():
        own = layer(name)
        rules = LEAVES.get(name) or MAY_IMPORT.get(own)
        assert rules is not None, f"{name}: its layer {own} is not in MAY_IMPORT"
        for line, target in imports(path):
            if target.split(".")[0] not in OURS or layer(target) == own:
                continue
            if not _allowed(target, rules):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return found


def test_every_import_follows_the_layers() -> None:
    assert violations() == []


def test_every_package_has_a_place_in_the_layers() -> None:
    packages = {layer(name) for name, _ in modules()}
    assert packages <= set(MAY_IMPORT), packages - set(MAY_IMPORT)
    for top in OURS - {"tests"}:
        assert top in packages or any(p.startswith(top + ".") for p in packages), top


def test_the_check_sees_a_forbidden_import() -> None:
    # The walk itself must notice what it is there to forbid.
    services = MAY_IMPORT["backend.services"]
    assert not _allowed("backend.adapters.orm", MAY_IMPORT["backend.domain"])
    assert not _allowed("backend.services.jobs", MAY_IMPORT["actions"])
    assert _allowed("backend.friends_chat.texts", services)
    assert not _allowed("backend.friends_chat.router", services)
    assert _allowed("backend.services.jobs", MAY_IMPORT["backend.app"])
    assert layer("backend.services.claims") == "backend.services"
