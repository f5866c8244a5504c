"""The Messenger simulator page in headless chromium: book a job in the customer's phone by
typing and tapping quick replies (and sending a photo), pick the demo Friend in the Friend's
phone, claim the job there, and see both confirmations and the photo's link. A screenshot of
every step lands in var/test-artifacts/.

The customer answers the questions the bot asks (recognised from the fake Graph calls, as in
the other end-to-end tests), but every answer is typed or clicked in the page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import aiohttp
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import Chat, Customer, api, book
from tools.stack import ROOT

ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
STEP_MS = 60_000  # a turn of the bot on busy shared cores


class Screenshots:
    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    async def take(self, step: str) -> None:
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")[:50]
        path = self.folder / f"{self.count:02d}-{name}.png"
        await self.page.screenshot(path=path, full_page=True)


class PageChat(Chat):
    """The customer's phone in the simulator page: typing and tapping happen in the browser."""

    def __init__(self, system: System, psid: str, page: Page, shots: Screenshots) -> None:
        super().__init__(system, psid)
        self.pane = page.locator('section[data-page="customer"]')
        self.shots = shots

    async def deliver_text(self, message: str) -> None:
        await self.shots.take(f"customer before {message}")
        await self.pane.locator("input.text").fill(message)
        await self.pane.locator("button.send").click()
        await expect(self.pane.locator(".row.in").last).to_contain_text(message)

    async def deliver_tap(self, title: str, payload: str) -> None:
        pill = self.pane.locator(".quick-replies").get_by_role("button", name=title, exact=True)
        await expect(pill).to_be_visible(timeout=STEP_MS)
        await self.shots.take(f"customer before tapping {title}")
        await pill.click()
        await expect(self.pane.locator(".row.in").last).to_contain_text(title)

    async def deliver_image(self, url: str) -> None:
        # The page sends its demo photo; the test asks for the same URL.
        await self.shots.take("customer before sending a photo")
        await self.pane.locator("button.send-photo").click()
        await expect(self.pane.locator(".row.in").last).to_contain_text(url)


async def _choose_psid(page: Page, pane: str, psid: str) -> None:
    field = page.locator(f'section[data-page="{pane}"] input.psid')
    await field.fill(psid)
    await field.dispatch_event("change")


async def _demo_photo(system: System) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{system.simulator_url}/api/sim/config") as response,
    ):
        return str((await response.json())["demo_image_url"])


async def test_book_and_claim_in_the_simulator_page(system: System, browser: Browser) -> None:
    # In Köln, away from the other tests' Friends, so no other test sees this offer.
    friend_psid, customer_psid = "browser-friend-lena", "browser-customer-karl"
    friend = {
        "name": "Lena Browser",
        "messenger_id": friend_psid,
        "postal_code": "50667",
        "country": "DE",
        "radius_km": 15,
        "skills": ["internet_wifi"],
        "languages": ["de"],
        "status": "active",
    }

    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    shots = Screenshots(page, ARTIFACTS)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    await page.goto(system.simulator_url)
    friends_pane = page.locator('section[data-page="friends"]')
    # Every secret is configured, so there is nothing to warn about (and no empty warning box).
    await expect(page.locator("#warnings")).to_be_hidden()
    await expect(friends_pane.locator(".chat")).to_be_visible()

    # A Friend onboarded while the page is open shows up in the Friend pane's list of Friends
    # to pick from; the Friend then starts the day.
    await api(system, "POST", "/api/v1/friends", SECRETS["BACKEND_ADMIN_TOKEN"], json=friend)
    await friends_pane.locator("input.psid").focus()
    option = page.locator(f'#friend-list option[value="{friend_psid}"]')
    await expect(option).to_have_count(1)
    assert "Lena Browser" in (await option.get_attribute("label") or "")
    await _choose_psid(page, "friends", friend_psid)
    await friends_pane.locator("input.text").fill("online")
    await friends_pane.locator("button.send").click()
    await expect(friends_pane.locator(".row.out").first).to_be_visible(timeout=STEP_MS)
    await shots.take("friend checked in")

    await _choose_psid(page, "customer", customer_psid)
    customer = Customer(
        psid=customer_psid,
        greeting="Hallo",
        description="Mein WLAN bricht ständig ab",
        category="internet_wifi",
        postal_code="50667",
        city="Köln",
        package="quick_help",
        street="Hohe Straße 12",
        time="morgen Nachmittag",
        name="Karl Klicker",
        phone="0221 1234567",
        image_url=await _demo_photo(system),
    )
    booking = await book(system, customer, PageChat(system, customer_psid, page, shots))
    customer_pane = page.locator('section[data-page="customer"]')
    await expect(customer_pane.locator(".chat")).to_contain_text("12 Stunden")
    await shots.take("customer booked")
    jobs = await api(
        system, "GET", f"/api/v1/jobs?customer_psid={customer_psid}", SECRETS["BACKEND_API_TOKEN"]
    )
    assert len(jobs) == 1
    reference = jobs[0]["reference"]
    assert reference in booking.confirmation
    await expect(customer_pane.locator(".chat")).to_contain_text(reference)

    # The offer reaches the Friend's phone with its buttons; the Friend accepts.
    offer = friends_pane.locator(".row.out", has_text=reference)
    await expect(offer).to_be_visible(timeout=STEP_MS)
    await shots.take("friend sees the offer")
    await offer.locator("button.tbutton", has_text="Annehmen").click()
    won = friends_pane.locator(".row.out", has_text="gehört Ihnen")
    await expect(won).to_be_visible(timeout=STEP_MS)
    await expect(won).to_contain_text("Karl Klicker")
    await expect(won).to_contain_text("+492211234567")
    # The photo is the backend's stored copy (the bot fetched the simulator's picture).
    [stored] = jobs[0]["image_urls"]
    assert stored.startswith(f"{system.backend_url}/media/"), stored
    photo = friends_pane.locator(".row.out", has_text=stored).last
    await expect(photo).to_contain_text(reference)
    await shots.take("friend won the job")

    # The customer hears who is coming.
    await expect(customer_pane.locator(".row.out", has_text="Lena")).to_be_visible(timeout=STEP_MS)
    await shots.take("customer told who comes")
    job = await api(system, "GET", f"/api/v1/jobs/{reference}", SECRETS["BACKEND_API_TOKEN"])
    assert job["assigned_friend"]["messenger_id"] == friend_psid
    assert page_errors == []
    assert len(list(ARTIFACTS.glob("*.png"))) == shots.count >= 10
