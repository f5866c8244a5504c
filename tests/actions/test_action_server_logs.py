"""The action server with LOG_FORMAT=json: JSON lines, and the customer's message id as the
request id from Rasa's action call through the actions' backend calls.

Runs `python -m bot.action_server` in .venv-bot against a stand-in backend that records the
headers it gets and answers 503, so the client retries and the action logs its failure.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.actions.test_actions_over_http import run_action, running_action_server, tracker
from tools.postgres import free_port


@pytest.fixture
async def stand_in_backend() -> AsyncIterator[tuple[int, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    async def jobs(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response({"error": "down for the test"}, status=503)

    app = web.Application()
    app.router.add_get("/api/v1/jobs", jobs)
    server = TestServer(app, host="127.0.0.1", port=free_port())
    await server.start_server()
    assert server.port is not None
    yield server.port, seen
    await server.close()


@pytest.fixture
def json_action_server(
    stand_in_backend: tuple[int, list[dict[str, str]]], tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    env = {
        "LOG_FORMAT": "json",
        "BACKEND_URL": f"http://127.0.0.1:{stand_in_backend[0]}",
        "BACKEND_API_TOKEN": "t",
        "BACKEND_TIMEOUT_SECONDS": "5",
    }
    with running_action_server(env, tmp_path) as started:
        yield started


def log_lines(path: Path) -> list[dict[str, Any]]:
    """Every line the process wrote must be one JSON object."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


async def test_the_customers_message_id_is_the_request_id_in_logs_and_backend_calls(
    json_action_server: tuple[str, Path],
    stand_in_backend: tuple[int, list[dict[str, str]]],
) -> None:
    url, log_path = json_action_server
    _, seen = stand_in_backend
    state = tracker("psid-logs-5", intent="ask_status", text="wo bleibt mein Helfer?")
    state["latest_message"]["message_id"] = "m_mid-77"
    answer = await run_action(url, "action_show_jobs", state)
    assert [r.get("response") for r in answer["responses"]] == ["utter_backend_unavailable"]

    # Two attempts (a 503 is retried once), both named after the customer's message.
    assert [(h["X-Request-ID"], h["X-Conversation-ID"]) for h in seen] == [
        ("m_mid-77", "psid-logs-5")
    ] * 2

    for _ in range(50):  # the log line is written just before the answer; give it a moment
        lines = log_lines(log_path)
        if any("could not be loaded" in e["message"] for e in lines):
            break
        await asyncio.sleep(0.1)
    [failed] = [e for e in lines if "could not be loaded" in e["message"]]
    assert (failed["request_id"], failed["conversation_id"]) == ("m_mid-77", "psid-logs-5")
    assert (failed["level"], failed["service"]) == ("ERROR", "actions")
    [retry] = [e for e in lines if "retrying" in e["message"]]
    assert retry["request_id"] == "m_mid-77"

    # A call without a message id gets a fresh id, not the previous call's.
    other = tracker("psid-logs-6", intent="ask_status", text="status")
    del other["latest_message"]["message_id"]
    await run_action(url, "action_show_jobs", other)
    assert seen[2]["X-Conversation-ID"] == "psid-logs-6"
    assert seen[2]["X-Request-ID"] not in ("m_mid-77", "") and len(seen[2]["X-Request-ID"]) == 32
