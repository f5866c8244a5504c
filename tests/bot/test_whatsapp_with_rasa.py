"""Our WhatsApp channel inside the real Rasa server (trained model, action server, backend)
with a fake Cloud API: a greeting gets the welcome and the seven areas as a list with a
button label in the customer's language, a tapped row goes on with the booking, and Rasa's
tracker has the turn's WhatsApp metadata and the wamid as message id.

The model is models/techfriends.tar.gz (`make model`); TECHFRIENDS_MODEL points elsewhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.bot.test_channel_with_rasa import SECRETS, stack_ports, started_stack
from tests.bot.whatsapp_fakes import (
    SENT_AT,
    FakeCloudApi,
    serve_in_thread,
    signed,
    wa_body,
    wa_message,
)

PHONE_ID = "1098765432"
SECRET = "wa-rasa-app-secret"
TURN_SECONDS = 90.0


@dataclass
class Running:
    rasa_url: str
    api: FakeCloudApi


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Running]:
    work = tmp_path_factory.mktemp("whatsapp")
    api = FakeCloudApi(token="wa-rasa-access-token")
    with serve_in_thread(api.app()) as api_url:
        api.base_url = api_url
        extra = {
            "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
            "CUSTOMER_WHATSAPP_ACCESS_TOKEN": api.token,
            "CUSTOMER_WHATSAPP_APP_SECRET": SECRET,
            "CUSTOMER_WHATSAPP_VERIFY_TOKEN": "wa-rasa-verify",
            "WHATSAPP_STORE_PATH": str(work / "wa.db"),
            # The customers' sends go to the fake Cloud API (Messenger's are not used here).
            "MESSENGER_GRAPH_URL": api_url,
        }
        with started_stack(work, template_db, stack_ports(), 400, extra) as (env, _, _):
            yield Running(env["RASA_URL"], api)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _write(http: aiohttp.ClientSession, running: Running, message: dict[str, Any]) -> None:
    raw, headers = signed(wa_body(PHONE_ID, [message]), SECRET)
    async with http.post(
        f"{running.rasa_url}/webhooks/whatsapp/webhook", data=raw, headers=headers
    ) as answer:
        assert answer.status == 200, await answer.text()


async def _answers_until(
    running: Running, wa_id: str, since: int, done: Any
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + TURN_SECONDS
    while True:
        answers = running.api.delivered(wa_id)[since:]
        if any(done(a) for a in answers):
            return answers
        assert time.monotonic() < deadline, f"no such answer in {TURN_SECONDS}s: {answers}"
        await asyncio.sleep(0.2)


def _is_list(answer: dict[str, Any]) -> bool:
    return answer.get("type") == "interactive" and answer["interactive"]["type"] == "list"


async def _tracker(http: aiohttp.ClientSession, running: Running, wa_id: str) -> dict[str, Any]:
    async with http.get(
        f"{running.rasa_url}/conversations/wa-{wa_id}/tracker",
        params={"token": SECRETS["RASA_TOKEN"]},
    ) as answer:
        assert answer.status == 200
        result: dict[str, Any] = await answer.json()
        return result


@pytest.mark.parametrize(
    ("wa_id", "greeting", "label"),
    [("41791112233", "Hallo", "Auswählen"), ("447700900123", "Hello", "Choose")],
)
async def test_a_greeting_gets_the_areas_as_a_list_in_the_customers_language(
    http: aiohttp.ClientSession, running: Running, wa_id: str, greeting: str, label: str
) -> None:
    await _write(http, running, wa_message(wa_id, f"wamid.{wa_id}.1", body=greeting))
    answers = await _answers_until(running, wa_id, 0, _is_list)
    areas = next(a for a in answers if _is_list(a))
    assert areas["interactive"]["action"]["button"] == label
    rows = areas["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 7 and all(r["id"].startswith("/choose_category") for r in rows)
    assert answers[0]["type"] == "text"  # the welcome first

    tracker = await _tracker(http, running, wa_id)
    assert tracker["latest_input_channel"] == "whatsapp"
    user = [e for e in tracker["events"] if e["event"] == "user"]
    assert user[-1]["message_id"] == f"wamid.{wa_id}.1"
    assert user[-1]["metadata"]["whatsapp"] == {
        "wa_id": wa_id,
        "name": "Erika Muster",
        "message_id": f"wamid.{wa_id}.1",
        "timestamp": SENT_AT,
    }

    # The customer taps a row: Rasa reads its id and asks the next question.
    since = len(running.api.delivered(wa_id))
    row = {"type": "list_reply", "list_reply": {"id": rows[2]["id"], "title": rows[2]["title"]}}
    await _write(http, running, wa_message(wa_id, f"wamid.{wa_id}.2", "interactive", **row))
    await _answers_until(running, wa_id, since, lambda a: True)
    tracker = await _tracker(http, running, wa_id)
    assert [e for e in tracker["events"] if e["event"] == "user"][-1]["text"] == rows[2]["id"]
    assert tracker["slots"]["category"] is not None
