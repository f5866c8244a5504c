"""The console in Debian's chromium (headless, Playwright) against the running app.

Each step keeps a screenshot in var/test-artifacts/console/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from simulator.fake_graph import FakeGraph
from tests.console.conftest import (
    ADMIN,
    ADMIN_TOKEN,
    API_TOKEN,
    CUSTOMERS_TOKEN,
    Client,
    Clock,
    FakeRasa,
    TrackerStore,
    bot,
    eventually,
    slot,
    user,
)
from tests.console.test_jobs_friends_privacy import APPLICANT, JOB

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "console"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: run tools/install_chromium.sh")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, headless=True)
        yield launched
        await launched.close()


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def log_in(page: Page, base: str) -> None:
    await page.goto(f"{base}/console/conversations?lang=en")
    await expect(page).to_have_url(re.compile(r"/console/login\?next="))
    await shot(page, "01-login")
    await page.fill("input[name=email]", ADMIN[0])
    await page.fill("input[name=password]", ADMIN[1])
    await page.click("button[type=submit]")
    await expect(page.locator("#conversations")).to_be_visible()


def seed(store: TrackerStore, clock: Clock) -> None:
    at = clock() - timedelta(hours=2)
    store.add("psid-anna", slot("language", "de", at))
    store.add(
        "psid-anna",
        user("Grüezi, mein Fernseher findet keine Sender", at, "describe_problem", 0.41),
    )
    store.add(
        "psid-anna", bot("Das tut mir leid. Worum geht es?", at, buttons=["Fernseher", "WLAN"])
    )
    store.add(
        "psid-anna", user("<script>alert(1)</script> ich will einen Menschen", at, "human", 0.95)
    )
    store.add("psid-ben", slot("language", "en", at - timedelta(hours=1)))
    store.add("psid-ben", user("Hello", at - timedelta(hours=1), "greet", 0.99))


async def test_console_in_the_browser(
    client: Client,
    browser: Browser,
    tracker_store: TrackerStore,
    fake_rasa: FakeRasa,
    fake_graph: tuple[FakeGraph, str],
    clock: Clock,
) -> None:
    seed(tracker_store, clock)
    job = await client.post(
        "/api/v1/jobs", json=JOB, headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert job.status == 201
    reference = (await job.json())["reference"]
    friend = await client.post(
        "/api/v1/friends", json=APPLICANT, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    friend_id = (await friend.json())["id"]
    base = str(client.make_url("")).rstrip("/")
    dialogs: list[Any] = []
    page = await browser.new_page(locale="en-GB")
    page.on("dialog", lambda dialog: dialogs.append(dialog))

    # Log in, then filter the list.
    await log_in(page, base)
    await expect(page.locator(".conversation-link")).to_have_count(2)
    await shot(page, "02-conversations")
    await page.select_option("select[name=language]", "de")
    await page.fill("input[name=below]", "0.5")
    await page.click("#apply-filters")
    await expect(page.locator(".conversation-link")).to_have_count(1)
    await expect(page.locator(".conversation-link")).to_have_text("psid-anna")
    await shot(page, "03-filtered")

    # Open the transcript: the customer's <script> is text, not code.
    await page.click(".conversation-link")
    await expect(page.locator(".bubble.customer").nth(1)).to_contain_text(
        "<script>alert(1)</script>"
    )
    await expect(page.locator(".meta .intent").first).to_have_text("describe_problem")
    await expect(page.locator(".button")).to_have_text(["Fernseher", "WLAN"])
    await shot(page, "04-transcript")

    # Take over and reply: the reply reaches the fake Graph API with the HUMAN_AGENT tag.
    await page.click("#take-over")
    await expect(page.locator("#send-reply")).to_be_visible()
    await page.fill("#reply-text", "Hallo, hier ist der Support. Ich helfe Ihnen gerne weiter.")
    await page.click("#send-reply")
    await expect(page.locator(".bubble.agent")).to_contain_text("hier ist der Support")
    graph = fake_graph[0]

    async def replied() -> bool:
        return bool(graph.calls(page_token=CUSTOMERS_TOKEN, recipient="psid-anna"))

    await eventually(replied)
    sent = graph.calls(page_token=CUSTOMERS_TOKEN, recipient="psid-anna")[0].body
    assert (sent["messaging_type"], sent["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert fake_rasa.posts[0]["events"] == [{"event": "pause"}]
    await shot(page, "05-takeover-reply")
    await page.click("#hand-back")
    await expect(page.locator("#take-over")).to_be_visible()

    # Activate the applicant Friend.
    await page.click("nav a[href='/console/friends']")
    await page.click(f"#friend-{friend_id} button[data-action=activate]")
    await expect(page.locator(".flash")).to_have_text("Friend updated.")
    await expect(page.locator(f"#friend-{friend_id} .badge")).to_have_text("active")
    await shot(page, "06-friends")

    # Re-dispatch the job from its page.
    await page.click("nav a[href='/console/jobs']")
    await expect(page.locator(".job-link")).to_contain_text([reference])
    await shot(page, "07-jobs")
    await page.click(f"text={reference}")
    await page.click("#redispatch")
    await expect(page.locator(".flash")).to_have_text("The job is being re-dispatched.")
    await expect(page.locator("#event-log")).to_contain_text("redispatched")
    await shot(page, "08-job-redispatched")

    # The privacy page, in German.
    await page.goto(f"{base}/console/privacy?lang=de")
    await expect(page.locator("h2").first).to_have_text("Kundendaten exportieren (JSON)")
    await shot(page, "09-privacy-de")
    assert dialogs == []
