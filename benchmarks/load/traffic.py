"""The load test's traffic: customers booking by chat and Friends claiming every offer, each a
signed webhook, with the figures they produce (acknowledgements, turns, bookings, claims)."""

from __future__ import annotations

import asyncio
import json
import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from backend.domain.geo import haversine_km
from backend.services.postcodes import Place, read_geonames
from benchmarks.load.graph import (
    CONFIRMED,
    FRIEND_NAME,
    REFERENCE,
    TRY_AGAIN,
    Call,
    GraphWatcher,
    call_time,
    is_taken,
)
from benchmarks.load.invariants import Observed, observe, queued_offers
from product.categories import CATEGORIES
from product.languages import LANGUAGES
from simulator.webhook_bodies import (
    encode_signed,
    new_mid,
    page_body,
    postback_event,
    text_event,
)
from tests.e2e.conftest import System
from tests.e2e.conversation import (
    SCRIPTED_CUSTOMERS,
    Chat,
    Customer,
    book,
    buttons,
    is_message,
    text,
)

TRY_AGAIN_PAUSE_S = 2.0
MAX_WRITES_AGAIN = 3
CUSTOMER_PAGE, FRIENDS_PAGE = "customer-page", "friends-page"
# Friends live within this distance of a customer's place and reach this far themselves.
FRIEND_SPREAD_KM, FRIEND_RADIUS_KM = 8.0, 20.0

# The end-to-end tests' customers; each load customer plays one of them under a psid of its own.
SCRIPTS = SCRIPTED_CUSTOMERS
# Where each script's customer lives: (country, postal code) of the place Friends gather round.
SCRIPT_PLACES: tuple[tuple[str, str], ...] = (
    ("DE", "10115"),
    ("CH", "8001"),
    ("AT", "1010"),
    ("DE", "80331"),
    ("DE", "10178"),  # the shared location, near Alexanderplatz
    ("DE", "60311"),
)


@dataclass(frozen=True)
class Target:
    """A running system to load: where the webhooks go, the fake Graph API, the database."""

    rasa_url: str  # customers' webhook: {rasa_url}/webhooks/messenger/webhook
    backend_url: str  # Friends' webhook and the API
    graph_url: str
    database_url: str
    secrets: dict[str, str]
    system: System  # what tests/e2e/conversation.py's helpers need
    # How the requests were spread over replicas, when there are several.
    spread: Callable[[], str] | None = None


@dataclass
class Metrics:
    customer_acks_ms: list[float] = field(default_factory=list)
    friend_acks_ms: list[float] = field(default_factory=list)
    turns_ms: list[float] = field(default_factory=list)
    bookings_s: list[float] = field(default_factory=list)
    # Offer message at the fake → that Friend's answer (won or taken) at the fake.
    offer_to_answer_ms: list[float] = field(default_factory=list)
    first_post: float = math.inf
    last_confirmation: float = 0.0
    first_claim: float = math.inf
    last_claim_ack: float = 0.0
    last_post: float = 0.0
    # Turns the bot could not finish and said so: "please try again in a moment".
    asked_to_write_again: int = 0


class LoadChat(Chat):
    """A customer's chat whose webhooks are timed and whose replies come from the watcher.

    Asked to try again (the bot could not finish the turn: utter_backend_unavailable, or
    utter_job_failed at the Confirm), the customer writes the same once more, as people do.
    """

    def __init__(self, run: LoadRun, psid: str, turn_timeout: float) -> None:
        super().__init__(run.target.system, psid)
        self.run, self.turn_timeout, self.posted_at = run, turn_timeout, 0.0
        self.last_event: dict[str, Any] | None = None

    async def _post(self, event: dict[str, Any]) -> None:
        self.posted_at = time.time()
        self.last_event = event
        await self.run.post_customer(event)

    async def _write_again(self) -> None:
        assert self.last_event is not None
        event = json.loads(json.dumps(self.last_event))
        # A new message with its own mid: the same mid would be taken as Meta's redelivery.
        for part in ("message", "postback"):
            if isinstance(event.get(part), dict):
                event[part]["mid"] = new_mid()
        self.transcript.append("customer writes it again")
        await asyncio.sleep(TRY_AGAIN_PAUSE_S)
        await self._post(event)

    async def wait_until(self, until: Callable[[Call], bool]) -> list[Call]:
        def wanted(call: Call) -> bool:
            return is_message(call) and (until(call) or bool(TRY_AGAIN.search(text(call))))

        messages: list[Call] = []
        for _ in range(MAX_WRITES_AGAIN + 1):
            try:
                calls = await self.run.watcher.wait_for(
                    self.psid, self.cursor, wanted, self.turn_timeout
                )
            except TimeoutError as exc:
                raise AssertionError(f"{exc}\ntranscript:\n" + "\n".join(self.transcript)) from None
            answer = next(c for c in calls if wanted(c))
            self.run.metrics.turns_ms.append((call_time(answer) - self.posted_at) * 1000)
            self.cursor = max(c["seq"] for c in calls)
            messages = [c for c in calls if is_message(c)]
            for call in messages:
                self.transcript.append(f"bot: {text(call)}")
            if until(answer):
                return messages
            self.run.metrics.asked_to_write_again += 1
            await self._write_again()
        raise AssertionError(
            f"asked to write again {MAX_WRITES_AGAIN} times in a row\ntranscript:\n"
            + "\n".join(self.transcript)
        )


