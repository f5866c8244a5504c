"""The website chat widget in headless chromium against a fake Rasa socket.io server.

Three servers, three origins, as in the demo: the sample website (the simulator's /site), the
widget's files (the backend's /webchat/ routes) and the socket.io server (tests/webchat/
fake_rasa.py). Screenshots and axe reports land in var/test-artifacts/webchat/widget-*/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, BrowserContext, Page, expect

from backend import routes
from backend.web.routing import add_routes
from simulator.app import create_app as create_simulator
from simulator.settings import SimulatorSettings
from tests.webchat import fake_rasa
from tests.webchat.browser import ARTIFACTS, Screenshots, Widget, axe_check, browser
from tests.webchat.fake_rasa import FakeRasa

__all__ = ["browser"]  # the fixture, used by name
STEP_MS = 15_000


@dataclass
class Servers:
    rasa: FakeRasa
    rasa_url: str
    site_url: str


def widget_files() -> web.Application:
    """The backend's webchat route lines alone (the rest of the backend needs a database)."""
    app = web.Application()
    add_routes(app, routes.WEBCHAT, lambda route: route.handler)
    return app


async def _start(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


async def _servers(history_mode: str) -> AsyncIterator[Servers]:
    rasa = FakeRasa(history_mode=history_mode)
    started = [await _start(rasa.app()), await _start(widget_files())]
    rasa_url, files_url = (str(s.make_url("")).rstrip("/") for s in started)
    settings = SimulatorSettings(rasa_url=rasa_url, backend_url=files_url)
    started.append(await _start(create_simulator(settings)))
    try:
        yield Servers(rasa, rasa_url, str(started[-1].make_url("/site")))
    finally:
        for server in reversed(started):
            await server.close()


@pytest.fixture
async def history_servers() -> AsyncIterator[Servers]:
    async for servers in _servers(fake_rasa.HISTORY):
        yield servers


@pytest.fixture
async def replay_servers() -> AsyncIterator[Servers]:
    async for servers in _servers(fake_rasa.REPLAY):
        yield servers


async def _page(context: BrowserContext, errors: list[str]) -> Page:
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


async def _say(widget: Widget, text: str, answer: str) -> None:
    """Type into the field and press Enter, as a person would; wait for the bot's answer."""
    await widget.input.fill(text)
    await widget.input.press("Enter")
    await expect(widget.user.last).to_contain_text(text)
    await expect(widget.bot.last).to_contain_text(answer, timeout=STEP_MS)


async def _assert_no_blocking_axe_findings(page: Page, shots: Screenshots, name: str) -> None:
    findings = await axe_check(page, shots.folder / f"axe-{name}.json")
    assert findings == [], findings


async def test_desktop_booking_dialogue_with_history_reload_and_dropped_connection(
    browser: Browser, history_servers: Servers
) -> None:
    servers, errors = history_servers, list[str]()
    shots = Screenshots(ARTIFACTS / "widget-desktop")
    context = await browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = await _page(context, errors)
    widget = Widget(page)
    await page.goto(servers.site_url)
    await expect(widget.launcher).to_have_accessible_name("Chat öffnen")
    await expect(widget.panel).to_be_hidden()
    assert servers.rasa.session_requests == []  # no conversation yet: nothing connects
    await shots.take(page, "site with the launcher")

    # Keyboard only: Enter on the launcher opens the chat with the cursor in the field.
    await widget.launcher.focus()
    await page.keyboard.press("Enter")
    await expect(widget.panel).to_be_visible()
    await expect(widget.input).to_be_focused()
    await expect(widget.input).to_have_attribute("placeholder", "Hier schreiben …")
    await expect(widget.status).to_be_hidden(timeout=STEP_MS)  # "connecting" gone
    await page.keyboard.type("Hallo")
    await page.keyboard.press("Enter")
    await expect(widget.typing).to_be_visible()
    await shots.take(page, "typing indicator")
    await expect(widget.reply("WLAN")).to_be_visible(timeout=STEP_MS)
    await expect(widget.typing).to_be_hidden()
    await shots.take(page, "quick replies")
    first = servers.rasa.utterances[0]
    assert first["message"] == "Hallo"
    assert first["customData"] == {"language": "de-DE", "page_language": "de"}
    assert first["session_id"] == await _stored_token(page, servers)

    # A tapped choice: the buttons go, the choice is the customer's message, the payload is sent.
    await widget.reply("WLAN").click()
    await expect(widget.replies).to_have_count(0)
    await expect(widget.user.last).to_have_text("Sie: WLAN")
    await expect(widget.bot.last).to_contain_text("Postleitzahl", timeout=STEP_MS)
    assert servers.rasa.utterances[-1]["message"] == fake_rasa.WIFI

    # Markup typed by the customer (and echoed by the bot) is shown as the characters typed.
    await _say(widget, fake_rasa.HTML_TEXT, "Sie schrieben")
    shown = await widget.texts()
    assert shown[-2] == ("user", fake_rasa.HTML_TEXT)
    assert shown[-1] == ("bot", f"Sie schrieben: {fake_rasa.HTML_TEXT}")
    assert await widget.log.locator("img, b, script").count() == 0
    assert await page.evaluate("window.__pwned") is None
    await shots.take(page, "html shown as text")
    await _assert_no_blocking_axe_findings(page, shots, "desktop-open")

    # Escape closes, focus goes back to the launcher; it opens again.
    await page.keyboard.press("Escape")
    await expect(widget.panel).to_be_hidden()
    await expect(widget.launcher).to_be_focused()
    await widget.launcher.click()

    # A reload continues the conversation: the same session, everything shown again.
    before, token = await widget.texts(), await _stored_token(page, servers)
    await page.reload()
    await expect(widget.panel).to_be_visible()  # it was open, so it opens again
    await expect(widget.messages).to_have_count(len(before), timeout=STEP_MS)
    assert await widget.texts() == before
    assert servers.rasa.session_requests[-1] == token
    assert await _stored_token(page, servers) == token
    await shots.take(page, "history after reload")

    await _say(widget, "10115", "Berlin, richtig?")
    await widget.reply("Ja").click()  # buttons (not quick_replies) work the same
    await expect(widget.bot.last).to_contain_text("gebucht", timeout=STEP_MS)
    await _assert_long_text_and_links(page, widget)
    await shots.take(page, "long text with link")

    await _survives_dropped_connection(page, widget, servers, shots)

    # A person from the support team writes: marked as such, for eyes and screen readers.
    await servers.rasa.push_staff("Hier ist Frau Berger vom Team. Kann ich helfen?")
    staff = page.locator(".tfw-msg", has_text="Frau Berger")
    await expect(staff.locator(".tfw-who")).to_have_text("Team")
    await expect(staff.locator(".tfw-bubble")).to_have_text(
        "Team: Hier ist Frau Berger vom Team. Kann ich helfen?"
    )
    await shots.take(page, "reply from the support team")
    assert errors == []
    await context.close()


async def _stored_token(page: Page, servers: Servers) -> str:
    key = f"techfriends-webchat:{servers.rasa_url}"
    return str(await page.evaluate("key => localStorage.getItem(key)", key))


async def _assert_long_text_and_links(page: Page, widget: Widget) -> None:
    assert (await widget.texts())[-1] == ("bot", fake_rasa.LONG_TEXT)
    links = widget.bot.last.locator("a")
    await expect(links).to_have_count(1)  # javascript: and ftp: stay text
    assert await links.get_attribute("href") == fake_rasa.STATUS_LINK
    assert await links.get_attribute("rel") == "noopener noreferrer"
    await expect(links).to_have_text(f"{fake_rasa.STATUS_LINK} (öffnet in neuem Fenster)")
    # Scrolled to the newest message.
    gap = await widget.log.evaluate("log => log.scrollHeight - log.scrollTop - log.clientHeight")
    assert gap < 2


async def _survives_dropped_connection(
    page: Page, widget: Widget, servers: Servers, shots: Screenshots
) -> None:
    """The server drops the connection: a polite note, an automatic reconnect, nothing doubled;
    then it refuses connections for a while: what is written meanwhile is sent afterwards."""
    count = await widget.messages.count()
    await servers.rasa.drop_all()
    await expect(widget.status).to_contain_text("Verbindung ist unterbrochen")
    await shots.take(page, "connection lost")
    await expect(widget.status).to_be_hidden(timeout=STEP_MS)
    await expect(widget.messages).to_have_count(count)
    await _say(widget, "Noch da?", "Sie schrieben: Noch da?")

    servers.rasa.refuse = True
    await servers.rasa.drop_all()
    await expect(widget.status).to_contain_text("Verbindung ist unterbrochen")
    await widget.input.fill("Geschrieben ohne Verbindung")
    await widget.input.press("Enter")
    await expect(page.locator(".tfw-msg.tfw-queued")).to_have_count(1)
    await shots.take(page, "message waits for the connection")
    await page.wait_for_timeout(1500)
    servers.rasa.refuse = False
    await expect(widget.bot.last).to_contain_text(
        "Sie schrieben: Geschrieben ohne Verbindung", timeout=STEP_MS * 2
    )
    await expect(page.locator(".tfw-msg.tfw-queued")).to_have_count(0)
    await expect(widget.status).to_be_hidden()
    await shots.take(page, "sent after reconnecting")


async def test_phone_in_english_with_replayed_history(
    browser: Browser, replay_servers: Servers
) -> None:
    servers, errors = replay_servers, list[str]()
    shots = Screenshots(ARTIFACTS / "widget-phone")
    context = await browser.new_context(
        locale="en-GB", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = await _page(context, errors)
    widget = Widget(page)
    await page.goto(servers.site_url)
    await expect(widget.launcher).to_have_accessible_name("Open chat")
    await shots.take(page, "phone site")
    await widget.launcher.click()
    box = await widget.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 360, "height": 740}  # the whole screen
    await expect(widget.input).to_have_attribute("placeholder", "Write here …")
    await expect(widget.send).to_have_text("Send")
    await _say(widget, "Hello", "Guten Tag")
    await shots.take(page, "phone quick replies")
    await _assert_sizes(page)
    await _assert_no_blocking_axe_findings(page, shots, "phone-open")

    await widget.reply("Fernseher").click()
    await expect(widget.bot.last).to_contain_text("Postleitzahl", timeout=STEP_MS)
    before = await widget.texts()
    assert before[2] == ("user", "Fernseher")

    # Replayed as bot_uttered/user_uttered events; the tapped payload is shown by its title.
    await page.reload()
    await expect(widget.messages).to_have_count(len(before), timeout=STEP_MS)
    assert await widget.texts() == before
    await expect(widget.replies).to_have_count(0)  # already answered
    await shots.take(page, "phone history after reload")

    # Reconnecting in the same page: the replay of what is on screen is not shown twice.
    await servers.rasa.drop_all()
    await expect(widget.status).to_contain_text("connection was lost")
    await expect(widget.status).to_be_hidden(timeout=STEP_MS)
    await page.wait_for_timeout(500)
    assert await widget.texts() == before

    # An answer arriving while the chat is closed: a badge on the launcher.
    await widget.input.fill("10115")
    await widget.input.press("Enter")
    await page.keyboard.press("Escape")
    await expect(page.locator(".tfw-badge")).to_be_visible(timeout=STEP_MS)
    await expect(widget.launcher).to_have_accessible_name("Open chat – new message")
    await shots.take(page, "phone new message badge")
    assert errors == []
    await context.close()


async def _assert_sizes(page: Page) -> None:
    """Type of 18 px and more, every button at least 44 × 44 px."""
    sizes = await page.locator(".tfw-bubble, .tfw-input, .tfw-send, .tfw-reply").evaluate_all(
        "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))"
    )
    assert sizes and min(sizes) >= 18, sizes
    boxes = await page.locator(".tfw button").evaluate_all(
        """nodes => nodes.filter(n => n.offsetParent !== null)
                         .map(n => [n.textContent, n.offsetWidth, n.offsetHeight])"""
    )
    assert boxes and all(w >= 44 and h >= 44 for _, w, h in boxes), boxes


async def test_a_forged_session_id_gets_a_new_empty_conversation(
    browser: Browser, history_servers: Servers
) -> None:
    servers = history_servers
    context = await browser.new_context(locale="de-DE")
    page = await _page(context, [])
    widget = Widget(page)
    await page.goto(servers.site_url)
    await widget.launcher.click()
    await _say(widget, "Hallo", "Guten Tag")
    token = await _stored_token(page, servers)
    conversation_id = token.split(".")[0]
    # Someone else's conversation id with a made-up signature: refused, a new session instead.
    forged = f"{conversation_id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    key = f"techfriends-webchat:{servers.rasa_url}"
    await page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, forged])
    await page.reload()
    await expect(widget.panel).to_be_visible()
    await expect(widget.status).to_be_hidden(timeout=STEP_MS)
    assert servers.rasa.session_requests[-1] == forged
    new_token = await _stored_token(page, servers)
    assert new_token.split(".")[0] not in (conversation_id, forged)
    await expect(widget.messages).to_have_count(0)
    await expect(page.locator(".tfw-hint")).to_be_visible()
    await context.close()
