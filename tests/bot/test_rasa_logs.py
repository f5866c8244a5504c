"""The Rasa server with LOG_FORMAT=json: its own lines become JSON once our channel is loaded,
a trigger_intent names the backend's X-Request-ID and the conversation, and a customer's turn
names the Messenger mid (the request id the action server and the backend log as well).

No model is loaded (none is needed to see the ids): Rasa answers 409 "no agent" and logs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.webhook_bodies import encode_signed, page_body, text_event
from tests.bot.test_channel_with_rasa import _free_port, _wait_healthy
from tools.stack import BOT_PYTHON, ROOT

SECRET = "rasa-logs-secret"
RASA_TOKEN = "rasa-logs-token"


@pytest.fixture(scope="module")
def rasa_json(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not BOT_PYTHON.exists():
        pytest.fail(f"{BOT_PYTHON} missing: run `make venvs` first")
    work = tmp_path_factory.mktemp("rasa-logs")
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work / "tracker.db"}"\n'
    )
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOG_FORMAT": "json",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "CUSTOMER_APP_SECRET": SECRET,
        "CUSTOMER_PAGE_ACCESS_TOKEN": "rasa-logs-page-token",
        "CUSTOMER_VERIFY_TOKEN": "rasa-logs-verify",
        # Nothing listens here: profile look-ups fail fast and are logged (with the ids).
        "MESSENGER_GRAPH_URL": f"http://127.0.0.1:{_free_port()}",
        "MESSENGER_STORE_PATH": str(work / "messenger.db"),
    }
    log_path = work / "rasa.log"
    command = [
        str(BOT_PYTHON),
        "-m",
        "rasa",
        "run",
        "--enable-api",
        "--auth-token",
        RASA_TOKEN,
        "--credentials",
        str(ROOT / "bot" / "credentials.yml"),
        "--endpoints",
        str(endpoints),
        "--model",
        str(work / "no-model-here"),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
    ]
    with log_path.open("wb") as log:
        # Run from the work folder: from the repository Rasa would fall back to a model in
        # models/ when --model names none, and answer 200 instead of "no agent".
        process = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{url}/healthz", process, 300)
        yield url, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def json_lines_about(log_path: Path, key: str, value: str) -> list[dict[str, Any]]:
    """JSON lines with key == value, waiting a little for the turn to be logged."""
    deadline = time.monotonic() + 20
    while True:
        found = []
        for line in log_path.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # the last line may still be being written
            if entry.get(key) == value:
                found.append(entry)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_rasa_logs_json_with_the_backends_request_id_and_the_customers_mid(
    rasa_json: tuple[str, Path],
) -> None:
    url, log_path = rasa_json
    status = post(
        f"{url}/conversations/psid-logs-1/trigger_intent?token={RASA_TOKEN}&output_channel=messenger",
        json.dumps({"name": "EXTERNAL_nobody_found", "entities": {}}).encode(),
        {"Content-Type": "application/json", "X-Request-ID": "backend-req-42"},
    )
    assert status == 409  # no agent: still a request Rasa logs
    [refused] = json_lines_about(log_path, "request_id", "backend-req-42")
    assert refused["conversation_id"] == "psid-logs-1"
    assert (refused["service"], refused["logger"]) == ("rasa", "rasa.server")

    event = text_event("psid-logs-2", "customers-page", "Hallo", mid="m_logs-mid-7")
    raw, headers = encode_signed(page_body("customers-page", [event]), SECRET)
    assert post(f"{url}/webhooks/messenger/webhook", raw, headers) == 200
    turn = json_lines_about(log_path, "request_id", "m_logs-mid-7")
    assert turn and {e["conversation_id"] for e in turn} == {"psid-logs-2"}
    # Rasa's own lines after start-up are JSON too ("Rasa server is up and running").
    up = json_lines_about(log_path, "message", "Rasa server is up and running.")
    assert up and up[0]["logger"] == "root"
