"""Load test: customers book by chat at once while Friends race for the offers, then invariants.

Every customer is a scripted Messenger conversation (tests/e2e/conversation.py's `book`, with
the answers of the end-to-end tests' customers) sent as signed webhooks to the customers' page;
every Friend claims each offer the moment the fake Graph API records it, as a signed postback
to the Friends' page. Afterwards the database must agree with what Meta (the fake) saw:

- every confirmed booking (the customer was sent the reference) is exactly one job, and every
  job of the run was confirmed to its customer;
- every job has at most one active assignment (one offer won, the assigned Friend's, one
  `claimed` event, one Friend told "it is yours");
- every offer the backend sent is recorded (offers table vs. the offers the Friends received),
  none sent twice, none left undelivered.

    .venv/bin/python -m benchmarks.load_test [--customers 200] [--friends 500]
        [--topology single|prod-like] [--database sqlite|postgresql] [--json out.json]

Exit status: 0 all well, 1 an invariant failed, 2 invariants hold but bookings did not finish.
Timings from a shared machine are upper bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.adapters.orm import Customer as CustomerRow
from backend.adapters.orm import Friend, Job, JobEvent, Offer
from backend.domain.geo import haversine_km
from backend.friends_chat.texts import text as backend_text
from backend.services.postcodes import Place, import_geonames, read_geonames
from product.categories import CATEGORIES
from simulator.webhook_bodies import (
    encode_signed,
    new_mid,
    page_body,
    postback_event,
    text_event,
)
from tests.e2e.conftest import SECRETS, System, free_port
from tests.e2e.conversation import (
    SCRIPTED_CUSTOMERS,
    Chat,
    Customer,
    book,
    buttons,
    is_message,
    text,
)
from tools import postgres
from tools.prodlike import start_prod_like
from tools.stack import PY, ROOT, Stack

Call = dict[str, Any]
GEONAMES = Path(os.environ.get("GEONAMES_DIR") or ROOT.parent / "shared" / "data" / "geonames")
REFERENCE = re.compile(r"\bTF-[2-9A-HJ-NP-Z]{4}\b")
CONFIRMED = re.compile(r"12 Stunden|12 hours")
FRIEND_NAME = re.compile(r"\bFriend\d{3}\b")  # the first names friend_bodies gives
# The bot's "please try again in a moment": utter_backend_unavailable, utter_job_failed.
TRY_AGAIN = re.compile(r"erreiche unser System gerade nicht|cannot reach our system right now")
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


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def call_time(call: Call) -> float:
    return datetime.fromisoformat(str(call["at"])).timestamp()


class GraphWatcher:
    """One poller of the fake Graph API's recorded calls for the whole run.

    Hundreds of customers each polling the fake would load it more than the system under test;
    here every call is fetched once and handed to whoever waits for its recipient.
    """

    def __init__(self, graph_url: str, interval: float = 0.1) -> None:
        self.graph_url, self.interval = graph_url.rstrip("/"), interval
        self.calls: list[Call] = []
        self.by_recipient: dict[str, list[Call]] = defaultdict(list)
        self.hooks: list[Callable[[Call], None]] = []
        self._events: dict[str, asyncio.Event] = {}
        self._cursor = 0
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self.last_call_at = time.monotonic()

    async def _fetch(self, **params: str) -> dict[str, Any]:
        assert self._http is not None
        url = f"{self.graph_url}/_control/calls"
        async with self._http.get(url, params=params) as response:
            response.raise_for_status()
            data: dict[str, Any] = await response.json()
            return data

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()
        # Only what happens from now on: a shared fake may hold other tests' calls.
        self._cursor = int((await self._fetch(since="0", page_token="-"))["next"])
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.close()

    async def _run(self) -> None:
        while True:
            try:
                await self.poll()
            except aiohttp.ClientError:
                pass  # the fake is busy: the next round reads from the same cursor
            await asyncio.sleep(self.interval)

    async def poll(self) -> None:
        data = await self._fetch(since=str(self._cursor))
        for call in data["calls"]:
            self.calls.append(call)
            recipient = str(call.get("recipient") or "")
            self.by_recipient[recipient].append(call)
            for hook in self.hooks:
                hook(call)
            if recipient in self._events:
                self._events[recipient].set()
        if data["calls"]:
            self.last_call_at = time.monotonic()
        self._cursor = int(data["next"])

    async def wait_for(
        self, recipient: str, since: int, predicate: Callable[[Call], bool], seconds: float
    ) -> list[Call]:
        """The recipient's calls after seq `since`, once one of them satisfies `predicate`."""
        deadline = time.monotonic() + seconds
        event = self._events.setdefault(recipient, asyncio.Event())
        while True:
            event.clear()
            calls = [c for c in self.by_recipient.get(recipient, ()) if c["seq"] > since]
            if any(predicate(c) for c in calls):
                return calls
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching call for {recipient} within {seconds:.0f}s")
            with suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


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


