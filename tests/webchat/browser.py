"""What the website chat's browser tests share: Debian's chromium under Playwright, numbered
screenshots, the widget's parts as locators, and the axe-core accessibility check."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright

from tools.stack import ROOT

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = ROOT / "var" / "test-artifacts" / "webchat"
# The WCAG 2.1 A and AA rules; what axe calls best practice is reported but not counted.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():  # noqa: ASYNC240 (a stat, once per test)
        pytest.fail(f"no chromium at {CHROMIUM}: run tools/install_chromium.sh (make test does)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            await browser.close()


class Screenshots:
    """Numbered screenshots of one test run in var/test-artifacts/webchat/<run>/."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count = folder, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    async def take(self, page: Page, step: str) -> Path:
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")[:50]
        path = self.folder / f"{self.count:02d}-{name}.png"
        await page.screenshot(path=path)
        return path


class Widget:
    """The chat widget on a page (Playwright's locators reach into its open shadow root)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.locator(".tfw-launcher")
        self.panel = page.locator(".tfw-panel")
        self.log = page.locator(".tfw-log")
        self.input = page.locator(".tfw-input")
        self.send = page.locator(".tfw-send")
        self.status = page.locator(".tfw-status")
        self.typing = page.locator(".tfw-typing")
        self.messages = page.locator(".tfw-msg")
        self.bot = page.locator(".tfw-msg.tfw-bot")
        self.user = page.locator(".tfw-msg.tfw-user")
        self.replies = page.locator(".tfw-replies .tfw-reply")

    def reply(self, title: str) -> Locator:
        return self.page.locator(".tfw-replies").get_by_role("button", name=title, exact=True)

    async def texts(self) -> list[tuple[str, str]]:
        """(sender, what the bubble shows) of every message on screen, in order."""
        # Without the visually hidden parts ("Sie: ", "(öffnet in neuem Fenster)").
        rows = await self.messages.evaluate_all(
            """items => items.map(item => {
                const bubble = item.querySelector('.tfw-bubble');
                if (!bubble) return [item.dataset.sender, ''];
                const copy = bubble.cloneNode(true);
                copy.querySelectorAll('.tfw-sr').forEach(node => node.remove());
                return [item.dataset.sender, copy.textContent];
            })"""
        )
        return [(str(sender), str(text)) for sender, text in rows]


def axe_file() -> Path:
    """axe-core's axe.min.js, installed by tools/install_axe.sh when missing."""
    result = subprocess.run(
        [str(ROOT / "tools" / "install_axe.sh")], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"tools/install_axe.sh failed: {result.stderr.strip()}")
    return Path(result.stdout.strip())


async def axe_check(page: Page, report: Path) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page; the serious and critical findings.

    The whole result is written to `report` (JSON) for the artifacts."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(axe_file()))
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    text = json.dumps(result, indent=1, ensure_ascii=False)
    report.write_text(text, encoding="utf-8")  # noqa: ASYNC240 (a small file, once per check)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]
