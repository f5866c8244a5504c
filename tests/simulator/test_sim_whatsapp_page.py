"""The simulator page's WhatsApp mode in headless chromium, against a scripted bot: the customer
types, picks a row of a list, taps a reply button, sends a photo and a voice message; the Friend,
silent for three days, gets a template and taps its button. Everything is done in the page and
checked in what the webhooks received; axe-core finds nothing serious. Screenshots land in
var/test-artifacts/simulator-whatsapp/. (tests/e2e/test_whatsapp_browser.py does the same
against the real bot and backend.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from simulator.app import create_app
from simulator.fake_graph import FakeGraph
from simulator.settings import SimulatorSettings
from tests.webchat.browser import ARTIFACTS, Screenshots, axe_check, browser  # noqa: F401
from whatsapp_platform import inbound, outbound

CUSTOMER_NUMBER, FRIENDS_NUMBER = "111000111", "222000222"
CUSTOMER_TOKEN, FRIENDS_TOKEN = "page-customer-token", "page-friends-token"
CUSTOMER, FRIEND = "4917612345678", "4915712345678"
STEP_MS = 10_000
CATEGORIES = [
    ('/inform{"category":"internet_wifi"}', "Internet und WLAN"),
    ('/inform{"category":"tv_entertainment"}', "Fernsehen"),
    ('/inform{"category":"printer"}', "Drucker"),
    ('/inform{"category":"computer"}', "Computer und Laptop"),
    ('/inform{"category":"smartphone_tablet"}', "Handy und Tablet"),
    ('/inform{"category":"smart_home"}', "Smart Home"),
    ('/inform{"category":"other"}', "Etwas anderes"),
]


@dataclass
class ScriptedBot:
    """Stands in for Rasa and the backend: answers each WhatsApp message through the Graph."""

    graph_url: str = ""
    received: list[inbound.Message] = field(default_factory=list)

    async def send(self, number: str, token: str, body: dict[str, Any]) -> None:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{self.graph_url}/v21.0/{number}/messages",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            ) as resp,
        ):
            assert resp.status == 200, await resp.text()

    async def customer(self, message: inbound.Message) -> None:
        to = message.wa_id
        if message.kind == "text":
            choices = [outbound.Choice(i, t) for i, t in CATEGORIES]
            body = outbound.choose(to, "Worum geht es?", choices, "Bereiche")
        elif message.kind == "list_reply":
            yes_no = [outbound.Choice("/affirm", "Ja"), outbound.Choice("/deny", "Nein")]
            body = outbound.buttons(to, f"Können wir Sie unter +{to} anrufen?", yes_no)
        elif message.kind == "button_reply":
            body = outbound.text(to, "Gerne. Schicken Sie uns ein Foto?")[0]
        elif message.kind == "image":
            body = outbound.text(to, "Danke für das Foto!")[0]
        else:
            body = outbound.text(to, "Danke für die Sprachnachricht.")[0]
        await self.send(CUSTOMER_NUMBER, CUSTOMER_TOKEN, body)

    async def friend(self, message: inbound.Message) -> None:
        if message.kind == "button":
            body = outbound.text(message.wa_id, "Der Auftrag TF-42 gehört Ihnen.")[0]
            await self.send(FRIENDS_NUMBER, FRIENDS_TOKEN, body)


@pytest.fixture
async def page_url(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> AsyncIterator[tuple[str, ScriptedBot]]:
    bot = ScriptedBot()

    def handler(answer: Callable[[inbound.Message], Awaitable[None]]) -> Any:
        async def webhook(request: web.Request) -> web.Response:
            for message in inbound.parse_body(await request.read()).messages:
                bot.received.append(message)
                # Answered after the webhook, as our services do.
                asyncio.get_running_loop().call_later(0.05, asyncio.ensure_future, answer(message))
            return web.Response(text="ok")

        return webhook

    receivers = web.Application()
    receivers.router.add_post("/webhooks/whatsapp/webhook", handler(bot.customer))
    receivers.router.add_post("/webhooks/friends/whatsapp", handler(bot.friend))
    receiver = await aiohttp_server(receivers)
    url = str(receiver.make_url("")).rstrip("/")
    settings = SimulatorSettings(
        rasa_url=url,
        backend_url=url,
        customer_whatsapp_phone_number_id=CUSTOMER_NUMBER,
        customer_whatsapp_access_token=CUSTOMER_TOKEN,
        customer_whatsapp_app_secret="customer-secret",
        friends_whatsapp_phone_number_id=FRIENDS_NUMBER,
        friends_whatsapp_access_token=FRIENDS_TOKEN,
        friends_whatsapp_app_secret="friends-secret",
        whatsapp_templates_file="/nonexistent/templates.yml",
    )
    graph = FakeGraph()
    graph.whatsapp.status_delays = (0.05, 0.05, 0.05)
    sim = await aiohttp_server(create_app(settings, graph))
    sim_url = str(sim.make_url("")).rstrip("/")
    bot.graph_url = f"{sim_url}/graph"
    yield sim_url, bot
    await graph.whatsapp.close()


async def _person(page: Page, pane: str, wa_id: str) -> None:
    field_ = page.locator(f'section[data-wa="{pane}"] input.waid')
    await field_.fill(wa_id)
    await field_.dispatch_event("change")


async def test_whatsapp_mode_in_the_page(
    page_url: tuple[str, ScriptedBot],
    browser: Browser,  # noqa: F811
) -> None:
    url, bot = page_url
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    shots = Screenshots(ARTIFACTS.parent / "simulator-whatsapp")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    # Messenger first, as always; the switch shows the WhatsApp phones.
    await expect(page.locator("#messenger-phones")).to_be_visible()
    await page.get_by_role("button", name="WhatsApp", exact=True).click()
    await expect(page.locator("#messenger-phones")).to_be_hidden()
    customer = page.locator('section[data-wa="customer"]')
    friend = page.locator('section[data-wa="friends"]')
    await expect(customer).to_be_visible()
    await _person(page, "customer", CUSTOMER)

    await customer.get_by_role("textbox", name="Message").fill("Hallo, mein WLAN geht nicht")
    await customer.get_by_role("button", name="Send").click()
    opener = customer.get_by_role("button", name="☰ Bereiche")
    await expect(opener).to_be_visible(timeout=STEP_MS)
    await shots.take(page, "customer sees the list")
    await opener.click()
    await customer.get_by_role("button", name="Internet und WLAN").click()
    yes = customer.get_by_role("button", name="Ja", exact=True)
    await expect(yes).to_be_visible(timeout=STEP_MS)
    await expect(customer.locator(".row.out").last).to_contain_text(f"+{CUSTOMER}")
    await yes.click()
    await expect(customer.locator(".row.out").last).to_contain_text("Foto", timeout=STEP_MS)
    await customer.get_by_role("button", name="📷 Photo").click()
    await expect(customer.get_by_role("img", name="Photo you sent")).to_be_visible()
    await expect(customer.locator(".row.out").last).to_contain_text("Danke", timeout=STEP_MS)
    await customer.get_by_role("button", name="🎤 Voice").click()
    await expect(customer.locator("audio")).to_have_count(1)
    await expect(customer.locator(".row.out").last).to_contain_text(
        "Sprachnachricht", timeout=STEP_MS
    )
    # The bot's messages get their ticks from the status webhooks.
    await expect(customer.locator(".tick").first).to_have_text("✓✓ read", timeout=STEP_MS)
    await shots.take(page, "customer after photo and voice")
    kinds = [(m.kind, m.payload) for m in bot.received]
    assert kinds == [
        ("text", ""),
        ("list_reply", CATEGORIES[0][0]),
        ("button_reply", "/affirm"),
        ("image", ""),
        ("audio", ""),
    ]

    # The Friend has not written for three days: free text is refused, a template arrives.
    await _person(page, "friends", FRIEND)
    await friend.get_by_role("button", name="⏱ 3 days ago").click()
    await expect(friend.locator(".status")).to_contain_text("3 days back")
    offer = outbound.text(FRIEND, "Neuer Auftrag TF-42")[0]
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{bot.graph_url}/v21.0/{FRIENDS_NUMBER}/messages",
            json=offer,
            headers={"Authorization": f"Bearer {FRIENDS_TOKEN}"},
        ) as refused,
    ):
        assert refused.status == 400
        assert (await refused.json())["error"]["code"] == 131047
    template = outbound.template(
        FRIEND, "friend_offer", "de", {"reference": "TF-42"}, ["CLAIM:TF-42"]
    )
    await bot.send(FRIENDS_NUMBER, FRIENDS_TOKEN, template)
    await expect(friend.locator(".row.failed")).to_contain_text("131047", timeout=STEP_MS)
    claim = friend.get_by_role("button", name="CLAIM:TF-42")
    await expect(claim).to_be_visible(timeout=STEP_MS)
    await expect(friend.locator(".wa-template")).to_contain_text("Template friend_offer · de")
    await claim.click()
    await expect(friend.locator(".row.out").last).to_contain_text("gehört Ihnen", timeout=STEP_MS)
    await shots.take(page, "friend claimed by template button")
    assert (bot.received[-1].kind, bot.received[-1].payload) == ("button", "CLAIM:TF-42")

    findings = await axe_check(page, shots.folder / "axe-whatsapp.json")
    assert findings == [], findings
    assert errors == []
