"""A customer books through the website chat on the demo site (the simulator's /site) in
chromium, against the whole system: the widget from the backend, the Rasa server's webchat
channel, the action server, the backend. Every answer is typed or tapped in the widget, in
German, postal code 10115; the page is reloaded mid-booking (the conversation is still
there); the confirmation's private status link (/b/<token>) opens the status page, which shows
the status and cancels the job after a confirmation. axe-core finds nothing serious or critical
on the site with the chat open, on the status page and on its confirmation page.

Twice: on a desktop screen and on a 360 × 740 phone. Screenshots of every step land in
var/test-artifacts/webchat/e2e-<screen>/, with the axe reports.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import (
    SUBMITTED,
    TURN_SECONDS,
    Call,
    Customer,
    Predicate,
    api,
    payload_entities,
    question,
    quick_replies,
    quick_reply_titles,
    scripted,
    text,
)
from tests.webchat.browser import ARTIFACTS, Screenshots, Widget, axe_check, browser

__all__ = ["browser"]  # the fixture, used by name
pytestmark = pytest.mark.e2e
STEP_MS = TURN_SECONDS * 1000
EMAIL = "erika.mustermann@example.org"
SCREENS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
# Where the page is reloaded: the booking is half done, the street is asked next.
RELOAD_BEFORE = "street"


def web_question(call: Call) -> str | None:
    """As conversation.question, plus the website chat's optional e-mail question."""
    if quick_replies(call) == ["/deny"] and "E-Mail" in text(call):
        return "email"
    return question(call)


def _asks(call: Call) -> bool:
    return web_question(call) is not None


class WidgetChat:
    """The customer's side of the website chat, read from and typed into the page."""

    def __init__(self, page: Page, shots: Screenshots) -> None:
        self.page, self.shots = page, shots
        self.widget = Widget(page)
        self.cursor = 0  # messages on screen already handed out
        self.transcript: list[str] = []

    async def on_screen(self) -> list[dict[str, Any]]:
        """Every message shown: sender, text, its choices (title, payload) and links."""
        items: list[dict[str, Any]] = await self.widget.messages.evaluate_all(
            """items => items.map(item => {
                const bubble = item.querySelector('.tfw-bubble');
                const copy = bubble ? bubble.cloneNode(true) : document.createElement('div');
                copy.querySelectorAll('.tfw-sr').forEach(node => node.remove());
                return {
                    sender: item.dataset.sender,
                    text: copy.textContent,
                    replies: [...item.querySelectorAll('.tfw-reply')].map(
                        b => ({title: b.textContent, payload: b.dataset.payload || ''})),
                    links: [...item.querySelectorAll('a')].map(a => a.href),
                };
            })"""
        )
        return items

    async def wait_until(self, until: Predicate) -> list[Call]:
        """The bot's messages since the last step, once one satisfies `until` and the turn
        is over (the log is no longer aria-busy), as Graph-call-shaped dicts."""
        deadline = time.monotonic() + TURN_SECONDS
        while time.monotonic() < deadline:
            items = await self.on_screen()
            calls = [_as_call(i) for i in items[self.cursor :] if i["sender"] != "user"]
            busy = await self.widget.log.get_attribute("aria-busy")
            if busy != "true" and any(until(c) for c in calls):
                await asyncio.sleep(0.7)  # a last message of the same turn
                if len(await self.on_screen()) == len(items):
                    self.cursor = len(items)
                    self.transcript += [f"bot: {text(c)} {quick_replies(c) or ''}" for c in calls]
                    return calls
            await asyncio.sleep(0.5)
        raise AssertionError(
            "the bot did not answer as expected:\n" + "\n".join(self.transcript)
        ) from None

    async def send_text(self, message: str, until: Predicate) -> list[Call]:
        self.transcript.append(f"customer: {message}")
        await self.shots.take(self.page, f"before {message}")
        await self.widget.input.fill(message)
        await self.widget.input.press("Enter")
        await expect(self.widget.user.last).to_contain_text(message)
        self.cursor = await self.widget.messages.count()
        return await self.wait_until(until)

    async def send_tap(self, title: str, until: Predicate) -> list[Call]:
        self.transcript.append(f"customer taps: {title}")
        button = self.widget.reply(title)
        await expect(button).to_be_visible()
        await self.shots.take(self.page, f"before tapping {title}")
        await button.click()
        await expect(self.widget.replies).to_have_count(0)
        await expect(self.widget.user.last).to_have_text(f"Sie: {title}")
        self.cursor = await self.widget.messages.count()
        return await self.wait_until(until)

    async def reload(self) -> None:
        """Reload the page: the same conversation must come back, message for message."""
        before = await self.widget.texts()
        await self.page.reload()
        await expect(self.widget.panel).to_be_visible()
        await expect(self.widget.messages).to_have_count(len(before), timeout=STEP_MS)
        assert await self.widget.texts() == before
        self.cursor = len(before)
        self.transcript.append("(page reloaded: the conversation is shown again)")
        await self.shots.take(self.page, "after reloading the page")


def _as_call(item: dict[str, Any]) -> Call:
    """A message on screen in the shape the conversation helpers read (a Send API call)."""
    replies = [{"title": r["title"], "payload": r["payload"]} for r in item["replies"]]
    message: dict[str, Any] = {"text": item["text"]}
    if replies:
        message["quick_replies"] = replies
    return {"body": {"message": message, "messaging_type": "RESPONSE"}, "links": item["links"]}


def _choice(call: Call, asked: str, customer: Customer) -> str:
    """The title of the quick reply this customer taps."""
    options = quick_reply_titles(call)
    if asked in ("consent", "summary"):
        return options["/affirm"]
    for payload, title in options.items():
        entities = payload_entities(payload)
        if asked == "category" and entities.get("category") == customer.category:
            return title
        if asked == "package" and entities.get("package") == customer.package:
            return title
        if asked == "place" and customer.city in title:
            return title
    raise AssertionError(f"no quick reply for {asked} in {options}")