@dataclass
class Observed:
    """What the fake Graph API saw during the run, the side of the invariants outside the DB."""

    confirmations: dict[str, set[str]]  # customer psid → references in confirmation messages
    offer_sends: Counter[tuple[str, str]]  # (reference, Friend) → offer messages
    won_told: dict[str, set[str]]  # reference → Friends told the job is theirs


@dataclass
class Invariants:
    violations: list[str]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass
class LoadResult:
    prefix: str
    customers: int
    friends: int
    booked: int
    failures: list[str]
    duration_s: float
    seed_s: float
    figures: dict[str, float]
    observed: Observed
    invariants: Invariants


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
    """`count` active Friends spread over the customers' places, every skill, German and
    English (a quarter English first, so offers go out in both languages)."""
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
                "languages": ["en", "de"] if i % 4 == 3 else ["de", "en"],
                "status": "active",
            }
        )
    return bodies


def customer_scripts(prefix: str, count: int) -> list[Customer]:
    return [
        replace(SCRIPTS[i % len(SCRIPTS)], psid=f"{prefix}-c{i:03d}", asked=[])
        for i in range(count)
    ]


TAKEN = {backend_text("already_taken", lang, reference="{ref}") for lang in ("de", "en")}


def is_taken(call: Call, reference: str) -> bool:
    said = text(call)
    return any(said == t.replace("{ref}", reference) for t in TAKEN)


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


def observe(calls: Iterable[Call], prefix: str, friends: set[str]) -> Observed:
    confirmations: dict[str, set[str]] = defaultdict(set)
    offer_sends: Counter[tuple[str, str]] = Counter()
    won_told: dict[str, set[str]] = defaultdict(set)
    for call in calls:
        if not is_message(call):
            continue
        recipient = str(call.get("recipient") or "")
        said = text(call)
        if recipient.startswith(f"{prefix}-c") and CONFIRMED.search(said):
            confirmations[recipient].update(REFERENCE.findall(said))
        for payload in buttons(call):
            action, _, reference = payload.partition(":")
            if action == "CLAIM":
                offer_sends[(reference, recipient)] += 1
            elif action == "CONTACTED" and recipient in friends:
                won_told[reference].add(recipient)
    return Observed(dict(confirmations), offer_sends, dict(won_told))


# --- the database's side --------------------------------------------------------------------


async def queued_offers(database_url: str, prefix: str) -> int:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            count = await session.scalar(
                select(func.count(Offer.id))
                .join(Job, Job.id == Offer.job_id)
                .join(CustomerRow, CustomerRow.id == Job.customer_id)
                .where(CustomerRow.psid.like(f"{prefix}-c%"), Offer.status == "queued")
            )
            return int(count or 0)
    finally:
        await engine.dispose()


