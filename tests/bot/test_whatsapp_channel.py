"""Our WhatsApp channel served by Sanic in .venv-bot (tests/bot/whatsapp_channel_server.py, a
stand-in for Rasa's handler instead of the trained model) against a fake Cloud API and a
stand-in for the backend's media endpoint: Meta's verification, signatures, a batch answered
in order, a duplicate wamid answered once (also after a restart), statuses per message, reply
buttons, lists and numbered choices, photos, the console's push, and the channel switched off.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from simulator.webhook_bodies import encode_signed, image_event, page_body
from tests.bot.whatsapp_fakes import (
    JPEG,
    SENT_AT,
    FakeCloudApi,
    FakeMediaBackend,
    serve_in_thread,
    signed,
    wa_body,
    wa_message,
    wa_status,
)
from tools.postgres import free_port
from tools.stack import BOT_PYTHON, ROOT

PHONE_ID = "1098765432"
SECRET = "wa-app-secret"
VERIFY = "wa-verify"
RASA_TOKEN = "wa-rasa-token"
MESSENGER_SECRET = "messenger-secret"
SERVER = ROOT / "tests" / "bot" / "whatsapp_channel_server.py"
SECONDS = 20.0


@dataclass
class Channel:
    url: str
    api: FakeCloudApi
    backend: FakeMediaBackend
    turns_file: Path
    store_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def turns(self, sender: str | None = None) -> list[dict[str, Any]]:
        if not self.turns_file.exists():
            return []
        lines = self.turns_file.read_text().splitlines()
        turns = [json.loads(line) for line in lines]
        return [t for t in turns if sender in (None, t["sender"])]

    def rows(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.store_path) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM wa_outbox ORDER BY id")]


def _start(env: dict[str, str], port: int, turns_file: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(BOT_PYTHON), str(SERVER), str(port), str(turns_file)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"channel server exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"channel server not up: {log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextmanager
def _channel(work: Path, configured: bool = True) -> Iterator[Channel]:
    api, backend = FakeCloudApi(token="wa-access-token"), FakeMediaBackend()
    with serve_in_thread(api.app()) as api_url, serve_in_thread(backend.app()) as backend_url:
        api.base_url, backend.base_url = api_url, backend_url
        keep = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMER_WHATSAPP_")}
        env = {
            **keep,
            "PYTHONPATH": str(ROOT),
            "MESSENGER_GRAPH_URL": api_url,
            "MESSENGER_GRAPH_VERSION": "v21.0",
            "WHATSAPP_STORE_PATH": str(work / "wa.db"),
            "BACKEND_URL": backend_url,
            "BACKEND_API_TOKEN": backend.token,
            "RASA_TOKEN": RASA_TOKEN,
            "MESSENGER_TURN_RETRY_SECONDS": "0.1",
            "MESSENGER_STORE_PATH": str(work / "messenger.db"),
            "CUSTOMER_APP_SECRET": MESSENGER_SECRET,
            "CUSTOMER_VERIFY_TOKEN": "m-verify",
            "CUSTOMER_PAGE_ACCESS_TOKEN": "m-token",
        }
        if configured:
            env |= {
                "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
                "CUSTOMER_WHATSAPP_ACCESS_TOKEN": api.token,
                "CUSTOMER_WHATSAPP_APP_SECRET": SECRET,
                "CUSTOMER_WHATSAPP_VERIFY_TOKEN": VERIFY,
            }
        port = free_port()
        channel = Channel(
            f"http://127.0.0.1:{port}/webhooks/whatsapp",
            api,
            backend,
            work / "turns.jsonl",
            work / "wa.db",
            env,
        )
        channel.process = _start(env, port, channel.turns_file, work / "server.log")
        try:
            yield channel
        finally:
            if channel.process is not None:
                _stop(channel.process)


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Channel]:
    with _channel(tmp_path_factory.mktemp("wa-channel")) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _post(
    http: aiohttp.ClientSession, channel: Channel, body: dict[str, Any], secret: str = SECRET
) -> tuple[int, Any]:
    raw, headers = signed(body, secret)
    async with http.post(f"{channel.url}/webhook", data=raw, headers=headers) as answer:
        return answer.status, await answer.json(content_type=None)


async def _until(check: Any, what: str, seconds: float = SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"not seen within {seconds}s: {what}"
        await asyncio.sleep(0.05)


async def test_meta_verification(http: aiohttp.ClientSession, channel: Channel) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "42abc"}
    async with http.get(f"{channel.url}/webhook", params=params) as answer:
        assert (answer.status, await answer.text()) == (200, "42abc")
    wrong = params | {"hub.verify_token": "guess"}
    async with http.get(f"{channel.url}/webhook", params=wrong) as answer:
        assert answer.status == 403


async def test_signatures_are_checked_and_bad_bodies_refused(
    http: aiohttp.ClientSession, channel: Channel
) -> None:
    body = wa_body(PHONE_ID, [wa_message("41790000001", "wamid.sig1", body="Hallo")])
    assert (await _post(http, channel, body, secret="not-the-secret"))[0] == 403
    raw, _ = signed(body, SECRET)
    async with http.post(f"{channel.url}/webhook", data=raw) as answer:
        assert answer.status == 403  # no signature at all
    status, answer_body = await _post(http, channel, {"object": "page", "entry": []})
    assert status == 400 and "not a WhatsApp body" in answer_body["error"]
    async with http.post(f"{channel.url}/webhook", data=b"x" * (1024 * 1024 + 1)) as answer:
        assert answer.status == 413
    await asyncio.sleep(0.3)
    assert channel.turns("wa-41790000001") == []
    assert await _post(http, channel, body) == (200, {"status": "received"})
    await _until(lambda: channel.api.texts("41790000001"), "the answer")
    assert channel.api.texts("41790000001") == ["echo: Hallo"]


async def test_a_batch_is_answered_in_order_with_whatsapp_metadata(
    http: aiohttp.ClientSession, channel: Channel
) -> None:
    erika, max_ = "41790000002", "4915112345678"
    messages = [
        wa_message(erika, "wamid.b1", body="eins slow"),
        wa_message(max_, "wamid.b2", body="hello"),
        wa_message(erika, "wamid.b3", body="zwei"),
        wa_message(erika, "wamid.b4", body="drei"),
    ]
    assert (await _post(http, channel, wa_body(PHONE_ID, messages)))[0] == 200
    await _until(lambda: len(channel.api.texts(erika)) == 3, "three answers to Erika")
    assert channel.api.texts(erika) == ["echo: eins slow", "echo: zwei", "echo: drei"]
    assert channel.api.texts(max_) == ["echo: hello"]
    turns = channel.turns(f"wa-{erika}")
    assert [t["text"] for t in turns] == ["eins slow", "zwei", "drei"]
    assert [t["message_id"] for t in turns] == ["wamid.b1", "wamid.b3", "wamid.b4"]
    assert turns[0]["input_channel"] == "whatsapp"
    assert turns[0]["metadata"] == {
        "whatsapp": {
            "wa_id": erika,
            "name": "Erika Muster",
            "message_id": "wamid.b1",
            "timestamp": SENT_AT,
        }
    }


async def test_a_duplicate_wamid_is_answered_once_also_after_a_restart(
    http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    wa = "41790000003"
    body = wa_body(PHONE_ID, [wa_message(wa, "wamid.dup1", body="einmal")])
    with _channel(tmp_path) as channel:
        for _ in range(2):
            assert (await _post(http, channel, body))[0] == 200
        both = wa_body(PHONE_ID, [wa_message(wa, "wamid.dup1", body="einmal")] * 2)
        assert (await _post(http, channel, both))[0] == 200
        await _until(lambda: channel.api.texts(wa), "the answer")
        await asyncio.sleep(0.5)
        assert channel.process is not None
        _stop(channel.process)
        port = int(channel.url.split(":")[2].split("/")[0])
        channel.process = _start(channel.env, port, channel.turns_file, tmp_path / "again.log")
        # A new client: the old one's pooled keep-alive connection died with the server.
        async with aiohttp.ClientSession() as again:
            assert (await _post(again, channel, body))[0] == 200
            later = wa_body(PHONE_ID, [wa_message(wa, "wamid.dup2", body="neu")])
            assert (await _post(again, channel, later))[0] == 200
        await _until(lambda: len(channel.api.texts(wa)) == 2, "the second answer")
        await asyncio.sleep(0.3)
        assert channel.api.texts(wa) == ["echo: einmal", "echo: neu"]
        assert [t["text"] for t in channel.turns()] == ["einmal", "neu"]


async def test_statuses_are_recorded_per_message(
    http: aiohttp.ClientSession, channel: Channel
) -> None:
    wa = "41790000004"
    await _post(http, channel, wa_body(PHONE_ID, [wa_message(wa, "wamid.s1", body="a")]))
    await _post(http, channel, wa_body(PHONE_ID, [wa_message(wa, "wamid.s2", body="b")]))
    await _until(lambda: len(channel.api.texts(wa)) == 2, "two answers")

    def ours() -> list[dict[str, Any]]:
        return [r for r in channel.rows() if r["recipient"] == f"wa-{wa}" and r["provider_id"]]

    first, second = await _until(lambda: len(ours()) == 2 and ours(), "two wamids")
    statuses = [
        wa_status(first["provider_id"], wa, "delivered"),
        wa_status(first["provider_id"], wa, "read"),
        wa_status(second["provider_id"], wa, "failed", code=131026),
        wa_status("wamid.someone-else", wa, "read"),
    ]
    assert (await _post(http, channel, wa_body(PHONE_ID, statuses=statuses)))[0] == 200
    rows = {r["id"]: r for r in ours()}
    assert rows[first["id"]]["delivery_status"] == "read"
    assert rows[second["id"]]["delivery_status"] == "failed"
    assert rows[second["id"]]["delivery_error"] == "131026 failed: why"


async def test_buttons_a_list_and_numbered_choices(
    http: aiohttp.ClientSession, channel: Channel
) -> None:
    wa = "41790000005"
    for n, text in enumerate(["/ask", "/categories", "/many"]):
        message = wa_message(wa, f"wamid.c{n}", body=text)
        await _post(http, channel, wa_body(PHONE_ID, [message]))
    await _until(lambda: len(channel.api.delivered(wa)) == 3, "three questions")
    ask, categories, many = channel.api.delivered(wa)
    assert ask["interactive"]["type"] == "button"
    assert len(ask["interactive"]["action"]["buttons"]) == 2
    assert categories["interactive"]["type"] == "list"
    assert categories["interactive"]["action"]["button"] == "Choose"
    assert len(categories["interactive"]["action"]["sections"][0]["rows"]) == 7
    assert many["type"] == "text" and "12. Termin 12" in many["text"]["body"]
    # The customer answers the numbered question by number, then taps a list row.
    await _post(http, channel, wa_body(PHONE_ID, [wa_message(wa, "wamid.c3", body="7")]))
    row = {"type": "list_reply", "list_reply": {"id": "/category_2", "title": "Drucker"}}
    await _post(
        http, channel, wa_body(PHONE_ID, [wa_message(wa, "wamid.c4", "interactive", **row)])
    )
    # A number later, without a question, is just a number.
    await _post(http, channel, wa_body(PHONE_ID, [wa_message(wa, "wamid.c5", body="7")]))
    await _until(lambda: len(channel.turns(f"wa-{wa}")) == 6, "six turns")
    assert [t["text"] for t in channel.turns(f"wa-{wa}")][3:] == ["/slot_7", "/category_2", "7"]


async def test_photos_are_stored_and_a_video_is_refused(
    http: aiohttp.ClientSession, channel: Channel
) -> None:
    wa = "41790000006"
    channel.api.media["media-1"] = (JPEG, "image/jpeg")
    photo = wa_message(wa, "wamid.p1", "image", id="media-1", mime_type="image/jpeg")
    video = wa_message(wa, "wamid.p2", "video", id="media-2", mime_type="video/mp4")
    await _post(http, channel, wa_body(PHONE_ID, [photo, video]))
    await _until(lambda: len(channel.turns(f"wa-{wa}")) == 2, "two turns")
    first, second = (t["text"] for t in channel.turns(f"wa-{wa}"))
    assert first.startswith('/share_image{"image_url": "' + channel.backend.base_url + "/media/")
    assert second == '/share_media_refused{"media_problem": "wrong_type"}'
    assert channel.backend.uploads == [("whatsapp", len(JPEG))]


async def test_a_messenger_photo_is_stored_through_the_same_media_api(
    http: aiohttp.ClientSession, channel: Channel
) -> None:
    channel.api.media["p.jpg"] = (JPEG, "image/jpeg")
    channel.api.media["doc.pdf"] = (b"%PDF-1.7", "application/pdf")
    base = channel.url.replace("/whatsapp", "/messenger")
    events = [
        image_event("psid-photo", "page", f"{channel.api.base_url}/cdn/p.jpg"),
        image_event("psid-photo", "page", f"{channel.api.base_url}/cdn/doc.pdf"),
        image_event("psid-photo", "page", f"{channel.api.base_url}/cdn/gone.jpg"),
    ]
    raw, headers = encode_signed(page_body("page", events), MESSENGER_SECRET)
    async with http.post(f"{base}/webhook", data=raw, headers=headers) as answer:
        assert answer.status == 200
    await _until(lambda: len(channel.turns("psid-photo")) == 3, "three Messenger turns")
    texts = [t["text"] for t in channel.turns("psid-photo")]
    assert texts[0].startswith('/share_image{"image_url": "' + channel.backend.base_url)
    assert texts[1:] == [
        '/share_media_refused{"media_problem": "wrong_type"}',
        '/share_media_refused{"media_problem": "unavailable"}',
    ]
    assert ("messenger", len(JPEG)) in channel.backend.uploads


async def test_the_consoles_push(http: aiohttp.ClientSession, channel: Channel) -> None:
    wa = "41790000007"
    push = f"{channel.url}/push"
    body = {"conversation_id": f"wa-{wa}", "text": "Hier ist Anna vom Support."}
    async with http.post(push, json=body, params={"token": "wrong"}) as answer:
        assert answer.status == 403
    async with http.post(push, json=body, params={"token": RASA_TOKEN}) as answer:
        assert answer.status == 409  # never wrote: no window
        assert await answer.json() == {"error": "outside the 24-hour window"}
    async with http.post(push, json={"text": "x"}, params={"token": RASA_TOKEN}) as answer:
        assert answer.status == 400
    await _post(http, channel, wa_body(PHONE_ID, [wa_message(wa, "wamid.push1", body="Hilfe")]))
    await _until(lambda: channel.api.texts(wa), "the bot's answer")
    async with http.post(push, json=body, params={"token": RASA_TOKEN}) as answer:
        assert (answer.status, await answer.json()) == (200, {"status": "queued"})
    await _until(lambda: len(channel.api.texts(wa)) == 2, "the pushed text")
    assert channel.api.texts(wa)[1] == "Hier ist Anna vom Support."


async def test_without_settings_the_channel_loads_and_refuses_webhooks(
    http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    with _channel(tmp_path, configured=False) as channel:
        body = wa_body(PHONE_ID, [wa_message("41790000008", "wamid.off", body="Hallo")])
        assert (await _post(http, channel, body))[0] == 503
        async with http.get(f"{channel.url}/webhook", params={"hub.mode": "subscribe"}) as answer:
            assert answer.status == 503
        push = {"conversation_id": "wa-41790000008", "text": "x"}
        async with http.post(f"{channel.url}/push", json=push, params={"token": RASA_TOKEN}) as a:
            assert a.status == 503
        assert not channel.store_path.exists()
        log = (tmp_path / "server.log").read_text()
        assert log.count("WhatsApp for customers is off") == 1