async def book_on_the_site(chat: WidgetChat, customer: Customer) -> list[Call]:
    """Answer each question the bot asks in the widget; reload once on the way. The bot's
    messages of the last turn (with the confirmation) are returned."""
    calls = await chat.send_text(customer.greeting, _asks)
    described = reloaded = False
    seen: list[str] = []
    for _ in range(24):
        last = [q for c in calls if (q := web_question(c))][-1]
        if last in seen and last != "category":
            raise AssertionError(f"asked for {last} twice:\n" + "\n".join(chat.transcript))
        seen.append(last)
        if last == "submitted":
            return calls
        final = next(c for c in reversed(calls) if web_question(c) == last)
        if last == "package":
            await _no_blocking_axe_findings(chat.page, chat.shots, "site-with-chat")
        if last == RELOAD_BEFORE and not reloaded:
            reloaded = True
            await chat.reload()
        if last in ("category", "description") and not described:
            described = True  # people write what is wrong rather than tap an area
            calls = await chat.send_text(customer.description, _asks)
        elif last in ("category", "package", "place", "consent", "summary"):
            calls = await chat.send_tap(_choice(final, last, customer), _asks)
        else:
            answer = {
                "postal_code": customer.postal_code,
                "street": customer.street,
                "name": customer.name,
                "phone": customer.phone,
                "time": customer.time,
                "email": EMAIL,
            }[last]
            calls = await chat.send_text(answer, _asks)
    raise AssertionError("no booking after 24 turns:\n" + "\n".join(chat.transcript))


async def _no_blocking_axe_findings(page: Page, shots: Screenshots, name: str) -> None:
    findings = await axe_check(page, shots.folder / f"axe-{name}.json")
    assert findings == [], findings


async def _conversation_id(page: Page, system: System) -> str:
    key = f"techfriends-webchat:{system.rasa_url}"
    token = await page.evaluate("key => localStorage.getItem(key)", key)
    assert isinstance(token, str) and token.startswith("web-"), token
    return token.split(".", 1)[0]


async def _open_site(context: BrowserContext, system: System, errors: list[str]) -> Page:
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{system.simulator_url}/site")
    await expect(page.locator("h1")).to_have_text("Wir kommen vorbei und helfen")
    widget = Widget(page)
    await expect(widget.launcher).to_have_accessible_name("Chat öffnen")
    await widget.launcher.click()
    await expect(widget.input).to_be_focused()
    await expect(widget.status).to_be_hidden(timeout=STEP_MS)  # connected
    return page


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_book_on_the_website_then_follow_and_cancel_on_the_status_page(
    system: System, browser: Browser, screen: str
) -> None:
    shots = Screenshots(ARTIFACTS / f"e2e-{screen}")
    # axe is injected as a script; the status page's CSP allows none, rightly.
    context = await browser.new_context(locale="de-DE", bypass_csp=True, **SCREENS[screen])
    errors: list[str] = []
    page = await _open_site(context, system, errors)
    await shots.take(page, "site with the chat open")
    chat = WidgetChat(page, shots)
    customer = scripted("Erika Mustermann", "")  # Berlin, 10115

    calls = await book_on_the_site(chat, customer)
    confirmation = next(c for c in calls if SUBMITTED.search(text(c)))
    await shots.take(page, "booked")
    links = [href for c in calls for href in c["links"] if "/b/" in href]
    assert len(links) == 1, chat.transcript
    status_url = links[0]

    # The job: from the website chat, with the e-mail address, and this status link.
    conversation_id = await _conversation_id(page, system)
    jobs = await api(
        system,
        "GET",
        f"/api/v1/jobs?channel=webchat&customer_id={conversation_id}",
        SECRETS["BACKEND_API_TOKEN"],
    )
    assert len(jobs) == 1, jobs
    job = jobs[0]
    assert job["channel"] == "webchat"
    assert job["status_url"] == status_url
    assert job["reference"] in text(confirmation)
    assert job["customer"]["email"] == EMAIL

    status = await _status_page(context, page, status_url, shots)
    await expect(status.locator("h1")).to_contain_text(job["reference"])
    await expect(status.locator(".status")).to_contain_text("Wir suchen gerade einen Techniker")
    await _no_blocking_axe_findings(status, shots, "status-page")

    # Cancel: a confirmation first, then the page says so, and so does the API.
    await status.get_by_role("link", name="Auftrag absagen").click()
    await expect(status.get_by_text("wirklich absagen")).to_be_visible()
    await shots.take(status, "status page asks to confirm")
    await _no_blocking_axe_findings(status, shots, "status-page-confirm")
    await status.get_by_role("button", name="Ja, Auftrag absagen").click()
    await expect(status.get_by_role("status")).to_contain_text("Ihr Auftrag ist abgesagt")
    await expect(status.locator(".status")).to_contain_text("abgesagt")
    await shots.take(status, "status page cancelled")
    job = await api(system, "GET", f"/api/v1/jobs/{job['reference']}", SECRETS["BACKEND_API_TOKEN"])
    assert job["status"] == "cancelled"

    assert errors == []
    await context.close()


async def _status_page(
    context: BrowserContext, page: Page, status_url: str, shots: Screenshots
) -> Page:
    """Open the status link from the confirmation: a new tab, as the link says."""
    link = page.locator(f'.tfw-log a[href="{status_url}"]')
    await expect(link).to_be_visible()
    async with context.expect_page() as opened:
        await link.click()
    status = await opened.value
    await status.wait_for_load_state()
    assert status.url == status_url
    await shots.take(status, "status page")
    return status
