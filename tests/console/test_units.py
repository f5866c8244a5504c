"""The console's pure rules: summary folding, NLU export, redaction, login waits, filters,
board order."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import yaml

from backend.adapters.db import async_url
from backend.adapters.orm import Job
from backend.console.auth import (
    ACCOUNT_MAX_DELAY,
    MAX_FAILURES,
    delay_after,
    validate_new_staff,
)
from backend.console.board import urgency
from backend.console.corrections import nlu_yaml, valid_intent
from backend.console.summaries import Filters, decode_cursor, fold, new_summary
from backend.console.tracker import REDACTED, TrackerEvent, redact_event

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def event(kind: str, data: dict[str, Any], minutes: int = 0, id_: int = 1) -> TrackerEvent:
    return TrackerEvent(id_, "s", kind, T0 + timedelta(minutes=minutes), data)


def test_fold_builds_the_summary_from_events() -> None:
    summary = new_summary("s", T0)
    parse = {"intent": {"name": "greet", "confidence": 0.9}}
    low = {"intent": {"name": "nlu_fallback", "confidence": 0.2}}
    for e in (
        event("slot", {"name": "language", "value": "en"}),
        event("user", {"text": "Hello There", "parse_data": parse}, 1),
        event("bot", {"text": "Hi!"}, 2),
        event("user", {"text": "blorp", "parse_data": low}, 3),
        event("user", {"text": "Hello again", "parse_data": parse}, 4),
        event("pause", {}, 5),
    ):
        fold(summary, e)
    assert summary.language == "en"
    assert summary.user_messages == 3
    assert summary.intents == " greet nlu_fallback "
    assert summary.had_fallback and summary.handed_off
    assert summary.min_confidence == 0.2
    assert summary.last_user_at == T0 + timedelta(minutes=4)
    assert summary.last_event_at == T0 + timedelta(minutes=5)
    assert summary.last_text == "Hello again"
    fold(summary, event("resume", {}, 6))
    assert not summary.handed_off


def test_fallback_action_counts_as_fallback() -> None:
    summary = new_summary("s", T0)
    fold(summary, event("action", {"name": "action_default_fallback"}))
    assert summary.had_fallback


def test_nlu_yaml_groups_by_intent_and_keeps_text_literal() -> None:
    text = nlu_yaml(
        [
            ("Mein Drucker: geht nicht", "describe_problem"),
            ("# kein Kommentar", "describe_problem"),
            ("Mein Drucker: geht nicht", "describe_problem"),
            ("zwei\nZeilen", "greet"),
        ]
    )
    data = yaml.safe_load(text)
    assert data["nlu"] == [
        {
            "intent": "describe_problem",
            "examples": "- Mein Drucker: geht nicht\n- # kein Kommentar\n",
        },
        {"intent": "greet", "examples": "- zwei Zeilen\n"},
    ]
    assert valid_intent("describe_problem") and not valid_intent("x: y") and not valid_intent("")


def test_redaction_keeps_intents_and_drops_words() -> None:
    user = {
        "event": "user",
        "text": "Ich bin Erika",
        "parse_data": {
            "text": "Ich bin Erika",
            "intent": {"name": "inform", "confidence": 0.8},
            "entities": [{"entity": "name", "value": "Erika", "start": 8}],
        },
        "metadata": {"mid": "m1"},
    }
    out = redact_event("user", user)
    assert out is not None
    assert out["text"] == REDACTED and "Erika" not in str(out)
    assert out["parse_data"]["intent"] == {"name": "inform", "confidence": 0.8}
    assert out["parse_data"]["entities"] == [{"entity": "name", "value": REDACTED}]
    slot = redact_event("slot", {"event": "slot", "name": "phone", "value": "0171"})
    assert slot == {"event": "slot", "name": "phone", "value": None}
    assert redact_event("slot", {"name": "handed_off", "value": True}) is None
    assert redact_event("action", {"name": "utter_greet"}) is None
    agent = redact_event("bot", {"text": "x", "metadata": {"agent": "a@b", "other": 1}})
    assert agent is not None and agent["metadata"] == {"agent": "a@b"}


def test_an_account_waits_after_five_failures() -> None:
    for n in range(MAX_FAILURES):
        assert delay_after(n, MAX_FAILURES, ACCOUNT_MAX_DELAY) is None
    assert delay_after(MAX_FAILURES, MAX_FAILURES, ACCOUNT_MAX_DELAY) == timedelta(seconds=1)


def test_new_staff_validation() -> None:
    assert validate_new_staff("a@b.test", "agent", "long enough pw") == {}
    errors = validate_new_staff("no-at", "boss", "short")
    assert set(errors) == {"email", "role", "password"}


def test_board_order_unassigned_then_overdue_then_nearest_deadline() -> None:
    def job(status: str, deadline_minutes: int | None) -> Job:
        deadline = (
            T0 + timedelta(minutes=deadline_minutes) if deadline_minutes is not None else None
        )
        return cast(
            Job, SimpleNamespace(status=status, contact_deadline_at=deadline, next_wave_at=None)
        )

    jobs = {
        "later": job("assigned", 90),
        "overdue": job("assigned", -5),
        "unassigned": job("unassigned", None),
        "soon": job("assigned", 10),
        "open": job("open", None),
    }
    order = sorted(jobs, key=lambda name: urgency(jobs[name], T0))
    assert order == ["unassigned", "overdue", "soon", "later", "open"]


def test_tracker_url_becomes_async() -> None:
    assert async_url("sqlite:///var/tracker.db") == "sqlite+aiosqlite:///var/tracker.db"
    assert async_url("postgresql://u:p@db:5432/rasa") == "postgresql+asyncpg://u:p@db:5432/rasa"


def test_filters_ignore_nonsense() -> None:
    filters = Filters.from_query({"since": "2026-13-01", "below": "abc", "fallback": "yes"})
    assert filters == Filters()
    assert decode_cursor("%%%") is None


def test_filter_inputs_are_checked_into_their_ranges() -> None:
    for query, bad in (
        ({"since": "0001-01-01"}, ["since"]),
        ({"until": "9999-12-31"}, ["until"]),
        ({"since": "1999-12-31", "until": "2100-01-01"}, ["since", "until"]),
        ({"below": "nan"}, ["below"]),
        ({"below": "inf"}, ["below"]),
        ({"below": "-0.1"}, ["below"]),
        ({"below": "1e999"}, ["below"]),
        ({"since": "2026-02-30", "below": "x"}, ["since", "below"]),
    ):
        assert Filters.parse(query) == (Filters(), bad), query
    good = {"since": "2000-01-01", "until": "2099-12-31", "below": "1"}
    assert Filters.parse(good) == (
        Filters(since=date(2000, 1, 1), until=date(2099, 12, 31), below=1.0),
        [],
    )
    assert Filters.parse({"since": "", "below": " "}) == (Filters(), [])


def test_cursors_not_written_by_us_are_refused() -> None:
    def cursor(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    assert decode_cursor(cursor("2026-11-20T09:00:00+00:00|s")) == (
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        "s",
    )
    for raw in (
        "0001-01-01T00:00:00+14:00|s",
        "9999-12-31T23:59:59-14:00|s",
        "2026-11-20T09:00:00|s",  # naive
        "1999-12-31T23:00:00+00:00|s",
    ):
        assert decode_cursor(cursor(raw)) is None, raw