def friend_places(geonames_dir: Path) -> list[list[Place]]:
    """Per script, the postal codes within FRIEND_SPREAD_KM of its customer's place."""
    places = {
        country: read_geonames(geonames_dir / f"{country}.txt")
        for country in sorted({c for c, _ in SCRIPT_PLACES})
    }
    nearby: list[list[Place]] = []
    for country, code in SCRIPT_PLACES:
        centre = next(p for p in places[country] if p.postal_code == code)
        near = [
            p
            for p in places[country]
            if haversine_km(centre.latitude, centre.longitude, p.latitude, p.longitude)
            <= FRIEND_SPREAD_KM
        ]
        nearby.append(sorted(near, key=lambda p: p.postal_code))
    return nearby


def friend_bodies(prefix: str, count: int, geonames_dir: Path) -> list[dict[str, Any]]:
    """`count` active Friends spread over the customers' places, every skill and language (a
    quarter with the default language last, so offers go out in every language)."""
    nearby = friend_places(geonames_dir)
    bodies = []
    for i in range(count):
        places = nearby[i % len(nearby)]
        place = places[(i // len(nearby)) % len(places)]
        bodies.append(
            {
                "name": f"Friend{i:03d} Load",
                "messenger_id": f"{prefix}-f{i:03d}",
                "postal_code": place.postal_code,
                "country": place.country,
                "radius_km": FRIEND_RADIUS_KM,
                "skills": list(CATEGORIES),
                "languages": list(reversed(LANGUAGES) if i % 4 == 3 else LANGUAGES),
                "status": "active",
            }
        )
    return bodies


def customer_scripts(
    prefix: str, count: int, templates: tuple[Customer, ...] | list[Customer] = SCRIPTS
) -> list[Customer]:
    return [
        replace(templates[i % len(templates)], psid=f"{prefix}-c{i:03d}", asked=[])
        for i in range(count)
    ]


class LoadRun:
    def __init__(self, target: Target, prefix: str, think_seconds: float) -> None:
        self.target, self.prefix, self.think = target, prefix, think_seconds
        self.watcher = GraphWatcher(target.graph_url)
        self.metrics = Metrics()
        self.friends: set[str] = set()
        self.offered: dict[tuple[str, str], float] = {}  # (reference, Friend) → offer at
        self.answered: set[tuple[str, str]] = set()
        # Per reference: confirmed to the customer, won by a Friend, the customer told who.
        self.confirmed_at: dict[str, float] = {}
        self.won_at: dict[str, float] = {}
        self.customer_told_at: dict[str, float] = {}
        self.reference_of: dict[str, str] = {}  # customer → the reference they were sent
        self.claims: set[asyncio.Task[None]] = set()
        self.claim_errors: list[str] = []
        self.webhooks = 0
        self.random = random.Random(prefix)
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LoadRun:
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200),
            timeout=aiohttp.ClientTimeout(total=120),
        )
        self.watcher.hooks.append(self.on_call)
        await self.watcher.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in list(self.claims):
            task.cancel()
        await self.watcher.stop()
        if self.http is not None:
            await self.http.close()

    # --- webhooks -----------------------------------------------------------------------

    async def _post_signed(self, url: str, page: str, event: dict[str, Any], secret: str) -> float:
        assert self.http is not None
        raw, headers = encode_signed(page_body(page, [event]), secret)
        started = time.perf_counter()
        self.metrics.first_post = min(self.metrics.first_post, time.time())
        self.metrics.last_post = time.time()
        async with self.http.post(url, data=raw, headers=headers) as response:
            body = await response.text()
            if response.status != 200:
                raise AssertionError(f"{url} answered {response.status}: {body[:300]}")
        self.webhooks += 1
        return (time.perf_counter() - started) * 1000

    async def post_customer(self, event: dict[str, Any]) -> None:
        url = f"{self.target.rasa_url}/webhooks/messenger/webhook"
        secret = self.target.secrets["CUSTOMER_APP_SECRET"]
        self.metrics.customer_acks_ms.append(
            await self._post_signed(url, CUSTOMER_PAGE, event, secret)
        )

    async def post_friend(self, event: dict[str, Any]) -> float:
        url = f"{self.target.backend_url}/webhooks/friends"
        ack = await self._post_signed(
            url, FRIENDS_PAGE, event, self.target.secrets["FRIENDS_APP_SECRET"]
        )
        self.metrics.friend_acks_ms.append(ack)
        return ack

    # --- Friends ------------------------------------------------------------------------

    async def seed_friends(self, count: int, geonames_dir: Path) -> None:
        """Friends through the admin API, each then writing "online" (the 24-hour window);
        done when every Friend has had the check-in answer."""
        assert self.http is not None
        admin = self.target.secrets["BACKEND_ADMIN_TOKEN"]
        gate = asyncio.Semaphore(16)
        bodies = friend_bodies(self.prefix, count, geonames_dir)

        async def one(body: dict[str, Any]) -> None:
            assert self.http is not None
            psid = str(body["messenger_id"])
            async with gate:
                async with self.http.post(
                    f"{self.target.backend_url}/api/v1/friends",
                    json=body,
                    headers={"Authorization": f"Bearer {admin}"},
                ) as response:
                    if response.status != 201:
                        raise AssertionError(
                            f"Friend {psid}: {response.status} {await response.text()}"
                        )
                await self._post_signed(
                    f"{self.target.backend_url}/webhooks/friends",
                    FRIENDS_PAGE,
                    text_event(psid, FRIENDS_PAGE, "online"),
                    self.target.secrets["FRIENDS_APP_SECRET"],
                )
            await self.watcher.wait_for(psid, 0, lambda c: is_message(c), 300)
            self.friends.add(psid)

        await asyncio.gather(*(one(b) for b in bodies))

    def on_call(self, call: Call) -> None:
        recipient = str(call.get("recipient") or "")
        if not is_message(call):
            return
        said = text(call)
        if recipient in self.friends:
            for payload in buttons(call):
                if payload.startswith("CLAIM:"):
                    reference = payload.split(":", 1)[1]
                    if (reference, recipient) not in self.offered:
                        self.offered[(reference, recipient)] = call_time(call)
                        task = asyncio.create_task(self.claim(recipient, reference))
                        self.claims.add(task)
                        task.add_done_callback(self.claims.discard)
                    return
            for reference in REFERENCE.findall(said):
                key = (reference, recipient)
                won = f"CONTACTED:{reference}" in buttons(call)
                if (
                    key in self.offered
                    and key not in self.answered
                    and (won or is_taken(call, reference))
                ):
                    self.answered.add(key)
                    self.metrics.offer_to_answer_ms.append(
                        (call_time(call) - self.offered[key]) * 1000
                    )
                    if won:
                        self.won_at.setdefault(reference, call_time(call))
        elif recipient.startswith(f"{self.prefix}-c"):
            if CONFIRMED.search(said):
                for reference in REFERENCE.findall(said):
                    self.confirmed_at.setdefault(reference, call_time(call))
                    self.reference_of.setdefault(recipient, reference)
            reference = self.reference_of.get(recipient, "")
            if FRIEND_NAME.search(said) and reference:
                self.customer_told_at.setdefault(reference, call_time(call))

    async def claim(self, friend: str, reference: str) -> None:
        # A Friend reads the offer first; many Friends land within the same second.
        await asyncio.sleep(self.random.uniform(0, self.think))
        self.metrics.first_claim = min(self.metrics.first_claim, time.time())
        try:
            await self.post_friend(
                postback_event(friend, FRIENDS_PAGE, f"CLAIM:{reference}", "Annehmen")
            )
        except (AssertionError, aiohttp.ClientError, TimeoutError) as exc:
            self.claim_errors.append(f"{friend} {reference}: {exc!r}")
        self.metrics.last_claim_ack = time.time()

    # --- customers ----------------------------------------------------------------------

    async def customer(
        self, customer: Customer, start_in: float, turn_timeout: float
    ) -> str | None:
        """Books as `customer`; None when done, else why not."""
        await asyncio.sleep(start_in)
        chat = LoadChat(self, customer.psid, turn_timeout)
        started = time.time()
        try:
            booking = await book(self.target.system, customer, chat)
        except Exception as exc:  # one customer's failure is a figure, not the end of the run
            return f"{customer.psid}: {type(exc).__name__}: {str(exc)[-1500:]}"
        now = time.time()
        self.metrics.bookings_s.append(now - started)
        self.metrics.last_confirmation = max(self.metrics.last_confirmation, now)
        assert REFERENCE.search(booking.confirmation), booking.confirmation
        return None

    async def settle(self, seconds: float) -> None:
        """Until the claims are answered, the outbox is empty and the fake has been quiet."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pending = len(self.claims) + len(set(self.offered) - self.answered)
            quiet = time.monotonic() - self.watcher.last_call_at > 3
            if (
                not pending
                and quiet
                and not await queued_offers(self.target.database_url, self.prefix)
            ):
                return
            await asyncio.sleep(0.5)

    async def tick(self, progress: Callable[[str], None], customers: int) -> None:
        started = time.monotonic()
        while True:
            await asyncio.sleep(15)
            m = self.metrics
            progress(
                f"{time.monotonic() - started:5.0f}s: booked {len(m.bookings_s)}/{customers}, "
                f"turns {len(m.turns_ms)} (p50 {statistics.median(m.turns_ms or [0]):.0f} ms), "
                f"claims {len(self.offered)}, answered {len(self.answered)}, "
                f"jobs won {len(self.won_at)}"
            )

    def observe(self) -> Observed:
        return observe(self.watcher.calls, self.prefix, self.friends)