async def check_invariants(database_url: str, prefix: str, observed: Observed) -> Invariants:
    """The run's jobs, assignments and offers in the database against what Meta saw."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = (
                await session.execute(
                    select(Job, CustomerRow.psid)
                    .join(CustomerRow, CustomerRow.id == Job.customer_id)
                    .where(CustomerRow.psid.like(f"{prefix}-c%"))
                )
            ).all()
            jobs = {job.id: (job, psid) for job, psid in rows}
            offers = (
                await session.execute(
                    select(Offer, Friend.messenger_id)
                    .join(Friend, Friend.id == Offer.friend_id)
                    .where(Offer.job_id.in_(list(jobs)))
                )
            ).all()
            claimed_events = dict(
                (
                    await session.execute(
                        select(JobEvent.job_id, func.count(JobEvent.id))
                        .where(JobEvent.job_id.in_(list(jobs)), JobEvent.kind == "claimed")
                        .group_by(JobEvent.job_id)
                    )
                ).all()
            )
            friend_ids = dict((await session.execute(select(Friend.id, Friend.messenger_id))).all())
    finally:
        await engine.dispose()

    violations: list[str] = []
    references = {job.reference for job, _ in jobs.values()}
    jobs_of: dict[str, list[Job]] = defaultdict(list)
    for job, psid in jobs.values():
        jobs_of[psid].append(job)

    # 1. Every confirmed booking is exactly one job; no job its customer never heard of.
    for psid, sent in sorted(observed.confirmations.items()):
        mine = jobs_of.get(psid, [])
        if len(mine) != 1:
            refs = ", ".join(sorted(j.reference for j in mine)) or "none"
            violations.append(
                f"confirmed booking of {psid} ({', '.join(sorted(sent))}) "
                f"is {len(mine)} jobs: {refs}"
            )
        elif sent != {mine[0].reference}:
            violations.append(f"{psid} was told {sorted(sent)} but the job is {mine[0].reference}")
    for psid, mine in sorted(jobs_of.items()):
        if psid not in observed.confirmations:
            violations.append(f"{psid} has {len(mine)} job(s) but was never sent a reference")

    # 2. At most one active assignment per job, and the same one everywhere.
    won_by_job: dict[int, list[str]] = defaultdict(list)
    for offer, messenger_id in offers:
        if offer.status == "won":
            won_by_job[offer.job_id].append(messenger_id)
    assigned = 0
    for job_id, (job, _) in sorted(jobs.items()):
        winners = sorted(won_by_job.get(job_id, []))
        holder = friend_ids.get(job.assigned_friend_id) if job.assigned_friend_id else None
        told: list[str] = sorted(observed.won_told.get(job.reference, set()))
        if holder is not None:
            assigned += 1
        if len(winners) > 1:
            violations.append(f"job {job.reference} has {len(winners)} won offers: {winners}")
        if winners != ([holder] if holder is not None else []):
            violations.append(f"job {job.reference}: assigned to {holder}, won offers {winners}")
        if job.status in ("assigned", "contacted", "completed") and holder is None:
            violations.append(f"job {job.reference} is {job.status} without a Friend")
        if claimed_events.get(job_id, 0) > 1:
            violations.append(f"job {job.reference} was claimed {claimed_events[job_id]} times")
        if len(told) > 1 or (told and told[0] != holder):
            violations.append(
                f"job {job.reference}: Friends told it is theirs {told}, holder {holder}"
            )

    # 3. Every offer made is recorded, sent once, and none is left undelivered.
    recorded = {(jobs[o.job_id][0].reference, m): o for o, m in offers}
    sends = {k: n for k, n in observed.offer_sends.items() if k[0] in references}
    for (reference, friend), n in sorted(sends.items()):
        row = recorded.get((reference, friend))
        if row is None:
            violations.append(f"offer of {reference} to {friend} was sent but is not recorded")
        elif row.sent_at is None:
            violations.append(
                f"offer of {reference} to {friend} was sent, recorded {row.status} without sent_at"
            )
        if n > 1:
            violations.append(f"offer of {reference} to {friend} was sent {n} times")
    for (reference, friend), offer in sorted(recorded.items()):
        if offer.sent_at is not None and (reference, friend) not in sends:
            violations.append(
                f"offer of {reference} to {friend} is recorded sent but never reached Meta"
            )
        if offer.status == "queued":
            violations.append(f"offer of {reference} to {friend} is still queued")

    statuses = Counter(o.status for o, _ in offers)
    counts = {
        "jobs": len(jobs),
        "confirmed_bookings": len(observed.confirmations),
        "assigned_jobs": assigned,
        "offers_recorded": len(offers),
        "offers_sent_to_meta": sum(sends.values()),
        **{f"offers_{status}": n for status, n in sorted(statuses.items())},
    }
    return Invariants(violations, counts)


# --- the run --------------------------------------------------------------------------------


async def run_load(
    target: Target,
    customers: int,
    friends: int,
    *,
    ramp_seconds: float = 10.0,
    turn_timeout: float = 300.0,
    settle_seconds: float = 120.0,
    think_seconds: float = 0.5,
    geonames_dir: Path = GEONAMES,
    prefix: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    prefix = prefix or f"load{secrets.token_hex(3)}"
    async with LoadRun(target, prefix, think_seconds) as run:
        seeding = time.perf_counter()
        await run.seed_friends(friends, geonames_dir)
        seed_s = time.perf_counter() - seeding
        if progress:
            progress(f"{friends} Friends seeded and checked in in {seed_s:.1f}s")
        run.metrics = Metrics()  # the figures are the booking phase's, not the seeding's
        run.webhooks = 0
        started = time.time()
        scripts = customer_scripts(prefix, customers)
        ticker = asyncio.create_task(run.tick(progress, customers)) if progress else None
        outcomes = await asyncio.gather(
            *(
                run.customer(c, ramp_seconds * i / max(1, customers), turn_timeout)
                for i, c in enumerate(scripts)
            )
        )
        await run.settle(settle_seconds)
        if ticker is not None:
            ticker.cancel()
        duration = time.time() - started
        await run.watcher.poll()
        observed = run.observe()
        invariants = await check_invariants(target.database_url, prefix, observed)
        failures = [o for o in outcomes if o is not None] + run.claim_errors
        figures = summarise(run, duration)
    return LoadResult(
        prefix=prefix,
        customers=customers,
        friends=friends,
        booked=customers - sum(1 for o in outcomes if o is not None),
        failures=failures,
        duration_s=duration,
        seed_s=seed_s,
        figures=figures,
        observed=observed,
        invariants=invariants,
    )


def summarise(run: LoadRun, duration: float) -> dict[str, float]:
    m = run.metrics
    booking_span = max(1e-9, m.last_confirmation - m.first_post)
    claim_span = max(1e-9, m.last_claim_ack - m.first_claim)
    claims = len(run.offered)
    # Confirmation to the customer → the winning Friend told "it is yours" → the customer
    # told which Friend will call.
    booked_to_claimed = [
        at - run.confirmed_at[ref] for ref, at in run.won_at.items() if ref in run.confirmed_at
    ]
    claimed_to_told = [
        at - run.won_at[ref] for ref, at in run.customer_told_at.items() if ref in run.won_at
    ]
    figures = {
        "bookings_per_min": len(m.bookings_s) / booking_span * 60,
        "claims_per_s": claims / claim_span if claims else 0.0,
        "webhooks_per_s": run.webhooks / max(1e-9, m.last_post - m.first_post),
        "webhooks": float(run.webhooks),
        "claims": float(claims),
        "booking_span_s": booking_span,
        "jobs_won": float(len(run.won_at)),
        "customers_told_their_friend": float(len(run.customer_told_at)),
        "asked_to_write_again": float(m.asked_to_write_again),
    }
    for name, values in (
        ("customer_ack_ms", m.customer_acks_ms),
        ("friend_ack_ms", m.friend_acks_ms),
        ("bot_turn_ms", m.turns_ms),
        ("booking_s", m.bookings_s),
        ("offer_to_answer_ms", m.offer_to_answer_ms),
        ("booked_to_claimed_s", booked_to_claimed),
        ("claimed_to_customer_told_s", claimed_to_told),
    ):
        figures[f"{name}_p50"] = statistics.median(values) if values else math.nan
        figures[f"{name}_p99"] = percentile(values, 99)
    return figures


def report(result: LoadResult) -> str:
    f = result.figures
    lines = [
        f"load run {result.prefix}: {result.customers} customers, {result.friends} Friends, "
        f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}",
        f"seeding Friends {result.seed_s:.1f}s; booking phase {result.duration_s:.1f}s",
        f"bookings {result.booked}/{result.customers} in {f['booking_span_s']:.1f}s: "
        f"{f['bookings_per_min']:.1f}/min",
        f"claims {f['claims']:.0f}: {f['claims_per_s']:.1f}/s; webhooks {f['webhooks']:.0f}: "
        f"{f['webhooks_per_s']:.1f}/s",
        f"jobs won {f['jobs_won']:.0f}; customers told their Friend "
        f"{f['customers_told_their_friend']:.0f}; turns the bot asked to be written again "
        f"{f['asked_to_write_again']:.0f}",
    ]
    for name, unit in (
        ("customer_ack", "ms"),
        ("friend_ack", "ms"),
        ("bot_turn", "ms"),
        ("booking", "s"),
        ("offer_to_answer", "ms"),
        ("booked_to_claimed", "s"),
        ("claimed_to_customer_told", "s"),
    ):
        lines.append(
            f"  {name:25} p50 {f[f'{name}_{unit}_p50']:9.1f} {unit}   "
            f"p99 {f[f'{name}_{unit}_p99']:9.1f} {unit}"
        )
    lines.append("counts: " + ", ".join(f"{k}={v}" for k, v in result.invariants.counts.items()))
    if result.invariants.ok:
        lines.append("invariants: all hold")
    else:
        lines.append(f"invariants: {len(result.invariants.violations)} VIOLATED")
        lines.extend(f"  - {v}" for v in result.invariants.violations[:50])
    for failure in result.failures[:10]:
        lines.append(f"not finished: {failure}")
    return "\n".join(lines)


# --- topologies -----------------------------------------------------------------------------


async def _load_postcodes(database_url: str, geonames_dir: Path) -> None:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await import_geonames(session, geonames_dir)
    finally:
        await engine.dispose()


def start_fake_graph(port: int, log_dir: Path) -> subprocess.Popen[bytes]:
    # Its own process: served from the load driver's loop it would slow down what it measures.
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "fake-graph.log").open("wb") as log:
        return subprocess.Popen(
            [str(PY), "-m", "simulator.fake_graph", "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@asynccontextmanager
async def single_stack(
    database: str, wave_size: int, geonames_dir: Path, log_dir: Path
) -> AsyncIterator[Target]:
    """The stack `make demo` runs (one Rasa, one action server, one backend) on a fresh
    database, with the fake Graph API as its own process."""
    work = Path(tempfile.mkdtemp(prefix="load-test-"))
    server: postgres.Server | None = None
    databases: list[str] = []
    graph: subprocess.Popen[bytes] | None = None
    stack: Stack | None = None
    try:
        if database == "postgresql":
            server = await asyncio.to_thread(postgres.ensure_server)
            databases = [postgres.unique_name("load"), postgres.unique_name("loadtracker")]
            for name in databases:
                await postgres.create_database(server, name)
            database_url = server.url(databases[0])
            tracker_url = server.url(databases[1], driver="")
        else:
            database_url = f"sqlite+aiosqlite:///{work / 'backend.db'}"
            tracker_url = f"sqlite:///{work / 'tracker.db'}"
        await asyncio.to_thread(migrate, database_url)
        await _load_postcodes(database_url, geonames_dir)
        ports = {name: free_port() for name in ("RASA", "ACTIONS", "BACKEND", "GRAPH")}
        graph_url = f"http://127.0.0.1:{ports['GRAPH']}"
        graph = start_fake_graph(ports["GRAPH"], log_dir)
        env = {
            **{k: v for k, v in os.environ.items() if k not in SECRETS},
            **SECRETS,
            "RASA_PORT": str(ports["RASA"]),
            "ACTIONS_PORT": str(ports["ACTIONS"]),
            "BACKEND_PORT": str(ports["BACKEND"]),
            "BACKEND_URL": f"http://127.0.0.1:{ports['BACKEND']}",
            "RASA_URL": f"http://127.0.0.1:{ports['RASA']}",
            "MESSENGER_GRAPH_URL": graph_url,
            "MESSENGER_GRAPH_VERSION": "v21.0",
            "DATABASE_URL": database_url,
            "TRACKER_STORE_URL": tracker_url,
            "MESSENGER_STORE_PATH": str(work / "messenger-customers.db"),
            "WAVE_SIZE": str(wave_size),
        }
        stack = Stack(env, log_dir)
        stack.build()
        await asyncio.to_thread(stack.start, 600)
        system = System(
            rasa_url=stack.env["RASA_URL"],
            backend_url=stack.env["BACKEND_URL"],
            graph_url=graph_url,
            simulator_url=graph_url,
            env=stack.env,
            log_dir=log_dir,
            stack=stack,
        )
        yield Target(
            system.rasa_url, system.backend_url, graph_url, database_url, dict(SECRETS), system
        )
    finally:
        if stack is not None:
            await asyncio.to_thread(stack.stop)
        if graph is not None:
            graph.terminate()
            graph.wait(timeout=10)
        if server is not None:
            for name in databases:
                await postgres.drop_database(server, name)
        shutil.rmtree(work, ignore_errors=True)


@asynccontextmanager
async def prod_like_stack(wave_size: int, geonames_dir: Path, work: Path) -> AsyncIterator[Target]:
    """tools/prodlike.py's topology: two of each behind the proxy, PostgreSQL, Redis."""
    prod = await asyncio.to_thread(
        start_prod_like,
        work,
        settings={"WAVE_SIZE": str(wave_size)},
        geonames_dir=geonames_dir,
    )
    try:
        system = System(
            rasa_url=prod.url,
            backend_url=prod.url,
            graph_url=prod.graph_url,
            simulator_url=prod.simulator_url,
            env=prod.env,
            log_dir=prod.log_dir,
            # Nothing here stops single processes; the conversation helpers only want the URLs.
            stack=Stack(prod.env, prod.log_dir),
        )

        def spread() -> str:
            stats = prod.proxy_stats()
            return ", ".join(
                f"{name} {info.get('responses', 0)}"
                for name, info in sorted(stats.items())
                if isinstance(info, dict)
            )

        yield Target(
            prod.url,
            prod.url,
            prod.graph_url,
            prod.database_urls["backend"],
            dict(prod.secrets),
            system,
            spread,
        )
    finally:
        await asyncio.to_thread(prod.stop)


