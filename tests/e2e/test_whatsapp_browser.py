"""The simulator page's WhatsApp mode in headless chromium against the real bot and backend: a
customer books by typing, opening the bot's lists and tapping their rows and reply buttons,
sending the demo photo and accepting the number WhatsApp gives; the job says so. axe-core finds
nothing serious or critical. Screenshots land in var/test-artifacts/whatsapp-browser/.

Which question the bot asked is read from the fake Graph's calls (tests/e2e/whatsapp_chat.py);
every answer is typed or clicked in the page. Needs H1's channel, H2's dialogue and H3's media.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import Customer, api, text
from tests.e2e.whatsapp_chat import WhatsAppChat, book_on_whatsapp
from tests.webchat.browser import ARTIFACTS, Screenshots, axe_check

STEP_MS = 60_000  # a turn of the bot on busy shared cores


@dataclass
class PageWhatsAppChat(WhatsAppChat):
    """The customer's WhatsApp in the simulator page: every message is typed or tapped there."""

    page: Page | None = None
    shots: Screenshots | None = None
    steps: list[str] = field(default_factory=list)

    @property
    def pane(self) -> Locator:
        assert self.page is not None
        return self.page.locator(f'section[data-wa="{self.number}"]')

    async def shot(self, step: str) -> None:
        assert self.page is not None and self.shots is not None
        await self.shots.take(self.page, step)

    async def deliver(self, **fields: Any) -> dict[str, Any]:
        pane = self.pane
        before = await pane.locator(".row.in").count()
        if "text" in fields:
            await self.shot(f"before {fields['text']}")
            await pane.get_by_role("textbox", name="Message").fill(fields["text"])
            await pane.get_by_role("button", name="Send").click()
        elif "reply" in fields:
            reply = fields["reply"]
            title = reply["title"]
            # The latest message offering this kind of choice (more may have followed it).
            if reply["kind"] == "list_reply":
                last = pane.locator(".row.out:has(.wa-list-open)").last
                opener = last.locator(".wa-list-open")
                await expect(opener).to_be_visible(timeout=STEP_MS)
                await opener.click()
                await self.shot(f"list open before {title}")
                await last.locator(".wa-row", has_text=title).first.click()
            else:
                last = pane.locator(".row.out:has(.wa-reply)").last
                button = last.get_by_role("button", name=title, exact=True)
                await expect(button).to_be_visible(timeout=STEP_MS)
                await self.shot(f"before tapping {title}")
                await button.click()
        elif fields.get("media") == "photo":
            await self.shot("before sending the photo")
            await pane.get_by_role("button", name="📷 Photo").click()
        else:
            raise AssertionError(f"the page test cannot send {fields}")
        await expect(pane.locator(".row.in")).to_have_count(before + 1, timeout=STEP_MS)
        # The page says whether the webhook took it.
        await expect(pane.locator(".status")).to_contain_text("delivered", timeout=STEP_MS)
        return {}


async def test_book_on_whatsapp_in_the_simulator_page(system: System, browser: Browser) -> None:
    wa_id = "4917600000201"
    page = await browser.new_page(viewport={"width": 1280, "height": 1000})
    shots = Screenshots(ARTIFACTS.parent / "whatsapp-browser")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{system.simulator_url}/?mode=whatsapp")
    # Every WhatsApp setting is configured, so nothing to warn about.
    await expect(page.locator("#warnings")).to_be_hidden()
    await expect(page.get_by_role("button", name="WhatsApp", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    waid = page.locator('section[data-wa="customer"] input.waid')
    await waid.fill(wa_id)
    await waid.dispatch_event("change")

    chat = PageWhatsAppChat(system, wa_id, "Erika Muster", page=page, shots=shots)
    customer = Customer(
        psid=f"wa-{wa_id}",
        greeting="Hallo",
        description="Mein WLAN bricht ständig ab",
        category="internet_wifi",
        postal_code="06108",
        city="Halle",
        package="quick_help",
        street="Marktplatz 1",
        time="morgen Nachmittag",
        name="Erika Muster",
        phone="",
    )
    booking = await book_on_whatsapp(chat, customer)
    pane = chat.pane
    await expect(pane.locator(".chat")).to_contain_text("12 Stunden")
    await expect(pane.get_by_role("img", name="Photo you sent")).to_be_visible()
    await shots.take(page, "customer booked")

    assert "phone" not in booking.turns and "phone_offer" in booking.turns
    jobs = await api(
        system,
        "GET",
        f"/api/v1/jobs?channel=whatsapp&customer_id=wa-{wa_id}",
        SECRETS["BACKEND_API_TOKEN"],
    )
    assert len(jobs) == 1
    job = jobs[0]
    assert job["reference"] in booking.confirmation
    assert job["customer"]["phone"] == f"+{wa_id}"
    assert len(job["image_urls"]) == 1
    await expect(pane.locator(".chat")).to_contain_text(job["reference"])
    assert any(text(c) for c in booking.turns["photo"])

    findings = await axe_check(page, shots.folder / "axe-whatsapp.json")
    assert findings == [], findings
    assert errors == []
