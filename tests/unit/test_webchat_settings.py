"""The web chat's settings: `make run` wants WEBCHAT_SECRET exactly when the Rasa server runs
the web chat, and the demo fills it and the allowed origins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools import run
from tools.stack import ROOT


def test_the_web_chat_is_on_when_credentials_name_it(tmp_path: Path) -> None:
    assert run.webchat_enabled()  # bot/credentials.yml registers it
    assert "WEBCHAT_SECRET" in run.REQUIRED_FOR_RUN
    without = tmp_path / "credentials.yml"
    without.write_text("# bot.webchat_channel.WebchatInput: (commented out)\nbot.x.Y:\n")
    assert not run.webchat_enabled(without)


def test_make_run_refuses_to_start_without_the_webchat_secret(tmp_path: Path) -> None:
    secrets = {name: "x" for name in run.REQUIRED_FOR_RUN if name != "WEBCHAT_SECRET"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBCHAT_")}
    refused = subprocess.run(
        [sys.executable, "-m", "tools.run", "run"],
        cwd=tmp_path,  # no .env of the developer's
        env={**env, "PYTHONPATH": str(ROOT), **secrets},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stdout.strip().endswith("WEBCHAT_SECRET")


def test_the_demo_fills_the_secret_and_the_demo_sites_origins() -> None:
    env = run.demo_env()
    assert env["WEBCHAT_SECRET"]
    origins = env["WEBCHAT_ALLOWED_ORIGINS"].split(",")
    for origin in ("http://127.0.0.1:8090", "http://localhost:8090", "http://127.0.0.1:8000"):
        assert origin in origins
