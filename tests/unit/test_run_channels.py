"""`make run` asks only for the settings of the channels a deployment configures (a channel is
configured once any of its settings is set), and says nothing about WhatsApp without them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools import run
from tools.stack import ROOT

API = {name: "x" for name in run.RUN_SECRETS}
MESSENGER = {
    name: "x" for c in (run.MESSENGER_CUSTOMERS, run.MESSENGER_FRIENDS) for name in c.settings
}
WEB = {"WEBCHAT_SECRET": "x", "WEBCHAT_ALLOWED_ORIGINS": "https://hilfe.example.org"}


def test_messenger_only_needs_nothing_of_whatsapp() -> None:
    env = API | MESSENGER
    assert run.run_problems(env, webchat_on=False) == []
    assert run.WHATSAPP_CUSTOMERS not in run.configured(env, webchat_on=False)
    lines = "\n".join(run.running_lines(env, "http://rasa", "http://backend"))
    assert "whatsapp" not in lines.lower()
    assert "http://rasa/webhooks/messenger/webhook" in lines


def test_one_whatsapp_setting_names_the_rest_of_that_number_only() -> None:
    env = API | MESSENGER | {"CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": "1098765432"}
    [problem] = run.run_problems(env, webchat_on=False)
    assert problem.endswith(
        "CUSTOMER_WHATSAPP_ACCESS_TOKEN, CUSTOMER_WHATSAPP_APP_SECRET, "
        "CUSTOMER_WHATSAPP_VERIFY_TOKEN"
    )
    assert "FRIENDS_WHATSAPP" not in problem


def test_whatsapp_alone_is_a_complete_deployment_and_its_webhooks_are_named() -> None:
    whatsapp = {
        name: "x" for c in (run.WHATSAPP_CUSTOMERS, run.WHATSAPP_FRIENDS) for name in c.settings
    }
    env = API | whatsapp
    assert run.run_problems(env, webchat_on=False) == []
    lines = "\n".join(run.running_lines(env, "http://rasa", "http://backend"))
    assert "http://rasa/webhooks/whatsapp/webhook" in lines
    assert "http://backend/webhooks/friends/whatsapp" in lines
    assert "whatsapp-templates" in lines
    assert "messenger" not in lines.lower()


def test_the_web_chat_counts_when_the_bot_runs_it_or_a_setting_names_it() -> None:
    assert run.run_problems(API | MESSENGER, webchat_on=True) == [
        "make run needs these settings (environment or .env): WEBCHAT_SECRET"
    ]
    env = API | MESSENGER | {"WEBCHAT_ALLOWED_ORIGINS": "https://hilfe.example.org"}
    assert run.run_problems(env, webchat_on=False)[-1].endswith("WEBCHAT_SECRET")
    assert run.run_problems(API | MESSENGER | WEB, webchat_on=True) == []


def test_no_channel_for_customers_or_friends_is_refused_with_the_way_out() -> None:
    problems = run.run_problems(API, webchat_on=False)
    assert any("no channel for customers" in p for p in problems)
    assert any("no channel for the Friends" in p for p in problems)
    friends_only = API | {name: "x" for name in run.MESSENGER_FRIENDS.settings}
    [problem] = run.run_problems(friends_only, webchat_on=False)
    assert "CUSTOMER_WHATSAPP_*" in problem


def test_the_demo_plays_both_whatsapp_numbers() -> None:
    env = run.demo_env()
    # Every channel complete; only `make run` asks for a metrics token, the demo serves /metrics.
    assert run.run_problems(env) == [
        "make run needs these settings (environment or .env): METRICS_TOKEN"
    ]
    assert run.run_problems(env | {"METRICS_TOKEN": "x"}) == []
    assert {run.WHATSAPP_CUSTOMERS, run.WHATSAPP_FRIENDS} <= set(run.configured(env))


def _make_run(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not any(k.startswith(p) for p in ("WEBCHAT_", "CUSTOMER_", "FRIENDS_", "BACKEND_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "tools.run", "run"],
        cwd=cwd,  # no .env of the developer's
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_run_names_the_missing_whatsapp_settings(tmp_path: Path) -> None:
    partial = {"FRIENDS_WHATSAPP_ACCESS_TOKEN": "x"}
    refused = _make_run(API | MESSENGER | WEB | partial, tmp_path)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stdout.strip() == (
        "make run needs these settings (environment or .env): FRIENDS_WHATSAPP_PHONE_NUMBER_ID, "
        "FRIENDS_WHATSAPP_APP_SECRET, FRIENDS_WHATSAPP_VERIFY_TOKEN"
    )


def test_make_run_without_whatsapp_says_nothing_about_it(tmp_path: Path) -> None:
    # Stops at the migration (an unusable database URL), after the settings were accepted.
    env = API | MESSENGER | WEB | {"DATABASE_URL": "mysql://db/tf"}
    refused = _make_run(env, tmp_path)
    assert refused.returncode == 2
    assert "DATABASE_URL" in refused.stderr
    assert "whatsapp" not in (refused.stdout + refused.stderr).lower()
