"""The end-to-end tests' WhatsApp customer (tests/e2e/whatsapp_chat.py, and the page's in
tests/e2e/test_whatsapp_browser.py) books against a scripted bot through the real simulator: so
the helpers that play the customer are known to work before the real bot's WhatsApp channel
exists (the e2e tests then only depend on the bot)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect

from simulator.app import create_app
from simulator.fake_graph import FakeGraph
from simulator.settings import SimulatorSettings
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import Customer
from tests.e2e.test_whatsapp_browser import PageWhatsAppChat
from tests.e2e.whatsapp_chat import WhatsAppChat, book_on_whatsapp
from tests.webchat.browser import Screenshots, browser  # noqa: F401
from tools.stack import Stack
from whatsapp_platform import inbound, outbound
from whatsapp_platform.ids import phone_of

NUMBER = SECRETS["CUSTOMER_WHATSAPP_PHONE_NUMBER_ID"]
TOKEN = SECRETS["CUSTOMER_WHATSAPP_ACCESS_TOKEN"]
YES_NO = [outbound.Choice("/affirm", "Ja"), outbound.Choice("/deny", "Nein")]


class ScriptedBooking:
    """A bot that asks the booking's questions in a fixed order, as WhatsApp bodies."""

    def __init__(self) -> None:
        self.graph_url = ""
        self.step = 0
        self.kinds: list[str] = []

    def answer(self, message: inbound.Message) -> list[dict[str, Any]]:
        to = message.wa_id
        self.kinds.append(message.kind)
        if message.kind == "image":
            return outbound.text(to, "Danke für das Foto. Wie lautet Ihre Postleitzahl?")
        self.step += 1
        if self.step == 1:
            categories = [
                outbound.Choice('/inform{"category":"internet_wifi"}', "Internet und WLAN"),
                outbound.Choice('/inform{"category":"printer"}', "Drucker"),
                outbound.Choice('/inform{"category":"tv_entertainment"}', "Fernsehen"),
                outbound.Choice('/inform{"category":"other"}', "Etwas anderes"),
            ]
            return [outbound.choose(to, "Worum geht es?", categories, "Bereiche")]
        if self.step == 2:
            return outbound.text(to, "Wie lautet Ihre Postleitzahl?")
        if self.step == 3:
            number = phone_of(to)
            grouped = f"{number[:3]} {number[3:6]} {number[6:]}"
            question = f"Darf der Techniker Sie unter {grouped} anrufen?"
            return [outbound.buttons(to, question, YES_NO)]
        if self.step == 4:
            summary = [
                outbound.Choice("/affirm", "Ja, buchen"),
                outbound.Choice("/change", "Ändern"),
                outbound.Choice("/cancel", "Abbrechen"),
            ]
            return [outbound.buttons(to, "Stimmt alles?", summary)]
        return outbound.text(to, "Danke! Referenz TF-7. Wir melden uns innerhalb von 12 Stunden.")

    async def reply(self, message: inbound.Message) -> None:
        async with aiohttp.ClientSession() as http:
            for body in self.answer(message):
                async with http.post(
                    f"{self.graph_url}/v21.0/{NUMBER}/messages",
                    json=body,
                    headers={"Authorization": f"Bearer {TOKEN}"},
                ) as resp:
                    assert resp.status == 200, await resp.text()


@pytest.fixture
async def system(
    aiohttp_server: Callable[..., Awaitable[TestServer]], tmp_path: Path
) -> AsyncIterator[tuple[System, ScriptedBooking]]:
    bot = ScriptedBooking()

    async def webhook(request: web.Request) -> web.Response:
        for message in inbound.parse_body(await request.read()).messages:
            asyncio.get_running_loop().call_later(0.02, asyncio.ensure_future, bot.reply(message))
        return web.Response(text="ok")

    receivers = web.Application()
    receivers.router.add_post("/webhooks/whatsapp/webhook", webhook)
    receiver = await aiohttp_server(receivers)
    url = str(receiver.make_url("")).rstrip("/")
    settings = SimulatorSettings(
        rasa_url=url,
        backend_url=url,
        customer_whatsapp_phone_number_id=NUMBER,
        customer_whatsapp_access_token=TOKEN,
        customer_whatsapp_app_secret=SECRETS["CUSTOMER_WHATSAPP_APP_SECRET"],
        whatsapp_templates_file="/nonexistent/templates.yml",
    )
    graph = FakeGraph()
    graph.whatsapp.status_delays = ()
    sim = await aiohttp_server(create_app(settings, graph))
    sim_url = str(sim.make_url("")).rstrip("/")
    bot.graph_url = f"{sim_url}/graph"
    # No processes: the scripted bot stands in for Rasa, so the Stack is empty.
    yield System(url, url, bot.graph_url, sim_url, {}, tmp_path, Stack({}, tmp_path)), bot
    await graph.whatsapp.close()


async def test_the_e2e_customer_books_with_a_photo_and_accepts_its_number(
    system: tuple[System, ScriptedBooking],
) -> None:
    sys, bot = system
    wa_id = "4917600000909"
    customer = Customer(
        psid=f"wa-{wa_id}",
        greeting="Guten Tag",
        description="Mein Router blinkt rot",
        category="internet_wifi",
        postal_code="04109",
        city="Leipzig",
        package="quick_help",
        street="Petersstraße 10",
        time="morgen",
        name="Gisela Gruber",
        phone="",
    )

    booking = await book_on_whatsapp(WhatsAppChat(sys, wa_id, "Gisela Gruber"), customer)

    assert "TF-7" in booking.confirmation
    assert list(booking.turns) == [
        "category",
        "photo",
        "postal_code",
        "phone_offer",
        "summary",
        "submitted",
    ]
    # The category is described in words (as people do), the yes/no questions tapped.
    assert bot.kinds == ["text", "text", "image", "text", "button_reply", "button_reply"]


async def test_the_e2e_page_customer_books_in_the_whatsapp_mode(
    system: tuple[System, ScriptedBooking],
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    sys, bot = system
    wa_id = "4917600000808"
    page = await browser.new_page(viewport={"width": 1280, "height": 1000})
    await page.goto(f"{sys.simulator_url}/?mode=whatsapp")
    waid = page.locator('section[data-wa="customer"] input.waid')
    await waid.fill(wa_id)
    await waid.dispatch_event("change")
    chat = PageWhatsAppChat(
        sys, wa_id, "Gisela Gruber", page=page, shots=Screenshots(tmp_path / "shots")
    )
    customer = Customer(
        psid=f"wa-{wa_id}",
        greeting="Hallo",
        description="Mein WLAN bricht ab",
        category="internet_wifi",
        postal_code="06108",
        city="Halle",
        package="quick_help",
        street="Marktplatz 1",
        time="morgen",
        name="Gisela Gruber",
        phone="",
    )

    booking = await book_on_whatsapp(chat, customer)

    assert "TF-7" in booking.confirmation
    await expect(chat.pane.get_by_role("img", name="Photo you sent")).to_be_visible()
    assert bot.kinds == ["text", "text", "image", "text", "button_reply", "button_reply"]
