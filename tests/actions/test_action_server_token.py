"""The action server accepted calls from anyone who could reach it (issue 21, point 7): it
binds to loopback by default, refuses to listen elsewhere without ACTION_SERVER_TOKEN, and
checks that token (Rasa sends it, as endpoints.yml's header) on every call but /healthz."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import aiohttp
import pytest

from bot.action_server_auth import ListenError, authorised, listen_settings
from tests.actions.test_actions_over_http import BOT_PYTHON, ROOT, running_action_server
from tools.stack import endpoints_yaml

CALL = {"next_action": "action_session_start", "sender_id": "s1", "tracker": {}, "domain": {}}


def test_the_action_server_binds_to_loopback_by_default() -> None:
    assert listen_settings({}) == ("127.0.0.1", "")
    assert listen_settings({"ACTIONS_HOST": "::1"}) == ("::1", "")


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "actions.internal"])
def test_listening_elsewhere_needs_the_token(host: str) -> None:
    with pytest.raises(ListenError, match="ACTION_SERVER_TOKEN"):
        listen_settings({"ACTIONS_HOST": host})
    with pytest.raises(ListenError):
        listen_settings({}, host)
    assert listen_settings({"ACTION_SERVER_TOKEN": "s3cret"}, host) == (host, "s3cret")


def test_the_token_check() -> None:
    assert authorised("", "/webhook", None)  # no token configured (loopback)
    assert authorised("s3cret", "/healthz", None)
    assert authorised("s3cret", "/webhook", "Bearer s3cret")
    for header in (None, "", "Bearer wrong", "s3cret", "Basic s3cret", "Bearer "):
        assert not authorised("s3cret", "/webhook", header), header
    assert not authorised("s3cret", "/actions", None)


def test_the_action_server_refuses_to_start_open_beyond_this_machine() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_HOST": "0.0.0.0"}
    env.pop("ACTION_SERVER_TOKEN", None)
    started = subprocess.run(
        [str(BOT_PYTHON), "-m", "bot.action_server", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "ACTION_SERVER_TOKEN" in started.stderr


async def test_a_call_without_the_token_is_refused(tmp_path: Path) -> None:
    with running_action_server({"ACTION_SERVER_TOKEN": "s3cret"}, tmp_path) as (url, _log):
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/healthz") as health:
                assert health.status == 200
            for headers in ({}, {"Authorization": "Bearer wrong"}):
                async with http.post(f"{url}/webhook", json=CALL, headers=headers) as refused:
                    assert refused.status == 401
            async with http.get(f"{url}/actions") as listing:
                assert listing.status == 401
            authorised_call = {"Authorization": "Bearer s3cret"}
            async with http.get(f"{url}/actions", headers=authorised_call) as listing:
                assert listing.status == 200


def test_rasa_sends_the_token_from_its_environment(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    yaml = endpoints_yaml("http://127.0.0.1:5055/webhook", "sqlite:///var/t.db", "", True)
    endpoints.write_text(yaml)
    assert "s3cret" not in yaml  # the secret stays in the environment
    script = (
        "import sys\n"
        "from rasa.utils.endpoints import read_endpoint_config\n"
        "print(read_endpoint_config(sys.argv[1], 'action_endpoint').headers)\n"
    )
    read = subprocess.run(
        [str(BOT_PYTHON), "-c", script, str(endpoints)],
        env={**os.environ, "ACTION_SERVER_TOKEN": "s3cret"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "{'Authorization': 'Bearer s3cret'}"
