"""actions/notices.py: news the backend sent twice (same notice id) are recognised as told."""

from __future__ import annotations

from typing import Any

from actions.notices import is_repeated_notice


def news(notice: str | None, intent: str = "EXTERNAL_job_completed") -> dict[str, Any]:
    entities = [{"entity": "job_reference", "value": "TF-7K2Q"}]
    if notice is not None:
        entities.append({"entity": "notice_id", "value": notice})
    return {"intent": {"name": intent}, "entities": entities}


def user(parse_data: dict[str, Any]) -> dict[str, Any]:
    return {"event": "user", "text": "", "parse_data": parse_data}


def conversation(*messages: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}]
    for message in messages:
        events += [
            user(message),
            {"event": "bot", "text": "…"},
            {"event": "action", "name": "action_listen"},
        ]
    return events[:-2]  # the latest message is being answered


def test_news_told_before_is_a_repeat() -> None:
    latest = news("a1")
    assert is_repeated_notice(latest, conversation(news("a1"), news("b2"), latest))


def test_news_with_a_new_id_is_told() -> None:
    latest = news("c3")
    assert not is_repeated_notice(latest, conversation(news("a1"), news("b2"), latest))
    # The same reference and intent with another id are other news (a second completion).
    assert not is_repeated_notice(news("a2"), conversation(news("a1"), news("a2")))


def test_only_news_from_the_backend_count() -> None:
    said = {"intent": {"name": "affirm"}, "entities": [{"entity": "notice_id", "value": "a1"}]}
    assert not is_repeated_notice(said, conversation(said, said))
    # News without an id (an older backend) are always told.
    assert not is_repeated_notice(news(None), conversation(news(None), news(None)))