def target_from_system(system: System) -> Target:
    """The end-to-end tests' running system as a load target."""
    return Target(
        system.rasa_url,
        system.backend_url,
        system.graph_url,
        system.env["DATABASE_URL"],
        dict(SECRETS),
        system,
    )


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


async def main_async(args: argparse.Namespace) -> int:
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="load-logs-"))
    print(f"logs in {log_dir}", flush=True)
    if args.topology == "prod-like":
        stack = prod_like_stack(args.wave_size, GEONAMES, log_dir)
    else:
        stack = single_stack(args.database, args.wave_size, GEONAMES, log_dir)
    async with stack as target:
        result = await run_load(
            target,
            args.customers,
            args.friends,
            ramp_seconds=args.ramp,
            turn_timeout=args.turn_timeout,
            settle_seconds=args.settle,
            think_seconds=args.think,
            progress=lambda line: print(line, flush=True),
        )
        spread = target.spread() if target.spread else ""
    print(report(result), flush=True)
    if spread:
        print(f"responses per upstream: {spread}")
    if args.json:
        write_json(
            Path(args.json),
            {
                "prefix": result.prefix,
                "topology": args.topology,
                "database": args.database,
                "customers": result.customers,
                "friends": result.friends,
                "booked": result.booked,
                "figures": result.figures,
                "counts": result.invariants.counts,
                "violations": result.invariants.violations,
                "failures": result.failures,
            },
        )
    if not result.invariants.ok:
        return 1
    return 2 if result.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--friends", type=int, default=500)
    parser.add_argument("--topology", choices=("single", "prod-like"), default="single")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="postgresql",
        help="the single topology's database (prod-like always runs PostgreSQL)",
    )
    parser.add_argument("--wave-size", type=int, default=10, help="Friends offered a job per wave")
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which customers start"
    )
    parser.add_argument(
        "--think", type=float, default=0.5, help="a Friend's longest pause before claiming"
    )
    parser.add_argument("--turn-timeout", type=float, default=300.0)
    parser.add_argument("--settle", type=float, default=120.0)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--log-dir")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
